"""Compliance per partner: the share of required SOP acknowledgements done (current versions)
and of trainings valid, as one percentage.

    percent = 100 × (acknowledged SOPs + valid trainings) / (required SOPs + trainings)

where a training counts once per person and course kind (the newest completion: a renewed
course replaces the lapsed one) and *valid* includes *expiring*. A requirement whose document
is no longer shared with the partner does not count. A partner with nothing required and no
training on file has no percentage (``None``), never 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cofab.db.base import utcnow
from cofab.training import records, sops
from cofab.training.models import SopRequirement, TrainingRecord
from cofab.training.schemas import ComplianceRead

Compliance = ComplianceRead  # the counts and their percentage, as the API shows them


def latest_per_person(rows: Iterable[TrainingRecord]) -> list[TrainingRecord]:
    newest: dict[tuple[str, str], TrainingRecord] = {}
    for row in rows:
        key = (row.person_name.strip().lower(), row.course_kind)
        if key not in newest or row.completed_on > newest[key].completed_on:
            newest[key] = row
    return list(newest.values())


def compliance_of(session: Session, partner_id: int, today: date) -> Compliance:
    """Unscoped arithmetic for one partner; callers check the actor may see the partner."""
    shared = sops.shared_document_ids(session, partner_id, utcnow())
    requirements = [
        r
        for r in session.execute(
            select(SopRequirement)
            .where(SopRequirement.partner_id == partner_id)
            .options(selectinload(SopRequirement.acknowledgements))
        ).scalars()
        if r.document_id in shared
    ]
    documents = sops.documents_of(session, requirements)
    done = 0
    for requirement in requirements:
        document = documents.get(requirement.document_id)
        current = document.latest_version if document else 0
        if sops.status_of(requirement, current)[0] == "acknowledged":
            done += 1
    latest = latest_per_person(
        session.execute(
            select(TrainingRecord).where(TrainingRecord.partner_id == partner_id)
        ).scalars()
    )
    states = [records.validity(r, today) for r in latest]
    return Compliance(
        partner_id=partner_id,
        sops_required=len(requirements),
        sops_acknowledged=done,
        trainings=len(latest),
        trainings_valid=sum(1 for s in states if s != "expired"),
        trainings_expiring=states.count("expiring"),
    )


def collaboration_score(
    session: Session, partner_id: int, today: date | None = None
) -> float | None:
    """The compliance percentage (0–100) for a scorecard's "collaboration" part, or ``None``
    when the partner has nothing to comply with. No scorecard template reads it yet: the
    performance domain can call ``training.service.collaboration_score``."""
    return compliance_of(session, partner_id, today or date.today()).percent
