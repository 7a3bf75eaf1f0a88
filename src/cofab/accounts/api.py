"""Who am I, my language, my API tokens; user administration for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from cofab.accounts import schemas, service, user_admin
from cofab.accounts.models import User
from cofab.accounts.reset_mail import mail_configured, queue_reset_mail
from cofab.core.access import Actor, viewer_may_call
from cofab.core.web import DbSession, api_actor

router = APIRouter(prefix="/api/v1", tags=["accounts"])
SessionDep = DbSession
ActorDep = Annotated[Actor, Depends(api_actor)]


@router.get("/me", response_model=schemas.UserRead)
def me(session: SessionDep, actor: ActorDep) -> Any:
    return session.get(User, actor.user_id)


@router.put("/me/locale", status_code=204)
@viewer_may_call
def set_locale(session: SessionDep, actor: ActorDep, body: schemas.LocaleChange) -> Response:
    service.set_locale(session, actor=actor, locale=body.locale)
    return Response(status_code=204)


@router.put("/me/password", status_code=204)
@viewer_may_call
def change_password(
    request: Request, session: SessionDep, actor: ActorDep, body: schemas.PasswordChange
) -> Response:
    """Needs the current password; every session of the user ends (tokens keep working)."""
    settings = request.app.state.settings
    user_admin.change_own_password(
        session,
        actor=actor,
        current_password=body.current_password,
        new_password=body.new_password,
        max_failures=settings.login_max_failures,
        lock_minutes=settings.login_lock_minutes,
    )
    return Response(status_code=204)


@router.get("/me/tokens", response_model=list[schemas.TokenRead])
def list_tokens(session: SessionDep, actor: ActorDep) -> Any:
    return service.list_tokens(session, actor=actor)


@router.post("/me/tokens", response_model=schemas.TokenIssued, status_code=201)
@viewer_may_call
def create_token(session: SessionDep, actor: ActorDep, body: schemas.TokenCreate) -> Any:
    issued = service.create_token(session, actor=actor, name=body.name)
    return schemas.TokenIssued.model_validate(
        schemas.TokenRead.model_validate(issued.token).model_dump() | {"token": issued.secret}
    )


@router.delete("/me/tokens/{token_id}", status_code=204)
@viewer_may_call
def revoke_token(session: SessionDep, actor: ActorDep, token_id: int) -> Response:
    service.revoke_token(session, actor=actor, token_id=token_id)
    return Response(status_code=204)


@router.get("/users", response_model=list[schemas.UserRead])
def list_users(session: SessionDep, actor: ActorDep) -> Any:
    return user_admin.list_users(session, actor=actor)


@router.post("/users", response_model=schemas.UserRead, status_code=201)
def create_user(session: SessionDep, actor: ActorDep, body: schemas.UserCreate) -> Any:
    return service.create_user(
        session,
        actor=actor,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        role=body.role,
        partner_id=body.partner_id,
        locale=body.locale,
    )


@router.get("/users/{user_id}", response_model=schemas.UserRead)
def get_user(session: SessionDep, actor: ActorDep, user_id: int) -> Any:
    return user_admin.get_user(session, actor=actor, user_id=user_id)


@router.put("/users/{user_id}/role", response_model=schemas.UserRead)
def change_role(
    session: SessionDep, actor: ActorDep, user_id: int, body: schemas.RoleChange
) -> Any:
    return user_admin.change_role(
        session, actor=actor, user_id=user_id, role=body.role, partner_id=body.partner_id
    )


@router.post("/users/{user_id}/deactivate", response_model=schemas.UserRead)
def deactivate(session: SessionDep, actor: ActorDep, user_id: int) -> Any:
    """Ends the user's sessions and revokes their API tokens at once."""
    return user_admin.deactivate(session, actor=actor, user_id=user_id)


@router.post("/users/{user_id}/activate", response_model=schemas.UserRead)
def activate(session: SessionDep, actor: ActorDep, user_id: int) -> Any:
    return user_admin.activate(session, actor=actor, user_id=user_id)


@router.post("/users/{user_id}/unlock", response_model=schemas.UnlockResult)
def unlock(session: SessionDep, actor: ActorDep, user_id: int) -> Any:
    """Clears the failed sign-ins that lock the account (5 within 15 minutes by default)."""
    cleared = user_admin.unlock(session, actor=actor, user_id=user_id)
    return schemas.UnlockResult(user_id=user_id, failures_cleared=cleared)


@router.post("/users/{user_id}/password-reset", response_model=schemas.ResetIssued, status_code=201)
def issue_password_reset(
    request: Request, session: SessionDep, actor: ActorDep, user_id: int, show_link: bool = False
) -> Any:
    """A one-time link to set a new password: e-mailed by a background job when SMTP is
    configured (``job_id`` follows it), else — or with ``show_link=true`` — returned once."""
    return issue_and_send(request, session, actor, user_id, show_link=show_link)


def issue_and_send(
    request: Request, session: Session, actor: Actor, user_id: int, *, show_link: bool = False
) -> schemas.ResetIssued:
    """Shared by the API and the users page. The mail is a job queued in this transaction: the
    request never waits on a mail server, and the job mints the secret it sends."""
    settings = request.app.state.settings
    issued = user_admin.issue_reset(
        session, actor=actor, user_id=user_id, valid_hours=settings.password_reset_hours
    )
    base_url = str(request.base_url).rstrip("/")
    if mail_configured(settings) and not show_link:
        job = queue_reset_mail(
            session,
            actor=actor,
            reset_id=issued.reset.id,
            base_url=base_url,
            locale=issued.user.locale or actor.locale,
        )
        return schemas.ResetIssued(
            user_id=user_id,
            expires_at=issued.reset.expires_at,
            emailed=True,
            url=None,
            job_id=job.id,
        )
    return schemas.ResetIssued(
        user_id=user_id,
        expires_at=issued.reset.expires_at,
        emailed=False,
        url=f"{base_url}/password-reset/{issued.secret}",
    )
