"""Exit and production transition: when a partner leaves (§2.1, §5.2), what must move or come
back, as a checklist with owners.

Starting a plan takes a snapshot of what the partner holds today, one step each:
- every open order with quantity still to receive (move it or receive it out),
- forecast commitments per family for periods not yet ended (cancel or move them), and the
  last-time buy per family: the forecast of the periods that start before the exit date,
- every contract in force (terminate or novate it),
- every vault document still shared with it (recover it; the vault exit report confirms),
- the alternate source of every contingency plan about the partner or one of its sites (move
  the family there), or one step to find an alternate when no plan names one,
and the steps every exit has: tooling and consigned inventory returned, a dual-running period
(three milestones: first article, first lots accepted, full rate and the last order),
knowledge transfer, and the vault exit report. The snapshot is kept as taken: later orders do
not rewrite a plan someone is working through. Mandatory steps left open keep the partner out
of "exited" (``exit_gate``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.forecast.models import ForecastLine
from cofab.operations.models import Order, OrderLine
from cofab.partners.models import Partner, PartnerStatus, Site
from cofab.risk import register
from cofab.risk.models import ContingencyPlan, TransitionPlan, TransitionStep
from cofab.risk.schemas import TransitionCreate, TransitionStepUpdate
from cofab.vault.models import VaultDocument, VaultShare

TRANSITION_INVALID = N_("The transition plan has {count} problem(s); nothing was saved.")
NO_SUCH_PARTNER = N_("No partner with id {id}.")
ALREADY_EXITED = N_("The partner has already exited.")
LIVE_CONTRACT_STATUSES = ("approved", "active")
OPEN_ORDER_STATUSES = ("open", "pending_approval")

register_labels(
    {
        "transition_open_order": N_("Open order"),
        "transition_forecast": N_("Forecast commitment"),
        "transition_last_time_buy": N_("Last-time buy"),
        "transition_contract": N_("Contract"),
        "transition_document": N_("Shared document"),
        "transition_tooling": N_("Tooling and consigned inventory"),
        "transition_alternate": N_("Alternate source"),
        "transition_dual_running": N_("Dual running"),
        "transition_knowledge": N_("Knowledge transfer"),
        "transition_exit_report": N_("Vault exit report"),
    }
)


def _step(
    kind: str, msgid: str, about: str = "", /, *, mandatory: bool = True, **params: Any
) -> dict[str, Any]:
    """A step whose title is ``msgid`` filled with ``params``: stored in English (API, audit,
    exports) with the msgid and params kept, so a page shows it in the reader's language."""
    params = {k: str(v) for k, v in params.items()}
    return {
        "kind": kind,
        "title": msgid.format(**params),
        "title_params": {"msgid": msgid, "params": params},
        "ref": about[:200],
        "mandatory": mandatory,
    }


ORDER_STEP = N_(
    "Order {ref}: {lines} open line(s), {left} units to receive or move to the alternate"
)
FORECAST_STEP = N_(
    "Forecast for {family}: {qty} units in {lines} line(s) through {last} — cancel with the "
    "partner or move to the alternate"
)
LTB_STEP = N_(
    "Last-time buy of {family}: {qty} units, the open forecast (no exit date set); order them "
    "from the partner before it stops"
)
LTB_UNTIL_STEP = N_(
    "Last-time buy of {family}: {qty} units the forecast needs before the exit on {until}; "
    "order them from the partner before it stops"
)
CONTRACT_STEP = N_("Contract {ref} “{title}”: terminate, let expire or novate")
DOCUMENT_STEP = N_("Recover or revoke “{title}” ({kind})")
NO_ALTERNATE_STEP = N_("No contingency plan names an alternate for {partner}: find and qualify one")
ALTERNATE_STEP = N_(
    "Move {what} to {partner} — {site} (contingency plan “{plan}”, safety stock {stock})"
)


def _orders(session: Session, partner_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Order.external_ref,
            func.count(OrderLine.id),
            func.sum(OrderLine.quantity - OrderLine.received_total),
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.partner_id == partner_id,
            Order.status.in_(OPEN_ORDER_STATUSES),
            OrderLine.received_total < OrderLine.quantity,
        )
        .group_by(Order.external_ref)
        .order_by(Order.external_ref)
    ).all()
    return [
        _step(
            "open_order",
            ORDER_STEP,
            str(ref),
            ref=ref,
            lines=lines,
            left=f"{Decimal(left or 0).normalize():f}",
        )
        for ref, lines, left in rows
    ]


