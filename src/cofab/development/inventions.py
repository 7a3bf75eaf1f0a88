"""The IP register: inventions with their inventors from both sides, the contract whose IP
terms decide the owner, the computed owner(s) and the filing status.

The owner is computed, never typed: ``ip_ownership.owners_of`` applies the contract's
``terms.ip`` (the version in force, else the newest) to the invention's kind. A user may still
state the owner they expect (``owner``): if the terms say otherwise the entry is refused with a
problem on ``owner`` naming the clause, so a register can never contradict its contract.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from cofab.accounts.models import User
from cofab.contracts import service as contracts_service
from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem, Forbidden, NotFound
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.development import ip_ownership, schemas
from cofab.development.models import DevInvention, DevInventor, DevProject, FilingStatus, Side
from cofab.development.projects import (
    audit_change,
    check_contract,
    ensure_owner_writer,
    get_project,
    invalid,
)
from cofab.partners.models import Contact

OWNER_CONTRADICTS_TERMS = N_(
    "The owner {given} contradicts the contract's IP terms: {clause} = {value} makes it {computed}."
)
OWNER_WITHOUT_CONTRACT = N_(
    "Without a contract the inventors' employers own it: {computed}, not {given}."
)
NO_SUCH_USER = N_("No staff user with id {id}.")
NO_SUCH_CONTACT = N_("No contact with id {id} at this project's partner.")
NAME_NEEDED = N_("Name the inventor: a user, a contact or a name.")
USER_IS_OWNER_SIDE = N_("A staff user is an inventor on our side.")
CONTACT_IS_PARTNER_SIDE = N_("A partner contact is an inventor on the partner's side.")
BAD_FILING_MOVE = N_("An invention that is {current} cannot become {target}.")
NEEDS_APPLICATION_NUMBER = N_("A filed application needs its application number.")

# idea → disclosed → filed → granted, and abandoned from any open state
FILING_MOVES: dict[str, frozenset[str]] = {
    FilingStatus.IDEA: frozenset({FilingStatus.DISCLOSED, FilingStatus.ABANDONED}),
    FilingStatus.DISCLOSED: frozenset({FilingStatus.FILED, FilingStatus.ABANDONED}),
    FilingStatus.FILED: frozenset({FilingStatus.GRANTED, FilingStatus.ABANDONED}),
    FilingStatus.GRANTED: frozenset(),
    FilingStatus.ABANDONED: frozenset(),
}
IP_DEFAULTS = {
    "background_ip": "each_party_keeps",
    "foreground_ip": "owner",
    "improvements": "owner",
}


def invention_query(actor: Actor) -> Select[Any]:
    return (
        scope_to_partner(select(DevInvention), actor, DevInvention.partner_id)
        .options(selectinload(DevInvention.inventors))
        .order_by(DevInvention.id)
    )


def list_inventions(
    session: Session, *, actor: Actor, project_id: int | None = None
) -> list[DevInvention]:
    stmt = invention_query(actor)
    if project_id is not None:
        stmt = stmt.where(DevInvention.project_id == project_id)
    return list(session.execute(stmt).scalars())


def get_invention(session: Session, *, actor: Actor, invention_id: int) -> DevInvention:
    invention: DevInvention | None = session.execute(
        invention_query(actor).where(DevInvention.id == invention_id)
    ).scalar_one_or_none()
    if invention is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=invention.project_id)
    return invention


def ip_terms_of(session: Session, contract_id: int) -> tuple[dict[str, str], int] | None:
    """The IP terms of the contract's version in force (else its newest) and that version's
    number, read through the contracts domain's service."""
    contract = session.execute(
        select(Contract).where(Contract.id == contract_id)
    ).scalar_one_or_none()
    if contract is None:
        return None
    version = contracts_service.governing_version(session, contract)
    if version is None:
        version = contracts_service.latest_version(session, contract)
    ip = dict(IP_DEFAULTS)
    ip.update({k: v for k, v in (version.terms or {}).get("ip", {}).items() if k in IP_DEFAULTS})
    return ip, version.number


def _owner_problem(
    given: str | None, ownership: ip_ownership.Ownership, result_kind: str, terms: Any
) -> FieldProblem | None:
    if given is None or given == ownership.code:
        return None
    params = {"given": f"owners_{given}", "computed": f"owners_{ownership.code}"}
    if terms is None:
        return FieldProblem("owner", OWNER_WITHOUT_CONTRACT, params)
    clause = ip_ownership.clause_of(result_kind)
    return FieldProblem(
        "owner",
        OWNER_CONTRADICTS_TERMS,
        params | {"clause": clause, "value": f"ip_{terms[clause]}"},
    )


