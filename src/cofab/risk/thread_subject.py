"""Risks as discussion subjects. The register is the owner's: a partner user never sees a risk
(``get_risk`` answers 404), so a risk's thread names no partner and is owner staff's only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.discussions import service as discussions_service
from cofab.risk import register


def risk_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    risk = register.get_risk(session, actor=actor, risk_id=object_id)
    return discussions_service.Subject(
        partner_id=None,
        unit_id=risk.unit_id,
        title=f"{risk.external_ref} · {risk.title}",
        url=f"/risk/{risk.id}",
    )


discussions_service.register_subject("risk", risk_subject)
