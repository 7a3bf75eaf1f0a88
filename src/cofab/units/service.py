"""Business units: the public surface other domains, the CLI and the demo use."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Partner
from cofab.units import scope
from cofab.units.models import BusinessUnit, PartnerUnit, UnitMembership

ADMINS = frozenset({"admin"})
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
UNIT_COOKIE = "cofab_unit"
UNIT_HEADER = "x-cofab-unit"
MSG_CODE = N_("Use 1–40 lower-case letters, digits, - or _, starting with a letter or digit.")


def list_units(session: Session, *, active_only: bool = False) -> list[BusinessUnit]:
    stmt = select(BusinessUnit).order_by(BusinessUnit.id)
    if active_only:
        stmt = stmt.where(BusinessUnit.is_active.is_(True))
    return list(session.execute(stmt).scalars())


def unit_by_code(session: Session, code: str) -> BusinessUnit | None:
    return session.execute(
        select(BusinessUnit).where(BusinessUnit.code == code.strip().lower())
    ).scalar_one_or_none()


def get_unit(session: Session, unit_id: int) -> BusinessUnit:
    unit = session.get(BusinessUnit, unit_id)
    if unit is None:
        raise NotFound()
    return unit


def create_unit(
    session: Session, actor: Actor, *, code: str, name_ko: str, name_en: str
) -> BusinessUnit:
    """Only a group admin founds a unit: a unit admin must not widen his own world."""
    require_roles(actor, ADMINS)
    if actor.unit_ids is not None:
        raise_forbidden()
    code = code.strip().lower()
    problems = []
    if not CODE_RE.match(code):
        problems.append(
            FieldProblem(
                "code",
                MSG_CODE,
            )
        )
    for field, value in (("name_ko", name_ko), ("name_en", name_en)):
        if not value.strip():
            problems.append(FieldProblem(field, N_("This field is required.")))
    if problems:
        raise ValidationFailed(problems=problems)
    if unit_by_code(session, code) is not None:
        raise Conflict(N_("A business unit with code {code} already exists."), code=code)
    unit = BusinessUnit(code=code, name_ko=name_ko.strip(), name_en=name_en.strip())
    session.add(unit)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="business_unit",
        entity_id=unit.id,
        after=audit.snapshot(unit),
    )
    return unit


def raise_forbidden() -> None:
    raise Forbidden(N_("Only a group administrator can change business units."))


def ensure_unit(session: Session, *, code: str, name_ko: str, name_en: str) -> BusinessUnit:
    """Get-or-create for scripts and the demo (no actor, no audit entry for an existing unit)."""
    code = code.strip().lower()  # looked up lower-cased, so stored lower-cased
    unit = unit_by_code(session, code)
    if unit is None:
        unit = BusinessUnit(code=code, name_ko=name_ko, name_en=name_en)
        session.add(unit)
        session.flush()
    return unit


def units_of_user(session: Session, user_id: int) -> list[int]:
    return list(
        session.execute(
            select(UnitMembership.unit_id)
            .where(UnitMembership.user_id == user_id)
            .order_by(UnitMembership.unit_id)
        ).scalars()
    )


def set_user_units(
    session: Session,
    actor: Actor | None,
    *,
    user_id: int,
    unit_ids: list[int],
    all_units: bool,
) -> None:
    """Replace a user's memberships. ``actor=None`` is the CLI/demo (trusted, not audited)."""
    if actor is not None:
        require_roles(actor, ADMINS)
        if actor.unit_ids is not None and (all_units or not set(unit_ids) <= actor.unit_ids):
            raise_forbidden()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.role == "partner" and (unit_ids or all_units):
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "unit_ids", N_("Partner users belong to their company, not to a business unit.")
                )
            ]
        )
    known = {u.id for u in list_units(session)}
    unknown = sorted(set(unit_ids) - known)
    if unknown:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "unit_ids",
                    N_("Unknown business unit: {ids}."),
                    {"ids": ", ".join(map(str, unknown))},
                )
            ]
        )
    before = {"unit_ids": units_of_user(session, user_id), "all_units": user.all_units}
    for membership in session.execute(
        select(UnitMembership).where(UnitMembership.user_id == user_id)
    ).scalars():
        session.delete(membership)
    session.flush()
    for unit_id in sorted(set(unit_ids)):
        session.add(UnitMembership(user_id=user_id, unit_id=unit_id))
    if user.role != "partner":
        user.all_units = all_units
    session.flush()
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action="set_units",
            entity="user",
            entity_id=user_id,
            before=before,
            after={"unit_ids": sorted(set(unit_ids)), "all_units": all_units},
        )


def link_partner(session: Session, *, partner_id: int, unit_id: int) -> None:
    scope.link_pairs(session, [(partner_id, unit_id)])


def units_of_partner(session: Session, partner_id: int) -> list[BusinessUnit]:
    return list(
        session.execute(
            select(BusinessUnit)
            .join(PartnerUnit, PartnerUnit.unit_id == BusinessUnit.id)
            .where(PartnerUnit.partner_id == partner_id)
            .order_by(BusinessUnit.id)
        ).scalars()
    )