def _quantity(lines: list[ForecastLine]) -> Decimal:
    return sum((line.committed_qty or line.planned_qty for line in lines), Decimal(0))


def _forecast(
    session: Session, partner_id: int, today: date, until: date | None
) -> list[dict[str, Any]]:
    """Per family: the open forecast (cancel or move it), and the last-time buy, what the
    forecast still needs from the partner in the periods that start before the exit date
    (``until``; none set: the whole open forecast)."""
    per_family: dict[str, list[ForecastLine]] = defaultdict(list)
    for line in session.execute(
        select(ForecastLine)
        .where(ForecastLine.partner_id == partner_id, ForecastLine.period_end > today)
        .order_by(ForecastLine.family, ForecastLine.period_start)
    ).scalars():
        per_family[line.family].append(line)
    steps = []
    for family, lines in per_family.items():
        qty = _quantity(lines)
        last = max(line.period for line in lines)
        steps.append(
            _step(
                "forecast",
                FORECAST_STEP,
                family,
                family=family,
                qty=f"{qty.normalize():f}",
                lines=len(lines),
                last=last,
            )
        )
        before_exit = [line for line in lines if until is None or line.period_start < until]
        buy = f"{_quantity(before_exit).normalize():f}"
        if until is None:
            steps.append(
                _step("last_time_buy", LTB_STEP, family, mandatory=False, family=family, qty=buy)
            )
        else:
            steps.append(
                _step(
                    "last_time_buy",
                    LTB_UNTIL_STEP,
                    family,
                    mandatory=False,
                    family=family,
                    qty=buy,
                    until=until.isoformat(),
                )
            )
    return steps


def _contracts(session: Session, partner_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Contract)
        .where(Contract.partner_id == partner_id, Contract.status.in_(LIVE_CONTRACT_STATUSES))
        .order_by(Contract.id)
    ).scalars()
    return [
        _step(
            "contract",
            CONTRACT_STEP,
            c.external_ref or str(c.id),
            ref=c.external_ref or c.id,
            title=c.title,
        )
        for c in rows
    ]


