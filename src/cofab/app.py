"""Build the ASGI app: API routers, page routes, static files, error rendering."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from cofab import __version__
from cofab.config import Settings, get_settings
from cofab.core.body_limit import BodyLimitMiddleware
from cofab.core.i18n import N_
from cofab.core.problems import install_problem_handlers
from cofab.core.web import (
    add_template_package,
    build_templates,
    register_actor_loader,
    register_actor_refiner,
)
from cofab.core.wiring import ensure_wired, set_wiring
from cofab.db.session import engine_for
from cofab.domains import wire

log = logging.getLogger("cofab")

# (path, label msgid, who sees it: "all" | "owner" | "admin")
NAV: list[tuple[str, str, str]] = [
    ("/", N_("Dashboard"), "all"),
    ("/partners", N_("Partners"), "all"),
    ("/certifications", N_("Certificates"), "all"),
]


def register_nav(path: str, label: str, audience: str = "owner") -> None:
    if all(item[0] != path for item in NAV):
        NAV.append((path, label, audience))


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

    from cofab.accounts import api as accounts_api
    from cofab.accounts import pages as accounts_pages
    from cofab.accounts.signed_in import load_actor
    from cofab.auditlog import api as audit_api
    from cofab.auditlog import pages as audit_pages
    from cofab.jobs import api as jobs_api
    from cofab.jobs import pages as jobs_pages
    from cofab.partners import api as partners_api
    from cofab.partners import pages as partners_pages
    from cofab.units import api as units_api
    from cofab.units import pages as units_pages
    from cofab.units import service as units_service

    register_actor_loader(load_actor)  # core.web resolves who is asking through accounts
    register_actor_refiner(units_service.refine_actor)  # business units scope the session
    set_wiring(wire)  # every domain's tables, hooks and job handlers ...
    ensure_wired()  # ... registered before the first request
    for package in (
        "cofab.partners",
        "cofab.accounts",
        "cofab.auditlog",
        "cofab.jobs",
        "cofab.units",
    ):
        add_template_package(package)
    for router in (
        accounts_api.router,
        partners_api.router,
        audit_api.router,
        jobs_api.router,
        units_api.router,
    ):
        app.include_router(router)
    for router in (
        accounts_pages.router,
        partners_pages.router,
        audit_pages.router,
        jobs_pages.router,
        units_pages.router,
    ):
        app.include_router(router)

    # --- domain routers (one block per domain) ---------------------------------------------
    # operations: orders, progress, shipments, inventory, KPIs, scorecards, reviews
    from cofab.operations import api as operations_api
    from cofab.operations import pages as operations_pages

    add_template_package("cofab.operations")
    for router in (*operations_api.routers, *operations_pages.routers):
        app.include_router(router)
    register_nav("/operations", N_("Operations"), "all")
    register_nav("/kpis", N_("KPIs"), "all")
    register_nav("/scorecards", N_("Scorecards"), "all")
    # end operations
    # selection: templates, evaluations, results, due diligence, qualification gate
    from cofab.selection import api as selection_api
    from cofab.selection import pages as selection_pages

    add_template_package("cofab.selection")
    app.include_router(selection_api.router)
    app.include_router(selection_pages.router)
    register_nav("/selection", N_("Selection"), "owner")
    # end selection
    # contracts: agreements, versions, RACI, penalties, clause library
    from cofab.contracts import api as contracts_api
    from cofab.contracts import pages as contracts_pages

    add_template_package("cofab.contracts")
    app.include_router(contracts_api.router)
    app.include_router(contracts_pages.router)
    register_nav("/contracts", N_("Contracts"), "all")
    # end contracts
    # vault: encrypted documents, sharing, access reports, exit reports
    from cofab.vault import api as vault_api
    from cofab.vault import pages as vault_pages

    add_template_package("cofab.vault")
    app.include_router(vault_api.router)
    app.include_router(vault_pages.router)
    register_nav("/vault", N_("Documents"), "all")
    # end vault
    # planning: scenarios, background solves and simulations, what-ifs, compare, make-or-buy
    from cofab.planning import api as planning_api
    from cofab.planning import pages as planning_pages

    add_template_package("cofab.planning")
    app.include_router(planning_api.router)
    app.include_router(planning_pages.router)
    register_nav("/planning", N_("Planning"), "owner")
    # end planning
    # --- end of domain routers -------------------------------------------------------------

    app.state.templates = build_templates()
    static_dir = resources.files("cofab") / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    register_nav("/audit", N_("Audit log"), "admin")
    register_nav("/users", N_("Users"), "admin")
    register_nav("/units", N_("Business units"), "admin")
    return app
