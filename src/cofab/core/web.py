"""Request plumbing shared by every domain: DB session, who is asking, language, CSRF, rendering."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from importlib import resources
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.core.access import Actor, refuse_read_only_writes
from cofab.core.errors import CofabError, Forbidden, Unauthorized
from cofab.core.i18n import N_, locale_from_accept_language, normalise_locale, translate
from cofab.core.labels import label_msgid
from cofab.core.security import csrf_ok, csrf_token
from cofab.db.session import begin_writing, unit_of_work

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TEMPLATE_PACKAGES = ["cofab"]


class LoginRequired(CofabError):
    status = 401
    code = "login_required"
    title = N_("Please log in.")


def db_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns, rolled back on error.

    POST/PUT/PATCH/DELETE are writers (on SQLite ``BEGIN IMMEDIATE``: they queue for the write
    lock instead of failing to upgrade a stale read); every other method reads (DEFERRED, never
    waits). A read route that writes anyway takes ``WriteSession`` (see ``writing_session``).
    """
    writes = request.method in UNSAFE_METHODS
    with unit_of_work(request.app.state.engine, write=writes) as session:
        yield session


def session_id(request: Request) -> str:
    sid = request.session.get("sid")
    if not sid:
        sid = secrets.token_urlsafe(24)
        request.session["sid"] = sid
    return str(sid)


def request_locale(request: Request, user: User | None = None) -> str:
    if user is not None and user.locale:
        return user.locale
    chosen = request.cookies.get("cofab_lang")
    if chosen:
        return normalise_locale(chosen)
    return locale_from_accept_language(request.headers.get("accept-language"))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def resolve_actor(request: Request, session: Session) -> Actor | None:
    """Bearer token first (partner systems), then the signed session cookie (people)."""
    user: User | None = None
    via_cookie = False
    token = _bearer(request)
    if token:
        user = accounts_service.user_for_token(session, token)
        if user is None:
            raise Unauthorized(N_("The API token is not valid."))
    else:
        uid = request.session.get("uid")
        if uid is not None:
            user = session.get(User, int(uid))
            if user is not None and (
                not user.is_active or request.session.get("epoch", 0) != user.session_epoch
            ):
                request.session.clear()  # signed out elsewhere, or deactivated
                user = None
            via_cookie = user is not None
    locale = request_locale(request, user)
    request.state.locale = locale
    if user is None:
        return None
    request.state.via_cookie = via_cookie
    actor = accounts_service.actor_for(user, locale)
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
        "errors": [
            {"field": p.field, "message": translate(p.message, locale, **p.params)}
            for p in exc.problems
        ],
    }


ApiActor = Annotated[Actor, Depends(api_actor)]
PageActor = Annotated[Actor, Depends(page_actor)]
