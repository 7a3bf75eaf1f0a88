"""Refuse an oversized request body before anything spools it to disk or memory.

Starlette writes multipart uploads to a temporary file while it parses them, and FastAPI
parses ``File()``/``Form()`` parameters before any dependency runs, so without this layer a
400 MB upload — even an unauthenticated one — lands in /tmp in full before the 401 or 413.
This pure ASGI middleware answers 413 from ``Content-Length`` alone, counts the bytes of a
body sent without one and stops at the limit, and answers 401 to an API upload that carries
no credentials at all before reading a byte of it.

The limit is the upload limit (``max_upload_mb``) plus room for the form's framing; routes that
stream large bodies elsewhere (the vault) register their own, larger limit at import time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cofab.config import Settings
from cofab.core.errors import PayloadTooLarge, Unauthorized
from cofab.core.problems import problem_response

FRAMING_BYTES = 1 << 20  # multipart boundaries, part headers and small form fields
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LARGER_LIMITS: list[tuple[re.Pattern[str], Callable[[Settings], int]]] = []


def register_body_limit(path_pattern: str, limit_mb: Callable[[Settings], int]) -> None:
    """Paths matching ``path_pattern`` (a full-match regex) may carry ``limit_mb(settings)``."""
    _LARGER_LIMITS.append((re.compile(path_pattern), limit_mb))


def body_limit_bytes(settings: Settings, path: str) -> int:
    for pattern, limit_mb in _LARGER_LIMITS:
        if pattern.fullmatch(path):
            return (limit_mb(settings) << 20) + FRAMING_BYTES
    return (settings.max_upload_mb << 20) + FRAMING_BYTES


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once a body without Content-Length passes its limit."""


def _credentials_missing(scope: Scope, headers: Headers) -> bool:
    """An API upload with neither a bearer token nor a signed-in session cookie."""
    if not scope["path"].startswith("/api/"):
        return False
    if not headers.get("content-type", "").startswith("multipart/form-data"):
        return False
    if headers.get("authorization"):
        return False
    session = scope.get("session") or {}
    return session.get("uid") is None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = body_limit_bytes(self.settings, scope["path"])
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, PayloadTooLarge(limit_mb=_mb(limit)))
            return
        if _credentials_missing(scope, headers):
            await self._refuse(scope, receive, send, Unauthorized())
            return
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # whatever the app made of the cut-off body, the answer is our 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not over or started:  # a failure of its own, not the cut-off body's
                raise
        if over and not started:
            await self._refuse(scope, receive, send, PayloadTooLarge(limit_mb=_mb(limit)))

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: Any) -> None:
        request = Request(scope, receive)
        response = problem_response(
            request, error.status, error.code, error.message, error.params, []
        )
        response.headers["Connection"] = "close"  # the unread body is not worth draining
        await response(scope, receive, send)


def _mb(limit_bytes: int) -> str:
    return f"{(limit_bytes - FRAMING_BYTES) / (1 << 20):g}"
