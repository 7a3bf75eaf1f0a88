"""Contracts as discussion subjects: a thread on a contract is as visible as the contract (a
partner party sees it once the contract was shared with the partners)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.contracts import queries
from cofab.core.access import Actor
from cofab.discussions import service as discussions_service


def contract_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    contract = queries.get_contract(session, actor=actor, contract_id=object_id)
    return discussions_service.Subject(
        partner_id=contract.partner_id,
        unit_id=contract.unit_id,
        title=contract.title,
        url=f"/contracts/{contract.id}",
    )


discussions_service.register_subject("contract", contract_subject)
