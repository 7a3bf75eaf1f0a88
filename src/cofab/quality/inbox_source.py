"""Quality's action items in the notifications inbox: 8D steps, 8D actions, audit findings.

Registered with ``notifications.service`` when imported (a hook named in quality's PARTS), so
notifications never reads quality's tables. Every list goes through quality's own scoped
queries: a partner user sees its company's 8Ds and audits only. An 8D step moves between the
sides: open or returned, the partner must write it; submitted, the owner must review it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import NotFound
from cofab.core.i18n import N_
from cofab.notifications import service as notifications
from cofab.partners.models import Partner
from cofab.quality import audits, ncrs, schemas
from cofab.quality.models import (
    AuditFinding,
    EightD,
    EightDAction,
    EightDStep,
    PartnerAudit,
)
from cofab.quality.rules import record, require_owner_writer

STEP_KIND, ACTION_KIND, FINDING_KIND = (
    "quality.8d_step",
    "quality.8d_action",
    "quality.audit_finding",
)
STEP_TITLE = N_("8D for NCR {ncr}: step {step}")
ACTION_TITLE = N_("8D action for NCR {ncr}: {text}")
FINDING_TITLE = N_("Audit finding ({severity}): {text}")
STEP_STATES = {
    "open": N_("To be written by the partner"),
    "returned": N_("Returned to the partner"),
    "submitted": N_("Submitted, awaiting review"),
    "approved": N_("Approved"),
}


def _names(session: Session, partner_ids: set[int]) -> dict[int, str]:
    if not partner_ids:
        return {}
    rows = session.execute(
        select(Partner.id, Partner.name_en).where(Partner.id.in_(sorted(partner_ids)))
    ).all()
    return {pid: name for pid, name in rows}


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def list_steps(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    eightds = list(session.execute(ncrs.eightd_query(actor)).scalars())
    if not eightds:
        return []
    by_id = {e.id: e for e in eightds}
    steps = session.execute(
        select(EightDStep).where(EightDStep.eightd_id.in_(sorted(by_id)))
    ).scalars()
    names = _names(session, {e.partner_id for e in eightds})
    items = []
    for step in steps:
        eightd = by_id[step.eightd_id]
        done = step.status == "approved" or eightd.status == "closed"
        partner_turn = step.status in ("open", "returned")
        items.append(
            notifications.InboxItem(
                kind=STEP_KIND,
                id=step.id,
                title_msgid=STEP_TITLE,
                title_params={"ncr": eightd.ncr_id, "step": step.step},
                owner=names.get(eightd.partner_id, "") if partner_turn else "",
                side="partner" if partner_turn else "owner",
                partner_id=eightd.partner_id,
                due=step.due_at.date() if step.due_at else None,
                status=notifications.DONE if done else notifications.OPEN,
                url=f"/quality/8d/{eightd.id}",
                detail=STEP_STATES.get(step.status, ""),
            )
        )
    return items


def list_actions(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    stmt = (
        ncrs.eightd_query(actor)
        .add_columns(EightDAction)
        .join(EightDAction, EightDAction.eightd_id == EightD.id)
    )
    rows = session.execute(stmt).all()
    return [
        notifications.InboxItem(
            kind=ACTION_KIND,
            id=action.id,
            title_msgid=ACTION_TITLE,
            title_params={"ncr": eightd.ncr_id, "text": _short(action.description)},
            owner=action.owner,
            side="partner",
            partner_id=eightd.partner_id,
            due=action.due_on,
            status=notifications.DONE if action.done_on else notifications.OPEN,
            url=f"/quality/8d/{eightd.id}",
        )
        for eightd, action in rows
    ]


def complete_action(session: Session, actor: Actor, item_id: int, today: date) -> None:
    eightd_id = session.execute(
        select(EightDAction.eightd_id).where(EightDAction.id == item_id)
    ).scalar_one_or_none()
    if eightd_id is None:
        raise NotFound()
    ncrs.complete_action(
        session,
        actor=actor,
        eightd_id=eightd_id,
        action_id=item_id,
        data=schemas.ActionDone(done_on=today),
    )


def list_findings(session: Session, actor: Actor, today: date) -> Iterable[notifications.InboxItem]:
    stmt = (
        audits.audit_query(actor)
        .add_columns(AuditFinding)
        .join(AuditFinding, AuditFinding.audit_id == PartnerAudit.id)
    )
    rows = session.execute(stmt).all()
    names = _names(session, {a.partner_id for a, _ in rows})
    return [
        notifications.InboxItem(
            kind=FINDING_KIND,
            id=finding.id,
            title_msgid=FINDING_TITLE,
            title_params={"severity": finding.severity, "text": _short(finding.text)},
            owner=names.get(audit_row.partner_id, ""),
            side="partner",
            partner_id=audit_row.partner_id,
            due=finding.action_due,
            status=notifications.DONE if finding.closed_on else notifications.OPEN,
            url=f"/quality/audits/{audit_row.id}",
        )
        for audit_row, finding in rows
    ]


def close_finding(session: Session, actor: Actor, item_id: int, today: date) -> None:
    """The owner's auditor closes a finding once its action is verified."""
    finding = session.get(AuditFinding, item_id)
    if finding is None:
        raise NotFound()
    row = audits.get_audit(session, actor=actor, audit_id=finding.audit_id)  # scoped: 404
    require_owner_writer(actor)
    if finding.closed_on is not None:
        return
    before = audit.snapshot(finding)
    finding.closed_on = today
    record(
        session,
        actor=actor,
        action="close",
        entity="quality_audit_finding",
        row=finding,
        before=before,
        partner_id=row.partner_id,
    )


notifications.register_inbox_source(STEP_KIND, list_steps, None, label=N_("8D step"))
notifications.register_inbox_source(
    ACTION_KIND, list_actions, complete_action, label=N_("8D action")
)
notifications.register_inbox_source(
    FINDING_KIND, list_findings, close_finding, label=N_("Audit finding")
)
