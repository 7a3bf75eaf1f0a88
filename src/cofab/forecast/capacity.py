"""Capacity declarations: a partner's own statement of what a site can make per family and month.

The partner keeps them (the owner reads them into plans), so a partner user writes only its own
company's declarations, for its own sites; two declarations of one site and family may not cover
the same month, or a plan would not know which one to believe.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import (
    Actor,
    ensure_partner_visible,
    ensure_partner_writable,
    scope_to_partner,
)
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.forecast import periods, schemas
from cofab.forecast.models import CapacityDeclaration
from cofab.partners import service as partners_service
from cofab.partners.models import Site

NOT_A_MONTH = N_("Must be a month written YYYY-MM.")
BEFORE_FIRST = N_("Must not be before the first month.")
SITE_NOT_OURS = N_("This site does not belong to the partner.")
OVERLAPS = N_(
    "Overlaps the declaration {id} for this site and family ({first} to {last}); change or "
    "delete that one first."
)
SHUTDOWN_OUTSIDE = N_("Shutdown month {month} is outside the declared months.")
PARTNER_REQUIRED = N_("Choose the partner the declaration is for.")


def _month(value: str, field: str, problems: list[FieldProblem]) -> date | None:
    day = periods.month_start(value)
    if day is None:
        problems.append(FieldProblem(field, NOT_A_MONTH))
    return day


def create_declaration(
    session: Session, *, actor: Actor, data: schemas.DeclarationCreate
) -> CapacityDeclaration:
    if actor.is_partner and data.partner_id not in (None, actor.partner_id):
        raise NotFound()
    partner_id = actor.partner_id if actor.is_partner else data.partner_id
    if partner_id is None:
        raise ValidationFailed(problems=[FieldProblem("partner_id", PARTNER_REQUIRED)])
    ensure_partner_writable(actor, partner_id)
    partners_service.get_partner(session, actor=actor, partner_id=partner_id)
    problems: list[FieldProblem] = []
    site = session.get(Site, data.site_id)
    if site is None or site.partner_id != partner_id:
        problems.append(FieldProblem("site_id", SITE_NOT_OURS))
    first = _month(data.first_period, "first_period", problems)
    last = _month(data.last_period, "last_period", problems)
    if first and last and last < first:
        problems.append(FieldProblem("last_period", BEFORE_FIRST))
    for index, label in enumerate(data.shutdowns):
        day = _month(label, f"shutdowns.{index}", problems)
        if day and first and last and not first <= day <= last:
            problems.append(FieldProblem(f"shutdowns.{index}", SHUTDOWN_OUTSIDE, {"month": label}))
    if problems or first is None or last is None:
        raise ValidationFailed(problems=problems)
    clash = session.execute(
        select(CapacityDeclaration).where(
            CapacityDeclaration.site_id == data.site_id,
            CapacityDeclaration.family == data.family,
            CapacityDeclaration.first_period <= last,
            CapacityDeclaration.last_period >= first,
        )
    ).scalar_one_or_none()
    if clash is not None:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "first_period",
                    OVERLAPS,
                    {
                        "id": clash.id,
                        "first": periods.month_label(clash.first_period),
                        "last": periods.month_label(clash.last_period),
                    },
                )
            ]
        )
    declaration = CapacityDeclaration(
        partner_id=partner_id,
        site_id=data.site_id,
        family=data.family,
        first_period=first,
        last_period=last,
        nameplate=data.nameplate,
        ramp_start_share=data.ramp_start_share,
        ramp_months=data.ramp_months,
        shutdowns=sorted(set(data.shutdowns)),
        note=data.note,
    )
    session.add(declaration)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="capacity_declaration",
        entity_id=declaration.id,
        partner_id=partner_id,
        after=audit.snapshot(declaration),
    )
    return declaration


def list_declarations(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[CapacityDeclaration]:
    stmt = scope_to_partner(
        select(CapacityDeclaration), actor, CapacityDeclaration.partner_id
    ).order_by(
        CapacityDeclaration.partner_id,
        CapacityDeclaration.site_id,
        CapacityDeclaration.family,
        CapacityDeclaration.first_period,
    )
    if partner_id is not None:
        stmt = stmt.where(CapacityDeclaration.partner_id == partner_id)
    return list(session.execute(stmt).scalars())


def get_declaration(session: Session, *, actor: Actor, declaration_id: int) -> CapacityDeclaration:
    declaration = session.execute(
        select(CapacityDeclaration).where(CapacityDeclaration.id == declaration_id)
    ).scalar_one_or_none()
    if declaration is None:
        raise NotFound()
    ensure_partner_visible(actor, declaration.partner_id)
    return declaration


def delete_declaration(session: Session, *, actor: Actor, declaration_id: int) -> None:
    declaration = get_declaration(session, actor=actor, declaration_id=declaration_id)
    ensure_partner_writable(actor, declaration.partner_id)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="capacity_declaration",
        entity_id=declaration.id,
        partner_id=declaration.partner_id,
        before=audit.snapshot(declaration),
    )
    session.delete(declaration)
    session.flush()


def monthly_capacity(declaration: CapacityDeclaration) -> dict[str, Decimal]:
    """Month → units: the ramp climbs linearly from ``ramp_start_share`` of nameplate in the
    first month to nameplate after ``ramp_months`` months; a shutdown month is zero."""
    start = Decimal(declaration.ramp_start_share)
    ramp = declaration.ramp_months
    shut = set(declaration.shutdowns or [])
    out: dict[str, Decimal] = {}
    for index in range(
        periods.months_between(declaration.first_period, declaration.last_period) + 1
    ):
        label = periods.month_label(periods.add_months(declaration.first_period, index))
        share = (
            Decimal(1)
            if ramp == 0
            else min(Decimal(1), start + (Decimal(1) - start) * Decimal(index) / Decimal(ramp))
        )
        qty = Decimal(0) if label in shut else Decimal(declaration.nameplate) * share
        out[label] = qty.quantize(Decimal("0.001"))
    return out


def capacity_points(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[schemas.CapacityPoint]:
    """Every declared month of every visible declaration (what a plan reads as capacity)."""
    return [
        schemas.CapacityPoint(
            partner_id=d.partner_id, site_id=d.site_id, family=d.family, period=label, capacity=qty
        )
        for d in list_declarations(session, actor=actor, partner_id=partner_id)
        for label, qty in monthly_capacity(d).items()
    ]
