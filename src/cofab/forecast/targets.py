"""Targets against actuals: per partner, product family and period of one release (default the
latest), side by side:

- **target**: the production target of the partner's contract in force (``contract_terms``),
  spread over the period by :func:`contract_terms.target_per_period`; none without a contract
  target for the family;
- **planned**: what the published plan asks of the partner (Σ planned quantity of its lines);
- **committed**: what the partner committed to (Σ committed quantity of answered lines, after
  accepted counter-proposals moved them);
- **actual**: the good units received from the partner in the period (Σ accepted quantity of
  receipts dated in the period, by the order line's product family).

For periods that have started by ``as_of`` (default today): attainment = actual / target;
the cumulative gap = Σ (actual − target) over the partner's started periods so far (a period
without a target adds nothing); a warning where actual < target in this period and the one
before (two periods running). Periods still ahead show target, plan and commitment only.
Sums are computed in SQL; the running figures are a pass over the few rows per partner.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.forecast import periods, schemas
from cofab.forecast.contract_terms import contract_targets, target_per_period
from cofab.forecast.models import ForecastLine, LineStatus, Publication
from cofab.forecast.partner_names import partner_names
from cofab.operations.models import OrderLine, Receipt

ANSWERED = (LineStatus.COMMITTED.value, LineStatus.ACCEPTED.value)
EXPORT_HEADERS = [
    "partner_id",
    "partner",
    "family",
    "period",
    "target",
    "planned",
    "committed",
    "actual",
    "attainment_pct",
    "cumulative_gap",
    "below_target_twice",
]


def _latest_release(session: Session, actor: Actor) -> int | None:
    return session.execute(
        scope_to_partner(select(func.max(Publication.release)), actor, Publication.partner_id)
    ).scalar_one()


def targets_vs_actuals(
    session: Session,
    *,
    actor: Actor,
    release: int | None = None,
    partner_id: int | None = None,
    as_of: date | None = None,
) -> list[schemas.TargetRow]:
    as_of = as_of or date.today()
    if release is None:
        release = _latest_release(session, actor)
        if release is None:
            return []
    stmt = scope_to_partner(
        select(Publication).where(Publication.release == release), actor, Publication.partner_id
    )
    if partner_id is not None:
        stmt = stmt.where(Publication.partner_id == partner_id)
    publications = list(session.execute(stmt.order_by(Publication.partner_id)).scalars())
    if not publications:
        return []
    labels = publications[0].periods
    windows = {label: periods.window(label) for label in labels}
    partners = [p.partner_id for p in publications]
    planned_rows = session.execute(
        select(
            ForecastLine.partner_id,
            ForecastLine.family,
            ForecastLine.period,
            func.sum(ForecastLine.planned_qty),
            func.sum(
                case(
                    (
                        ForecastLine.status.in_(ANSWERED),
                        func.coalesce(ForecastLine.committed_qty, 0),
                    ),
                    else_=0,
                )
            ),
        )
        .where(
            ForecastLine.partner_id.in_(partners),  # the lines' index leads with the partner
            ForecastLine.publication_id.in_([p.id for p in publications]),
        )
        .group_by(ForecastLine.partner_id, ForecastLine.family, ForecastLine.period)
    ).all()
    figures: dict[tuple[int, str, str], dict[str, Decimal | None]] = defaultdict(dict)
    for pid, family, period, plan_qty, commit_qty in planned_rows:
        cell = figures[(pid, family, period)]
        cell["planned"] = Decimal(plan_qty or 0)
        cell["committed"] = Decimal(commit_qty or 0)
    started = [label for label in labels if (w := windows[label]) and w[0] <= as_of]
    if started:
        first = windows[started[0]]
        last = windows[started[-1]]
        assert first is not None and last is not None
        receipts = session.execute(
            select(
                Receipt.partner_id,
                OrderLine.product_family,
                Receipt.received_date,
                func.sum(Receipt.accepted_qty),
            )
            .join(OrderLine, OrderLine.id == Receipt.line_id)
            .where(
                and_(
                    Receipt.partner_id.in_(partners),
                    Receipt.received_date >= first[0],
                    Receipt.received_date < last[1],
                    OrderLine.product_family.is_not(None),
                )
            )
            .group_by(Receipt.partner_id, OrderLine.product_family, Receipt.received_date)
        ).all()
        for pid, family, day, qty in receipts:
            for label in started:
                window = windows[label]
                if window is not None and window[0] <= day < window[1]:
                    cell = figures[(pid, str(family), label)]
                    cell["actual"] = Decimal(cell.get("actual") or 0) + Decimal(qty or 0)
                    break
    targets = contract_targets(session, partners)
    for pid, rows in targets.items():
        for agreed in rows:
            for label in labels:
                figures[(pid, agreed.family, label)]["target"] = target_per_period(agreed, label)
    families: dict[int, set[str]] = defaultdict(set)
    for pid, family, _label in figures:
        families[pid].add(family)
    out: list[schemas.TargetRow] = []
    for pid in partners:
        for family in sorted(families.get(pid, ())):
            running = Decimal(0)
            below_before = False
            for label in labels:
                cell = figures.get((pid, family, label), {})
                target = cell.get("target")
                is_started = label in started
                actual = Decimal(cell.get("actual") or 0) if is_started else None
                attainment = None
                below = False
                if is_started and actual is not None and target is not None:
                    running += actual - target
                    attainment = float(actual / target) if target > 0 else None
                    below = actual < target
                out.append(
                    schemas.TargetRow(
                        partner_id=pid,
                        family=family,
                        period=label,
                        target=None if target is None else target.quantize(Decimal("0.001")),
                        planned=Decimal(cell.get("planned") or 0),
                        committed=Decimal(cell.get("committed") or 0),
                        actual=actual,
                        attainment=attainment,
                        cumulative_gap=running.quantize(Decimal("0.001")) if is_started else None,
                        warning=below and below_before,
                    )
                )
                below_before = below
    return out


def export_rows(
    session: Session, rows: list[schemas.TargetRow], locale: str = "en"
) -> tuple[list[str], list[list[Any]]]:
    """The same figures as a table for CSV/XLSX (attainment in per cent)."""
    names = partner_names(session, [r.partner_id for r in rows], locale)
    return EXPORT_HEADERS, [
        [
            r.partner_id,
            names.get(r.partner_id, ""),
            r.family,
            r.period,
            r.target,
            r.planned,
            r.committed,
            r.actual,
            None if r.attainment is None else round(r.attainment * 100, 1),
            r.cumulative_gap,
            "yes" if r.warning else "",
        ]
        for r in rows
    ]


def charts(rows: list[schemas.TargetRow], names: dict[int, str]) -> list[dict[str, Any]]:
    """One chart per partner: per period, target, plan, commitment and actual summed over its
    families (each family's rows are in the table beside it)."""
    by_partner: dict[int, dict[str, dict[str, float]]] = {}
    warnings: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        cells = by_partner.setdefault(r.partner_id, {})
        cell = cells.setdefault(
            r.period, {"target": 0.0, "planned": 0.0, "committed": 0.0, "actual": 0.0}
        )
        cell["target"] += float(r.target or 0)
        cell["planned"] += float(r.planned)
        cell["committed"] += float(r.committed)
        cell["actual"] += float(r.actual or 0)
        if r.warning:
            warnings[r.partner_id].append(f"{r.family} {r.period}")
    return [
        {
            "partner_id": pid,
            "name": names.get(pid, str(pid)),
            "labels": list(cells),
            "series": {
                key: [cells[t][key] for t in cells]
                for key in ("target", "planned", "committed", "actual")
            },
            "rows": [r for r in rows if r.partner_id == pid],
            "warnings": warnings.get(pid, []),
        }
        for pid, cells in by_partner.items()
    ]
