"""Sign-in, language switch, own account (tokens) and user administration pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service
from cofab.accounts.models import Role, User
from cofab.core.access import Actor, viewer_may_call
from cofab.core.errors import CofabError, Forbidden
from cofab.core.forms import FormDep
from cofab.core.i18n import SUPPORTED_LOCALES, translate
from cofab.core.security import csrf_ok
from cofab.core.web import (
    DbSession,
    check_csrf,
    error_context,
    page_actor,
    render,
    resolve_actor,
    session_id,
)
from cofab.partners.models import Partner

router = APIRouter(include_in_schema=False)
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(page_actor)]


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login form cannot be used as an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parsed = urlparse(target)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str = "/") -> Response:
    resolve_actor(request, session)
    demo = getattr(request.app.state, "demo_logins", None)
    return render(request, "login.html", {"next": _safe_next(next), "demo": demo})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    resolve_actor(request, session)
    locale = request.state.locale
    if not csrf_ok(request.app.state.secret_key, session_id(request), csrf_token):
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "email": email,
                "error": translate("The form has expired. Reload the page and try again.", locale),
            },
            status_code=403,
        )
    settings = request.app.state.settings
    try:
        user = service.authenticate(
            session,
            email=email,
            password=password,
            client=request.client.host if request.client else "",
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
        )
    except CofabError as exc:
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "email": email,
                "error": translate(exc.message, locale, **exc.params),
            },
            status_code=exc.status,
        )
    request.session.clear()
    request.session["uid"] = user.id
    request.session["epoch"] = user.session_epoch
    session_id(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    if user.locale is None and request.cookies.get("cofab_lang"):
        user.locale = request.cookies["cofab_lang"]
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: FormDep) -> Response:
    actor = resolve_actor(request, session)
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    if actor is not None:
        service.end_sessions(session, actor.user_id)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/lang")
def switch_language(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Works signed in (saved as the user's preference) and signed out (a cookie)."""
    actor = resolve_actor(request, session)
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    locale = str(form.get("locale", "en"))
    if locale not in SUPPORTED_LOCALES:
        locale = "en"
    if actor is not None:
        service.set_locale(session, actor=actor, locale=locale)
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie("cofab_lang", locale, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return render(request, "account.html", {"tokens": service.list_tokens(session, actor=actor)})


@router.post("/account/tokens", response_class=HTMLResponse)
@viewer_may_call
def create_token(
    request: Request, session: SessionDep, actor: ActorDep, name: Annotated[str, Form()] = ""
) -> Response:
    try:
        issued = service.create_token(session, actor=actor, name=name)
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "account.html",
            {
                "tokens": service.list_tokens(session, actor=actor),
            }
            | error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return render(
        request,
        "account.html",
        {"tokens": service.list_tokens(session, actor=actor), "new_token": issued.secret},
    )


@router.post("/account/tokens/{token_id}/revoke")
@viewer_may_call
def revoke_token(session: SessionDep, actor: ActorDep, token_id: int) -> Response:
    service.revoke_token(session, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    if actor.role != "admin":
        raise Forbidden()
    return render(request, "users.html", _users_ctx(session, actor))


def _users_ctx(session: Session, actor: Actor) -> dict[str, object]:
    partners = session.execute(select(Partner).order_by(Partner.name_en)).scalars().all()
    return {
        "users": service.list_users(session, actor=actor),
        "roles": [r.value for r in Role],
        "partners": {p.id: p for p in partners},
    }


@router.post("/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
    partner_id: Annotated[str, Form()] = "",
) -> Response:
    locale = request.state.locale
    try:
        service.create_user(
            session,
            actor=actor,
            email=email,
            password=password,
            display_name=display_name or email,
            role=role,
            partner_id=int(partner_id) if partner_id.isdigit() else None,
        )
    except CofabError as exc:
        session.rollback()
        ctx = (
            _users_ctx(session, actor)
            | error_context(exc, locale)
            | {
                "form": {
                    "email": email,
                    "display_name": display_name,
                    "role": role,
                    "partner_id": partner_id,
                },
            }
        )
        return render(request, "users.html", ctx, status_code=exc.status)
    return RedirectResponse("/users", status_code=303)


__all__ = ["User", "router"]
