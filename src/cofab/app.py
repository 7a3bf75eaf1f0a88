"""Build the ASGI app: API routers, page routes, static files, error rendering."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from cofab import __version__
from cofab.config import Settings, get_settings
from cofab.core.body_limit import BodyLimitMiddleware
from cofab.core.domain_parts import DomainParts
from cofab.core.problems import install_problem_handlers
from cofab.core.web import (
    add_template_package,
    build_templates,
    register_actor_loader,
    register_actor_refiner,
)
from cofab.core.wiring import ensure_wired, set_wiring
from cofab.db.session import engine_for
from cofab.domains import DOMAINS, wire

log = logging.getLogger("cofab")

# (path, label msgid, who sees it: "all" | "owner" | "admin", menu msgid or ""), filled from
# each domain's parts
NAV: list[tuple[str, str, str, str]] = []


def register_nav(path: str, label: str, audience: str = "owner", menu: str = "") -> None:
    if all(item[0] != path for item in NAV):
        NAV.append((path, label, audience, menu))


def _routers(targets: Iterable[str]) -> Iterator[APIRouter]:
    """The routers behind "module:attribute" names (an attribute holds one or a sequence)."""
    for target in targets:
        module_name, _, attribute = target.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        yield from [found] if isinstance(found, APIRouter) else found


def mount_domains(app: FastAPI, domains: Sequence[DomainParts]) -> None:
    """Every domain's templates, navigation, API routers and then page routers, in list order."""
    for parts in domains:
        if parts.templates:
            add_template_package(parts.package)
        for entry in parts.nav:
            register_nav(entry.path, entry.label, entry.audience, entry.menu)
    for router in _routers(target for parts in domains for target in parts.api):
        app.include_router(router)
    for router in _routers(target for parts in domains for target in parts.pages):
        app.include_router(router)


@asynccontextmanager
async def audit_sealer_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Each server process seals the audit entries its writers (and others) commit."""
    from cofab.core.audit_sealer import start_sealer

    sealer = start_sealer(app.state.engine, app.state.settings.data_dir)
    try:
        yield
    finally:
        await asyncio.to_thread(sealer.stop)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=audit_sealer_lifespan,
        title="cofab",
        version=__version__,
        description="Manufacturing-expansion partnerships: partners, plans, operations, quality.",
        docs_url=None,  # cofab.api_docs serves /docs from cofab's own static files
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or engine_for(settings.database_url)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.nav = NAV
    app.add_middleware(BodyLimitMiddleware, settings=settings)  # inside the session layer
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie="cofab_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    install_problem_handlers(app)
    from cofab.maintenance import health

    app.include_router(health.router)  # /healthz, /readyz: no login, no data
    from cofab import api_docs

    app.include_router(api_docs.router)  # /docs without a CDN (air-gapped sites)

    from cofab.accounts.signed_in import load_actor
    from cofab.units import service as units_service

    register_actor_loader(load_actor)  # core.web resolves who is asking through accounts
    register_actor_refiner(units_service.refine_actor)  # business units scope the session
    set_wiring(wire)  # every domain's tables, hooks and job handlers ...
    ensure_wired()  # ... registered before the first request
    mount_domains(app, DOMAINS)

    app.state.templates = build_templates()
    static_dir = resources.files("cofab") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    return app
