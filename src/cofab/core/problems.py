"""Render every error as RFC 9457 problem+json on the API and as a readable page elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from cofab.core.errors import CofabError, Conflict, FieldProblem, ValidationFailed
from cofab.core.i18n import N_, locale_from_accept_language, translate
from cofab.core.input_guard import install_input_guard
from cofab.core.openapi_problems import install_problem_openapi
from cofab.core.validation import field_label, labelled, problem_for, unique

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
VALUE_OUT_OF_RANGE = N_("A value is out of range or cannot be stored.")
RETRY_AFTER_S = "2"
# SQLSTATEs that mean "try again": lock wait, deadlock, serialization, statement timeout,
# server shutting down; class 08 is a lost or refused connection
_TRANSIENT_SQLSTATES = {"55P03", "40P01", "40001", "57014", "57P01", "57P02", "57P03", "53300"}
_TRANSIENT_SQLITE = ("database is locked", "database table is locked", "unable to open database")


def database_cause(exc: BaseException) -> str:
    """The driver's error class and SQLSTATE, for the log: never the SQL or its parameters."""
    orig = getattr(exc, "orig", None) or exc
    sqlstate = (
        getattr(orig, "sqlstate", None)
        or getattr(orig, "pgcode", None)
        or getattr(orig, "sqlite_errorname", None)  # SQLITE_BUSY, SQLITE_TOOBIG, …
    )
    name = f"{type(orig).__module__}.{type(orig).__name__}"
    return f"{name} [{sqlstate}]" if sqlstate else name


def is_transient(exc: OperationalError) -> bool:
    """A lock, timeout or connection problem that goes away on retry (answered 503)."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    if sqlstate:
        return sqlstate in _TRANSIENT_SQLSTATES or sqlstate.startswith("08")
    if getattr(orig, "sqlite_errorname", None) in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return True
    text = str(orig).lower()
    return any(marker in text for marker in _TRANSIENT_SQLITE)


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
    problems = unique(problems)
    if not wants_problem_json(request):
        # people read labels; the machine path stays in the JSON body for API clients
        errors = labelled(problems, locale)
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        from cofab.core.web import render

        return render(
            request,
            "error.html",
            {"status": status, "detail": detail, "errors": errors},
            status_code=status,
        )
    errors = [
        {
            "field": p.field,
            "label": field_label(p.field, locale),
            "message": translate(p.message, locale, **p.params),
        }
        for p in problems
    ]
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
    if status == 503:
        headers = {"Retry-After": RETRY_AFTER_S}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    install_input_guard(app)
    install_problem_openapi(app)

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
        if is_transient(exc):
            log.warning("database busy on %s: %s", request.url.path, database_cause(exc))
            return problem_response(request, 503, "busy", HTTP_TITLES[503], {}, [])
        log.error("database error on %s: %s", request.url.path, database_cause(exc))
        return problem_response(request, 500, "internal", HTTP_TITLES[500], {}, [])

    @app.exception_handler(PoolTimeout)
    async def pool_timeout(request: Request, exc: PoolTimeout) -> Response:
        log.warning("no free database connection on %s", request.url.path)
        return problem_response(request, 503, "busy", HTTP_TITLES[503], {}, [])

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> Response:
        # the input guard stops what it can name; this is the database refusing a value
        log.info("data error on %s: %s", request.url.path, database_cause(exc))
        return problem_response(request, 422, ValidationFailed.code, VALUE_OUT_OF_RANGE, {}, [])

    @app.exception_handler(OverflowError)
    async def overflow_error(request: Request, exc: OverflowError) -> Response:
        log.info("number overflow on %s", request.url.path)
        return problem_response(request, 422, ValidationFailed.code, VALUE_OUT_OF_RANGE, {}, [])

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
