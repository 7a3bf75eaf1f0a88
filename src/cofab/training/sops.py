"""SOP acknowledgement: a vault document shared with a partner may require the partner to
confirm having read it, one version at a time.

The requirement stays visible to the partner while the document is shared with it (an open
share: not revoked, not lapsed); a revoked share hides it (404), as the vault hides the
document. The current version is the vault's ``latest_version``; a partner user may confirm
that version only, and a new version makes the requirement pending again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from cofab.core import audit
from cofab.core.access import Actor, require_roles, scope_to_partner
from cofab.core.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.db.base import utcnow
from cofab.training import schemas
from cofab.training.models import SopAcknowledgement, SopRequirement
from cofab.training.records import WRITERS
from cofab.vault.models import VaultDocument, VaultShare

INVALID = N_("The acknowledgement has {count} problem(s); nothing was saved.")
NO_SUCH_DOCUMENT = N_("No vault document with id {id}.")
NO_VERSION_YET = N_("The document has no version to read yet.")
NOT_SHARED = N_("The document is not shared with this partner: share it in the vault first.")
ALREADY_REQUIRED = N_("This partner already has to acknowledge this document.")
NOT_CURRENT = N_("Version {version} is not the current one: read and confirm version {current}.")


def invalid(problems: list[FieldProblem]) -> ValidationFailed:
    return ValidationFailed(INVALID, problems=problems, count=len(problems))


def shared_document_ids(session: Session, partner_id: int, at: datetime) -> set[int]:
    """The documents the vault shares with the partner now (open shares only)."""
    return set(
        session.execute(
            select(VaultShare.document_id).where(
                VaultShare.partner_id == partner_id,
                VaultShare.revoked_at.is_(None),
                or_(VaultShare.expires_at.is_(None), VaultShare.expires_at > at),
            )
        ).scalars()
    )


def _visible(session: Session, actor: Actor, requirements: list[SopRequirement]) -> list[Any]:
    if not actor.is_partner or actor.partner_id is None:
        return requirements
    shared = shared_document_ids(session, actor.partner_id, utcnow())
    return [r for r in requirements if r.document_id in shared]


def list_requirements(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[SopRequirement]:
    stmt = (
        scope_to_partner(select(SopRequirement), actor, SopRequirement.partner_id)
        .options(selectinload(SopRequirement.acknowledgements))
        .order_by(SopRequirement.partner_id, SopRequirement.id)
    )
    if partner_id is not None:
        stmt = stmt.where(SopRequirement.partner_id == partner_id)
    return _visible(session, actor, list(session.execute(stmt).scalars()))


def get_requirement(session: Session, *, actor: Actor, requirement_id: int) -> SopRequirement:
    requirement = session.execute(
        scope_to_partner(select(SopRequirement), actor, SopRequirement.partner_id).where(
            SopRequirement.id == requirement_id
        )
    ).scalar_one_or_none()
    if requirement is None or not _visible(session, actor, [requirement]):
        raise NotFound()
    found: SopRequirement = requirement
    return found


def documents_of(session: Session, requirements: list[SopRequirement]) -> dict[int, VaultDocument]:
    ids = {r.document_id for r in requirements}
    rows = session.execute(select(VaultDocument).where(VaultDocument.id.in_(ids))).scalars()
    return {d.id: d for d in rows}


def status_of(requirement: SopRequirement, current_version: int) -> tuple[str, int | None]:
    """``acknowledged`` when some partner user confirmed the current version, else
    ``pending``; with the newest version that was confirmed at all."""
    versions = [a.version_number for a in requirement.acknowledgements]
    latest = max(versions) if versions else None
    done = current_version > 0 and current_version in versions
    return ("acknowledged" if done else "pending"), latest


def read(requirement: SopRequirement, document: VaultDocument | None) -> schemas.SopRead:
    current = document.latest_version if document else 0
    status, latest = status_of(requirement, current)
    return schemas.SopRead(
        id=requirement.id,
        document_id=requirement.document_id,
        document_title=document.title if document else "",
        partner_id=requirement.partner_id,
        note=requirement.note,
        current_version=current,
        status=status,
        acknowledged_version=latest,
        acknowledgements=[schemas.AckRead.model_validate(a) for a in requirement.acknowledgements],
    )


def require_acknowledgement(
    session: Session, *, actor: Actor, data: schemas.SopCreate
) -> SopRequirement:
    if actor.is_partner:
        raise Forbidden()
    require_roles(actor, WRITERS)
    document = session.execute(
        select(VaultDocument).where(VaultDocument.id == data.document_id)
    ).scalar_one_or_none()
    if document is None:
        raise invalid([FieldProblem("document_id", NO_SUCH_DOCUMENT, {"id": data.document_id})])
    if document.latest_version < 1:
        raise invalid([FieldProblem("document_id", NO_VERSION_YET)])
    if data.document_id not in shared_document_ids(session, data.partner_id, datetime.now(UTC)):
        raise invalid([FieldProblem("partner_id", NOT_SHARED)])
    exists = session.execute(
        select(SopRequirement.id).where(
            SopRequirement.document_id == data.document_id,
            SopRequirement.partner_id == data.partner_id,
        )
    ).first()
    if exists is not None:
        raise invalid([FieldProblem("document_id", ALREADY_REQUIRED)])
    requirement = SopRequirement(
        document_id=data.document_id,
        partner_id=data.partner_id,
        note=data.note,
        created_by_label=actor.display_name or actor.email,
    )
    session.add(requirement)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="training_sop_requirement",
        entity_id=requirement.id,
        partner_id=requirement.partner_id,
        after=audit.snapshot(requirement),
    )
    partner_inputs_changed(session, requirement.partner_id, [utcnow().date()], onward=True)
    return requirement


def drop_requirement(session: Session, *, actor: Actor, requirement_id: int) -> None:
    requirement = get_requirement(session, actor=actor, requirement_id=requirement_id)
    if actor.is_partner:
        raise Forbidden()
    require_roles(actor, WRITERS)
    before = audit.snapshot(requirement)
    partner_id = requirement.partner_id
    session.delete(requirement)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="training_sop_requirement",
        entity_id=requirement_id,
        partner_id=partner_id,
        before=before,
    )
    partner_inputs_changed(session, partner_id, [utcnow().date()], onward=True)


def acknowledge(
    session: Session, *, actor: Actor, requirement_id: int, data: schemas.AcknowledgeIn
) -> SopRequirement:
    """A partner user of the requirement's partner confirms having read version N (the current
    one). Confirming the same version twice changes nothing."""
    requirement = get_requirement(session, actor=actor, requirement_id=requirement_id)
    if not actor.is_partner:
        raise Forbidden()  # only the partner's own people can say they read it
    document = session.execute(
        select(VaultDocument).where(VaultDocument.id == requirement.document_id)
    ).scalar_one()
    current = document.latest_version
    if data.version != current:
        raise invalid(
            [FieldProblem("version", NOT_CURRENT, {"version": data.version, "current": current})]
        )
    mine = [
        a
        for a in requirement.acknowledgements
        if a.version_number == current and a.user_id == actor.user_id
    ]
    if mine:
        return requirement
    ack = SopAcknowledgement(
        partner_id=requirement.partner_id,
        version_number=current,
        user_id=actor.user_id,
        user_label=actor.display_name or actor.email,
        acknowledged_at=utcnow(),
    )
    requirement.acknowledgements.append(ack)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="acknowledge",
        entity="training_sop_requirement",
        entity_id=requirement.id,
        partner_id=requirement.partner_id,
        after={"document_id": requirement.document_id, "version": current},
    )
    partner_inputs_changed(session, requirement.partner_id, [utcnow().date()], onward=True)
    return requirement
