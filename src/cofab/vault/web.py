"""Web plumbing the vault's API and pages share: the per-request store and streamed responses."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from cofab.core.access import Actor
from cofab.core.web import DbSession, LoginRequired, resolve_actor
from cofab.vault.access import refusals_logged
from cofab.vault.documents import VaultStore, vault_store
from cofab.vault.downloads import PreparedDownload

# On every vault router: a refused access is logged in its own transaction after the rollback.
LOG_REFUSALS = Depends(refusals_logged, scope="function")


def store_of(request: Request) -> VaultStore:
    return vault_store(request.app.state.settings)


async def page_actor_keep_body(request: Request, session: DbSession) -> Actor:
    """Like ``core.web.page_actor`` but leaves the body unread: the upload route streams it and
    checks the CSRF token itself (``page_actor`` would spool the whole file to parse the form)."""
    actor = resolve_actor(request, session)
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
