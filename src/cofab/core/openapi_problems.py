"""Tell API clients, in the OpenAPI document, which problem+json answers every route can give.

FastAPI documents only the success answer and its own 422. The routes share one error story
(core/problems), so the schema and the 4xx/5xx answers are added to every /api operation in one
place instead of a ``responses=`` on each of ninety routes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `errors` names each field that is not valid.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
ANSWERS = {
    "400": "The request could not be processed.",
    "401": "Missing or invalid credentials.",
    "403": "The caller's role or partner may not do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "Conflicts with existing data or the record's state.",
    "413": "The body or upload is too large.",
    "422": "Some fields are not valid; `errors` names them.",
    "503": "The database is busy; retry after `Retry-After` seconds.",
}
_REF = {"$ref": "#/components/schemas/Problem"}


def install_problem_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            add_problem_answers(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_problem_answers(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ANSWERS.items():
                answer = responses.setdefault(status, {"description": description})
                answer["content"] = {"application/problem+json": {"schema": _REF}}
