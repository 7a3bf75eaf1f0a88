"""Request plumbing shared by every domain: DB session, who is asking, language, CSRF, rendering."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from cofab.core.access import Actor, refuse_read_only_writes
from cofab.core.errors import CofabError, Forbidden, Unauthorized
from cofab.core.i18n import N_, locale_from_accept_language, normalise_locale, translate
from cofab.core.labels import label_msgid
from cofab.core.security import csrf_ok, csrf_token
from cofab.core.validation import labelled
from cofab.db.session import begin_writing, run_after, take_after_writes, unit_of_work

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TEMPLATE_PACKAGES = ["cofab"]


log = logging.getLogger("cofab.web")


class LoginRequired(CofabError):
    status = 401
    code = "login_required"
    title = N_("Please log in.")


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: committed when the route returns, rolled back on error.

    POST/PUT/PATCH/DELETE are writers (on SQLite ``BEGIN IMMEDIATE``: they queue for the write
    lock instead of failing to upgrade a stale read); every other method reads (DEFERRED, never
    waits). A read route that writes anyway takes ``WriteSession`` (see ``writing_session``).

    A request holds its connection from its first statement until its commit, across several
    trips to the threadpool (actor, route, serialising the answer, commit). Waiting for a
    connection or for SQLite's write lock inside a pool thread therefore starves the requests
    that hold them of the threads they need next, and all of them wait out their timeouts (a
    burst of 100 orders: 80 × 503 on SQLite, a hang on PostgreSQL). So both waits happen here,
    on the event loop, before the first statement: a request takes one of the pool's
    connection slots (``_request_slots``), a SQLite writer also the process's writer gate, and the
    commit runs on threads of its own (``ENDING_THREADS``).
    """
    engine: Engine = request.app.state.engine
    writes = request.method in UNSAFE_METHODS
    loop_state = _loop_state(engine)
    gate = loop_state.gate if engine.dialect.name == "sqlite" else None
    async with loop_state.slots:
        if gate is not None and writes:
            await gate.acquire()
        try:
            work = unit_of_work(engine, write=writes)
            session = work.__enter__()  # builds the session; no I/O until the first statement
            try:
                yield session
            except BaseException as exc:
                await _end(engine, work, session, exc, None if writes else gate)
                raise
            await _end(engine, work, session, None, None if writes else gate)
        finally:
            if gate is not None and writes:
                gate.release()


# Connections a pool keeps free beside the requests' own: the KPI fan-out's helpers
# (performance.kpi_fanout.MAX_HELPERS_PER_PROCESS), the audit sealer and a unit of work a
# request opens beside its own (a refused vault read is logged in one).
RESERVED_CONNECTIONS = 6
# Threads that only end units of work (commit or roll back, then the deferred writes).
ENDING_THREADS = 16


@dataclass
class _LoopState:
    """Per event loop (asyncio primitives belong to one loop) and engine."""

    slots: asyncio.Semaphore
    gate: asyncio.Lock
    endings: anyio.CapacityLimiter


_STATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _LoopState]] = (
    weakref.WeakKeyDictionary()
)


def _loop_state(engine: Engine) -> _LoopState:
    per_engine = _STATES.setdefault(asyncio.get_running_loop(), {})
    state = per_engine.get(id(engine))
    if state is None:
        state = per_engine[id(engine)] = _LoopState(
            slots=asyncio.Semaphore(_request_slots(engine)),
            gate=asyncio.Lock(),
            endings=anyio.CapacityLimiter(ENDING_THREADS),
        )
    return state


