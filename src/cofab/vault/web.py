"""Web plumbing the vault's API and pages share: the per-request store and streamed responses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from cofab.core.access import Actor
from cofab.core.body_limit import register_body_limit
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_, translate
from cofab.core.web import DbSession, LoginRequired, resolve_actor
from cofab.db.base import UTC
from cofab.partners.models import Partner
from cofab.vault.access import refusals_logged
from cofab.vault.documents import VaultStore, upload_limit_mb, vault_store
from cofab.vault.downloads import PreparedDownload

MSG_BAD_TIME = N_("Enter a date and time like 2026-12-31T17:00.")

# On every vault router: a refused access is logged in its own transaction after the rollback.
LOG_REFUSALS = Depends(refusals_logged, scope="function")
# Version uploads stream into the encryptor, so they may be as large as the vault allows.
register_body_limit(r"(/api/v1)?/vault/documents/[^/]+/versions", upload_limit_mb)


def store_of(request: Request) -> VaultStore:
    return vault_store(request.app.state.settings)


async def page_actor_keep_body(request: Request, session: DbSession) -> Actor:
    """Like ``core.web.page_actor`` but leaves the body unread: the upload route streams it and
    checks the CSRF token itself (``page_actor`` would spool the whole file to parse the form).
    The lookup runs in the threadpool like every database call of an async route."""
    actor = await run_in_threadpool(resolve_actor, request, session)
    if actor is None:
        raise LoginRequired()
    return actor


async def _body(prepared: PreparedDownload) -> AsyncIterator[bytes]:
    try:
        async for chunk in iterate_in_threadpool(prepared.chunks):
            yield chunk
    finally:
        await run_in_threadpool(prepared.close)


def streaming_response(prepared: PreparedDownload) -> StreamingResponse:
    return StreamingResponse(
        _body(prepared), media_type=prepared.content_type, headers=prepared.headers()
    )


# --- page helpers ---------------------------------------------------------------------------


def flash(request: Request, done: int) -> dict[str, Any]:
    return {"flash": translate(N_("Saved."), request.state.locale)} if done else {}


def local_to_utc(value: str | None, tz: str, field: str = "expires_at") -> datetime | None:
    """A ``datetime-local`` form value, read in the viewer's time zone, as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(problems=[FieldProblem(field, MSG_BAD_TIME)]) from None
    if moment.tzinfo is None:
        try:
            moment = moment.replace(tzinfo=ZoneInfo(tz))
        except (KeyError, ValueError):
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def names(
    session: Session, model: Any, ids: set[int], label: Callable[[Any], str]
) -> dict[int, str]:
    """id → display name for the rows a page mentions, in one query."""
    if not ids:
        return {}
    rows = session.execute(select(model).where(model.id.in_(ids))).scalars()
    return {row.id: label(row) for row in rows}


def partner_label(locale: str) -> Callable[[Partner], str]:
    return lambda p: p.name_ko if locale == "ko" else p.name_en
