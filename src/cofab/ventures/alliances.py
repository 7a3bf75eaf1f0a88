"""Alliances and horizontal partnerships: parties, shared goals with KPIs, co-investments with
cost-sharing keys, the cost and benefit entries booked against them, and the statement per
period (ventures/sharing.py holds the formula).

Who sees an alliance: owner staff of its unit, and partner users whose company is a party.
Owner writers change it; parties read it. A key whose shares do not add up to exactly 100 %,
a party that is not the alliance's, or an entry in another currency is refused with the field
named, nothing saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Partner
from cofab.ventures import schemas, sharing
from cofab.ventures.jv import (
    PARENT_TWICE,
    UNKNOWN_PARTNER,
    apply_changes,
    ensure_writer,
    log_change,
    partner_names,
)
from cofab.ventures.models import (
    Alliance,
    AllianceParty,
    CoInvestment,
    CostKey,
    Goal,
    SharingEntry,
)
from cofab.ventures.periods import contains

KEYS_NOT_100 = N_("The cost-sharing keys add up to {total} %; they must be exactly 100 %.")
UNKNOWN_PARTY = N_("Not a party of this alliance.")
UNKNOWN_COINVESTMENT = N_("Not a co-investment of this alliance.")
WRONG_CURRENCY = N_("The alliance keeps its books in {currency}.")
PARTY_HAS_HISTORY = N_("Parties named by a cost-sharing key or an entry cannot be removed.")
HUNDRED = Decimal(100)


def _problem(field: str, message: str, **params: object) -> ValidationFailed:
    return ValidationFailed(problems=[FieldProblem(field, message, dict(params))])


def _log(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """An alliance's audit entry (no company of its own: ``log_change`` without a venture)."""
    log_change(
        session,
        actor,
        venture=None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )


def list_alliances(session: Session, *, actor: Actor) -> list[Alliance]:
    stmt = select(Alliance).options(selectinload(Alliance.parties)).order_by(Alliance.name)
    if actor.is_partner:
        mine = select(AllianceParty.alliance_id).where(AllianceParty.partner_id == actor.partner_id)
        stmt = stmt.where(Alliance.id.in_(mine))
    return list(session.execute(stmt).scalars())


def get_alliance(session: Session, *, actor: Actor, alliance_id: int) -> Alliance:
    alliance = session.get(Alliance, alliance_id)
    if alliance is None:
        raise NotFound()
    if actor.is_partner and actor.partner_id not in {p.partner_id for p in alliance.parties}:
        raise NotFound()
    return alliance


def _check_parties(session: Session, parties: list[schemas.PartyIn]) -> None:
    seen: set[int | None] = set()
    for index, party in enumerate(parties):
        field = f"parties.{index}.partner_id"
        if party.partner_id in seen:
            raise _problem(field, PARENT_TWICE)
        seen.add(party.partner_id)
        if party.partner_id is not None and session.get(Partner, party.partner_id) is None:
            raise _problem(field, UNKNOWN_PARTNER)


def _party_in_use(session: Session, party_id: int) -> bool:
    for column in (CostKey.party_id, SharingEntry.party_id):
        if session.execute(select(column).where(column == party_id)).first() is not None:
            return True
    return False


def set_parties(
    session: Session, *, actor: Actor, alliance: Alliance, parties: list[schemas.PartyIn]
) -> None:
    """Replace the parties with ``parties`` (at least two; audited before/after), matched by
    company: a kept party keeps its row (its cost-sharing keys and entries) and takes the new
    role; a new company joins; a party left out leaves, which is refused while a cost-sharing
    key or an entry names it (change the co-investment first). Checked like a new alliance:
    no company twice, no unknown partner."""
    ensure_writer(actor)
    _check_parties(session, parties)
    wanted = {p.partner_id: p for p in parties}
    for party in alliance.parties:
        if party.partner_id not in wanted and _party_in_use(session, party.id):
            raise Conflict(PARTY_HAS_HISTORY, problems=[FieldProblem("parties", PARTY_HAS_HISTORY)])
    before = [audit.snapshot(p) for p in alliance.parties]
    by_partner = {p.partner_id: p for p in alliance.parties}
    for party in list(alliance.parties):
        if party.partner_id not in wanted:
            alliance.parties.remove(party)
    for item in parties:
        existing = by_partner.get(item.partner_id)
        if existing is None:
            alliance.parties.append(AllianceParty(**item.model_dump()))
        else:
            existing.role = item.role
    session.flush()
    _log(
        session,
        actor,
        "update",
        "alliance_parties",
        alliance.id,
        {"parties": [audit.snapshot(p) for p in alliance.parties]},
        before={"parties": before},
    )


def create_alliance(session: Session, *, actor: Actor, data: schemas.AllianceCreate) -> Alliance:
    ensure_writer(actor)
    _check_parties(session, data.parties)
    alliance = Alliance(
        **data.model_dump(exclude={"parties"}),
        parties=[AllianceParty(**p.model_dump()) for p in data.parties],
    )
    session.add(alliance)
    session.flush()
    after = audit.snapshot(alliance) | {"parties": [audit.snapshot(p) for p in alliance.parties]}
    _log(session, actor, "create", "alliance", alliance.id, after)
    return alliance


def update_alliance(
    session: Session, *, actor: Actor, alliance_id: int, data: schemas.AllianceUpdate
) -> Alliance:
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    ensure_writer(actor)
    if data.parties is not None:
        set_parties(session, actor=actor, alliance=alliance, parties=data.parties)
    before = apply_changes(session, alliance, data, nullable=("started_on",))
    _log(session, actor, "update", "alliance", alliance.id, audit.snapshot(alliance), before=before)
    return alliance