@contextmanager
def working_in(session: Session, unit_id: int | None) -> Iterator[None]:
    """New records made inside the block are filed under ``unit_id`` (scripts, demo, tests)."""
    previous = session.info.get(scope.CURRENT_KEY)
    session.info[scope.CURRENT_KEY] = unit_id
    try:
        yield
    finally:
        session.info[scope.CURRENT_KEY] = previous


def _chosen(request: Any) -> str | None:
    if request is None:
        return None
    value = request.headers.get(UNIT_HEADER) or request.cookies.get(UNIT_COOKIE)
    return value.strip().lower() if value else None


def refine_actor(session: Session, actor: Actor, request: Any) -> Actor:
    """Fill the actor's units and give the request's session its scope (registered in core)."""
    if actor.user_id == 0:
        return actor
    if actor.is_partner:
        return _refine_partner(session, actor, request)
    user = session.get(User, actor.user_id)
    units = list_units(session, active_only=True)
    if user is None:
        return actor
    if user.all_units:
        unit_ids: frozenset[int] | None = None
        choices = units
    else:
        mine = set(units_of_user(session, user.id))
        unit_ids = frozenset(mine)
        choices = [u for u in units if u.id in mine]
    current = _pick(choices, _chosen(request)) if choices else None
    scope.set_scope(session, unit_ids=unit_ids, current_unit_id=current, user_id=user.id)
    return dataclasses.replace(
        actor,
        unit_ids=unit_ids,
        current_unit_id=current,
        unit_choices=tuple((u.id, u.name_ko, u.name_en) for u in choices),
    )


def _refine_partner(session: Session, actor: Actor, request: Any) -> Actor:
    """A partner user works in the units its company works with (``partner_units``): the
    switcher offers them, and what the user files lands in its parent's unit (an outgoing
    inspection in its lot's) or else in the chosen one — without a unit, a ticket or an outgoing
    inspection of a partner was filed under none, and no unit user ever saw it. What a partner
    user reads stays bounded by its company (``core.access``), across all of those units."""
    if actor.partner_id is None:
        return actor
    choices = [u for u in units_of_partner(session, actor.partner_id) if u.is_active]
    if not choices:
        return actor
    current = _pick(choices, _chosen(request))
    session.info[scope.CURRENT_KEY] = current
    session.info[scope.PARENT_KEY] = True
    return dataclasses.replace(
        actor,
        current_unit_id=current,
        unit_choices=tuple((u.id, u.name_ko, u.name_en) for u in choices),
    )


def _pick(choices: list[BusinessUnit], chosen: str | None) -> int:
    """The unit the request chose (by id or code) among ``choices``, else the first."""
    return next(
        (u.id for u in choices if chosen is not None and chosen in {str(u.id), u.code}),
        choices[0].id,
    )


def unit_partner_ids(session: Session, unit_ids: frozenset[int]) -> list[int]:
    """Partners the given units work with, for hand-written SQL that the ORM scope cannot see."""
    return list(
        session.execute(
            select(PartnerUnit.partner_id)
            .where(PartnerUnit.unit_id.in_(sorted(unit_ids)))
            .distinct()
        ).scalars()
    )


def members_of_unit(session: Session, unit_id: int) -> list[User]:
    return list(
        session.execute(
            select(User)
            .join(UnitMembership, UnitMembership.user_id == User.id)
            .where(UnitMembership.unit_id == unit_id)
            .order_by(User.display_name)
        ).scalars()
    )


def partners_of_unit(session: Session, unit_id: int) -> list[int]:
    return list(
        session.execute(
            select(PartnerUnit.partner_id).where(PartnerUnit.unit_id == unit_id)
        ).scalars()
    )


def link_partner_as(session: Session, actor: Actor, *, unit_id: int, partner_id: int) -> None:
    """An admin links a partner he can see to a unit he belongs to (audited)."""
    require_roles(actor, ADMINS)
    unit = get_unit(session, unit_id)  # the ORM scope hides other units: NotFound
    ensure_partner_seen(session, partner_id)
    scope.link_pairs(session, [(partner_id, unit.id)])
    audit.record(
        session,
        actor=actor,
        action="link_unit",
        entity="partner",
        entity_id=partner_id,
        partner_id=partner_id,
        after={"unit_id": unit.id},
    )


def carry_scope(source: Session, helper: Session) -> None:
    """A helper session (a parallel reader of the same request) sees what its request sees."""
    for key in (scope.SCOPE_KEY, scope.CURRENT_KEY, scope.OWNER_KEY, scope.PARENT_KEY):
        if key in source.info:
            helper.info[key] = source.info[key]


def scope_core_select(stmt: Any, actor: Actor, from_clause: Any) -> Any:
    """Apply a unit user's scope to a Core SELECT over ``from_clause`` (a table or its alias)."""
    if actor.unit_ids is None or actor.is_partner:
        return stmt
    criterion = scope.table_criterion(actor.unit_ids, actor.user_id, from_clause)
    return stmt if criterion is None else stmt.where(criterion)


def ensure_partner_seen(session: Session, partner_id: int) -> None:
    """404 for a partner the session cannot see (the ORM scope hides other units' partners)."""
    if session.get(Partner, partner_id) is None:
        raise NotFound()
