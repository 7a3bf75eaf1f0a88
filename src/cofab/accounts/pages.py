"""Sign-in, language switch, own account (tokens) and user administration pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service, user_admin
from cofab.accounts.api import issue_and_send
from cofab.accounts.models import Role, User
from cofab.core.access import Actor, viewer_may_call
from cofab.core.errors import CofabError, FieldProblem, Forbidden, ValidationFailed
from cofab.core.forms import FormDep
from cofab.core.i18n import N_, SUPPORTED_LOCALES, translate
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
from cofab.units import service as units_service

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


@router.post("/account/password", response_class=HTMLResponse)
@viewer_may_call
def change_password(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_confirm: Annotated[str, Form()] = "",
) -> Response:
    """Every other session of the user ends; this one goes on with the new epoch."""
    locale = request.state.locale
    settings = request.app.state.settings
    try:
        if new_password != new_password_confirm:
            raise ValidationFailed(
                problems=[
                    FieldProblem("new_password_confirm", N_("Does not match the new password."))
                ]
            )
        user = user_admin.change_own_password(
            session,
            actor=actor,
            current_password=current_password,
            new_password=new_password,
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
        )
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "account.html",
            {"tokens": service.list_tokens(session, actor=actor)} | page_errors(exc, locale),
            status_code=exc.status,
        )
    request.session["epoch"] = user.session_epoch
    return render(
        request,
        "account.html",
        {
            "tokens": service.list_tokens(session, actor=actor),
            "flash": translate(
                N_("Your password was changed; your other sessions have ended."), locale
            ),
        },
    )


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
    return render(request, "users.html", _users_ctx(request, session, actor))


def _users_ctx(request: Request, session: Session, actor: Actor) -> dict[str, object]:
    partners = session.execute(select(Partner).order_by(Partner.name_en)).scalars().all()
    settings = request.app.state.settings
    return {
        "users": user_admin.list_users(session, actor=actor),
        "roles": [r.value for r in Role],
        "partners": {p.id: p for p in partners},
        "locked": user_admin.locked_emails(
            session,
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
        ),
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
            _users_ctx(request, session, actor)
            | page_errors(exc, locale)
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


# --- user administration (admins) -----------------------------------------------------------

FIELD_LABELS = {
    "email": N_("E-mail"),
    "display_name": N_("Name"),
    "password": N_("Password"),
    "role": N_("Role"),
    "partner_id": N_("Partner company"),
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "new_password_confirm": N_("Repeat the new password"),
    "unit_ids": N_("Business units"),
}
DONE_MESSAGES = {
    "role": N_("Role saved."),
    "units": N_("Business units saved."),
    "deactivated": N_("Account deactivated: its sessions and API tokens have ended."),
    "activated": N_("Account reactivated. Its old API tokens stay revoked."),
    "unlocked": N_("Account unlocked: {count} failed sign-ins cleared."),
}


def page_errors(exc: CofabError, locale: str) -> dict[str, object]:
    """``error_context`` with each field named by the label its form shows, in the user's
    language (the labels of these forms, e.g. "Partner company", win over generic ones)."""
    ctx = error_context(exc, locale)
    ctx["errors"] = [
        {
            "field": translate(FIELD_LABELS[p.field], locale)
            if p.field in FIELD_LABELS
            else p.field,
            "message": translate(p.message, locale, **p.params),
        }
        for p in exc.problems
    ]
    return ctx


def _user_ctx(request: Request, session: Session, actor: Actor, user_id: int) -> dict[str, object]:
    user = user_admin.get_user(session, actor=actor, user_id=user_id)
    settings = request.app.state.settings
    partners = session.execute(select(Partner).order_by(Partner.name_en)).scalars().all()
    return {
        "user": user,
        "roles": [r.value for r in Role],
        "partners": {p.id: p for p in partners},
        "is_locked": user_admin.is_locked(
            session,
            user.email,
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
        ),
        "mail_configured": bool(settings.smtp_host),
        "units": units_service.list_units(session, active_only=True),
        "user_unit_ids": set(units_service.units_of_user(session, user.id)),
    }


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_detail(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user_id: int,
    done: str = "",
    count: int = 0,
) -> Response:
    ctx = _user_ctx(request, session, actor, user_id)
    if done in DONE_MESSAGES:
        ctx["flash"] = translate(DONE_MESSAGES[done], request.state.locale, count=count)
    return render(request, "user.html", ctx)


def _user_action_failed(
    request: Request, session: Session, actor: Actor, user_id: int, exc: CofabError
) -> Response:
    session.rollback()
    ctx = _user_ctx(request, session, actor, user_id) | page_errors(exc, request.state.locale)
    return render(request, "user.html", ctx, status_code=exc.status)


@router.post("/users/{user_id}/role", response_class=HTMLResponse)
def user_role(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user_id: int,
    role: Annotated[str, Form()] = "",
    partner_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        user_admin.change_role(
            session,
            actor=actor,
            user_id=user_id,
            role=role,
            partner_id=int(partner_id) if partner_id.isdigit() and len(partner_id) < 10 else None,
        )
    except CofabError as exc:
        return _user_action_failed(request, session, actor, user_id, exc)
    return RedirectResponse(f"/users/{user_id}?done=role", status_code=303)


@router.post("/users/{user_id}/units", response_class=HTMLResponse)
def user_units(
    request: Request, session: SessionDep, actor: ActorDep, user_id: int, form: FormDep
) -> Response:
    """Which business units the user works in; "all units" is the group scope."""
    picked = [str(v) for v in form.getlist("unit_ids")]
    unit_ids = [int(v) for v in picked if v.isdigit() and len(v) < 10]
    try:
        user_admin.get_user(session, actor=actor, user_id=user_id)
        units_service.set_user_units(
            session,
            actor,
            user_id=user_id,
            unit_ids=unit_ids,
            all_units=form.get("all_units") == "on",
        )
    except CofabError as exc:
        return _user_action_failed(request, session, actor, user_id, exc)
    return RedirectResponse(f"/users/{user_id}?done=units", status_code=303)


def _user_action(
    request: Request,
    session: Session,
    actor: Actor,
    user_id: int,
    change: Callable[..., Any],
    done: str,
) -> Response:
    """``change`` the user, then back to its page saying ``done`` (``{result}``: what the change
    answered); a refusal shows the user page again with the reason."""
    try:
        result = change(session, actor=actor, user_id=user_id)
    except CofabError as exc:
        return _user_action_failed(request, session, actor, user_id, exc)
    return RedirectResponse(f"/users/{user_id}?done={done.format(result=result)}", status_code=303)


@router.post("/users/{user_id}/deactivate", response_class=HTMLResponse)
def user_deactivate(
    request: Request, session: SessionDep, actor: ActorDep, user_id: int
) -> Response:
    return _user_action(request, session, actor, user_id, user_admin.deactivate, "deactivated")


@router.post("/users/{user_id}/activate", response_class=HTMLResponse)
def user_activate(request: Request, session: SessionDep, actor: ActorDep, user_id: int) -> Response:
    return _user_action(request, session, actor, user_id, user_admin.activate, "activated")


@router.post("/users/{user_id}/unlock", response_class=HTMLResponse)
def user_unlock(request: Request, session: SessionDep, actor: ActorDep, user_id: int) -> Response:
    return _user_action(
        request, session, actor, user_id, user_admin.unlock, "unlocked&count={result}"
    )


@router.post("/users/{user_id}/reset-link", response_class=HTMLResponse)
def user_reset_link(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    user_id: int,
    show_link: Annotated[str, Form()] = "",
) -> Response:
    """The link is shown here once (or e-mailed by a job); it is not kept anywhere readable."""
    try:
        issued = issue_and_send(request, session, actor, user_id, show_link=bool(show_link))
    except CofabError as exc:
        return _user_action_failed(request, session, actor, user_id, exc)
    ctx = _user_ctx(request, session, actor, user_id) | {"reset": issued}
    return render(request, "user.html", ctx)


# --- redeeming a reset link (no sign-in: the link is the credential) --------------------------


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, token: str) -> Response:
    resolve_actor(request, session)
    user = user_admin.reset_target(session, token)
    status = 200 if user is not None else 404
    return render(
        request,
        "password_reset.html",
        {"target": user, "token": token},
        status_code=status,
    )


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset_submit(
    request: Request,
    session: SessionDep,
    token: str,
    new_password: Annotated[str, Form()] = "",
    new_password_confirm: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    resolve_actor(request, session)
    locale = request.state.locale
    if not csrf_ok(request.app.state.secret_key, session_id(request), csrf_token):
        raise Forbidden(N_("The form has expired. Reload the page and try again."))
    try:
        if new_password != new_password_confirm:
            raise ValidationFailed(
                problems=[
                    FieldProblem("new_password_confirm", N_("Does not match the new password."))
                ]
            )
        user_admin.redeem_reset(session, secret=token, new_password=new_password)
    except CofabError as exc:
        session.rollback()
        ctx = {"target": user_admin.reset_target(session, token), "token": token}
        return render(
            request, "password_reset.html", ctx | page_errors(exc, locale), status_code=exc.status
        )
    request.session.clear()
    return render(request, "password_reset.html", {"target": None, "done": True})


__all__ = ["User", "router"]
