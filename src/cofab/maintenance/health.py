"""Liveness and readiness probes for load balancers and orchestrators.

``/healthz`` answers as long as the process serves HTTP (it touches nothing else), so a restart is
only triggered by a dead process. ``/readyz`` answers 200 only when the database is reachable and
its schema is at the migrations' heads: a process that would fail every request, or one started
before ``cofab db upgrade`` ran, gets no traffic. Both are unauthenticated and carry no data.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from cofab.core.i18n import N_, translate
from cofab.core.problems import PROBLEM_MEDIA_TYPE

router = APIRouter(tags=["health"])

MSG_DB_DOWN = N_("The database cannot be reached.")
MSG_NOT_MIGRATED = N_("The database schema is not current: run cofab db upgrade.")


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """The migration heads shipped with this code (read once: they change only with the code)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("cofab.db") / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_heads(engine: Engine) -> frozenset[str]:
    from cofab.db.migrate import current_heads

    return frozenset(current_heads(engine))


def _not_ready(request: Request, code: str, message: str) -> JSONResponse:
    locale = getattr(request.state, "locale", None) or (
        "ko" if request.headers.get("accept-language", "").lower().startswith("ko") else "en"
    )
    return JSONResponse(
        {
            "type": f"https://cofab.dev/problems/{code}",
            "title": translate(message, locale),
            "status": 503,
            "code": code,
        },
        status_code=503,
        media_type=PROBLEM_MEDIA_TYPE,
    )


@router.get("/healthz", summary="Process is up (no database access)")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Database reachable and migrations at head",
    responses={503: {"content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Not ready"}},
)
def readyz(request: Request) -> JSONResponse:
    try:
        found = database_heads(request.app.state.engine)
    except SQLAlchemyError:
        return _not_ready(request, "database_unreachable", MSG_DB_DOWN)
    wanted = expected_heads()
    if found != wanted:
        return _not_ready(request, "migrations_pending", MSG_NOT_MIGRATED)
    return JSONResponse({"status": "ready", "heads": sorted(found)})