def _request_slots(engine: Engine) -> int:
    """Requests of this process that may hold a connection at once: the pool's capacity less
    the reserve. A pool that does not queue (SQLite in memory, NullPool) needs no limit."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return 1_000_000
    overflow = max(0, getattr(pool, "_max_overflow", 0))
    slots = max(1, pool.size() + overflow - RESERVED_CONNECTIONS)
    return min(slots, active_requests())


# Requests of one process that run at once; the rest wait on the event loop, holding nothing.
# Each running request is a thread competing for the GIL: with 40 of them a 2-core box spent
# about a quarter more CPU per request than with 6 (tools of issue 11, /proc CPU accounting
# under bench/load.py's mix), so more running requests bought no throughput, only switching.
ACTIVE_REQUESTS_PER_CORE = 4


def active_requests() -> int:
    """``COFAB_ACTIVE_REQUESTS`` overrides; a slow request (an import, an export) keeps its
    slot, so a deployment serving many at once raises it."""
    default = max(8, ACTIVE_REQUESTS_PER_CORE * (os.cpu_count() or 2))
    raw = os.environ.get("COFAB_ACTIVE_REQUESTS", "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        # read per event loop, after start-up: a typo must not turn every request into a 500
        log.warning("COFAB_ACTIVE_REQUESTS=%r is not a whole number ≥ 1; using %d", raw, default)
        return default
    return int(raw)


async def _end(
    engine: Engine,
    work: AbstractContextManager[Session],
    session: Session,
    exc: BaseException | None,
    gate: asyncio.Lock | None,
) -> None:
    """End the unit of work, then run its deferred writes (a read's audit entry, a token's
    use) — behind the writer gate on SQLite when the request itself was a reader."""
    limiter = _loop_state(engine).endings
    after = take_after_writes(session)
    args = (type(exc), exc, exc.__traceback__) if exc is not None else (None, None, None)
    await anyio.to_thread.run_sync(work.__exit__, *args, limiter=limiter)
    if not after:
        return
    if gate is not None and gate.locked():
        # A long writer (a big import) holds the gate: a best-effort write (a token's last
        # use) is dropped rather than keep this reader's answer waiting; the next use records
        # it. A required one (a read's audit entry) waits.
        after = [(write, required) for write, required in after if required]
        if not after:
            return
    if gate is None:
        await anyio.to_thread.run_sync(run_after, engine, after, limiter=limiter)
        return
    async with gate:
        await anyio.to_thread.run_sync(run_after, engine, after, limiter=limiter)


def session_id(request: Request) -> str:
    sid = request.session.get("sid")
    if not sid:
        sid = secrets.token_urlsafe(24)
        request.session["sid"] = sid
    return str(sid)


def request_locale(request: Request) -> str:
    """The language the request asks for (cookie, then Accept-Language); a signed-in user's
    own setting wins over it (``Actor.locale``)."""
    chosen = request.cookies.get("cofab_lang")
    if chosen:
        return normalise_locale(chosen)
    return locale_from_accept_language(request.headers.get("accept-language"))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class Presented:
    """What a request presents about who is asking, read from the request by core."""

    token: str | None  # a Bearer API token (partner systems)
    user_id: int | None  # the signed session cookie's user (people)
    session_epoch: int  # the cookie's sign-out epoch: it must match the user's
    locale: str  # the language the request asks for, for a user who has chosen none


class ActorLoader(Protocol):
    """Turns what a request presents into an actor; the accounts domain implements it.

    A token that names no active user raises ``Unauthorized``. A cookie that names no active
    user of this epoch (signed out elsewhere, deactivated) gives ``None`` and is forgotten.
    """

    def __call__(self, session: Session, presented: Presented) -> Actor | None: ...


_actor_loader: list[ActorLoader] = []


def register_actor_loader(loader: ActorLoader) -> None:
    """Set at start-up by the composition root, so core never imports the users' domain."""
    _actor_loader[:] = [loader]


class ActorRefiner(Protocol):
    """Adds what a domain knows about an actor (its business units) once the actor is known."""

    def __call__(self, session: Session, actor: Actor, request: Request) -> Actor: ...


_actor_refiners: list[ActorRefiner] = []


def register_actor_refiner(refiner: ActorRefiner) -> None:
    if refiner not in _actor_refiners:
        _actor_refiners.append(refiner)


