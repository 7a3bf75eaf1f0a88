"""Publishing a solved plan to partners, and the partners' answers to it.

A publication turns the plan's flows from a partner's sites into that partner's rolling forecast
(product × site × period) and the capacity reserved per family and period. The first periods are
frozen (they become orders and cannot be renegotiated), the next are firm, the rest flexible.
Zone lengths per partner come from its contracts in force (see ``contract_terms``: a
``FORECAST-ZONES`` clause); where no contract names one, the publish request's value, else the
defaults ``DEFAULT_FROZEN`` = 2 periods frozen and ``DEFAULT_FIRM`` = 4 periods firm; the rest is
flexible. Each publication keeps the lengths it used, and its audit record says where they came
from.

An accepted counter-proposal that names another period moves the line there (its zone follows
the new period); a counter-proposal cannot move a line into the frozen zone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible, require_roles, scope_to_partner
from cofab.core.errors import FieldProblem, InvalidTransition, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.forecast import periods, schemas
from cofab.forecast.bulk_rows import write_rows
from cofab.forecast.contract_terms import contract_zones
from cofab.forecast.models import (
    CapacityReservation,
    ForecastLine,
    LineStatus,
    Publication,
    Zone,
)
from cofab.planning import service as planning_service

DEFAULT_FROZEN = 2
DEFAULT_FIRM = 4
WRITERS = frozenset({"admin", "manager"})
QTY_STEP = Decimal("0.001")
OPEN = LineStatus.OPEN.value
LINE_COLUMNS = (
    "publication_id",
    "partner_id",
    "product",
    "family",
    "site",
    "period",
    "period_index",
    "period_start",
    "period_end",
    "zone",
    "planned_qty",
    "status",
)
RESERVATION_COLUMNS = ("publication_id", "partner_id", "family", "period", "qty")

NOT_SOLVED = N_("The scenario has no feasible plan yet: solve it first.")
BAD_PERIODS = N_(
    "The plan's periods must be months (YYYY-MM) or weeks (YYYY-Www) to be published; "
    "'{period}' is neither."
)
NO_PARTNER_SITES = N_("No site of this plan belongs to a registered partner: nothing to publish.")
FROZEN_COUNTER = N_(
    "This line is in the frozen zone: it can only be committed, not counter-proposed."
)
COUNTER_NEEDS_CHANGE = N_("Propose another quantity or another period.")
REASON_REQUIRED = N_("Give a reason for the counter-proposal.")
PERIOD_NOT_PUBLISHED = N_("Period '{period}' is not in this forecast.")
NOT_COUNTERED = N_("Only a counter-proposed line can be accepted.")
ALREADY_ACCEPTED = N_("The counter-proposal of this line was already accepted.")
INTO_FROZEN = N_("Period '{period}' is in the frozen zone: a line cannot be moved into it.")


def _owner_writer(actor: Actor) -> None:
    if not actor.is_owner_staff:
        raise NotFound()
    require_roles(actor, WRITERS)


def zone_of(index: int, frozen: int, firm: int) -> Zone:
    if index < frozen:
        return Zone.FROZEN
    if index < frozen + firm:
        return Zone.FIRM
    return Zone.FLEXIBLE


def _quantity(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(QTY_STEP)


def publish(
    session: Session, *, actor: Actor, request: schemas.PublishRequest
) -> list[Publication]:
    """One publication per partner with a site in the plan; all share a new release number."""
    _owner_writer(actor)
    scenario = planning_service.get_scenario(session, actor=actor, scenario_id=request.scenario_id)
    plan = scenario.result_doc
    if not plan or plan.get("status") not in ("optimal", "feasible"):
        raise ValidationFailed(problems=[FieldProblem("scenario_id", NOT_SOLVED)])
    labels = [str(p) for p in (scenario.input_doc.get("periods") or [])]
    windows: dict[str, tuple[date, date]] = {}
    for label in labels:
        found = periods.window(label)
        if found is None:
            raise ValidationFailed(
                problems=[FieldProblem("scenario_id", BAD_PERIODS, {"period": label})]
            )
        windows[label] = found
    if not labels:
        raise ValidationFailed(problems=[FieldProblem("scenario_id", BAD_PERIODS, {"period": ""})])
    site_partner = {str(k): int(v) for k, v in (scenario.site_partners or {}).items()}
    family = {str(p["id"]): str(p["family"]) for p in scenario.input_doc.get("products", [])}
    lines: dict[int, dict[tuple[str, str, str], Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for flow in plan.get("flows", []):
        partner = site_partner.get(str(flow["site"]))
        if partner is not None and flow["period"] in windows:
            key = (str(flow["product"]), str(flow["site"]), str(flow["period"]))
            lines[partner][key] += _quantity(flow["qty"])
    reserved: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in plan.get("pool_utilisation", []):
        partner = site_partner.get(str(row["site"]))
        if partner is not None and row["period"] in windows:
            reserved[partner][(str(row["family"]), str(row["period"]))] += _quantity(row["used"])
    if not lines:
        raise ValidationFailed(problems=[FieldProblem("scenario_id", NO_PARTNER_SITES)])
    frozen = DEFAULT_FROZEN if request.frozen_periods is None else request.frozen_periods
    firm = DEFAULT_FIRM if request.firm_periods is None else request.firm_periods
    agreed = contract_zones(session, sorted(lines))
    zones = {
        partner_id: (
            frozen if (z := agreed.get(partner_id)) is None or z.frozen is None else z.frozen,
            firm if z is None or z.firm is None else z.firm,
            None if z is None else z.contract_id,
        )
        for partner_id in lines
    }
    release = (session.execute(select(func.max(Publication.release))).scalar_one() or 0) + 1
    index_of = {label: i for i, label in enumerate(labels)}
    now = utcnow()
    made = [
        Publication(
            partner_id=partner_id,
            scenario_id=scenario.id,
            release=release,
            published_at=now,
            published_by=actor.email,
            frozen_periods=zones[partner_id][0],
            firm_periods=zones[partner_id][1],
            periods=labels,
        )
        for partner_id in sorted(lines)
    ]
    session.add_all(made)
    session.flush()
    line_rows: list[tuple[Any, ...]] = []
    reservation_rows: list[tuple[Any, ...]] = []
    for publication in made:
        rows = lines[publication.partner_id]
        pub_id, partner_id = publication.id, publication.partner_id
        zone_at = [
            zone_of(i, publication.frozen_periods, publication.firm_periods).value
            for i in range(len(labels))
        ]
        line_rows.extend(
            (
                pub_id,
                partner_id,
                product,
                family.get(product, product),
                site,
                period,
                index_of[period],
                windows[period][0],
                windows[period][1],
                zone_at[index_of[period]],
                qty,
                OPEN,
            )
            for (product, site, period), qty in sorted(rows.items())
        )
        by_family = reserved.get(partner_id)
        if not by_family:  # a plan without capacity pools reserves what it plans to make
            by_family = defaultdict(Decimal)
            for (product, _site, period), qty in rows.items():
                by_family[(family.get(product, product), period)] += qty
        reservation_rows.extend(
            (pub_id, partner_id, f, t, q) for (f, t), q in sorted(by_family.items())
        )
        audit.record(
            session,
            actor=actor,
            action="publish",
            entity="forecast_publication",
            entity_id=publication.id,
            partner_id=publication.partner_id,
            after=audit.snapshot(publication)
            | {"lines": len(rows), "zones_contract_id": zones[publication.partner_id][2]},
        )
    # COPY on PostgreSQL, one executemany elsewhere: a plan has 100,000s of lines
    session.flush()
    write_rows(session, ForecastLine, LINE_COLUMNS, line_rows)
    write_rows(session, CapacityReservation, RESERVATION_COLUMNS, reservation_rows)
    session.flush()
    return made


def list_publications(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[Publication]:
    stmt = scope_to_partner(select(Publication), actor, Publication.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Publication.partner_id == partner_id)
    stmt = stmt.order_by(Publication.release.desc(), Publication.partner_id)
    return list(session.execute(stmt).scalars())


def get_publication(session: Session, *, actor: Actor, publication_id: int) -> Publication:
    publication = session.execute(
        scope_to_partner(
            select(Publication).where(Publication.id == publication_id),
            actor,
            Publication.partner_id,
        )
    ).scalar_one_or_none()
    if publication is None:
        raise NotFound()
    return publication


def publication_lines(session: Session, *, actor: Actor, publication_id: int) -> list[ForecastLine]:
    get_publication(session, actor=actor, publication_id=publication_id)
    return list(
        session.execute(
            select(ForecastLine)
            .where(ForecastLine.publication_id == publication_id)
            .order_by(ForecastLine.period_index, ForecastLine.product, ForecastLine.site)
        ).scalars()
    )


def reservations(
    session: Session, *, actor: Actor, publication_id: int
) -> list[CapacityReservation]:
    get_publication(session, actor=actor, publication_id=publication_id)
    return list(
        session.execute(
            select(CapacityReservation)
            .where(CapacityReservation.publication_id == publication_id)
            .order_by(CapacityReservation.family, CapacityReservation.period)
        ).scalars()
    )


def get_line(session: Session, *, actor: Actor, line_id: int) -> ForecastLine:
    line = session.execute(
        scope_to_partner(
            select(ForecastLine).where(ForecastLine.id == line_id), actor, ForecastLine.partner_id
        )
    ).scalar_one_or_none()
    if line is None:
        raise NotFound()
    ensure_partner_visible(actor, line.partner_id)
    return line


def respond(
    session: Session, *, actor: Actor, line_id: int, answer: schemas.LineResponse
) -> ForecastLine:
    """The partner commits to a line, or counter-proposes a quantity and/or period with a
    reason. Only the partner itself answers: the owner's side is :func:`accept`."""
    line = get_line(session, actor=actor, line_id=line_id)
    if not actor.is_partner:
        raise NotFound()
    if line.status == LineStatus.ACCEPTED.value:
        raise InvalidTransition(ALREADY_ACCEPTED)
    before = audit.snapshot(line)
    if answer.action == "commit":
        line.status = LineStatus.COMMITTED.value
        line.committed_qty = line.planned_qty
        line.proposed_qty = None
        line.proposed_period = None
        line.reason = answer.reason
    else:
        problems: list[FieldProblem] = []
        if line.zone == Zone.FROZEN.value:
            raise ValidationFailed(problems=[FieldProblem("zone", FROZEN_COUNTER)])
        publication = get_publication(session, actor=actor, publication_id=line.publication_id)
        if answer.qty is None and answer.period is None:
            problems.append(FieldProblem("qty", COUNTER_NEEDS_CHANGE))
        if answer.period is not None and answer.period not in publication.periods:
            problems.append(FieldProblem("period", PERIOD_NOT_PUBLISHED, {"period": answer.period}))
        elif (
            answer.period is not None
            and answer.period != line.period
            and publication.periods.index(answer.period) < publication.frozen_periods
        ):
            problems.append(FieldProblem("period", INTO_FROZEN, {"period": answer.period}))
        if not (answer.reason or "").strip():
            problems.append(FieldProblem("reason", REASON_REQUIRED))
        if problems:
            raise ValidationFailed(problems=problems)
        line.status = LineStatus.COUNTERED.value
        line.committed_qty = None
        line.proposed_qty = answer.qty if answer.qty is not None else line.planned_qty
        line.proposed_period = answer.period or line.period
        line.reason = answer.reason
    line.responded_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=answer.action,
        entity="forecast_line",
        entity_id=line.id,
        partner_id=line.partner_id,
        before=before,
        after=audit.snapshot(line),
    )
    return line


def accept(session: Session, *, actor: Actor, line_id: int) -> ForecastLine:
    """The owner accepts a counter-proposal: the proposed quantity becomes the commitment and a
    proposed period becomes the line's period (with that period's dates and zone)."""
    _owner_writer(actor)
    line = get_line(session, actor=actor, line_id=line_id)
    if line.status != LineStatus.COUNTERED.value:
        raise InvalidTransition(NOT_COUNTERED)
    before = audit.snapshot(line)
    line.status = LineStatus.ACCEPTED.value
    line.committed_qty = line.proposed_qty
    if line.proposed_period and line.proposed_period != line.period:
        publication = get_publication(session, actor=actor, publication_id=line.publication_id)
        window = periods.window(line.proposed_period)
        if line.proposed_period in publication.periods and window is not None:
            index = publication.periods.index(line.proposed_period)
            line.period = line.proposed_period
            line.period_index = index
            line.period_start, line.period_end = window
            line.zone = zone_of(index, publication.frozen_periods, publication.firm_periods).value
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="accept",
        entity="forecast_line",
        entity_id=line.id,
        partner_id=line.partner_id,
        before=before,
        after=audit.snapshot(line),
    )
    return line
