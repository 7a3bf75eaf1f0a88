"""What the ventures domain offers other domains (with models.py): the ventures a partner
company is party to, and the board arithmetic, so a governance page can show a JV board's
votes without reaching into this domain's inner modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cofab.core.access import Actor, ensure_partner_visible
from cofab.core.errors import NotFound
from cofab.partners.models import Partner
from cofab.ventures import alliances, jv
from cofab.ventures.models import Alliance, Offtake, ReservedMatter, Resolution, Venture
from cofab.ventures.periods import period_bounds
from cofab.ventures.voting import Ballot, Outcome, Rule, tally

__all__ = [
    "Ballot",
    "BoardResolution",
    "Outcome",
    "OwnerOfftake",
    "ParentVote",
    "PartyTo",
    "Rule",
    "board_resolutions",
    "owner_offtake",
    "party_to",
    "tally",
    "ventures_of_partner",
]


def ventures_of_partner(session: Session, *, actor: Actor, partner_id: int) -> list[Venture]:
    """The ventures the actor may see in which ``partner_id`` is the JV or a parent."""
    return [v for v in jv.list_ventures(session, actor=actor) if partner_id in jv.party_ids(v)]


@dataclass(frozen=True)
class PartyTo:
    ventures: list[tuple[Venture, str]]  # with the company's role: "jv" or "parent"
    alliances: list[Alliance]


def party_to(session: Session, *, actor: Actor, partner_id: int) -> PartyTo:
    """What a partner company is party to, as far as the actor may see (a partner user only
    for its own company; another's is 404, like the partner itself)."""
    ensure_partner_visible(actor, partner_id)
    if session.get(Partner, partner_id) is None:
        raise NotFound()
    ventures = [
        (v, "jv" if v.partner_id == partner_id else "parent")
        for v in ventures_of_partner(session, actor=actor, partner_id=partner_id)
    ]
    found = [
        a
        for a in alliances.list_alliances(session, actor=actor)
        if partner_id in {p.partner_id for p in a.parties}
    ]
    return PartyTo(ventures, found)


@dataclass(frozen=True)
class OwnerOfftake:
    """What the owner company committed to take off a JV in one period and product family —
    what planning's registry scenarios turn into a floor on the JV's sites."""

    venture_id: int
    venture_name: str
    jv_partner_id: int
    period: str  # as written: 2027, 2027-Q1 or 2027-03
    months: tuple[str, ...]  # the months (YYYY-MM) the period spans
    product_family: str
    volume: Decimal
    uom: str
    as_of: datetime


def _months(period: str) -> tuple[str, ...]:
    start, end = period_bounds(period)
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def owner_offtake(session: Session, *, actor: Actor) -> list[OwnerOfftake]:
    """The owner company's offtake commitments in every venture the actor may see (a partner
    parent's commitment is its own purchase, not the owner's, so it is left out)."""
    ventures = {v.id: v for v in jv.list_ventures(session, actor=actor)}
    owner_parent = {p.id: v for v in ventures.values() for p in v.parents if p.partner_id is None}
    if not owner_parent:
        return []
    stmt = (
        select(Offtake)
        .where(Offtake.parent_id.in_(sorted(owner_parent)))
        .order_by(Offtake.venture_id, Offtake.period, Offtake.product_family, Offtake.id)
    )
    out = []
    for row in session.execute(stmt).scalars():
        venture = owner_parent[row.parent_id]
        out.append(
            OwnerOfftake(
                venture_id=venture.id,
                venture_name=venture.name,
                jv_partner_id=venture.partner_id,
                period=row.period,
                months=_months(row.period),
                product_family=row.product_family,
                volume=Decimal(row.volume),
                uom=row.uom,
                as_of=venture.updated_at or venture.created_at,
            )
        )
    return out


@dataclass(frozen=True)
class ParentVote:
    parent_partner_id: int | None  # None: the owner company
    equity_pct: Decimal
    board_seats: int
    vote: str  # for, against, abstain, absent


@dataclass(frozen=True)
class BoardResolution:
    """A JV board resolution as governance's board-resolution log shows it: the vote per
    parent and whether the threshold was met (computed once when it was recorded)."""

    resolution_id: int
    venture_id: int
    venture_name: str
    jv_partner_id: int
    number: str
    resolved_on: date
    title: str
    # the outcome as counted when it was recorded (kept on the resolution)
    passed: bool
    for_pct: Decimal
    required_pct: Decimal
    present_pct: Decimal
    rule: str
    basis: str
    matter_code: str | None
    matter_title: str | None
    votes: tuple[ParentVote, ...]


#: the resolution's stored outcome, copied as it is
_COUNTED = ("passed", "for_pct", "required_pct", "present_pct", "rule", "basis")


def board_resolutions(
    session: Session, *, actor: Actor, partner_id: int | None = None
) -> list[BoardResolution]:
    """Every board resolution of the ventures the actor may see (with ``partner_id``: of the
    ventures that company is party to), newest first."""
    ventures = {v.id: v for v in jv.list_ventures(session, actor=actor)}
    if partner_id is not None:
        ventures = {k: v for k, v in ventures.items() if partner_id in jv.party_ids(v)}
    if not ventures:
        return []
    stmt = (
        select(Resolution)
        .options(selectinload(Resolution.votes))
        .where(Resolution.venture_id.in_(sorted(ventures)))
        .order_by(Resolution.resolved_on.desc(), Resolution.id.desc())
    )
    resolutions = list(session.execute(stmt).scalars())
    matter_ids = {r.matter_id for r in resolutions if r.matter_id is not None}
    matters = {
        m.id: m
        for m in session.execute(
            select(ReservedMatter).where(ReservedMatter.id.in_(sorted(matter_ids)))
        ).scalars()
    }
    out = []
    for r in resolutions:
        venture = ventures[r.venture_id]
        parents = {p.id: p for p in venture.parents}
        votes = tuple(
            ParentVote(
                parent_partner_id=parents[v.parent_id].partner_id,
                equity_pct=parents[v.parent_id].equity_pct,
                board_seats=parents[v.parent_id].board_seats,
                vote=v.vote,
            )
            for v in r.votes
            if v.parent_id in parents
        )
        matter = matters.get(r.matter_id) if r.matter_id is not None else None
        out.append(
            BoardResolution(
                resolution_id=r.id,
                venture_id=venture.id,
                venture_name=venture.name,
                jv_partner_id=venture.partner_id,
                number=r.number,
                resolved_on=r.resolved_on,
                title=r.title,
                matter_code=matter.code if matter else None,
                matter_title=matter.title if matter else None,
                votes=votes,
                **{name: getattr(r, name) for name in _COUNTED},
            )
        )
    return out