def _documents(session: Session, partner_id: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = session.execute(
        select(VaultDocument.title, VaultDocument.kind, VaultDocument.external_ref)
        .join(VaultShare, VaultShare.document_id == VaultDocument.id)
        .where(
            VaultShare.partner_id == partner_id,
            VaultShare.revoked_at.is_(None),
            or_(VaultShare.expires_at.is_(None), VaultShare.expires_at > now),
        )
        .distinct()
        .order_by(VaultDocument.title)
    ).all()
    return [
        _step("document", DOCUMENT_STEP, ref or title, title=title, kind=kind)
        for title, kind, ref in rows
    ]


def _alternates(session: Session, partner: Partner) -> list[dict[str, Any]]:
    site_ids = select(Site.id).where(Site.partner_id == partner.id)
    plans = session.execute(
        select(ContingencyPlan, Site, Partner)
        .join(Site, Site.id == ContingencyPlan.alternate_site_id)
        .join(Partner, Partner.id == Site.partner_id)
        .where(
            or_(
                ContingencyPlan.partner_id == partner.id,
                ContingencyPlan.site_id.in_(site_ids),
            )
        )
        .order_by(ContingencyPlan.id)
    ).all()
    if not plans:
        return [_step("alternate", NO_ALTERNATE_STEP, partner=partner.name_en)]
    return [
        _step(
            "alternate",
            ALTERNATE_STEP,
            f"plan {plan.id}",
            what=plan.product_family or plan.title,
            partner=alt_partner.name_en,
            site=site.name,
            plan=plan.title,
            stock=plan.safety_stock,
        )
        for plan, site, alt_partner in plans
    ]


FIXED_STEPS = (
    ("tooling", N_("Return tooling, fixtures and consigned inventory (count and sign off)"), True),
    # dual running as its milestones, in order
    ("dual_running", N_("Dual running: the alternate's first article approved"), False),
    (
        "dual_running",
        N_("Dual running: alternate's first lots accepted before the last order"),
        False,
    ),
    (
        "dual_running",
        N_("Dual running: the alternate at full rate; the last order to the partner placed"),
        False,
    ),
    ("knowledge", N_("Knowledge transfer: process sheets, test programs, open issues"), False),
    ("exit_report", N_("Issue the vault exit report and get the partner's confirmation"), True),
)


def start_transition(
    session: Session, *, actor: Actor, data: TransitionCreate, today: date | None = None
) -> TransitionPlan:
    register.ensure_writer(actor)
    day = today or date.today()
    partner = session.get(Partner, data.partner_id)
    if partner is None:
        problem = FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": data.partner_id})
        raise ValidationFailed(TRANSITION_INVALID, problems=[problem], count=1)
    if partner.status == PartnerStatus.EXITED:
        problem = FieldProblem("partner_id", ALREADY_EXITED)
        raise ValidationFailed(TRANSITION_INVALID, problems=[problem], count=1)
    found = (
        _orders(session, partner.id)
        + _forecast(session, partner.id, day, data.due_date)
        + _contracts(session, partner.id)
        + _documents(session, partner.id)
        + _alternates(session, partner)
        + [_step(kind, title, mandatory=mandatory) for kind, title, mandatory in FIXED_STEPS]
    )
    owner = data.owner or actor.email or ""
    plan = TransitionPlan(
        partner_id=partner.id,
        title=data.title or f"Exit of {partner.name_en}",
        reason=data.reason,
        owner=owner,
        created_by=actor.email or "system",
    )
    for position, step in enumerate(found, start=1):
        plan.steps.append(
            TransitionStep(position=position, owner=owner, due_date=data.due_date, **step)
        )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="risk_transition",
        entity_id=plan.id,
        partner_id=partner.id,
        after=audit.snapshot(plan) | {"steps": [s.title for s in plan.steps]},
    )
    return plan


def get_transition(session: Session, *, actor: Actor, transition_id: int) -> TransitionPlan:
    register.ensure_reader(actor)
    plan = session.execute(
        select(TransitionPlan)
        .where(TransitionPlan.id == transition_id)
        .options(selectinload(TransitionPlan.steps))
    ).scalar_one_or_none()
    if plan is None:
        raise NotFound()
    return plan


def list_transitions(session: Session, *, actor: Actor) -> list[TransitionPlan]:
    register.ensure_reader(actor)
    return list(
        session.execute(
            select(TransitionPlan)
            .options(selectinload(TransitionPlan.steps))
            .order_by(TransitionPlan.id.desc())
        ).scalars()
    )


def update_step(
    session: Session, *, actor: Actor, step_id: int, data: TransitionStepUpdate
) -> TransitionStep:
    """Owner, due date, note, done or reopened; the done date and who marked it are kept."""
    register.ensure_writer(actor)
    step = session.get(TransitionStep, step_id)
    if step is None:
        raise NotFound()
    get_transition(session, actor=actor, transition_id=step.plan_id)  # the plan's unit scope
    before = audit.snapshot(step)
    values = data.model_dump(exclude_unset=True)
    done = values.pop("done", None)
    for name, value in values.items():
        setattr(step, name, value)
    if done is True and step.done_on is None:
        step.done_on = date.today()
        step.done_by = actor.email
    elif done is False:
        step.done_on, step.done_by = None, None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="risk_transition_step",
        entity_id=step.id,
        before=before,
        after=audit.snapshot(step),
    )
    return step


def open_mandatory_steps(session: Session, partner_id: int) -> list[TransitionStep]:
    """Mandatory steps still open in any transition plan of the partner (the exit gate)."""
    return list(
        session.execute(
            select(TransitionStep)
            .join(TransitionPlan, TransitionPlan.id == TransitionStep.plan_id)
            .where(
                TransitionPlan.partner_id == partner_id,
                TransitionStep.mandatory.is_(True),
                TransitionStep.done_on.is_(None),
            )
            .order_by(TransitionStep.plan_id, TransitionStep.position)
        ).scalars()
    )
