"""Render every error as RFC 9457 problem+json on the API and as a readable page elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cofab.core.errors import CofabError, Conflict, FieldProblem, ValidationFailed
from cofab.core.i18n import N_, locale_from_accept_language, translate
from cofab.core.validation import problem_for

log = logging.getLogger("cofab")
PROBLEM_MEDIA_TYPE = "application/problem+json"
HTTP_TITLES = {
    400: N_("The request could not be processed."),
    401: N_("Please log in."),
    403: N_("You are not allowed to do this."),
    404: N_("Not found."),
    405: N_("This method is not allowed here."),
    409: N_("This conflicts with existing data."),
    413: N_("The upload is too large."),
    422: N_("Some fields are not valid."),
    429: N_("Too many requests."),
    500: N_("Something went wrong on our side."),
    503: N_("The service is busy. Try again shortly."),
}


def _locale(request: Request) -> str:
    return getattr(request.state, "locale", None) or locale_from_accept_language(
        request.headers.get("accept-language")
    )


def wants_problem_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path in ("/openapi.json",)
        or (
            "application/json" in request.headers.get("accept", "")
            and "text/html" not in request.headers.get("accept", "")
        )
    )


def problem_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    params: dict[str, Any],
    problems: list[FieldProblem],
) -> Response:
    locale = _locale(request)
    detail = translate(message, locale, **params)
    errors = [
        {"field": p.field, "message": translate(p.message, locale, **p.params)} for p in problems
    ]
    if not wants_problem_json(request):
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        from cofab.core.web import render

        return render(
            request,
            "error.html",
            {"status": status, "detail": detail, "errors": errors},
            status_code=status,
        )
    body: dict[str, Any] = {
        "type": f"https://cofab.dev/problems/{code}",
        "title": translate(HTTP_TITLES.get(status, HTTP_TITLES[400]), locale),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(CofabError)
    async def cofab_error(request: Request, exc: CofabError) -> Response:
        return problem_response(
            request, exc.status, exc.code, exc.message, exc.params, exc.problems
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [problem_for(dict(e)) for e in exc.errors()]
        return problem_response(
            request, 422, ValidationFailed.code, ValidationFailed.title, {}, problems
        )

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> Response:
        log.info("integrity error on %s: %s", request.url.path, type(exc.orig).__name__)
        return problem_response(request, 409, Conflict.code, Conflict.title, {}, [])

    @app.exception_handler(OperationalError)
    async def operational_error(request: Request, exc: OperationalError) -> Response:
        log.warning("database busy on %s", request.url.path)
        return problem_response(request, 503, "busy", HTTP_TITLES[503], {}, [])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_TITLES.get(exc.status_code, HTTP_TITLES[400])
        return problem_response(
            request, exc.status_code, f"http_{exc.status_code}", message, {}, []
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(request, 500, "internal", HTTP_TITLES[500], {}, [])
