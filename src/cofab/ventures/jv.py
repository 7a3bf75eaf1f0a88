"""Joint ventures: the business rules, who sees what, and the audit trail of every change.

Who sees a venture: owner staff of its unit (the unit scope is automatic), and partner users
whose company is the JV itself or one of its parents — everyone else gets 404. Who changes it:
owner writers (admin, manager) only; the parents' and the JV's own users read the record the
board keeps, they do not keep it.

Cross-field rules are refused whole with the field named, nothing saved: equity that does not
add up to exactly 100 %, a parent listed twice, a vote without quorum, a vote missing for a
parent, a payment beyond what is outstanding or in another currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from cofab.core import audit
from cofab.core.access import REGISTRY_WRITERS, Actor, require_roles
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_, translate
from cofab.partners.models import Partner
from cofab.units.models import BusinessUnit
from cofab.ventures import schemas
from cofab.ventures.models import (
    CapitalCall,
    Offtake,
    Parent,
    ReservedMatter,
    Resolution,
    ResolutionVote,
    Venture,
)
from cofab.ventures.voting import Ballot, Outcome, Rule, tally

OWNER_COMPANY = N_("Our company")
EQUITY_NOT_100 = N_("The parents' equity adds up to {total} %; it must be exactly 100 %.")
PARENT_TWICE = N_("A parent is listed twice.")
UNKNOWN_PARTNER = N_("No such partner.")
JV_OWNS_ITSELF = N_("The JV company cannot be its own parent.")
UNKNOWN_PARENT = N_("Not a parent of this venture.")
THRESHOLD_NEEDED = N_("A qualified majority needs a threshold between 50 and 100 %.")
MATTER_TAKEN = N_("The venture already has a reserved matter with code {code}.")
NUMBER_TAKEN = N_("The venture already has a resolution numbered {number}.")
UNKNOWN_MATTER = N_("Not a reserved matter of this venture.")
MATTER_IN_USE = N_("Reserved matter {code} is cited by a recorded resolution and stays.")
VOTE_MISSING = N_("Every parent needs a vote (for, against, abstain or absent); {count} missing.")
NO_QUORUM = {
    "seats": N_(
        "No quorum: the parents present hold {present} % of the board seats; at least "
        "{quorum} % must be present. The vote was not recorded."
    ),
    "equity": N_(
        "No quorum: the parents present hold {present} % of the equity; at least "
        "{quorum} % must be present. The vote was not recorded."
    ),
}
HAS_HISTORY = N_("Parents with capital calls, offtake or votes cannot be removed.")
HUNDRED = Decimal(100)


def problem(field: str, message: str, **params: object) -> ValidationFailed:
    return ValidationFailed(problems=[FieldProblem(field, message, dict(params))])


# --- reading ----------------------------------------------------------------------------------


def party_ids(venture: Venture) -> set[int]:
    """The partner companies party to a venture: the JV itself and its partner parents."""
    return {venture.partner_id} | {p.partner_id for p in venture.parents if p.partner_id}


def ensure_writer(actor: Actor) -> None:
    require_roles(actor, REGISTRY_WRITERS)


def venture_query(actor: Actor) -> Select[Venture]:
    stmt = select(Venture).options(selectinload(Venture.parents)).order_by(Venture.name)
    if actor.is_partner:
        as_parent = select(Parent.venture_id).where(Parent.partner_id == actor.partner_id)
        stmt = stmt.where(or_(Venture.partner_id == actor.partner_id, Venture.id.in_(as_parent)))
    return stmt


def list_ventures(session: Session, *, actor: Actor) -> list[Venture]:
    return list(session.execute(venture_query(actor)).scalars())


def get_venture(session: Session, *, actor: Actor, venture_id: int) -> Venture:
    venture = session.get(Venture, venture_id)
    if venture is None:
        raise NotFound()
    if actor.is_partner and actor.partner_id not in party_ids(venture):
        raise NotFound()
    return venture


def partner_names(
    session: Session, ids: set[int], locale: str, unit_id: int | None = None
) -> dict[int | None, str]:
    """Partner names by id, and the owner company (``None``) by its business unit's name."""
    unit = session.get(BusinessUnit, unit_id) if unit_id is not None else None
    owner = (unit.name_ko if locale == "ko" else unit.name_en) if unit else None
    names: dict[int | None, str] = {None: owner or translate(OWNER_COMPANY, locale)}
    if ids:
        for partner in session.execute(select(Partner).where(Partner.id.in_(ids))).scalars():
            names[partner.id] = partner.name_ko if locale == "ko" else partner.name_en
    return names


