"""Sharing a document with a partner company, and named-person grants for secret documents.

A partner has at most one open share per document: sharing again replaces the end date
(audited as an update) instead of piling up rows. Revoking keeps the row with ``revoked_at``,
so reports can still say when the partner had access.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.partners.models import Partner
from cofab.vault import schemas
from cofab.vault.access import WRITERS, as_utc, partner_agreements
from cofab.vault.documents import writable_document
from cofab.vault.models import Classification, VaultDocument, VaultGrant, VaultShare

Revocable = TypeVar("Revocable", VaultShare, VaultGrant)

MSG_PAST = N_("The end must be in the future.")
MSG_NO_PARTNER = N_("No partner has the id {id}.")
MSG_NO_USER = N_("No active user has the id {id}.")
MSG_REVOKED = N_("This was already revoked.")
MSG_NO_AGREEMENT = N_(
    "This partner has no NDA or contract in force with us, so its users cannot open a "
    '{classification} document. Put an NDA in force first, or tick "Share anyway": the '
    "document then opens to them once an agreement is in force."
)
MSG_CONTRACT_NOT_IN_FORCE = N_(
    "This document belongs to contract {contract_id}, which is not in force for this partner, so "
    'its users cannot open it. Wait until the contract is in force, or tick "Share anyway": '
    "the document then opens to them once it is."
)


def agreement_gap(
    session: Session, document: VaultDocument, partner_id: int, at: datetime
) -> str | None:
    """Why the partner's users could not open the document now although it is shared (the
    reason code of ``access.decide``), or None when a share would open it. Public documents need
    no agreement; secret ones additionally need a personal grant, which the page says apart."""
    if document.classification == Classification.PUBLIC:
        return None
    covered, reason = partner_agreements(session, partner_id, at).covers(document.contract_id)
    return None if covered else reason


def _refuse_gap(document: VaultDocument, reason: str) -> ValidationFailed:
    message = MSG_NO_AGREEMENT if reason == "no_agreement" else MSG_CONTRACT_NOT_IN_FORCE
    params = {"classification": str(document.classification), "contract_id": document.contract_id}
    return ValidationFailed(problems=[FieldProblem("partner_id", message, params)])


def _check_future(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    expires_at = as_utc(expires_at)
    if expires_at <= now:
        raise ValidationFailed(problems=[FieldProblem("expires_at", MSG_PAST)])
    return expires_at


def share_document(
    session: Session,
    *,
    actor: Actor,
    document_id: int,
    data: schemas.VaultShareCreate,
    now: datetime | None = None,
) -> VaultShare:
    now = as_utc(now or utcnow())
    document = writable_document(session, actor=actor, document_id=document_id)
    if session.get(Partner, data.partner_id) is None:
        raise ValidationFailed(
            problems=[FieldProblem("partner_id", MSG_NO_PARTNER, {"id": data.partner_id})]
        )
    expires_at = _check_future(data.expires_at, now)
    gap = agreement_gap(session, document, data.partner_id, now)
    if gap is not None and not data.without_agreement:
        raise _refuse_gap(document, gap)
    existing = session.execute(
        select(VaultShare).where(
            VaultShare.document_id == document.id,
            VaultShare.partner_id == data.partner_id,
            VaultShare.revoked_at.is_(None),
        )
    ).scalars()
    share = next((s for s in existing if s.expires_at is None or as_utc(s.expires_at) > now), None)
    before = audit.snapshot(share) if share is not None else None
    if share is None:
        share = VaultShare(
            document_id=document.id,
            partner_id=data.partner_id,
            shared_by_user_id=actor.user_id or None,
        )
        session.add(share)
    share.expires_at = expires_at
    share.note = data.note
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="share" if before is None else "update",
        entity="vault_share",
        entity_id=share.id,
        partner_id=share.partner_id,
        before=before,
        after=audit.snapshot(share)
        | {"document_title": document.title}
        | ({"shared_without_agreement": gap} if gap else {}),
    )
    return share


def _revoke(
    session: Session,
    actor: Actor,
    model: type[Revocable],
    row_id: int,
    entity: str,
    now: datetime | None,
) -> Revocable:
    """Revoke a share or a grant once, as a writer of its document; audited."""
    require_roles(actor, WRITERS)
    row = session.get(model, row_id)
    if row is None:
        raise NotFound()
    writable_document(session, actor=actor, document_id=row.document_id)
    if row.revoked_at is not None:
        raise Conflict(MSG_REVOKED)
    before = audit.snapshot(row)
    row.revoked_at = as_utc(now or utcnow())
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="revoke",
        entity=entity,
        entity_id=row.id,
        partner_id=row.partner_id,
        before=before,
        after=audit.snapshot(row),
    )
    return row


def revoke_share(
    session: Session, *, actor: Actor, share_id: int, now: datetime | None = None
) -> VaultShare:
    return _revoke(session, actor, VaultShare, share_id, "vault_share", now)


def grant_person(
    session: Session,
    *,
    actor: Actor,
    document_id: int,
    data: schemas.VaultGrantCreate,
    now: datetime | None = None,
) -> VaultGrant:
    now = as_utc(now or utcnow())
    document = writable_document(session, actor=actor, document_id=document_id)
    user = session.get(User, data.user_id)
    if user is None or not user.is_active:
        raise ValidationFailed(
            problems=[FieldProblem("user_id", MSG_NO_USER, {"id": data.user_id})]
        )
    grant = VaultGrant(
        document_id=document.id,
        user_id=user.id,
        partner_id=user.partner_id,
        expires_at=_check_future(data.expires_at, now),
        granted_by_user_id=actor.user_id or None,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="grant",
        entity="vault_grant",
        entity_id=grant.id,
        partner_id=grant.partner_id,
        after=audit.snapshot(grant) | {"user": user.email, "document_title": document.title},
    )
    return grant


def revoke_grant(
    session: Session, *, actor: Actor, grant_id: int, now: datetime | None = None
) -> VaultGrant:
    return _revoke(session, actor, VaultGrant, grant_id, "vault_grant", now)


def grant_candidates(session: Session) -> list[User]:
    """People a grant can name (active users), for the document page's picker."""
    return list(
        session.execute(select(User).where(User.is_active.is_(True)).order_by(User.email)).scalars()
    )