def add_goal(session: Session, *, actor: Actor, alliance_id: int, data: schemas.GoalIn) -> Goal:
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    ensure_writer(actor)
    goal = Goal(alliance_id=alliance.id, **data.model_dump())
    session.add(goal)
    session.flush()
    _log(session, actor, "create", "alliance_goal", goal.id, audit.snapshot(goal))
    return goal


def get_goal(session: Session, *, actor: Actor, alliance_id: int, goal_id: int) -> Goal:
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    goal = session.get(Goal, goal_id)
    if goal is None or goal.alliance_id != alliance.id:
        raise NotFound()
    return goal


def set_goal_actual(
    session: Session, *, actor: Actor, alliance_id: int, goal_id: int, actual: Decimal
) -> Goal:
    goal = get_goal(session, actor=actor, alliance_id=alliance_id, goal_id=goal_id)
    ensure_writer(actor)
    before = audit.snapshot(goal)
    goal.actual = actual
    session.flush()
    _log(session, actor, "update", "alliance_goal", goal.id, audit.snapshot(goal), before=before)
    return goal


def goals(session: Session, alliance: Alliance) -> list[Goal]:
    stmt = select(Goal).where(Goal.alliance_id == alliance.id).order_by(Goal.id)
    return list(session.execute(stmt).scalars())


def add_coinvestment(
    session: Session, *, actor: Actor, alliance_id: int, data: schemas.CoInvestmentIn
) -> CoInvestment:
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    ensure_writer(actor)
    party_ids = {p.id for p in alliance.parties}
    seen: set[int] = set()
    for index, key in enumerate(data.keys):
        if key.party_id not in party_ids:
            raise _problem(f"keys.{index}.party_id", UNKNOWN_PARTY)
        if key.party_id in seen:
            raise _problem(f"keys.{index}.party_id", PARENT_TWICE)
        seen.add(key.party_id)
    total = sum((k.share_pct for k in data.keys), Decimal(0))
    if total != HUNDRED:
        raise _problem("keys.share_pct", KEYS_NOT_100, total=f"{total.normalize():f}")
    investment = CoInvestment(
        alliance_id=alliance.id,
        title=data.title,
        budget=data.budget,
        keys=[CostKey(party_id=k.party_id, share_pct=k.share_pct) for k in data.keys],
    )
    session.add(investment)
    session.flush()
    after = audit.snapshot(investment) | {"keys": [audit.snapshot(k) for k in investment.keys]}
    _log(session, actor, "create", "alliance_coinvestment", investment.id, after)
    return investment


def coinvestments(session: Session, alliance: Alliance) -> list[CoInvestment]:
    stmt = (
        select(CoInvestment)
        .where(CoInvestment.alliance_id == alliance.id)
        .options(selectinload(CoInvestment.keys))
        .order_by(CoInvestment.id)
    )
    return list(session.execute(stmt).scalars())


def add_entry(
    session: Session, *, actor: Actor, alliance_id: int, data: schemas.EntryIn
) -> SharingEntry:
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    ensure_writer(actor)
    investment = session.get(CoInvestment, data.coinvestment_id)
    if investment is None or investment.alliance_id != alliance.id:
        raise _problem("coinvestment_id", UNKNOWN_COINVESTMENT)
    if data.party_id not in {p.id for p in alliance.parties}:
        raise _problem("party_id", UNKNOWN_PARTY)
    if data.currency != alliance.currency:
        raise _problem("currency", WRONG_CURRENCY, currency=alliance.currency)
    entry = SharingEntry(**data.model_dump())
    session.add(entry)
    session.flush()
    _log(session, actor, "create", "alliance_entry", entry.id, audit.snapshot(entry))
    return entry


def statement(
    session: Session, *, actor: Actor, alliance_id: int, period: str
) -> schemas.Statement:
    """The sharing statement for ``period``: every entry booked for a period within it (a
    quarter's statement takes its months' entries too), shared by its co-investment's key."""
    alliance = get_alliance(session, actor=actor, alliance_id=alliance_id)
    investments = coinvestments(session, alliance)
    keys = {i.id: {k.party_id: k.share_pct for k in i.keys} for i in investments}
    rows = session.execute(
        select(SharingEntry)
        .where(SharingEntry.coinvestment_id.in_(list(keys)))
        .order_by(SharingEntry.id)
    ).scalars()
    entries = [
        sharing.Entry(e.coinvestment_id, e.party_id, e.kind, e.amount)
        for e in rows
        if contains(period, e.period)
    ]
    parties = [p.id for p in alliance.parties]
    names = party_names(session, alliance, actor.locale)
    lines = [
        schemas.StatementLine(
            party_id=line.party,
            name=names[line.party],
            cost_share=line.cost_share,
            paid=line.paid,
            benefit_share=line.benefit_share,
            received=line.received,
            net=line.net,
            settlement=line.settlement,
        )
        for line in sharing.statement(parties, keys, entries)
    ]
    return schemas.Statement(
        alliance_id=alliance.id, period=period, currency=alliance.currency, lines=lines
    )


def party_names(session: Session, alliance: Alliance, locale: str) -> dict[int, str]:
    ids = {p.partner_id for p in alliance.parties if p.partner_id}
    names = partner_names(session, ids, locale, alliance.unit_id)
    return {p.id: names[p.partner_id] for p in alliance.parties}


STATEMENT_HEADERS = [
    "party",
    "cost_share",
    "paid",
    "benefit_share",
    "received",
    "net",
    "settlement",
]


def statement_rows(result: schemas.Statement) -> list[list[Any]]:
    return [
        [
            line.name,
            line.cost_share,
            line.paid,
            line.benefit_share,
            line.received,
            line.net,
            line.settlement,
        ]
        for line in result.lines
    ]
