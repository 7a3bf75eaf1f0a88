"""RACI per contract: who is Responsible, Accountable, Consulted and Informed for each activity.

The whole matrix is replaced at once and checked as a whole, so a half-valid matrix is never
stored: every activity needs exactly one Accountable party and at least one Responsible one,
and only parties to the contract (the owner or a partner that signed) can hold a letter.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cofab.contracts.lifecycle import editors
from cofab.contracts.models import Contract, ContractStatus, RaciAssignment
from cofab.contracts.queries import get_contract, party_partner_ids
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, Forbidden, InvalidTransition, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.labels import register_labels

OWNER_PARTY = "owner"
LETTERS = "RACI"
DEFAULT_ACTIVITIES = (
    "design",
    "material_procurement",
    "production",
    "incoming_inspection",
    "outgoing_inspection",
    "shipping",
    "customs",
    "warranty",
    "change_management",
)
register_labels(
    {
        "design": N_("Product design"),
        "material_procurement": N_("Material procurement"),
        "production": N_("Production"),
        "incoming_inspection": N_("Incoming inspection"),
        "outgoing_inspection": N_("Outgoing inspection"),
        "shipping": N_("Shipping"),
        "customs": N_("Customs clearance"),
        "warranty": N_("Warranty and returns"),
        "change_management": N_("Change management"),
    }
)

Matrix = dict[str, dict[str, str]]


def validate_matrix(matrix: Matrix, parties: list[str]) -> list[FieldProblem]:
    """Field problems for ``matrix[activity][party] = letters`` (pure; no database)."""
    problems: list[FieldProblem] = []
    allowed = set(parties)
    if not matrix:
        problems.append(FieldProblem("matrix", N_("Add at least one activity.")))
    for activity, row in matrix.items():
        path = f"matrix.{activity}"
        name = activity.strip()
        if not name or len(name) > 64:
            problems.append(FieldProblem(path, N_("An activity name needs 1 to 64 characters.")))
        accountable = 0
        responsible = 0
        for party, letters in row.items():
            cell = f"{path}.{party}"
            if party not in allowed:
                problems.append(
                    FieldProblem(
                        cell, N_("{party} is not a party to this contract."), {"party": party}
                    )
                )
            text = letters.strip().upper()
            if any(ch not in LETTERS for ch in text) or len(set(text)) != len(text):
                problems.append(
                    FieldProblem(cell, N_("Use the letters R, A, C and I, each at most once."))
                )
            accountable += "A" in text
            responsible += "R" in text
        if accountable != 1:
            problems.append(
                FieldProblem(
                    path,
                    N_("Exactly one party must be Accountable (found {count})."),
                    {"count": accountable},
                )
            )
        if responsible < 1:
            problems.append(FieldProblem(path, N_("At least one party must be Responsible.")))
    return problems


def party_keys(contract: Contract) -> list[str]:
    return [OWNER_PARTY] + [str(pid) for pid in party_partner_ids(contract)]


def get_raci(session: Session, *, actor: Actor, contract_id: int) -> tuple[Contract, Matrix]:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    rows = session.execute(
        select(RaciAssignment)
        .where(RaciAssignment.contract_id == contract.id)
        .order_by(RaciAssignment.position, RaciAssignment.id)
    ).scalars()
    matrix: Matrix = {}
    for row in rows:
        matrix.setdefault(row.activity, {})[row.party] = row.roles
    return contract, matrix


def set_raci(session: Session, *, actor: Actor, contract_id: int, matrix: Matrix) -> Matrix:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    if actor.is_partner or actor.role not in editors(contract.kind):
        raise Forbidden()
    if contract.status == ContractStatus.TERMINATED:
        raise InvalidTransition(N_("A terminated contract cannot be changed."))
    cleaned: Matrix = {
        activity.strip(): {
            party.strip(): letters.strip().upper()
            for party, letters in row.items()
            if letters.strip()
        }
        for activity, row in matrix.items()
    }
    problems = validate_matrix(cleaned, party_keys(contract))
    if problems:
        raise ValidationFailed(problems=problems)
    _, before = get_raci(session, actor=actor, contract_id=contract_id)
    session.execute(delete(RaciAssignment).where(RaciAssignment.contract_id == contract.id))
    for position, (activity, row) in enumerate(cleaned.items()):
        for party, letters in row.items():
            session.add(
                RaciAssignment(
                    contract_id=contract.id,
                    partner_id=contract.partner_id,
                    activity=activity,
                    position=position,
                    party=party,
                    roles="".join(ch for ch in LETTERS if ch in letters),
                )
            )
    session.flush()
    _, after = get_raci(session, actor=actor, contract_id=contract_id)
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contract_raci",
        entity_id=contract.id,
        partner_id=contract.partner_id,
        before={"matrix": before},
        after={"matrix": after},
    )
    return after
