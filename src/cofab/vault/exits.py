"""Contract end: what the partner accessed, what it must return or destroy, and its confirmation.

Access itself ends on its own at the second an agreement ends (``access.decide`` checks at
access time). The exit report is the paper trail that follows: an owner manager issues it for
a partner whose NDA or contract has ended, it snapshots every relevant document with what the
partner's people viewed and downloaded, and the partner (or the owner, recording a letter
received outside cofab) confirms that the copies were returned or destroyed.

Scope: when the partner has no agreement left in force, every document ever shared with or
accessed by it is in the report and all its open shares are closed; when another agreement
still covers it, only documents linked to the ended contract are. A downloaded document above
*public* must be returned or destroyed; viewed-only or never-downloaded ones need no action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.contracts import service as contracts_service
from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible, require_roles, scope_to_partner
from cofab.core.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.partners.models import Partner
from cofab.vault.access import as_utc
from cofab.vault.models import (
    Classification,
    ExitStatus,
    VaultDocument,
    VaultExitReport,
    VaultGrant,
    VaultShare,
)
from cofab.vault.reports import partner_entries, summarise

ISSUERS = frozenset({"admin", "manager"})
RETURN_OR_DESTROY = "return_or_destroy"
NO_ACTION = "no_action"

MSG_NOTHING_ENDED = N_(
    "No NDA or contract with this partner has ended yet; an exit report follows the end of one."
)
MSG_NOT_ENDED = N_("Contract {id} has not ended for this partner.")
MSG_CONFIRMED = N_("This exit report was already confirmed.")
MSG_NOTE_NEEDED = N_(
    "Say how the partner confirmed (e.g. the letter's date) when you record it on its behalf."
)


def ended_agreements(
    session: Session, *, partner_id: int, at: datetime | None = None
) -> list[contracts_service.AgreementWindow]:
    return contracts_service.agreements_ended_for_partner(
        session, partner_id=partner_id, at=as_utc(at or utcnow())
    )


def _scoped_document_ids(
    session: Session, partner_id: int, contract_id: int | None, full_exit: bool
) -> set[int]:
    shared = set(
        session.execute(
            select(VaultShare.document_id).where(VaultShare.partner_id == partner_id)
        ).scalars()
    )
    # refused attempts alone do not put a document in the report: the partner reads the report,
    # and a title it only probed by id must not be revealed to it there
    accessed = {
        int(e.entity_id)
        for e in partner_entries(session, partner_id)
        if e.entity_id.isdigit() and e.action != "deny"
    }
    ids = shared | accessed
    if full_exit or not ids:
        return ids
    linked = session.execute(
        select(VaultDocument.id).where(
            VaultDocument.id.in_(ids), VaultDocument.contract_id == contract_id
        )
    ).scalars()
    return set(linked)


def exit_items(session: Session, partner_id: int, document_ids: set[int]) -> list[dict[str, Any]]:
    entries = [
        e
        for e in partner_entries(session, partner_id)
        if e.entity_id.isdigit() and int(e.entity_id) in document_ids
    ]
    report = summarise(session, entries)
    summaries = {s.document_id: s for s in report.documents}
    documents = session.execute(
        select(VaultDocument)
        .where(VaultDocument.id.in_(document_ids))
        .order_by(VaultDocument.title)
    ).scalars()
    items: list[dict[str, Any]] = []
    for document in documents:
        summary = summaries.get(document.id)
        downloads = summary.downloads if summary else 0
        must_act = downloads > 0 and document.classification != Classification.PUBLIC
        items.append(
            {
                "document_id": document.id,
                "title": document.title,
                "kind": document.kind,
                "classification": document.classification,
                "views": summary.views if summary else 0,
                "downloads": downloads,
                "refusals": summary.refusals if summary else 0,
                "versions_downloaded": summary.versions_downloaded if summary else [],
                "last_download_at": (
                    summary.last_download_at.isoformat()
                    if summary and summary.last_download_at
                    else None
                ),
                "action": RETURN_OR_DESTROY if must_act else NO_ACTION,
            }
        )
    return items


def issue_exit_report(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    contract_id: int | None = None,
    now: datetime | None = None,
) -> VaultExitReport:
    require_roles(actor, ISSUERS)
    now = as_utc(now or utcnow())
    if session.get(Partner, partner_id) is None:
        raise ValidationFailed(
            problems=[
                FieldProblem("partner_id", N_("No partner has the id {id}."), {"id": partner_id})
            ]
        )
    ended = ended_agreements(session, partner_id=partner_id, at=now)
    if not ended:
        raise Conflict(MSG_NOTHING_ENDED)
    if contract_id is None:
        contract_id = ended[0].contract_id
    elif contract_id not in {w.contract_id for w in ended}:
        raise ValidationFailed(
            problems=[FieldProblem("contract_id", MSG_NOT_ENDED, {"id": contract_id})]
        )
    full_exit = not contracts_service.partner_has_active_agreement(
        session, partner_id=partner_id, at=now
    )
    document_ids = _scoped_document_ids(session, partner_id, contract_id, full_exit)
    items = exit_items(session, partner_id, document_ids)
    closed = _close_access(session, actor, partner_id, document_ids, now)
    report = VaultExitReport(
        partner_id=partner_id,
        contract_id=contract_id,
        status=ExitStatus.OPEN.value,
        issued_at=now,
        issued_by_user_id=actor.user_id or None,
        issued_by_label=actor.email,
        items=items,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="vault_exit_report",
        entity_id=report.id,
        partner_id=partner_id,
        after={
            "contract_id": contract_id,
            "full_exit": full_exit,
            "documents": len(items),
            "to_return_or_destroy": sum(1 for i in items if i["action"] == RETURN_OR_DESTROY),
            "closed_shares": closed,
        },
    )
    return report


def _close_access(
    session: Session, actor: Actor, partner_id: int, document_ids: set[int], now: datetime
) -> list[int]:
    """Close the partner's open shares and its people's grants on the reported documents."""
    if not document_ids:
        return []
    shares = session.execute(
        select(VaultShare).where(
            VaultShare.partner_id == partner_id,
            VaultShare.document_id.in_(document_ids),
            VaultShare.revoked_at.is_(None),
        )
    ).scalars()
    closed = []
    for share in shares:
        share.revoked_at = now
        closed.append(share.id)
    grants = session.execute(
        select(VaultGrant).where(
            VaultGrant.partner_id == partner_id,
            VaultGrant.document_id.in_(document_ids),
            VaultGrant.revoked_at.is_(None),
        )
    ).scalars()
    for grant in grants:
        grant.revoked_at = now
    session.flush()
    return closed


def exit_report_query(actor: Actor) -> Select[VaultExitReport]:
    stmt = select(VaultExitReport).order_by(
        VaultExitReport.issued_at.desc(), VaultExitReport.id.desc()
    )
    return scope_to_partner(stmt, actor, VaultExitReport.partner_id)


def list_exit_reports(session: Session, *, actor: Actor) -> list[VaultExitReport]:
    if not actor.is_partner:
        require_roles(actor, ISSUERS | {"quality", "viewer"})
    return list(session.execute(exit_report_query(actor).limit(500)).scalars())


def get_exit_report(session: Session, *, actor: Actor, report_id: int) -> VaultExitReport:
    report = session.get(VaultExitReport, report_id)
    if report is None:
        raise NotFound()
    ensure_partner_visible(actor, report.partner_id)
    return report


def confirm_exit_report(
    session: Session,
    *,
    actor: Actor,
    report_id: int,
    note: str | None,
    now: datetime | None = None,
) -> VaultExitReport:
    """The partner confirms (or the owner records its confirmation) that copies are gone."""
    report = get_exit_report(session, actor=actor, report_id=report_id)
    note = (note or "").strip() or None
    if not actor.is_partner:
        if actor.role not in ISSUERS:
            raise Forbidden()
        if note is None:
            raise ValidationFailed(problems=[FieldProblem("note", MSG_NOTE_NEEDED)])
    if report.status == ExitStatus.CONFIRMED:
        raise Conflict(MSG_CONFIRMED)
    before = audit.snapshot(report)
    report.status = ExitStatus.CONFIRMED.value
    report.confirmed_at = as_utc(now or utcnow())
    report.confirmed_by_user_id = actor.user_id or None
    report.confirmed_by_label = actor.email
    report.confirmation_note = note
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="confirm",
        entity="vault_exit_report",
        entity_id=report.id,
        partner_id=report.partner_id,
        before={k: before[k] for k in ("status", "confirmed_at")},
        after={
            "status": report.status,
            "confirmed_at": report.confirmed_at,
            "on_behalf": not actor.is_partner,
            "note": note,
        },
    )
    return report
