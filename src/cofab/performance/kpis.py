"""Operations KPIs computed inside the database, for any period, per partner, site or family.

Each KPI family is one SQLAlchemy Core query that aggregates in SQL (window functions for
cumulative receipts and percentiles, which SQLite ≥ 3.25 and PostgreSQL both run), so a million
order lines never travel to Python — only one row per group does. Python then divides the sums.

A group with no activity for a KPI gets ``None`` ("no data"), never 0: a partner with nothing due
in a month has not delivered 0 % on time.

Percentiles are nearest-rank (the value at rank ⌈p·n⌉ of the sorted sample), the same rule as
PostgreSQL's ``percentile_disc`` and DuckDB's ``quantile_disc``; the median of an even sample is
therefore its lower middle value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.operations.models import SupportTicket
from cofab.partners.models import Partner, Site
from cofab.performance import kpi_fanout, rules
from cofab.performance.kpi_definitions import (
    DEFINITIONS,
    KPI_CODES,
    KPI_NAMES,
    KPI_UNITS,
    KPIS,
    LOWER_IS_BETTER,
    KpiDef,
    values_of,
)
from cofab.performance.kpi_delivery import (
    delivery_sums,
    lead_time_sums,
    line_flags,
    per_line_outcomes,
)
from cofab.performance.kpi_other import (
    acknowledgement_sums,
    receipt_sums,
    ticket_percentiles,
    tickets_opened,
)
from cofab.performance.kpi_sql import GROUPINGS, KpiQuery, period_instants

__all__ = [
    "DEFINITIONS",
    "GROUPINGS",
    "KPIS",
    "KPI_CODES",
    "KPI_NAMES",
    "KPI_UNITS",
    "LOWER_IS_BETTER",
    "SOURCE_QUERIES",
    "KpiDef",
    "KpiGroup",
    "KpiQuery",
    "compute",
    "compute_for_partner",
    "line_flags",
    "per_line_outcomes",
    "period_instants",
    "values_of",
]
GroupBy = Literal["partner", "site", "family", "all"]
SourceQuery = Callable[[Session, Actor, KpiQuery], dict[str, Any]]
_ticket = SupportTicket.__table__

# The SQL query behind each KPI source (``KpiDef.source``), longest first so that on PostgreSQL
# the helpers running them side by side finish together.
SOURCE_QUERIES: dict[str, SourceQuery] = {
    "delivery": delivery_sums,
    "lead": lead_time_sums,
    "receipts": receipt_sums,
    "ack": acknowledgement_sums,
    "response": lambda s, a, q: ticket_percentiles(s, a, q, _ticket.c.first_response_at),
    "resolution": lambda s, a, q: ticket_percentiles(s, a, q, _ticket.c.resolved_at),
}


@dataclass
class KpiGroup:
    key: str
    label: str = ""
    values: dict[str, float | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    price_variance: dict[str, float] = field(default_factory=dict)


# --- assembly ---------------------------------------------------------------------------------


def compute(
    session: Session, *, actor: Actor, query: KpiQuery, locale: str = "en"
) -> list[KpiGroup]:
    """Every KPI for every group with any activity in the period."""
    if query.group_by not in GROUPINGS:
        raise ValueError(query.group_by)
    rules.check_report_dates(start=query.start, end=query.end, as_of=query.as_of)
    found = kpi_fanout.run(
        session,
        [
            *((name, _bound(run, actor, query)) for name, run in SOURCE_QUERIES.items()),
            ("opened", _bound(tickets_opened, actor, query)),
        ],
    )
    opened: dict[str, int] = found.pop("opened")
    keys = set(opened).union(*found.values())
    groups: list[KpiGroup] = []
    for key in keys:
        d, r = found["delivery"].get(key, {}), found["receipts"].get(key, {})
        lt, a = found["lead"].get(key, {}), found["ack"].get(key, {})
        values = values_of({source: sums.get(key, {}) for source, sums in found.items()})
        n_eval = int(d.get("n_eval") or 0)
        n_late = int(d.get("n_late") or 0)
        counts = {
            "lines_due": int(d.get("due") or 0),
            "lines_evaluated": n_eval,
            "lines_late": n_late,
            "receipts": int(r.get("receipts") or 0),
            "lines_completed": int(lt.get("completed") or 0),
            "tickets": opened.get(key, 0),
            "lines_ordered": int(a.get("ordered") or 0),
        }
        groups.append(
            KpiGroup(key, values=values, counts=counts, price_variance=r.get("variance", {}))
        )
    _label(session, groups, query.group_by, locale)
    return sorted(groups, key=lambda g: (g.label.lower(), g.key))


def _bound(
    run: Callable[[Session, Actor, KpiQuery], Any], actor: Actor, query: KpiQuery
) -> Callable[[Session], Any]:
    return lambda session: run(session, actor, query)


def _label(session: Session, groups: list[KpiGroup], group_by: str, locale: str) -> None:
    ids = [int(g.key) for g in groups if g.key.isdigit()]
    names: dict[str, str] = {}
    if group_by == "partner" and ids:
        for pid, en, ko in session.execute(
            select(Partner.id, Partner.name_en, Partner.name_ko).where(Partner.id.in_(ids))
        ):
            names[str(pid)] = ko if locale == "ko" else en
    elif group_by == "site" and ids:
        for sid, name in session.execute(select(Site.id, Site.name).where(Site.id.in_(ids))):
            names[str(sid)] = name
    for group in groups:
        if group_by == "all":
            group.label = "—"
        elif group_by == "family":
            group.label = group.key or "—"
        else:
            group.label = names.get(group.key, group.key or "—")


def compute_for_partner(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    start: date,
    end: date,
    tolerance_days: int = 0,
    as_of: date | None = None,
) -> KpiGroup:
    """All KPIs of one partner; an idle partner gets a group whose values are all None."""
    query = KpiQuery(start, end, "partner", tolerance_days, [partner_id], as_of)
    found = compute(session, actor=actor, query=query)
    if found:
        return found[0]
    return KpiGroup(str(partner_id), values=dict.fromkeys(KPI_CODES), counts={})
