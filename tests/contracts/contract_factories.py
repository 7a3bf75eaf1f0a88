"""Contract test data built through the same services users go through."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cofab.contracts import schemas, service
from cofab.contracts.models import Contract
from cofab.core.access import SYSTEM_ACTOR, Actor

START = "2026-01-01T00:00:00+00:00"
END = "2027-01-01T00:00:00+00:00"

BASE_TERMS: dict[str, Any] = {
    "term": {"start": START, "end": END},
    "renewal": {"auto": False, "notice_days": 90, "period_months": 12},
    "production_targets": [
        {"family": "smartphone", "period": "month", "volume": "50000", "unit": "units"}
    ],
    "quality": {"aql": "0.65", "max_ppm": 500, "required_certifications": ["ISO 9001"]},
    "ip": {
        "background_ip": "each_party_keeps",
        "foreground_ip": "owner",
        "licence_scope": "Manufacture for the owner only",
        "improvements": "grant_back",
    },
    "confidentiality": {"scope": "Drawings, BOMs, process sheets", "survival_months": 60},
    "cost": {
        "currency": "USD",
        "price_tiers": [
            {"min_volume": "0", "unit_price": "12.50"},
            {"min_volume": "1000", "unit_price": "11.00"},
        ],
        "payment_days": 60,
        "price_adjustment_index": "PPI",
    },
    "raw_material_procurement": "partner",
    "logistics": {"incoterm": "FCA", "named_place": "Binh Duong", "responsible": "partner"},
    "penalties": {
        "late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "5", "grace_days": 1},
        "defect_chargeback": {"mode": "per_unit", "amount": "4.00"},
    },
    "termination": {"for_cause": True, "cure_period_days": 30},
    "governing_law": {"law": "Republic of Korea", "disputes": "arbitration", "venue": "KCAB"},
}


def terms(**overrides: Any) -> dict[str, Any]:
    """A full terms document; ``overrides`` replace top-level sections."""
    doc = copy.deepcopy(BASE_TERMS)
    doc.update(overrides)
    return doc


def make_contract(
    session: Session,
    partner_ids: list[int],
    *,
    kind: str = "cm_agreement",
    title: str = "Assembly agreement",
    terms_doc: dict[str, Any] | None = None,
    actor: Actor = SYSTEM_ACTOR,
    external_ref: str | None = None,
    clauses: list[dict[str, Any]] | None = None,
) -> Contract:
    return service.create_contract(
        session,
        actor=actor,
        data=schemas.ContractCreate.model_validate(
            {
                "kind": kind,
                "title": title,
                "partner_ids": partner_ids,
                "external_ref": external_ref,
                "terms": terms_doc or terms(),
                "clauses": clauses
                or [
                    {
                        "code": "CONF-1",
                        "title_en": "Confidentiality",
                        "title_ko": "비밀 유지",
                        "text_en": "Each party keeps the other's information secret.",
                        "text_ko": "각 당사자는 상대방의 정보를 비밀로 유지한다.",
                    }
                ],
            }
        ),
    )


def walk(session: Session, contract_id: int, *targets: str, now: datetime | None = None) -> None:
    for target in targets:
        service.transition(session, actor=SYSTEM_ACTOR, contract_id=contract_id, to=target, now=now)


def activate(session: Session, contract_id: int, now: datetime | None = None) -> None:
    """Owner admin walks a draft to active (recording the partners' signatures)."""
    walk(session, contract_id, "internal_review", "partner_review", "approved", "active", now=now)


def make_active_contract(session: Session, partner_ids: list[int], **kwargs: Any) -> Contract:
    contract = make_contract(session, partner_ids, **kwargs)
    activate(session, contract.id)
    return contract


def isolation_resolvers(world: Any, engine: Any, sample_bodies: dict[str, Any]) -> dict[str, Any]:
    """Partner B's contract (sent for partner review, so B's users could see it) and a library
    clause, for the shared isolation sweep; sample bodies name partner B where they name one."""
    from cofab.contracts import clauses
    from cofab.db.session import unit_of_work

    with unit_of_work(engine) as session:
        contract = make_contract(session, [world.partner_b], title="Bravo Bioworks supply")
        walk(session, contract.id, "internal_review", "partner_review")
        clause = clauses.create_clause(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ClauseCreate(
                code="ISO-1", title_en="t", title_ko="t", text_en="x", text_ko="x"
            ),
        )
        contract_id, clause_id = contract.id, clause.id
    sample_bodies["ContractCreate"]["partner_ids"] = [world.partner_b]
    sample_bodies["RaciUpdate"]["matrix"] = {"design": {"owner": "R", str(world.partner_b): "A"}}
    return {
        "contracts:contract_id": lambda _w, _e: contract_id,
        "contracts:version_no": lambda _w, _e: 1,
        "contract-clauses:clause_id": lambda _w, _e: clause_id,
    }