def _inventors(
    session: Session, project: DevProject, rows: list[schemas.InventorIn], actor: Actor
) -> tuple[list[DevInventor], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    made: list[DevInventor] = []
    now = utcnow()
    for index, row in enumerate(rows):
        prefix = f"inventors.{index}"
        name = row.name
        if row.user_id is not None:
            user = session.execute(
                select(User).where(User.id == row.user_id, User.partner_id.is_(None))
            ).scalar_one_or_none()
            if user is None:
                problems.append(
                    FieldProblem(f"{prefix}.user_id", NO_SUCH_USER, {"id": row.user_id})
                )
                continue
            if row.side != Side.OWNER:
                problems.append(FieldProblem(f"{prefix}.side", USER_IS_OWNER_SIDE))
            name = name or user.display_name
        if row.contact_id is not None:
            contact = session.execute(
                select(Contact).where(
                    Contact.id == row.contact_id, Contact.partner_id == project.partner_id
                )
            ).scalar_one_or_none()
            if contact is None:
                problems.append(
                    FieldProblem(f"{prefix}.contact_id", NO_SUCH_CONTACT, {"id": row.contact_id})
                )
                continue
            if row.side != Side.PARTNER:
                problems.append(FieldProblem(f"{prefix}.side", CONTACT_IS_PARTNER_SIDE))
            name = name or contact.name
        if not name:
            problems.append(FieldProblem(f"{prefix}.name", NAME_NEEDED))
            continue
        # our side's inventors are confirmed by whoever of ours records them; the partner's
        # confirm their own through the partner's login
        confirmed = row.side == Side.OWNER
        made.append(
            DevInventor(
                partner_id=project.partner_id,
                side=row.side.value,
                name=name,
                user_id=row.user_id,
                contact_id=row.contact_id,
                share_percent=row.share_percent,
                confirmed_at=now if confirmed else None,
                confirmed_by_label=(actor.display_name or actor.email) if confirmed else None,
            )
        )
    return made, problems


def _snapshot(invention: DevInvention) -> dict[str, Any]:
    snap = audit.snapshot(invention)
    snap["inventors"] = [audit.snapshot(i) for i in invention.inventors]
    return snap


def _apply_ownership(
    invention: DevInvention, terms: dict[str, str] | None, given: str | None
) -> FieldProblem | None:
    sides = [i.side for i in invention.inventors]
    ownership = ip_ownership.owners_of(invention.result_kind, terms, sides)
    problem = _owner_problem(given, ownership, invention.result_kind, terms)
    if problem is None:
        invention.computed_owners = ownership.code
        invention.licence_back = ownership.licence_back
        invention.rule = ownership.rule
        invention.owner = given
    return problem


def create_invention(
    session: Session, *, actor: Actor, project_id: int, data: schemas.InventionCreate
) -> DevInvention:
    project = get_project(session, actor=actor, project_id=project_id)
    ensure_owner_writer(actor)
    problems: list[FieldProblem] = []
    contract_id = data.contract_id if data.contract_id is not None else project.contract_id
    terms: dict[str, str] | None = None
    version: int | None = None
    if contract_id is not None:
        problem = check_contract(session, contract_id, project.partner_id)
        if problem is not None:
            problems.append(problem)
        else:
            read = ip_terms_of(session, contract_id)
            if read is not None:
                terms, version = read
    inventors, inventor_problems = _inventors(session, project, data.inventors, actor)
    problems.extend(inventor_problems)
    if problems:
        raise invalid(problems)
    invention = DevInvention(
        partner_id=project.partner_id,
        ref=_next_ref(session),
        title=data.title,
        description=data.description,
        conceived_on=data.conceived_on,
        contract_id=contract_id,
        contract_version=version,
        result_kind=data.result_kind.value,
        ip_terms=terms,
        filing_status=FilingStatus.IDEA.value,
        inventors=inventors,
    )
    problem = _apply_ownership(invention, terms, data.owner)
    if problem is not None:
        raise invalid([problem])
    project.inventions.append(invention)
    session.flush()
    audit_change(
        session, actor, "create", "dev_invention", invention, None, after=_snapshot(invention)
    )
    return invention


def _next_ref(session: Session) -> str:
    last = session.execute(select(DevInvention.id).order_by(DevInvention.id.desc()).limit(1))
    number = (last.scalar() or 0) + 1
    while True:
        ref = f"INV-{number:05d}"
        if session.execute(select(DevInvention.id).where(DevInvention.ref == ref)).first() is None:
            return ref
        number += 1


def update_invention(
    session: Session, *, actor: Actor, invention_id: int, data: schemas.InventionUpdate
) -> DevInvention:
    """Title, description, kind or the stated owner; the owner is recomputed from the terms
    stored with the invention (the ones it was registered under)."""
    invention = get_invention(session, actor=actor, invention_id=invention_id)
    ensure_owner_writer(actor)
    values = data.model_dump(exclude_unset=True)
    before = _snapshot(invention)
    if values.get("title") is not None:
        invention.title = values["title"]
    if values.get("description") is not None:
        invention.description = values["description"]
    if values.get("result_kind") is not None:
        invention.result_kind = values["result_kind"]
    given = values.get("owner", invention.owner)
    problem = _apply_ownership(invention, invention.ip_terms, given)
    if problem is not None:
        raise invalid([problem])
    session.flush()
    audit_change(
        session, actor, "update", "dev_invention", invention, before, after=_snapshot(invention)
    )
    return invention


def set_filing(
    session: Session, *, actor: Actor, invention_id: int, data: schemas.FilingIn
) -> DevInvention:
    invention = get_invention(session, actor=actor, invention_id=invention_id)
    ensure_owner_writer(actor)
    current = invention.filing_status
    target = data.status.value
    if target not in FILING_MOVES[current]:
        raise invalid(
            [
                FieldProblem(
                    "status",
                    BAD_FILING_MOVE,
                    {"current": f"filing_{current}", "target": f"filing_{target}"},
                )
            ]
        )
    number = data.application_number or invention.application_number
    if target == FilingStatus.FILED and not number:
        raise invalid([FieldProblem("application_number", NEEDS_APPLICATION_NUMBER)])
    before = audit.snapshot(invention)
    invention.filing_status = target
    invention.application_number = number
    day = data.on or date.today()
    if target == FilingStatus.FILED:
        invention.filed_on = day
    elif target in (FilingStatus.GRANTED, FilingStatus.ABANDONED):
        invention.decided_on = day
    session.flush()
    audit_change(session, actor, "status", "dev_invention", invention, before)
    return invention


def confirm_inventor(session: Session, *, actor: Actor, inventor_id: int) -> DevInventor:
    """A partner user confirms its own company's inventors; an owner writer ours."""
    inventor = session.execute(
        scope_to_partner(select(DevInventor), actor, DevInventor.partner_id).where(
            DevInventor.id == inventor_id
        )
    ).scalar_one_or_none()
    if inventor is None:
        raise NotFound()
    get_invention(session, actor=actor, invention_id=inventor.invention_id)
    if actor.is_partner:
        if inventor.side != Side.PARTNER.value:
            raise Forbidden()
    else:
        ensure_owner_writer(actor)
        if inventor.side != Side.OWNER.value:
            raise Forbidden()
    before = audit.snapshot(inventor)
    inventor.confirmed_at = utcnow()
    inventor.confirmed_by_label = actor.display_name or actor.email
    session.flush()
    audit_change(session, actor, "confirm", "dev_inventor", inventor, before)
    return inventor


# --- the register as a table (CSV/XLSX) ---------------------------------------------------------

COLUMNS = (
    "ref",
    "project",
    "title",
    "result_kind",
    "conceived_on",
    "contract_id",
    "contract_version",
    "rule",
    "computed_owners",
    "licence_back",
    "owner",
    "filing_status",
    "application_number",
    "filed_on",
    "inventors",
)


def export_rows(session: Session, inventions: list[DevInvention]) -> list[list[Any]]:
    codes = dict(
        session.execute(
            select(DevProject.id, DevProject.code).where(
                DevProject.id.in_({i.project_id for i in inventions})
            )
        ).all()
    )
    return [
        [
            i.ref,
            codes.get(i.project_id, ""),
            i.title,
            i.result_kind,
            i.conceived_on.isoformat(),
            i.contract_id or "",
            i.contract_version or "",
            i.rule,
            i.computed_owners,
            "yes" if i.licence_back else "no",
            i.owner or "",
            i.filing_status,
            i.application_number or "",
            i.filed_on.isoformat() if i.filed_on else "",
            "; ".join(f"{v.name} ({v.side})" for v in i.inventors),
        ]
        for i in inventions
    ]
