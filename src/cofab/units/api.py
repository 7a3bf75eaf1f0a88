"""Business units over the API: list, create, link a partner, set a user's units."""

from __future__ import annotations

from fastapi import APIRouter, status

from cofab.core.access import require_roles
from cofab.core.web import ApiActor, DbSession
from cofab.units import service
from cofab.units.schemas import MembershipIn, PartnerLinkIn, UnitIn, UnitOut

router = APIRouter(prefix="/api/v1", tags=["units"])


@router.get("/units", response_model=list[UnitOut])
def list_units(session: DbSession, actor: ApiActor) -> list[UnitOut]:
    """Partner users see none: units are the owner's internal structure."""
    if actor.is_partner:
        return []
    return [UnitOut.model_validate(u) for u in service.list_units(session)]


@router.post("/units", response_model=UnitOut, status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitIn, session: DbSession, actor: ApiActor) -> UnitOut:
    unit = service.create_unit(session, actor, **body.model_dump())
    return UnitOut.model_validate(unit)


@router.post("/units/{unit_id}/partners", status_code=status.HTTP_204_NO_CONTENT)
def link_partner(unit_id: int, body: PartnerLinkIn, session: DbSession, actor: ApiActor) -> None:
    """Start a unit's relationship with a partner the actor can see."""
    service.link_partner_as(session, actor, unit_id=unit_id, partner_id=body.partner_id)


@router.put("/users/{user_id}/units", status_code=status.HTTP_204_NO_CONTENT)
def set_user_units(user_id: int, body: MembershipIn, session: DbSession, actor: ApiActor) -> None:
    require_roles(actor, service.ADMINS)
    service.set_user_units(
        session, actor, user_id=user_id, unit_ids=body.unit_ids, all_units=body.all_units
    )
