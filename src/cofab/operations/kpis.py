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

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.operations import kpi_fanout
from cofab.operations.kpi_definitions import (
    DEFINITIONS,
    KPI_CODES,
    KPI_NAMES,
    KPI_UNITS,
    LOWER_IS_BETTER,
)
from cofab.operations.kpi_delivery import (
    delivery_sums,
    lead_time_sums,
    line_flags,
    per_line_outcomes,
)
from cofab.operations.kpi_other import (
    acknowledgement_sums,
    receipt_sums,
    ticket_percentiles,
    tickets_opened,
)
from cofab.operations.kpi_sql import GROUPINGS, KpiQuery, period_instants, ratio
from cofab.operations.models import SupportTicket
from cofab.partners.models import Partner, Site

__all__ = [
    "DEFINITIONS",
    "GROUPINGS",
    "KPI_CODES",
    "KPI_NAMES",
    "KPI_UNITS",
    "LOWER_IS_BETTER",
    "KpiGroup",
    "KpiQuery",
    "compute",
    "compute_for_partner",
    "line_flags",
    "per_line_outcomes",
    "period_instants",
]
GroupBy = Literal["partner", "site", "family", "all"]


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
    ticket = SupportTicket.__table__
    found = kpi_fanout.run(
        session,
        [  # longest first, so the helpers finish together
            ("delivery", lambda s: delivery_sums(s, actor, query)),
            ("lead", lambda s: lead_time_sums(s, actor, query)),
            ("receipts", lambda s: receipt_sums(s, actor, query)),
            ("ack", lambda s: acknowledgement_sums(s, actor, query)),
            ("response", lambda s: ticket_percentiles(s, actor, query, ticket.c.first_response_at)),
            ("resolution", lambda s: ticket_percentiles(s, actor, query, ticket.c.resolved_at)),
            ("opened", lambda s: tickets_opened(s, actor, query)),
        ],
    )
    delivery, receipts, lead = found["delivery"], found["receipts"], found["lead"]
    response, resolution = found["response"], found["resolution"]
    opened, ack = found["opened"], found["ack"]
    keys = set(delivery) | set(receipts) | set(lead) | set(response) | set(resolution)
    keys |= set(opened) | set(ack)
    groups: list[KpiGroup] = []
    for key in keys:
        d = delivery.get(key, {})
        r = receipts.get(key, {})
        lt = lead.get(key, {})
        rs = response.get(key, {})
        rv = resolution.get(key, {})
        a = ack.get(key, {})
        n_eval = int(d.get("n_eval") or 0)
        n_late = int(d.get("n_late") or 0)
        values: dict[str, float | None] = {
            "otd_lines": ratio(d.get("n_on_time"), n_eval, 100),
            "otd_qty": ratio(d.get("qty_on_time"), d.get("qty_eval"), 100),
            "otif": ratio(d.get("n_otif"), n_eval, 100),
            "avg_days_late": (
                None if n_eval == 0 else (ratio(d.get("late_days"), n_late) if n_late else 0.0)
            ),
            "fill_rate": ratio(d.get("qty_filled"), d.get("qty_eval"), 100),
            "defect_ppm": ratio(r.get("rejected"), r.get("received"), 1_000_000),
            "cost_index": ratio(r.get("landed"), r.get("contract"), 100),
            "lead_time_days": ratio(lt.get("lead_days"), lt.get("completed")),
            "response_median_h": _hours(rs.get("median")),
            "response_p90_h": _hours(rs.get("p90")),
            "resolution_median_h": _hours(rv.get("median")),
            "resolution_p90_h": _hours(rv.get("p90")),
            "ack_rate": ratio(a.get("answered"), a.get("ordered"), 100),
            "ack_hours": ratio(a.get("ack_hours"), a.get("answered")),
        }
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


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


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
