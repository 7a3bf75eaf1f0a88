"""Training's public surface: what other domains (the partner page, a scorecard, the demo) call.

from cofab.training import service as training_service
training_service.collaboration_score(session, partner_id)  # 0–100 or None
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, ensure_partner_visible
from cofab.core.errors import NotFound
from cofab.partners.models import Partner
from cofab.training.compliance import (
    Compliance,
    collaboration_score,
    compliance_of,
    latest_per_person,
)
from cofab.training.records import create_record, list_records, validity
from cofab.training.sops import acknowledge, list_requirements, require_acknowledgement

__all__ = [
    "Compliance",
    "acknowledge",
    "collaboration_score",
    "compliance_for",
    "compliance_of",
    "create_record",
    "latest_per_person",
    "list_records",
    "list_requirements",
    "require_acknowledgement",
    "validity",
]


def compliance_for(
    session: Session, *, actor: Actor, partner_id: int, today: date | None = None
) -> Compliance:
    """One partner's compliance as the actor may see it (another partner's → 404)."""
    ensure_partner_visible(actor, partner_id)
    if session.execute(select(Partner.id).where(Partner.id == partner_id)).first() is None:
        raise NotFound()  # no such partner, or not one of the actor's units'
    return compliance_of(session, partner_id, today or date.today())
