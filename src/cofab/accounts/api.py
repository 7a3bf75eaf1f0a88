"""Who am I, my language, my API tokens; user administration for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from cofab.accounts import schemas, service
from cofab.accounts.models import User
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
    return service.list_users(session, actor=actor)


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