# --- creating and changing the structure ------------------------------------------------------


def _check_parents(session: Session, jv_partner_id: int, parents: list[schemas.ParentIn]) -> None:
    seen: set[int | None] = set()
    for index, parent in enumerate(parents):
        if parent.partner_id in seen:
            raise problem(f"parents.{index}.partner_id", PARENT_TWICE)
        seen.add(parent.partner_id)
        if parent.partner_id == jv_partner_id:
            raise problem(f"parents.{index}.partner_id", JV_OWNS_ITSELF)
        if parent.partner_id is not None and session.get(Partner, parent.partner_id) is None:
            raise problem(f"parents.{index}.partner_id", UNKNOWN_PARTNER)
    total = sum((p.equity_pct for p in parents), Decimal(0))
    if total != HUNDRED:
        raise problem("parents.equity_pct", EQUITY_NOT_100, total=f"{total.normalize():f}")


def _check_matter(index: int | None, matter: schemas.MatterIn) -> None:
    field = "threshold_pct" if index is None else f"matters.{index}.threshold_pct"
    if matter.rule == "qualified" and (
        matter.threshold_pct is None or not Decimal(50) < matter.threshold_pct <= HUNDRED
    ):
        raise problem(field, THRESHOLD_NEEDED)


def create_venture(session: Session, *, actor: Actor, data: schemas.VentureCreate) -> Venture:
    ensure_writer(actor)
    if session.get(Partner, data.partner_id) is None:
        raise problem("partner_id", UNKNOWN_PARTNER)
    _check_parents(session, data.partner_id, data.parents)
    codes: set[str] = set()
    for index, matter in enumerate(data.matters):
        _check_matter(index, matter)
        if matter.code in codes:
            raise problem(f"matters.{index}.code", MATTER_TAKEN, code=matter.code)
        codes.add(matter.code)
    venture = Venture(
        **data.model_dump(exclude={"parents", "matters"}),
        parents=[Parent(**p.model_dump()) for p in data.parents],
        matters=[ReservedMatter(**m.model_dump()) for m in data.matters],
    )
    session.add(venture)
    session.flush()
    after = audit.snapshot(venture) | {
        "parents": [audit.snapshot(p) for p in venture.parents],
        "matters": [audit.snapshot(m) for m in venture.matters],
    }
    log_change(
        session,
        actor,
        action="create",
        entity="venture",
        entity_id=venture.id,
        venture=venture,
        after=after,
    )
    return venture


def apply_changes(
    session: Session,
    row: object,
    data: BaseModel,
    *,
    nullable: tuple[str, ...] = (),
    lists: frozenset[str] = frozenset({"matters", "parties"}),
) -> dict[str, object]:
    """Set the fields the form or body sent (``None`` only for the ``nullable`` ones, such as a
    date taken away) and return the row as it was, for the audit entry. Child lists
    (``lists``) are replaced by their own functions, with their own checks."""
    sent = data.model_dump(exclude_unset=True, exclude=set(lists))
    before = audit.snapshot(row)
    for key, value in sent.items():
        if value is not None or key in nullable:
            setattr(row, key, value)
    session.flush()
    return before


def update_venture(
    session: Session,
    *,
    actor: Actor,
    venture_id: int,
    data: schemas.VentureUpdate,
    parents: schemas.ParentsIn | None = None,
) -> Venture:
    """Name, formation date, quorum and notes (with ``data.matters`` the reserved matters, with
    ``parents`` the equity split) in one audited change; a refused list leaves the other fields
    unsaved too (the request's transaction is rolled back)."""
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    if data.matters is not None:
        set_matters(session, actor=actor, venture=venture, rows=data.matters)
    before = apply_changes(session, venture, data, nullable=("formed_on",))
    log_change(
        session,
        actor,
        action="update",
        entity="venture",
        entity_id=venture.id,
        venture=venture,
        before=before,
        after=audit.snapshot(venture),
    )
    if parents is not None:
        set_parents(session, actor=actor, venture_id=venture.id, data=parents)
    return venture


