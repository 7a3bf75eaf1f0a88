"""The query object every KPI takes, and the small SQL helpers the KPI queries share:
partner scoping, the grouping column, and period bounds as UTC instants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case

from cofab.core.access import Actor
from cofab.operations.models import AckStatus
from cofab.units import service as units_service

GROUPINGS: tuple[str, ...] = ("partner", "site", "family", "all")
CLOSED = (AckStatus.CANCELLED.value, AckStatus.REJECTED.value)


@dataclass(frozen=True)
class KpiQuery:
    start: date
    end: date  # inclusive
    group_by: str = "partner"
    tolerance_days: int = 0
    partner_ids: Sequence[int] | None = None
    as_of: date | None = None  # evaluation date for open lines; default today (UTC)


# --- helpers ----------------------------------------------------------------------------------


def scope(stmt: Select[Any], column: Any, actor: Actor, query: KpiQuery) -> Select[Any]:
    if actor.is_partner:
        stmt = stmt.where(column == actor.partner_id)
    if query.partner_ids is not None:
        stmt = stmt.where(column.in_(list(query.partner_ids)))
    # Core SQL: the ORM's unit scope does not reach it, so a unit user's filter is added here.
    scoped: Select[Any] = units_service.scope_core_select(stmt, actor, column.table)
    return scoped


def group_column(kind: str, partner: Any, site: Any, family: Any) -> ColumnElement[Any] | None:
    column: ColumnElement[Any] | None = {
        "partner": partner,
        "site": site,
        "family": family,
        "all": None,
    }[kind]
    return column


def key_of(value: Any) -> str:
    return "" if value is None else str(value)


def num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def ratio(numerator: Any, denominator: Any, scale: float = 1.0) -> float | None:
    den = num(denominator)
    if den == 0:
        return None
    return round(num(numerator) / den * scale, 6)


def period_instants(query: KpiQuery) -> tuple[datetime, datetime]:
    start = datetime.combine(query.start, time.min, tzinfo=UTC)
    end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=UTC)
    return start, end


def min_of(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)
