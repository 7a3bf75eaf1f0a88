"""Refuse input no route can mean, before any route sees it: one guard for every route.

Python's json module reads ``NaN``, ``Infinity`` and ``1e309`` (infinity) as numbers, and pydantic
and JSON Schema both accept them, so a plan would solve with NaN demand. PostgreSQL cannot store
a NUL character in text, and an id of 2**31 or more cannot exist in an INTEGER column (SQLite
even fails to bind one past 2**63). Checking all of that once, as a dependency every router
inherits, keeps the rule out of ninety route signatures and names the offending field.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_

MAX_ID = 2**31 - 1
MAX_BIG_INT = 2**63 - 1
NOT_FINITE = N_("Must be a finite number.")
HAS_NUL = N_("Must not contain a NUL character.")
ID_TOO_LARGE = N_("Must be at most {le}.")
NUMBER_TOO_LARGE = N_("This number is too large.")

# cheap pre-check so ordinary bodies are parsed once (by FastAPI) and not walked
_SUSPECT_JSON = re.compile(rb"NaN|Infinity|\\u0000|\d[eE]\+?\d{3}|\d{19}")
_SCOPE_KEY = "cofab.input_problems"
INSPECT_LIMIT = 32 * 1024 * 1024


def install_input_guard(app: FastAPI) -> None:
    """Every route included after this call runs :func:`guard_request` first."""
    app.router.dependencies.append(Depends(guard_request))
    app.add_middleware(BodyInspector)


class BodyInspector:
    """Reads JSON and url-encoded bodies once on their way in and notes what is wrong with them.

    It only notes (in the ASGI scope): the route's guard dependency raises, so the answer goes
    through the usual problem handlers and the body reaches the route unchanged. Bodies past
    ``INSPECT_LIMIT`` pass uninspected (the body-size cap answers for those).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        kind = _body_kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        buffered: list[Message] = []
        size, more = 0, True
        while more and size <= INSPECT_LIMIT:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            more = bool(message.get("more_body", False))
        if not more and all(m["type"] == "http.request" for m in buffered):
            body = b"".join(m.get("body", b"") for m in buffered)
            problems = _json_problems(body) if kind == "json" else _form_problems(body)
            if problems:
                scope[_SCOPE_KEY] = problems

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)


def _body_kind(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media = value.split(b";")[0].strip().lower()
            if media.startswith(b"application/json") or media.endswith(b"+json"):
                return "json"
            if media == b"application/x-www-form-urlencoded":
                return "form"
            return None
    return None


def _form_problems(body: bytes) -> list[FieldProblem]:
    if b"%00" not in body and b"\x00" not in body:
        return []
    return [
        FieldProblem(name.replace("\x00", ""), HAS_NUL)
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        if "\x00" in value or "\x00" in name
    ]


async def guard_request(request: Request) -> None:
    problems: list[FieldProblem] = []
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    for raw in request.path_params.values():
        if isinstance(raw, str) and "\x00" in raw:
            raise NotFound()
    if dependant is not None:
        for field in _flat_params(dependant, "path_params"):
            raw = request.path_params.get(field.alias)
            if _kind(field) == "int" and _out_of_range(raw, MAX_ID):
                raise NotFound()
        for field in _flat_params(dependant, "query_params"):
            for raw in request.query_params.getlist(field.alias):
                problems.extend(_query_problems(field.alias, _kind(field), raw))
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            problems.append(FieldProblem(name.replace("\x00", ""), HAS_NUL))
    problems.extend(request.scope.get(_SCOPE_KEY, []))
    if problems:
        raise ValidationFailed(problems=_unique(problems))


def _flat_params(dependant: Any, attribute: str) -> Iterator[Any]:
    yield from getattr(dependant, attribute, [])
    for sub in getattr(dependant, "dependencies", []):
        yield from _flat_params(sub, attribute)


def _kind(field: Any) -> str:
    """'int', 'float' or '' for a parameter typed int / float (maybe in a list or Optional)."""
    annotation = getattr(getattr(field, "field_info", None), "annotation", None)
    pending = [annotation]
    while pending:
        current = pending.pop()
        if current is bool:
            return ""
        if current is int:
            return "int"
        if current is float:
            return "float"
        origin = typing.get_origin(current)
        if origin in (typing.Union, types.UnionType, list, typing.Annotated):
            args = typing.get_args(current)
            pending.extend(args[:1] if origin is typing.Annotated else args)
    return ""


def _out_of_range(raw: Any, limit: int) -> bool:
    if not isinstance(raw, str):
        return False
    try:
        return abs(int(raw.strip())) > limit
    except ValueError:
        return False


def _query_problems(name: str, kind: str, raw: str) -> list[FieldProblem]:
    if kind == "int" and _out_of_range(raw, MAX_ID):
        return [FieldProblem(name, ID_TOO_LARGE, {"le": MAX_ID})]
    if kind == "float":
        try:
            number = float(raw)
        except ValueError:
            return []
        if not math.isfinite(number):
            return [FieldProblem(name, NOT_FINITE)]
    return []


def _json_problems(body: bytes) -> list[FieldProblem]:
    if not _SUSPECT_JSON.search(body):
        return []
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return []  # FastAPI reports the malformed body itself
    problems: list[FieldProblem] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack and len(problems) < 50:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((_join(path, str(k)), v) for k, v in value.items())
            problems.extend(FieldProblem(_join(path, k), HAS_NUL) for k in value if "\x00" in k)
        elif isinstance(value, list):
            stack.extend((_join(path, str(i)), v) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(FieldProblem(path or "body", NOT_FINITE))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and abs(value) > MAX_BIG_INT:
            problems.append(FieldProblem(path or "body", NUMBER_TOO_LARGE))
        elif isinstance(value, str) and "\x00" in value:
            problems.append(FieldProblem(path or "body", HAS_NUL))
    return sorted(problems, key=lambda p: p.field)


def _join(path: str, key: str) -> str:
    key = key.replace("\x00", "")
    return f"{path}.{key}" if path else key


def _unique(problems: list[FieldProblem]) -> list[FieldProblem]:
    seen: set[tuple[str, str]] = set()
    unique: list[FieldProblem] = []
    for problem in problems:
        if (problem.field, problem.message) not in seen:
            seen.add((problem.field, problem.message))
            unique.append(problem)
    return unique