def log_change(session: Session, actor: Actor, *, venture: Venture | None, **entry: Any) -> None:
    """One audit entry of this domain (``action``, ``entity``, ``entity_id``, ``before``,
    ``after``): a venture's carry the JV company as its partner, so the JV's own users find
    them; an alliance (``venture=None``) has no company of its own."""
    partner_id = venture.partner_id if venture is not None else None
    audit.record(session, actor=actor, partner_id=partner_id, **entry)


def _parent_in_use(session: Session, parent_id: int) -> bool:
    for model in (CapitalCall, Offtake, ResolutionVote):
        found = session.execute(select(model.id).where(model.parent_id == parent_id)).first()
        if found is not None:
            return True
    return False


def set_parents(
    session: Session, *, actor: Actor, venture_id: int, data: schemas.ParentsIn
) -> Venture:
    """Replace the equity split and board seats (a share transfer or a capital increase).
    Parents keep their rows (and their calls, offtake and votes); a parent left out is removed,
    which is refused while it has history."""
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    _check_parents(session, venture.partner_id, data.parents)
    before = [audit.snapshot(p) for p in venture.parents]
    by_partner = {p.partner_id: p for p in venture.parents}
    wanted = {p.partner_id for p in data.parents}
    for parent in list(venture.parents):
        if parent.partner_id not in wanted:
            if _parent_in_use(session, parent.id):
                raise Conflict(HAS_HISTORY, problems=[FieldProblem("parents", HAS_HISTORY)])
            venture.parents.remove(parent)
    for item in data.parents:
        existing = by_partner.get(item.partner_id)
        if existing is None:
            venture.parents.append(Parent(**item.model_dump()))
        else:
            existing.equity_pct, existing.board_seats = item.equity_pct, item.board_seats
    session.flush()
    after = [audit.snapshot(p) for p in venture.parents]
    log_change(
        session,
        actor,
        action="update",
        entity="venture_parents",
        entity_id=venture.id,
        venture=venture,
        before={"parents": before},
        after={"parents": after},
    )
    return venture


def _matter_in_use(session: Session, matter_id: int) -> bool:
    found = session.execute(select(Resolution.id).where(Resolution.matter_id == matter_id))
    return found.first() is not None


def set_matters(
    session: Session, *, actor: Actor, venture: Venture, rows: list[schemas.MatterRowIn]
) -> None:
    """Replace the reserved matters with ``rows`` (audited before/after). A row with an ``id``
    changes that matter in place — the resolutions already recorded under it keep the rule,
    threshold and outcome they were counted with; the next vote uses the new rule. A matter
    left out is removed, which is refused while a resolution cites it. Every row's rule and
    threshold is checked again, codes stay unique; any refusal names the row's field."""
    ensure_writer(actor)
    current = {m.id: m for m in venture.matters}
    codes: set[str] = set()
    for index, row in enumerate(rows):
        if row.id is not None and row.id not in current:
            raise problem(f"matters.{index}.id", UNKNOWN_MATTER)
        _check_matter(index, row)
        if row.code in codes:
            raise problem(f"matters.{index}.code", MATTER_TAKEN, code=row.code)
        codes.add(row.code)
    kept = {row.id for row in rows if row.id is not None}
    for matter_id, matter in current.items():
        if matter_id not in kept and _matter_in_use(session, matter_id):
            raise problem("matters", MATTER_IN_USE, code=matter.code)
    before = [audit.snapshot(m) for m in venture.matters]
    for matter_id in set(current) - kept:
        venture.matters.remove(current[matter_id])
    for matter in venture.matters:  # codes may be swapped between rows: free them first
        matter.code = f"~{matter.id}"
    session.flush()
    for row in rows:
        values = row.model_dump(exclude={"id"})
        if row.id is None:
            venture.matters.append(ReservedMatter(**values))
            continue
        for key, value in values.items():
            setattr(current[row.id], key, value)
    session.flush()
    log_change(
        session,
        actor,
        action="update",
        entity="venture_matters",
        entity_id=venture.id,
        venture=venture,
        before={"matters": before},
        after={"matters": [audit.snapshot(m) for m in venture.matters]},
    )


