"""Who may see which vault document at instant T — one decision used by lists, pages and downloads.

Owner staff see by classification:

* ``viewer``: public and internal documents;
* ``quality`` and ``manager``: up to confidential;
* ``admin``: everything;
* secret documents also open to their owner, and a named-person grant lifts any owner-staff
  role's ceiling for that one document.

A partner user sees a document only when it is explicitly shared with their company (the
share not revoked and, if it has an end, ``at < expires_at``). Everything above *public*
additionally needs an agreement in force for that partner at ``at``: when the document is
linked to a contract the partner signed, that contract must be in force (the document was
given under it); otherwise any NDA or contract covering the partner will do. Secret documents
also need a named-person grant for that very user. Every condition is evaluated at access time
against stored dates, so access ends at the exact second a share, grant or agreement ends —
no job has to run at that moment.

Refusals come in two strengths: a document the person may not know about answers 404 (like
another partner's rows everywhere in cofab); a document that was shared but whose conditions
lapsed answers 403 with the reason, so a partner understands why access ended. Either way the
attempt is written to the audit chain in its own transaction (``log_refusal``), because the
request's own transaction is rolled back by the error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Engine, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from cofab.contracts import service as contracts_service
from cofab.contracts.models import ContractParty
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Forbidden, NotFound
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.core.web import DbSession
from cofab.db.base import UTC, utcnow
from cofab.db.session import unit_of_work
from cofab.vault.models import (
    CLASSIFICATION_RANK,
    Classification,
    VaultDocument,
    VaultGrant,
    VaultShare,
)

ENTITY = "vault_document"
WRITERS = frozenset({"admin", "manager", "quality"})
REPORT_READERS = frozenset({"admin", "manager", "quality"})
ROLE_CEILING = {
    "viewer": Classification.INTERNAL,
    "quality": Classification.CONFIDENTIAL,
    "manager": Classification.CONFIDENTIAL,
    "admin": Classification.SECRET,
}

# reason code → message shown with a 403 (the 404 reasons show the plain "Not found.")
REASONS: dict[str, str] = {
    "share_expired": N_("The sharing of this document with your company ended on {until}."),
    "no_agreement": N_(
        "Your company has no NDA or contract in force with us now, so confidential documents "
        "are closed."
    ),
    "contract_not_in_force": N_(
        "This document was shared under contract {contract_id}, which is not in force now."
    ),
    "no_grant": N_("This secret document needs a personal grant for you."),
    "grant_expired": N_("Your personal grant for this secret document ended on {until}."),
}
HIDDEN_REASONS = frozenset({"not_found", "not_shared", "classification"})
register_labels(
    {
        "not_found": N_("Unknown document"),
        "not_shared": N_("Not shared with the company"),
        "classification": N_("Above the role's classification"),
        "share_expired": N_("Sharing ended"),
        "no_agreement": N_("No NDA or contract in force"),
        "contract_not_in_force": N_("Contract not in force"),
        "no_grant": N_("No personal grant"),
        "grant_expired": N_("Personal grant ended"),
    }
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = "ok"
    params: dict[str, Any] = field(default_factory=dict)
    basis: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """What ``log_refusal`` writes: who tried what on which document, and why it was refused."""

    actor: Actor
    document_id: int | None
    attempt: str
    reason: str
    version: int | None = None


class AccessRefused(NotFound):
    """A refused vault access; carries the refusal so it can be logged after the rollback."""

    def __init__(self, refusal: Refusal, message: str | None = None, **params: Any) -> None:
        self.refusal = refusal
        super().__init__(message, **params)


class AccessRefusedVisible(AccessRefused):
    status = Forbidden.status
    code = "vault_access_ended"
    title = Forbidden.title


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _open_at(revoked_at: datetime | None, expires_at: datetime | None, at: datetime) -> bool:
    return revoked_at is None and (expires_at is None or at < as_utc(expires_at))


def _owner_allowed(session: Session, actor: Actor, document: VaultDocument, at: datetime) -> bool:
    ceiling = ROLE_CEILING.get(actor.role)
    if ceiling is not None and (
        CLASSIFICATION_RANK[document.classification] <= CLASSIFICATION_RANK[ceiling]
    ):
        return True
    if document.owner_user_id == actor.user_id and actor.role in WRITERS:
        return True
    return _grant_state(session, actor, document.id, at)[0]


def _grant_state(
    session: Session, actor: Actor, document_id: int, at: datetime
) -> tuple[bool, datetime | None]:
    """(has an open grant now, latest end of a lapsed grant)."""
    grants = session.execute(
        select(VaultGrant).where(
            VaultGrant.document_id == document_id, VaultGrant.user_id == actor.user_id
        )
    ).scalars()
    lapsed: datetime | None = None
    for grant in grants:
        if _open_at(grant.revoked_at, grant.expires_at, at):
            return True, None
        if grant.revoked_at is None and grant.expires_at is not None:
            end = as_utc(grant.expires_at)
            lapsed = end if lapsed is None or end > lapsed else lapsed
    return False, lapsed


@dataclass(frozen=True)
class PartnerAgreements:
    """The partner's agreements as seen at one instant, computed once per request."""

    in_force: frozenset[int]
    signed: frozenset[int]

    @property
    def any_in_force(self) -> bool:
        return bool(self.in_force)

    def covers(self, contract_id: int | None) -> tuple[bool, str]:
        if contract_id is not None and contract_id in self.signed:
            return contract_id in self.in_force, "contract_not_in_force"
        return self.any_in_force, "no_agreement"


