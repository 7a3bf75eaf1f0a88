"""The owner's conversion tables for live registry scenarios: exchange rates (a price or lane
rate in another currency than the scenario's) and freight units (a lane priced per kg or per
container). Each is replaced whole, audited with before and after, and read by
``live_sources`` into ``LiveData`` (rules in ``live_data.convert`` / ``lane_unit_rate``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels
from cofab.planning.live_data import FreightSpec
from cofab.planning.models import ExchangeRate, FreightUnit
from cofab.planning.service import ensure_reader, ensure_writer

BAD_CURRENCY = N_("A currency is three letters, such as KRW.")
BAD_RATE = N_("The value in US dollars must be above 0.")
REPEATED = N_("{value} is listed twice.")
BAD_FREIGHT = N_("Give a unit weight or units per container above 0.")
NO_PRODUCT = N_("Name a product code or a family.")


register_field_labels(
    {
        "usd_value": N_("Value of one unit in US dollars"),
        "unit_kg": N_("Unit weight (kg)"),
        "units_per_container": N_("Units per container"),
        "units.product": N_("Product code or family"),
    }
)


@dataclass(frozen=True)
class RateRow:
    currency: str
    usd_value: Decimal


@dataclass(frozen=True)
class FreightRow:
    product: str
    unit_kg: Decimal | None
    units_per_container: Decimal | None


def list_rates(session: Session, *, actor: Actor) -> list[ExchangeRate]:
    ensure_reader(actor)
    stmt = select(ExchangeRate).order_by(ExchangeRate.currency)
    return list(session.execute(stmt).scalars())


def list_freight(session: Session, *, actor: Actor) -> list[FreightUnit]:
    ensure_reader(actor)
    return list(session.execute(select(FreightUnit).order_by(FreightUnit.product)).scalars())


def _check_rates(rows: Sequence[RateRow]) -> list[RateRow]:
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    clean = []
    for i, row in enumerate(rows):
        code = row.currency.strip().upper()
        if len(code) != 3 or not code.isalpha():
            problems.append(FieldProblem(f"rates[{i}].currency", BAD_CURRENCY))
        elif code in seen:
            problems.append(FieldProblem(f"rates[{i}].currency", REPEATED, {"value": code}))
        if not row.usd_value > 0:
            problems.append(FieldProblem(f"rates[{i}].usd_value", BAD_RATE))
        seen.add(code)
        clean.append(RateRow(code, row.usd_value))
    if problems:
        raise ValidationFailed(problems=problems)
    return clean


def _check_freight(rows: Sequence[FreightRow]) -> list[FreightRow]:
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    clean = []
    for i, row in enumerate(rows):
        name = row.product.strip()
        if not name:
            problems.append(FieldProblem(f"units[{i}].product", NO_PRODUCT))
        elif name in seen:
            problems.append(FieldProblem(f"units[{i}].product", REPEATED, {"value": name}))
        figures = [v for v in (row.unit_kg, row.units_per_container) if v is not None]
        if not figures or any(v <= 0 for v in figures):
            problems.append(FieldProblem(f"units[{i}].unit_kg", BAD_FREIGHT))
        seen.add(name)
        clean.append(FreightRow(name, row.unit_kg, row.units_per_container))
    if problems:
        raise ValidationFailed(problems=problems)
    return clean


def replace_rates(session: Session, *, actor: Actor, rows: Sequence[RateRow]) -> list[ExchangeRate]:
    """The whole exchange-rate table, replaced (nothing written when a row is refused)."""
    ensure_writer(actor)
    clean = _check_rates(rows)
    before = {r.currency: str(r.usd_value) for r in list_rates(session, actor=actor)}
    session.execute(delete(ExchangeRate))
    session.add_all(ExchangeRate(currency=r.currency, usd_value=r.usd_value) for r in clean)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="plan_exchange_rates",
        entity_id=None,
        before=before,
        after={r.currency: str(r.usd_value) for r in clean},
    )
    return list_rates(session, actor=actor)


def replace_freight(
    session: Session, *, actor: Actor, rows: Sequence[FreightRow]
) -> list[FreightUnit]:
    """The whole freight-unit table, replaced (nothing written when a row is refused)."""
    ensure_writer(actor)
    clean = _check_freight(rows)

    def shown(unit_kg: Decimal | None, per: Decimal | None) -> list[str | None]:
        return [None if unit_kg is None else str(unit_kg), None if per is None else str(per)]

    before = {
        f.product: shown(f.unit_kg, f.units_per_container)
        for f in list_freight(session, actor=actor)
    }
    session.execute(delete(FreightUnit))
    session.add_all(
        FreightUnit(product=r.product, unit_kg=r.unit_kg, units_per_container=r.units_per_container)
        for r in clean
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="plan_freight_units",
        entity_id=None,
        before=before,
        after={r.product: shown(r.unit_kg, r.units_per_container) for r in clean},
    )
    return list_freight(session, actor=actor)


def freight_specs(session: Session) -> dict[str, FreightSpec]:
    """product code or family → how it travels, as ``live_data.lane_unit_rate`` reads it."""
    out = {}
    for row in session.execute(select(FreightUnit)).scalars():
        out[row.product] = FreightSpec(
            None if row.unit_kg is None else float(row.unit_kg),
            None if row.units_per_container is None else float(row.units_per_container),
        )
    return out