def add_matter(
    session: Session, *, actor: Actor, venture_id: int, data: schemas.MatterIn
) -> ReservedMatter:
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    _check_matter(None, data)
    if any(m.code == data.code for m in venture.matters):
        raise problem("code", MATTER_TAKEN, code=data.code)
    matter = ReservedMatter(venture_id=venture.id, **data.model_dump())
    session.add(matter)
    session.flush()
    log_change(
        session,
        actor,
        action="create",
        entity="venture_matter",
        entity_id=matter.id,
        venture=venture,
        after=audit.snapshot(matter),
    )
    return matter


def parent_of(venture: Venture, parent_id: int, field: str = "parent_id") -> Parent:
    for parent in venture.parents:
        if parent.id == parent_id:
            return parent
    raise problem(field, UNKNOWN_PARENT)


# --- board resolutions ------------------------------------------------------------------------


def _rule_of(venture: Venture, matter: ReservedMatter | None) -> Rule:
    if matter is None:
        return Rule("ordinary", venture.quorum_basis)
    return Rule(matter.rule, matter.basis, matter.threshold_pct)


def count_votes(venture: Venture, matter: ReservedMatter | None, votes: dict[int, str]) -> Outcome:
    ballots = [
        Ballot(p.equity_pct, p.board_seats, votes.get(p.id, "absent")) for p in venture.parents
    ]
    return tally(
        ballots,
        _rule_of(venture, matter),
        quorum_pct=venture.quorum_pct,
        quorum_basis=venture.quorum_basis,
    )


def record_resolution(
    session: Session, *, actor: Actor, venture_id: int, data: schemas.ResolutionIn
) -> Resolution:
    """Record a board resolution with every parent's vote; the outcome is computed here and
    kept. A vote without quorum is refused (``votes``), nothing saved."""
    venture = get_venture(session, actor=actor, venture_id=venture_id)
    ensure_writer(actor)
    matter = None
    if data.matter_id is not None:
        matter = next((m for m in venture.matters if m.id == data.matter_id), None)
        if matter is None:
            raise problem("matter_id", UNKNOWN_MATTER)
    votes: dict[int, str] = {}
    for index, vote in enumerate(data.votes):
        parent_of(venture, vote.parent_id, f"votes.{index}.parent_id")
        if vote.parent_id in votes:
            raise problem(f"votes.{index}.parent_id", PARENT_TWICE)
        votes[vote.parent_id] = vote.vote
    missing = len(venture.parents) - len(votes)
    if missing:
        raise problem("votes", VOTE_MISSING, count=missing)
    taken = session.execute(
        select(Resolution.id).where(
            Resolution.venture_id == venture.id, Resolution.number == data.number
        )
    ).first()
    if taken is not None:
        raise problem("number", NUMBER_TAKEN, number=data.number)
    outcome = count_votes(venture, matter, votes)
    if not outcome.quorum_met:
        raise problem(
            "votes",
            NO_QUORUM[venture.quorum_basis],
            present=f"{outcome.present_pct.normalize():f}",
            quorum=f"{venture.quorum_pct.normalize():f}",
        )
    rule = _rule_of(venture, matter)
    resolution = Resolution(
        venture_id=venture.id,
        number=data.number,
        resolved_on=data.resolved_on,
        title=data.title,
        matter_id=matter.id if matter else None,
        rule=rule.kind,
        basis=rule.basis,
        required_pct=outcome.required_pct,
        present_pct=outcome.present_pct,
        for_pct=outcome.for_pct,
        passed=outcome.passed,
        notes=data.notes,
        votes=[ResolutionVote(parent_id=pid, vote=v) for pid, v in votes.items()],
    )
    session.add(resolution)
    session.flush()
    after = audit.snapshot(resolution) | {"votes": votes}
    log_change(
        session,
        actor,
        action="board_vote",
        entity="venture_resolution",
        entity_id=resolution.id,
        venture=venture,
        after=after,
    )
    return resolution


def resolutions(session: Session, venture: Venture) -> list[Resolution]:
    stmt = (
        select(Resolution)
        .where(Resolution.venture_id == venture.id)
        .options(selectinload(Resolution.votes))
        .order_by(Resolution.resolved_on, Resolution.id)
    )
    return list(session.execute(stmt).scalars())