def partner_agreements(session: Session, partner_id: int, at: datetime) -> PartnerAgreements:
    windows = contracts_service.active_agreements_for_partner(session, partner_id=partner_id, at=at)
    signed = session.execute(
        select(ContractParty.contract_id).where(ContractParty.partner_id == partner_id)
    ).scalars()
    return PartnerAgreements(frozenset(w.contract_id for w in windows), frozenset(signed))


def signed_contracts(session: Session, actor: Actor) -> frozenset[int] | None:
    """The contracts a partner user may see named on a document (its own); None = all."""
    if not actor.is_partner:
        return None
    rows = session.execute(
        select(ContractParty.contract_id).where(ContractParty.partner_id == actor.partner_id)
    ).scalars()
    return frozenset(rows)


def shown_contract_id(contract_id: int | None, signed: frozenset[int] | None) -> int | None:
    """A document's linked contract as shown to someone: hidden when it is another partner's."""
    if contract_id is None or signed is None or contract_id in signed:
        return contract_id
    return None


def decide(
    session: Session, *, actor: Actor, document: VaultDocument | None, at: datetime | None = None
) -> Decision:
    """May ``actor`` see ``document`` at ``at``? Pure reads; the caller logs the outcome."""
    at = as_utc(at or utcnow())
    if document is None:
        return Decision(False, "not_found")
    if not actor.is_partner:
        if _owner_allowed(session, actor, document, at):
            return Decision(True, basis={"role": actor.role})
        return Decision(False, "classification")
    assert actor.partner_id is not None
    shares = list(
        session.execute(
            select(VaultShare).where(
                VaultShare.document_id == document.id, VaultShare.partner_id == actor.partner_id
            )
        ).scalars()
    )
    share = next((s for s in shares if _open_at(s.revoked_at, s.expires_at, at)), None)
    if share is None:
        lapsed = [as_utc(s.expires_at) for s in shares if s.revoked_at is None and s.expires_at]
        if lapsed:
            until = max(lapsed).isoformat(timespec="seconds")
            return Decision(False, "share_expired", {"until": until})
        return Decision(False, "not_shared")
    basis: dict[str, Any] = {"share_id": share.id}
    if document.classification == Classification.PUBLIC:
        return Decision(True, basis=basis)
    agreements = partner_agreements(session, actor.partner_id, at)
    covered, reason = agreements.covers(document.contract_id)
    if not covered:
        return Decision(False, reason, {"contract_id": document.contract_id})
    basis["contracts"] = sorted(agreements.in_force)
    if document.classification == Classification.SECRET:
        has_grant, lapsed_grant = _grant_state(session, actor, document.id, at)
        if not has_grant:
            if lapsed_grant is not None:
                until = lapsed_grant.isoformat(timespec="seconds")
                return Decision(False, "grant_expired", {"until": until})
            return Decision(False, "no_grant")
        basis["grant"] = True
    return Decision(True, basis=basis)


