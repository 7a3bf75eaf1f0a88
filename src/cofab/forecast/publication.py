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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible, scope_to_partner
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
from cofab.forecast.publish_in_database import write_publication
from cofab.planning.models import Scenario
from cofab.planning.service import ensure_writer, periods_of

DEFAULT_FROZEN = 2
DEFAULT_FIRM = 4
QTY_STEP = Decimal("0.001")
OPEN = LineStatus.OPEN.value
LINE_COLUMNS = (
    "publication_id",
    "partner_id",
    "release",
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


def zone_of(index: int, frozen: int, firm: int) -> Zone:
    if index < frozen:
        return Zone.FROZEN
    if index < frozen + firm:
        return Zone.FIRM
    return Zone.FLEXIBLE


def quantity(value: Any) -> Decimal:
    """A plan quantity as published: to 0.001, ties to even (Decimal's default rounding)."""
    return Decimal(str(value or 0)).quantize(QTY_STEP)


@dataclass(frozen=True)
class _Plan:
    """What both writers need from the scenario, checked and mapped once."""

    scenario_id: int
    labels: list[str]
    windows: dict[str, tuple[int, date, date]]  # label -> (index, first day, end day)
    site_partner: dict[str, int]
    family: dict[str, str]
    #: partner -> (family, period) -> qty from the plan's capacity pools (Python writer only)
    pooled: dict[int, dict[tuple[str, str], Decimal]]


@dataclass(frozen=True)
class _Release:
    number: int
    at: datetime
    by: str
    zones: dict[int, tuple[int, int, int | None]]  # partner -> (frozen, firm, contract id)


@dataclass(frozen=True)
class _Made:
    publication: Publication
    lines: int
    reservations: int


def _in_database(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _scenario(session: Session, scenario_id: int, light: bool) -> Scenario:
    """The scenario; ``light`` leaves the plan document in the database (PostgreSQL reads the
    plan's flows from planning's rows, ``plan_flows``)."""
    stmt = select(Scenario).where(Scenario.id == scenario_id)
    if light:
        stmt = stmt.options(defer(Scenario.result_doc), defer(Scenario.simulation_doc))
    scenario = session.execute(stmt).scalar_one_or_none()
    if scenario is None:
        raise NotFound()
    return scenario


def publish(
    session: Session, *, actor: Actor, request: schemas.PublishRequest
) -> list[Publication]:
    """One publication per partner with a site in the plan; all share a new release number.

    On PostgreSQL the lines are made inside the database (``publish_in_database``); elsewhere
    in Python, with the same rounding and sums. One audit record names the release and every
    publication in it (partner, zones and where they came from, line and reservation counts).
    """
    ensure_writer(actor)
    in_database = _in_database(session)
    scenario = _scenario(session, request.scenario_id, light=in_database)
    # the plan's status is kept beside the plan (planning.record_plan sets both)
    status = scenario.plan_status if in_database else (scenario.result_doc or {}).get("status")
    if status not in ("optimal", "feasible"):
        raise ValidationFailed(problems=[FieldProblem("scenario_id", NOT_SOLVED)])
    pools = [] if in_database else list((scenario.result_doc or {}).get("pool_utilisation", []))
    plan = _plan_of(scenario, pools)
    frozen = DEFAULT_FROZEN if request.frozen_periods is None else request.frozen_periods
    firm = DEFAULT_FIRM if request.firm_periods is None else request.firm_periods
    candidates = sorted(set(plan.site_partner.values()))
    agreed = contract_zones(session, candidates)
    zones = {
        partner_id: (
            frozen if (z := agreed.get(partner_id)) is None or z.frozen is None else z.frozen,
            firm if z is None or z.firm is None else z.firm,
            None if z is None else z.contract_id,
        )
        for partner_id in candidates
    }
    number = (session.execute(select(func.max(Publication.release))).scalar_one() or 0) + 1
    release = _Release(number, utcnow(), actor.email, zones)
    if in_database:
        made = _write_in_database(session, plan, release)
    else:
        made = _write_from_python(session, scenario, plan, release)
    if not made:
        raise ValidationFailed(problems=[FieldProblem("scenario_id", NO_PARTNER_SITES)])
    audit.record(
        session,
        actor=actor,
        action="publish",
        entity="forecast_release",
        entity_id=number,
        after={
            "scenario_id": scenario.id,
            "release": number,
            "published_at": release.at,
            "periods": plan.labels,
            "lines": sum(m.lines for m in made),
            "reservations": sum(m.reservations for m in made),
            "publications": [
                {
                    "id": m.publication.id,
                    "partner_id": m.publication.partner_id,
                    "frozen_periods": m.publication.frozen_periods,
                    "firm_periods": m.publication.firm_periods,
                    "zones_contract_id": zones[m.publication.partner_id][2],
                    "lines": m.lines,
                    "reservations": m.reservations,
                }
                for m in made
            ],
        },
    )
    return [m.publication for m in made]


def _plan_of(scenario: Scenario, pools: list[dict[str, Any]]) -> _Plan:
    labels = periods_of(scenario.input_doc)  # the order plan_flows.period_index counts in
    windows: dict[str, tuple[int, date, date]] = {}
    for index, label in enumerate(labels):
        found = periods.window(label)
        if found is None:
            raise ValidationFailed(
                problems=[FieldProblem("scenario_id", BAD_PERIODS, {"period": label})]
            )
        windows[label] = (index, found[0], found[1])
    if not labels:
        raise ValidationFailed(problems=[FieldProblem("scenario_id", BAD_PERIODS, {"period": ""})])
    site_partner = {str(k): int(v) for k, v in (scenario.site_partners or {}).items()}
    pooled: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in pools:
        partner = site_partner.get(str(row["site"]))
        if partner is not None and row["period"] in windows:
            pooled[partner][(str(row["family"]), str(row["period"]))] += quantity(row["used"])
    return _Plan(
        scenario_id=scenario.id,
        labels=labels,
        windows=windows,
        site_partner=site_partner,
        family={str(p["id"]): str(p["family"]) for p in scenario.input_doc.get("products", [])},
        pooled=dict(pooled),
    )


def _write_in_database(session: Session, plan: _Plan, release: _Release) -> list[_Made]:
    session.flush()
    written = write_publication(
        session,
        scenario_id=plan.scenario_id,
        release=release.number,
        published_at=release.at,
        published_by=release.by,
        periods=plan.labels,
        site_partner=plan.site_partner,
        windows=plan.windows,
        zones={p: (z[0], z[1]) for p, z in release.zones.items()},
        open_status=OPEN,
    )
    found = {
        p.id: p
        for p in session.execute(
            select(Publication).where(Publication.id.in_([w.publication_id for w in written]))
        ).scalars()
    }
    return [_Made(found[w.publication_id], w.lines, w.reservations) for w in written]


def _write_from_python(
    session: Session, scenario: Scenario, plan: _Plan, release: _Release
) -> list[_Made]:
    lines: dict[int, dict[tuple[str, str, str], Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for flow in (scenario.result_doc or {}).get("flows", []):
        partner = plan.site_partner.get(str(flow["site"]))
        if partner is not None and flow["period"] in plan.windows:
            key = (str(flow["product"]), str(flow["site"]), str(flow["period"]))
            lines[partner][key] += quantity(flow["qty"])
    if not lines:
        return []
    publications = [
        Publication(
            partner_id=partner_id,
            scenario_id=plan.scenario_id,
            release=release.number,
            published_at=release.at,
            published_by=release.by,
            frozen_periods=release.zones[partner_id][0],
            firm_periods=release.zones[partner_id][1],
            periods=plan.labels,
        )
        for partner_id in sorted(lines)
    ]
    session.add_all(publications)
    session.flush()
    line_rows: list[tuple[Any, ...]] = []
    reservation_rows: list[tuple[Any, ...]] = []
    made = []
    for publication in publications:
        rows = lines[publication.partner_id]
        pub_id, partner_id = publication.id, publication.partner_id
        zone_at = [
            zone_of(i, publication.frozen_periods, publication.firm_periods).value
            for i in range(len(plan.labels))
        ]
        for (product, site, period), qty in sorted(rows.items()):
            index, first_day, end_day = plan.windows[period]
            line_rows.append(
                (
                    pub_id,
                    partner_id,
                    release.number,
                    product,
                    plan.family.get(product, product),
                    site,
                    period,
                    index,
                    first_day,
                    end_day,
                    zone_at[index],
                    qty,
                    OPEN,
                )
            )
        by_family = plan.pooled.get(partner_id)
        if not by_family:  # a plan without capacity pools reserves what it plans to make
            by_family = defaultdict(Decimal)
            for (product, _site, period), qty in rows.items():
                by_family[(plan.family.get(product, product), period)] += qty
        reservation_rows.extend(
            (pub_id, partner_id, f, t, q) for (f, t), q in sorted(by_family.items())
        )
        made.append(_Made(publication, len(rows), len(by_family)))
    write_rows(session, ForecastLine, LINE_COLUMNS, line_rows)
    write_rows(session, CapacityReservation, RESERVATION_COLUMNS, reservation_rows)
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
    publication = get_publication(session, actor=actor, publication_id=publication_id)
    return list(
        session.execute(
            select(ForecastLine)
            .where(
                ForecastLine.partner_id == publication.partner_id,  # the lines' index
                ForecastLine.publication_id == publication_id,
            )
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
    audit.record_row(
        session, actor=actor, action=answer.action, entity="forecast_line", row=line, before=before
    )
    return line


def accept(session: Session, *, actor: Actor, line_id: int) -> ForecastLine:
    """The owner accepts a counter-proposal: the proposed quantity becomes the commitment and a
    proposed period becomes the line's period (with that period's dates and zone)."""
    ensure_writer(actor)
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
    audit.record_row(
        session, actor=actor, action="accept", entity="forecast_line", row=line, before=before
    )
    return line
