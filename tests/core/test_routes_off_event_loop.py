"""No route does database work on the event loop.

A route declared ``async def`` runs on the event loop; if it waits on a database lock, the
request holding that lock can never commit (its commit is scheduled from the same loop) and the
whole server freezes. So every endpoint and every dependency is a plain ``def`` (FastAPI runs
it in the threadpool) unless it is on the short list below, each entry with its reason, and
each of those sends its database calls through the threadpool itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

# endpoint "module.function" → why it must be async
ASYNC_ENDPOINTS = {
    "cofab.vault.api.upload_version": "streams the raw body into the encryptor",
    "cofab.vault.pages.version_upload": "streams the multipart body into the encryptor",
}
# dependency "module.function" → why it must be async
ASYNC_DEPENDENCIES = {
    "cofab.core.forms.form_data": "awaits request.form(); touches no database",
    "cofab.core.web.db_session": "builds the session (no I/O); commits on threads of its own",
    "cofab.core.web.api_actor": "resolves the actor via run_in_threadpool",
    "cofab.core.web.page_actor": "resolves via run_in_threadpool, awaits the form for CSRF",
    "cofab.vault.web.page_actor_keep_body": "resolves via run_in_threadpool, body left unread",
    "cofab.contracts.api._terms_pairs_checked": "awaits request.json(); touches no database",
}


def _name(call: Callable[..., Any]) -> str:
    return f"{call.__module__}.{call.__qualname__}"


def _is_async(call: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependencies(sub)


def _flatten(routes: list[Any]) -> Iterator[Any]:
    """FastAPI may keep an included router as one entry: open it up."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flatten(list(inner.routes))
        else:
            yield route


def _api_routes(app: Any) -> list[APIRoute]:
    return [r for r in _flatten(list(app.routes)) if isinstance(r, APIRoute)]


def test_every_route_endpoint_is_sync_unless_it_streams(app: Any) -> None:
    routes = _api_routes(app)
    assert len(routes) > 100  # the sweep saw the whole app
    offenders = sorted(
        f"{sorted(r.methods)} {r.path} → {_name(r.endpoint)}"
        for r in routes
        if _is_async(r.endpoint) and _name(r.endpoint) not in ASYNC_ENDPOINTS
    )
    assert offenders == [], "async endpoints would run database work on the event loop"


def test_every_async_dependency_is_on_the_reviewed_list(app: Any) -> None:
    offenders = sorted(
        {
            _name(call)
            for route in _api_routes(app)
            for call in _dependencies(route.dependant)
            if _is_async(call) and _name(call) not in ASYNC_DEPENDENCIES
        }
    )
    assert offenders == []


def test_the_allow_lists_name_real_async_functions(app: Any) -> None:
    """A stale entry would silently allow a future async route of the same name."""
    endpoints = {_name(r.endpoint) for r in _api_routes(app) if _is_async(r.endpoint)}
    deps = {_name(c) for r in _api_routes(app) for c in _dependencies(r.dependant) if _is_async(c)}
    assert endpoints == set(ASYNC_ENDPOINTS)
    assert deps == set(ASYNC_DEPENDENCIES)
