"""Due diligence per candidate: checklist items, the Altman review, and reviewer sign-off.

A signed-off item is frozen until someone reopens it (which is audit-logged), so what the
qualification gate relied on cannot change silently. The item's owner cannot sign their own
work off: a second person reviews it.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.selection import schemas
from cofab.selection.altman import FIGURE_LABELS, altman_z
from cofab.selection.models import Candidate, DueDiligenceItem, Evidence, ItemStatus
from cofab.selection.permissions import EVALUATORS, ensure_evaluator, ensure_reader
from cofab.selection.problems import SelectionInputError

FINANCIAL_FIGURES = tuple(FIGURE_LABELS)  # the Altman figures, in the form's order
ALTMAN_MODELS = ("private", "public")
FINISHED = frozenset({ItemStatus.DONE.value, ItemStatus.NOT_APPLICABLE.value})

MSG_SIGNED = N_("This item is signed off; reopen it before changing it.")
MSG_NOT_SIGNED = N_("This item is not signed off.")
MSG_ALREADY_SIGNED = N_("This item is already signed off.")
MSG_NOT_FINISHED = N_("Only an item that is done or not applicable can be signed off.")
MSG_OWN_ITEM = N_("The owner of an item cannot sign it off; another reviewer must.")
MSG_UNKNOWN_FIELD = N_("This checklist item has no field {name}.")
MSG_NUMBER = N_("Must be a number.")
MSG_OWNER = N_("The owner must be an active owner-company user who may evaluate.")
MSG_MODEL = N_("Unknown Altman model {model}; use public or private.")
MSG_FIGURES_NEEDED = N_(
    "The financial review is done only with every figure entered and the Z-score computed."
)


def _audit_item(
    session: Session, actor: Actor, action: str, item: DueDiligenceItem, before: dict[str, Any]
) -> None:
    """The audit entry of a change to one due-diligence item: its snapshot before and after."""
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="selection_dd_item",
        entity_id=item.id,
        partner_id=item.partner_id,
        before=before,
        after=audit.snapshot(item),
    )


def get_item(session: Session, *, actor: Actor, dd_item_id: int) -> DueDiligenceItem:
    ensure_reader(actor)
    item = session.get(DueDiligenceItem, dd_item_id)
    if item is None:
        raise NotFound()
    return item


def list_items(
    session: Session, *, actor: Actor, candidate_id: int
) -> list[tuple[DueDiligenceItem, list[Evidence]]]:
    ensure_reader(actor)
    if session.get(Candidate, candidate_id) is None:
        raise NotFound()
    items = list(
        session.execute(
            select(DueDiligenceItem)
            .where(DueDiligenceItem.candidate_id == candidate_id)
            .order_by(DueDiligenceItem.position, DueDiligenceItem.id)
        ).scalars()
    )
    evidence: dict[int | None, list[Evidence]] = {}
    for row in session.execute(
        select(Evidence).where(Evidence.candidate_id == candidate_id).order_by(Evidence.id)
    ).scalars():
        evidence.setdefault(row.dd_item_id, []).append(row)
    return [(item, evidence.get(item.id, [])) for item in items]


def assignable_users(session: Session) -> list[User]:
    return list(
        session.execute(
            select(User)
            .where(User.role.in_(sorted(EVALUATORS)), User.is_active)
            .order_by(User.display_name)
        ).scalars()
    )


def update_item(
    session: Session, *, actor: Actor, dd_item_id: int, data: schemas.DueDiligenceUpdate
) -> DueDiligenceItem:
    ensure_evaluator(actor)
    item = get_item(session, actor=actor, dd_item_id=dd_item_id)
    if item.signed_off_at is not None:
        raise Conflict(MSG_SIGNED)
    changes = data.model_dump(exclude_unset=True)
    problems: list[FieldProblem] = []
    owner_id = changes.get("owner_id")
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or not owner.is_active or owner.role not in EVALUATORS:
            problems.append(FieldProblem("owner_id", MSG_OWNER))
    merged = dict(item.data or {})
    for key, value in (changes.get("data") or {}).items():
        if key not in item.fields:
            problems.append(FieldProblem(f"data.{key}", MSG_UNKNOWN_FIELD, {"name": key}))
            continue
        text = value.strip() if isinstance(value, str) else value
        if text is None or text == "":
            merged.pop(key, None)
        else:
            merged[key] = text
    result = item.result
    if "total_assets" in item.fields:
        result, figure_problems = financial_result(merged, actor.locale)
        problems += figure_problems
    status = changes.get("status") or item.status
    if status == ItemStatus.DONE and "total_assets" in item.fields and result is None:
        problems.append(FieldProblem("status", MSG_FIGURES_NEEDED))
    if problems:
        raise ValidationFailed(problems=problems)
    before = audit.snapshot(item)
    item.data = merged
    item.result = result
    item.status = status
    for key in ("owner_id", "due_date", "notes"):
        if key in changes:
            setattr(item, key, changes[key])
    session.flush()
    _audit_item(session, actor, "update", item, before)
    return item


def financial_result(
    data: dict[str, Any], locale: str
) -> tuple[dict[str, Any] | None, list[FieldProblem]]:
    """Altman Z (public) or Z'' (private) once every figure the model needs is entered."""
    problems: list[FieldProblem] = []
    model = str(data.get("model") or "private")
    if model not in ALTMAN_MODELS:
        problems.append(FieldProblem("data.model", MSG_MODEL, {"model": model}))
        return None, problems
    needed = [f for f in FINANCIAL_FIGURES if model == "public" or f != "sales"]
    figures: dict[str, float] = {}
    for name in FINANCIAL_FIGURES:
        raw = data.get(name)
        if raw is None or raw == "":
            continue
        try:
            number = float(str(raw).replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(FieldProblem(f"data.{name}", MSG_NUMBER))
            continue
        figures[name] = number
    if problems or any(name not in figures for name in needed):
        return None, problems
    try:
        z = altman_z(
            working_capital=figures["working_capital"],
            retained_earnings=figures["retained_earnings"],
            ebit=figures["ebit"],
            equity=figures["equity"],
            total_assets=figures["total_assets"],
            total_liabilities=figures["total_liabilities"],
            sales=figures.get("sales"),
            model=model,  # type: ignore[arg-type]
        )
    except SelectionInputError as error:
        return None, [
            FieldProblem("data." + p.field.strip("/"), p.render(locale)) for p in error.problems
        ]
    return {
        "model": model,
        "z": round(float(z.z), 4),
        "zone": str(z.zone),
        "ratios": [round(float(x), 6) for x in z.ratios],
    }, []


def sign_off(session: Session, *, actor: Actor, dd_item_id: int) -> DueDiligenceItem:
    ensure_evaluator(actor)
    item = get_item(session, actor=actor, dd_item_id=dd_item_id)
    if item.signed_off_at is not None:
        raise Conflict(MSG_ALREADY_SIGNED)
    if item.status not in FINISHED:
        raise Conflict(MSG_NOT_FINISHED)
    if item.owner_id is not None and item.owner_id == actor.user_id:
        raise Conflict(MSG_OWN_ITEM)
    before = audit.snapshot(item)
    item.signed_off_by = actor.user_id
    item.signed_off_at = utcnow()
    session.flush()
    _audit_item(session, actor, "sign_off", item, before)
    return item


def reopen(session: Session, *, actor: Actor, dd_item_id: int) -> DueDiligenceItem:
    ensure_evaluator(actor)
    item = get_item(session, actor=actor, dd_item_id=dd_item_id)
    if item.signed_off_at is None:
        raise Conflict(MSG_NOT_SIGNED)
    before = audit.snapshot(item)
    item.signed_off_by = None
    item.signed_off_at = None
    item.status = ItemStatus.IN_PROGRESS.value
    session.flush()
    _audit_item(session, actor, "reopen", item, before)
    return item


FIELD_LABELS: dict[str, str] = {
    **FIGURE_LABELS,
    "fiscal_year": N_("Fiscal year"),
    "model": N_("Altman model"),
    "audit_date": N_("Audit date"),
    "auditor": N_("Auditor"),
    "findings": N_("Findings"),
    "score": N_("Score"),
    "customers_contacted": N_("Customers contacted"),
    "summary": N_("Summary"),
    "certificates": N_("Certificates"),
    "verified_with": N_("Verified with"),
    "valid_until": N_("Valid until"),
    "questionnaire_version": N_("Questionnaire version"),
    "result": N_("Result"),
    "permits_checked": N_("Permits checked"),
    "incidents": N_("Incidents"),
    "declarations": N_("Declarations"),
}
"""Form labels for the default items' fields; a custom field shows its key."""