def refuse(
    actor: Actor, document_id: int | None, attempt: str, decision: Decision, **extra: Any
) -> AccessRefused:
    """The exception for a refused decision (raise it; the route dependency logs it)."""
    refusal = Refusal(actor, document_id, attempt, decision.reason, extra.get("version"))
    if decision.reason in HIDDEN_REASONS:
        return AccessRefused(refusal)
    return AccessRefusedVisible(refusal, REASONS[decision.reason], **decision.params)


def require_access(
    session: Session,
    *,
    actor: Actor,
    document: VaultDocument | None,
    attempt: str,
    at: datetime | None = None,
    version: int | None = None,
) -> Decision:
    decision = decide(session, actor=actor, document=document, at=at)
    if not decision.allowed:
        raise refuse(actor, document.id if document else None, attempt, decision, version=version)
    return decision


def visible_documents_clause(session: Session, actor: Actor, at: datetime) -> ColumnElement[bool]:
    """The same rules as ``decide`` as one SQL condition, so lists paginate in the database."""
    open_grant = exists().where(
        VaultGrant.document_id == VaultDocument.id,
        VaultGrant.user_id == actor.user_id,
        VaultGrant.revoked_at.is_(None),
        or_(VaultGrant.expires_at.is_(None), VaultGrant.expires_at > at),
    )
    if not actor.is_partner:
        ceiling = ROLE_CEILING.get(actor.role)
        allowed = [
            c.value
            for c in Classification
            if ceiling is not None and CLASSIFICATION_RANK[c] <= CLASSIFICATION_RANK[ceiling]
        ]
        owned = VaultDocument.owner_user_id == actor.user_id if actor.role in WRITERS else false()
        return or_(VaultDocument.classification.in_(allowed), owned, open_grant)
    assert actor.partner_id is not None
    agreements = partner_agreements(session, actor.partner_id, at)
    shared = exists().where(
        VaultShare.document_id == VaultDocument.id,
        VaultShare.partner_id == actor.partner_id,
        VaultShare.revoked_at.is_(None),
        or_(VaultShare.expires_at.is_(None), VaultShare.expires_at > at),
    )
    signed_elsewhere = (
        VaultDocument.contract_id.not_in(agreements.signed) if agreements.signed else true()
    )
    covered = and_(
        true() if agreements.any_in_force else false(),
        or_(
            VaultDocument.contract_id.is_(None),
            signed_elsewhere,
            VaultDocument.contract_id.in_(agreements.in_force or {-1}),
        ),
    )
    return and_(
        shared,
        or_(
            VaultDocument.classification == Classification.PUBLIC.value,
            and_(
                covered,
                or_(VaultDocument.classification != Classification.SECRET.value, open_grant),
            ),
        ),
    )


# --- logging --------------------------------------------------------------------------------


def record_access(
    session: Session,
    *,
    actor: Actor,
    document: VaultDocument,
    action: str,
    decision: Decision,
    version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """An allowed view or download: logged with the request (see ``audit.record`` for how a
    read's entry lands before the answer is sent)."""
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=ENTITY,
        entity_id=document.id,
        partner_id=actor.partner_id,
        after={
            "title": document.title,
            "classification": document.classification,
            "version": version,
            "basis": decision.basis,
        }
        | (extra or {}),
    )


def log_refusal(engine: Engine, refusal: Refusal) -> None:
    """Append a ``deny`` entry in its own unit of work, so it survives the request's rollback."""
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor=refusal.actor,
            action="deny",
            entity=ENTITY,
            entity_id=refusal.document_id if refusal.document_id is not None else "-",
            partner_id=refusal.actor.partner_id,
            after={
                "attempt": refusal.attempt,
                "reason": refusal.reason,
                "version": refusal.version,
            },
        )


def refusals_logged(request: Request, session: DbSession) -> Iterator[None]:
    """Route dependency: a refused access is rolled back, then logged on its own, then raised.

    The request's transaction may hold locks (on SQLite, the single write lock once an API
    token's last-use time is flushed), so it is rolled back *before* the separate log write.
    """
    try:
        yield
    except AccessRefused as refused:
        session.rollback()
        log_refusal(request.app.state.engine, refused.refusal)
        raise
