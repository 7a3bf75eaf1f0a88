"""Liveness and readiness probes for load balancers and orchestrators.

``/healthz`` answers as long as the process serves HTTP (it touches nothing else), so a restart is
only triggered by a dead process. ``/readyz`` answers 200 only when the database is reachable and
its schema is at the migrations' heads: a process that would fail every request, or one started
before ``cofab db upgrade`` ran, gets no traffic. Both are unauthenticated and carry no data.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from cofab.core.i18n import N_, translate
from cofab.core.problems import PROBLEM_MEDIA_TYPE

router = APIRouter(tags=["health"])

MSG_DB_DOWN = N_("The database cannot be reached.")
MSG_NOT_MIGRATED = N_("The database schema is not current: run cofab db upgrade.")


@lru_cache(maxsize=1)
def expected_heads() -> frozenset[str]:
    """The migration heads shipped with this code: revisions no other revision builds on.

    Read from the migration files' literal ``revision`` / ``down_revision`` assignments rather
    than through Alembic, whose script loader would import every migration (and Alembic) into
    each server process — about 20 MiB — for one probe. A test checks it agrees with Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (resources.files("cofab.db") / "migrations" / "versions").iterdir():
        if not path.name.endswith(".py"):
            continue
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target: ast.expr | None = None
            if isinstance(node, ast.AnnAssign):
                target = node.target
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            value = getattr(node, "value", None)
            if (
                isinstance(target, ast.Name)
                and target.id in ("revision", "down_revision")
                and value is not None
            ):
                values[target.id] = ast.literal_eval(value)
        revision, down = values.get("revision"), values.get("down_revision")
        if isinstance(revision, str):
            revisions.add(revision)
            parents.update([down] if isinstance(down, str) else list(down or ()))  # type: ignore[call-overload]
    return frozenset(revisions - parents)


def database_heads(engine: Engine) -> frozenset[str]:
    """What ``alembic_version`` says (no table yet: nothing applied)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return frozenset(str(row) for row in rows)


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