def resolve_actor(request: Request, session: Session) -> Actor | None:
    """Bearer token first (partner systems), then the signed session cookie (people)."""
    token = _bearer(request)
    uid = None if token else request.session.get("uid")
    actor: Actor | None = None
    if token or uid is not None:
        if not _actor_loader:
            raise RuntimeError("no actor loader registered (core.web.register_actor_loader)")
        presented = Presented(
            token=token,
            user_id=None if uid is None else int(uid),
            session_epoch=int(request.session.get("epoch", 0)),
            locale=request_locale(request),
        )
        actor = _actor_loader[0](session, presented)
        if actor is None and uid is not None:
            request.session.clear()  # signed out elsewhere, or deactivated
    if actor is None:
        request.state.locale = request_locale(request)
        return None
    for refine in _actor_refiners:
        actor = refine(session, actor, request)
    request.state.locale = actor.locale
    request.state.via_cookie = token is None
    request.state.actor = actor
    return actor


def check_csrf(request: Request, form_token: str | None = None) -> None:
    if request.method not in UNSAFE_METHODS or not getattr(request.state, "via_cookie", False):
        return
    presented = request.headers.get("x-csrf-token") or form_token
    if not csrf_ok(request.app.state.secret_key, session_id(request), presented):
        raise Forbidden(N_("The form has expired. Reload the page and try again."))


# scope="function": commit before the response is sent, so a client that gets 2xx and asks
# again at once always sees its own write.
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def writing_session(session: DbSession) -> Session:
    """The request's unit of work, declared a writer: for GET routes that write (an audited read).

    A declaration rather than a retry: a retry would run the route twice (two audit entries,
    two responses' worth of work) and could still lose to the next writer. The declaration
    may come after the actor was read (``begin_writing`` ends that read-only transaction), so
    the order of a route's parameters does not matter.
    """
    begin_writing(session)
    return session


WriteSession = Annotated[Session, Depends(writing_session)]


async def api_actor(request: Request, session: DbSession) -> Actor:
    # Database work off the event loop: a blocked loop stalls every request in the process.
    actor = await run_in_threadpool(resolve_actor, request, session)
    if actor is None:
        raise Unauthorized()
    refuse_read_only_writes(actor, request.method, request.scope.get("endpoint"))
    check_csrf(request)
    return actor


async def page_actor(request: Request, session: DbSession) -> Actor:
    # Database work off the event loop: a blocked loop stalls every request in the process.
    actor = await run_in_threadpool(resolve_actor, request, session)
    if actor is None:
        raise LoginRequired()
    refuse_read_only_writes(actor, request.method, request.scope.get("endpoint"))
    form_token = None
    if request.method in UNSAFE_METHODS and not request.headers.get("x-csrf-token"):
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            raw = form.get("csrf_token")
            form_token = raw if isinstance(raw, str) else None
    check_csrf(request, form_token)
    return actor


def build_templates() -> Jinja2Templates:
    loaders = [
        PackageLoader(pkg, "templates")
        for pkg in TEMPLATE_PACKAGES
        if (resources.files(pkg) / "templates").is_dir()
    ]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def add_template_package(package: str) -> None:
    if package not in TEMPLATE_PACKAGES:
        TEMPLATE_PACKAGES.append(package)


def local_time(value: Any, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    try:
        return str(value.astimezone(ZoneInfo(tz)).strftime(fmt))
    except (ValueError, KeyError):
        return str(value.strftime(fmt))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    locale = getattr(request.state, "locale", None) or request_locale(request)
    actor: Actor | None = getattr(request.state, "actor", None)
    tz = actor.timezone if actor else "UTC"

    def _(message: str, **params: Any) -> str:
        return translate(message, locale, **params)

    ctx: dict[str, Any] = {
        "request": request,
        "_": _,
        "locale": locale,
        "actor": actor,
        "csrf_token": csrf_token(request.app.state.secret_key, session_id(request)),
        "localtime": lambda v, fmt="%Y-%m-%d %H:%M": local_time(v, tz, fmt),
        "nav": request.app.state.nav,
        "L": lambda code: translate(label_msgid(str(code)), locale),
    }
    ctx.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def error_context(exc: CofabError, locale: str) -> dict[str, Any]:
    """The page-side rendering of an error: a headline plus one line per field."""
    return {
        "error": translate(exc.message, locale, **exc.params),
        "errors": labelled(exc.problems, locale),
    }


ApiActor = Annotated[Actor, Depends(api_actor)]
PageActor = Annotated[Actor, Depends(page_actor)]
