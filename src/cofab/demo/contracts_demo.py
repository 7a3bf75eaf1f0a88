"""Contracts demo data: a clause library and each case's agreements in every lifecycle state.

Everything goes through the contracts services with the case's own demo users (the manager
drafts, the admin approves internally, the partner login approves its own contracts), so the
approval history and the audit chain look like real use. Dates are relative to ``today``, so the
dashboard always shows something due for review, something expiring and something renewing.
Loading twice changes nothing: contracts are matched on their external reference.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.contracts import clauses, raci, schemas
from cofab.contracts import service as contracts
from cofab.contracts.models import Clause, Contract
from cofab.core.access import SYSTEM_ACTOR, Actor

CLAUSES: list[dict[str, str]] = [
    {
        "code": "CONF-STD",
        "category": "general",
        "title_en": "Confidential information",
        "title_ko": "비밀 정보",
        "text_en": "Each party keeps the other party's confidential information secret, uses it "
        "only for this agreement and shares it only with staff who need it and are bound by "
        "equal duties.",
        "text_ko": "각 당사자는 상대방의 비밀 정보를 비밀로 유지하고, 본 계약의 목적에만 사용하며, "
        "동등한 의무를 지는 필요한 직원에게만 공개한다.",
    },
    {
        "code": "CONF-RETURN",
        "category": "nda",
        "title_en": "Return or destruction on termination",
        "title_ko": "계약 종료 시 반환 또는 파기",
        "text_en": "Within 30 days after this agreement ends, the recipient returns or destroys "
        "all confidential information and confirms this in writing.",
        "text_ko": "본 계약이 종료된 후 30일 이내에 수령자는 모든 비밀 정보를 반환하거나 파기하고 "
        "이를 서면으로 확인한다.",
    },
    {
        "code": "IP-FOREGROUND",
        "category": "cm_agreement",
        "title_en": "Ownership of results",
        "title_ko": "성과물의 귀속",
        "text_en": "Designs, tooling and process improvements made for the owner's products "
        "belong to the owner; the partner receives a licence only to manufacture for the owner.",
        "text_ko": "주문 기업 제품을 위해 만든 설계, 금형 및 공정 개선은 주문 기업에 귀속되며, "
        "파트너는 주문 기업을 위한 생산 목적의 사용권만 가진다.",
    },
    {
        "code": "QA-NONCONFORMING",
        "category": "quality_agreement",
        "title_en": "Nonconforming product",
        "title_ko": "부적합품 처리",
        "text_en": "Nonconforming lots are quarantined, reported within 24 hours and reworked "
        "or replaced at the partner's cost; a corrective action report follows within 10 days.",
        "text_ko": "부적합 로트는 격리하고 24시간 이내에 보고하며, 파트너 비용으로 재작업 또는 "
        "교체한다. 10일 이내에 시정 조치 보고서를 제출한다.",
    },
    {
        "code": "QA-CHANGE",
        "category": "quality_agreement",
        "title_en": "Change notification",
        "title_ko": "변경 통보",
        "text_en": "No change of material, process, site or sub-supplier without the owner's "
        "written approval given at least 90 days in advance.",
        "text_ko": "자재, 공정, 사업장 또는 하위 공급업체의 변경은 최소 90일 전 주문 기업의 서면 "
        "승인 없이 할 수 없다.",
    },
    {
        "code": "LD-LATE",
        "category": "supply_agreement",
        "title_en": "Liquidated damages for late delivery",
        "title_ko": "납기 지연 손해배상 예정액",
        "text_en": "For each day of delay the partner pays the agreed percentage of the value "
        "of the late goods, up to the agreed cap.",
        "text_ko": "지연 1일마다 파트너는 지연된 물품 금액의 합의된 비율을 합의된 상한까지 "
        "지급한다.",
    },
    {
        "code": "AUDIT-RIGHT",
        "category": "general",
        "title_en": "Right to audit",
        "title_ko": "감사 권리",
        "text_en": "The owner may audit the partner's sites and records relevant to this "
        "agreement with 10 working days' notice.",
        "text_ko": "주문 기업은 영업일 기준 10일 전에 통지하고 본 계약과 관련된 파트너의 사업장과 "
        "기록을 감사할 수 있다.",
    },
]

BASE: dict[str, Any] = {
    "quality": {"aql": "0.65", "max_ppm": 500, "required_certifications": ["ISO 9001"]},
    "ip": {
        "background_ip": "each_party_keeps",
        "foreground_ip": "owner",
        "licence_scope": "Manufacture for the owner only",
        "improvements": "grant_back",
    },
    "confidentiality": {
        "scope": "Drawings, specifications, BOMs, process sheets, prices",
        "survival_months": 60,
    },
    "termination": {"for_cause": True, "cure_period_days": 30, "insolvency": True},
    "governing_law": {
        "law": "Republic of Korea",
        "disputes": "arbitration",
        "venue": "Korean Commercial Arbitration Board, Seoul",
    },
}
CM_TERMS: dict[str, Any] = {
    "production_targets": [],
    "cost": {
        "currency": "USD",
        "price_tiers": [
            {"min_volume": "0", "unit_price": "14.20"},
            {"min_volume": "50000", "unit_price": "13.10"},
        ],
        "payment_days": 60,
        "price_adjustment_index": "Copper LME",
        "adjustment_interval_months": 6,
    },
    "raw_material_procurement": "partner",
    "logistics": {"incoterm": "FCA", "named_place": "Partner plant", "responsible": "owner"},
    "penalties": {
        "late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "10", "grace_days": 2},
        "defect_chargeback": {"mode": "per_unit", "amount": "6.00"},
    },
}

# (number, partner refs, kind, title, state, start offset and length in days, terms overrides,
#  library clause codes, next review in days or None)
Spec = tuple[int, list[str], str, str, str, int, int, dict[str, Any], list[str], int | None]

SPECS: dict[str, list[Spec]] = {
    "electronics": [
        (
            1,
            ["E-SGP"],
            "cm_agreement",
            "Smartphone final assembly",
            "amended",
            -300,
            365,
            CM_TERMS
            | {
                "production_targets": [
                    {"family": "smartphone", "period": "month", "volume": "90000", "unit": "units"}
                ]
            },
            ["CONF-STD", "IP-FOREGROUND", "LD-LATE"],
            20,
        ),
        (
            2,
            ["E-SGP"],
            "quality_agreement",
            "Quality agreement — Binh Duong and Bac Ninh",
            "active",
            -640,
            700,
            {"renewal": {"auto": True, "notice_days": 30, "period_months": 12}},
            ["QA-NONCONFORMING", "QA-CHANGE", "AUDIT-RIGHT"],
            None,
        ),
        (
            3,
            ["E-PNG"],
            "nda",
            "Mutual NDA — camera module co-development",
            "active",
            -200,
            1095,
            {},
            ["CONF-STD", "CONF-RETURN"],
            None,
        ),
        (
            4,
            ["E-KGC"],
            "supply_agreement",
            "Cover glass supply 2027",
            "partner_review",
            30,
            365,
            CM_TERMS
            | {
                "logistics": {
                    "incoterm": "DAP",
                    "named_place": "Binh Duong",
                    "responsible": "partner",
                }
            },
            ["LD-LATE"],
            None,
        ),
        (
            5,
            ["E-BWL"],
            "logistics_agreement",
            "Asia outbound logistics",
            "active",
            -400,
            730,
            {
                "logistics": {
                    "incoterm": "CPT",
                    "named_place": "Singapore hub",
                    "responsible": "third_party",
                }
            },
            ["CONF-STD"],
            12,
        ),
        (
            6,
            ["E-DDL"],
            "technology_collaboration",
            "Micro-LED research collaboration",
            "draft",
            60,
            730,
            {
                "ip": {
                    "background_ip": "each_party_keeps",
                    "foreground_ip": "joint",
                    "licence_scope": "Research use",
                    "improvements": "joint",
                }
            },
            ["CONF-STD"],
            None,
        ),
        (
            7,
            ["E-TBP"],
            "nda",
            "NDA — battery pack evaluation",
            "terminated",
            -250,
            730,
            {},
            ["CONF-STD", "CONF-RETURN"],
            None,
        ),
    ],
    "automotive": [
        (
            1,
            ["A-NCP"],
            "jv_alliance",
            "Nordic cell joint venture agreement",
            "active",
            -500,
            3650,
            {
                "ip": {
                    "background_ip": "each_party_keeps",
                    "foreground_ip": "joint",
                    "licence_scope": "JV products",
                    "improvements": "joint",
                }
            },
            ["CONF-STD", "AUDIT-RIGHT"],
            45,
        ),
        (
            2,
            ["A-UCW"],
            "cm_agreement",
            "Battery module assembly",
            "active",
            -120,
            730,
            CM_TERMS
            | {
                "penalties": {
                    "late_delivery": {"rate_pct_per_day": "0.3", "cap_pct": "8", "grace_days": 1},
                    "defect_chargeback": {
                        "mode": "per_ppm",
                        "amount": "25",
                        "target_ppm": 200,
                        "cap_amount": "50000",
                    },
                }
            },
            ["CONF-STD", "IP-FOREGROUND"],
            None,
        ),
        (
            3,
            ["A-PCM"],
            "supply_agreement",
            "Cathode material supply 2025",
            "active",
            -375,
            365,
            CM_TERMS,
            ["LD-LATE"],
            None,
        ),
        (
            4,
            ["A-BAL"],
            "logistics_agreement",
            "EU inbound logistics",
            "internal_review",
            14,
            730,
            {"logistics": {"incoterm": "DAP", "named_place": "Wrocław", "responsible": "partner"}},
            [],
            None,
        ),
        (
            5,
            ["A-SBM"],
            "nda",
            "NDA — qualification of Silesia",
            "active",
            -90,
            730,
            {},
            ["CONF-STD", "CONF-RETURN"],
            None,
        ),
    ],
    "pharma": [
        (
            1,
            ["P-IBL"],
            "quality_agreement",
            "GMP quality agreement — drug substance",
            "active",
            -330,
            1095,
            {
                "quality": {
                    "aql": "0.10",
                    "max_ppm": 50,
                    "required_certifications": ["GMP", "ISO 13485"],
                }
            },
            ["QA-NONCONFORMING", "QA-CHANGE", "AUDIT-RIGHT"],
            30,
        ),
        (
            2,
            ["P-IBL"],
            "cm_agreement",
            "Biologics CDMO manufacturing",
            "active",
            -330,
            1095,
            CM_TERMS
            | {
                "cost": {
                    "currency": "KRW",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "185000"},
                        {"min_volume": "1000", "unit_price": "171000"},
                    ],
                    "payment_days": 45,
                }
            },
            ["CONF-STD", "IP-FOREGROUND"],
            None,
        ),
        (
            3,
            ["P-BFF"],
            "nda",
            "NDA — fill-finish technology transfer",
            "active",
            -60,
            1095,
            {},
            ["CONF-STD", "CONF-RETURN"],
            None,
        ),
        (
            4,
            ["P-CCL"],
            "logistics_agreement",
            "Cold-chain distribution",
            "active",
            -300,
            365,
            {
                "renewal": {"auto": True, "notice_days": 60, "period_months": 12},
                "logistics": {
                    "incoterm": "DDP",
                    "named_place": "Customer sites",
                    "responsible": "partner",
                },
            },
            ["CONF-STD"],
            None,
        ),
        (
            5,
            ["P-SCT"],
            "technology_collaboration",
            "Cell-therapy process development",
            "partner_review",
            21,
            1095,
            {
                "ip": {
                    "background_ip": "each_party_keeps",
                    "foreground_ip": "owner",
                    "licence_scope": "Clinical supply",
                    "improvements": "grant_back",
                }
            },
            ["CONF-STD"],
            None,
        ),
    ],
}


def _actor(session: Session, email: str) -> Actor:
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return accounts_service.actor_for(user) if user is not None else SYSTEM_ACTOR


def _midnight(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=UTC).isoformat()


def _ensure_clauses(session: Session) -> None:
    existing = set(session.execute(select(Clause.code)).scalars())
    for clause in CLAUSES:
        if clause["code"] not in existing:
            clauses.create_clause(
                session, actor=SYSTEM_ACTOR, data=schemas.ClauseCreate.model_validate(clause)
            )


def _terms(spec_terms: dict[str, Any], start: date, days: int) -> dict[str, Any]:
    doc = copy.deepcopy(BASE) | copy.deepcopy(spec_terms)
    doc["term"] = {"start": _midnight(start), "end": _midnight(start + timedelta(days=days))}
    return doc


def _walk(session: Session, contract_id: int, targets: list[str], people: dict[str, Actor]) -> None:
    who = {
        "internal_review": people["manager"],
        "partner_review": people["admin"],
        "approved": people["partner"],
        "active": people["admin"],
    }
    for target in targets:
        contracts.transition(session, actor=who[target], contract_id=contract_id, to=target)


def _raci(session: Session, contract: Contract, actor: Actor) -> None:
    partner = str(contract.partner_id)
    matrix = {
        "design": {"owner": "RA", partner: "C"},
        "material_procurement": {"owner": "A", partner: "R"},
        "production": {"owner": "A", partner: "R"},
        "incoming_inspection": {"owner": "RA", partner: "I"},
        "outgoing_inspection": {"owner": "A", partner: "R"},
        "shipping": {"owner": "I", partner: "RA"},
        "customs": {"owner": "RA", partner: "C"},
        "warranty": {"owner": "A", partner: "R"},
        "change_management": {"owner": "A", partner: "RC"},
    }
    raci.set_raci(session, actor=actor, contract_id=contract.id, matrix=matrix)


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Add the case's contracts (skipped when their references already exist)."""
    from cofab.demo.cases import CASES, PARTNER_LOGIN

    _ensure_clauses(session)
    domain = CASES[case_name]["domain"]
    owner = {role: _actor(session, f"{role}@{domain}") for role in ("admin", "manager")}
    login_partner = refs.get(f"DEMO-{PARTNER_LOGIN[case_name]}")
    partner_user = session.execute(
        select(User).where(User.partner_id == login_partner, User.role == "partner")
    ).scalar_one_or_none()
    for (
        number,
        partner_refs,
        kind,
        title,
        state,
        offset,
        days,
        spec_terms,
        codes,
        review,
    ) in SPECS.get(case_name, []):
        ref = f"DEMO-{case_name[:3].upper()}-C{number}"
        if session.execute(select(Contract.id).where(Contract.external_ref == ref)).first():
            continue
        partner_ids = [refs[f"DEMO-{r}"] for r in partner_refs]
        start = today + timedelta(days=offset)
        contract = contracts.create_contract(
            session,
            actor=owner["manager"],
            data=schemas.ContractCreate.model_validate(
                {
                    "kind": kind,
                    "title": title,
                    "partner_ids": partner_ids,
                    "external_ref": ref,
                    "next_review_date": (today + timedelta(days=review)).isoformat()
                    if review is not None
                    else None,
                    "review_interval_months": 12 if review is not None else None,
                    "terms": _terms(spec_terms, start, days),
                    "clause_codes": codes,
                }
            ),
        )
        own_partner = partner_user is not None and partner_user.partner_id in partner_ids
        people = owner | {
            "partner": accounts_service.actor_for(partner_user)
            if own_partner and partner_user is not None
            else owner["admin"]
        }
        if kind in ("cm_agreement", "quality_agreement", "jv_alliance"):
            _raci(session, contract, owner["manager"])
        path = ["internal_review", "partner_review", "approved", "active"]
        stop = {"draft": 0, "internal_review": 1, "partner_review": 2}.get(state, 4)
        _walk(session, contract.id, path[:stop], people)
        if state == "terminated":
            contracts.transition(
                session,
                actor=owner["admin"],
                contract_id=contract.id,
                to="terminated",
                comment="Evaluation ended; partner suspended",
                at=datetime.combine(today - timedelta(days=5), time(9), tzinfo=UTC),
            )
        if state == "amended":
            amended = _terms(spec_terms, start, days)
            amended["cost"]["price_tiers"][0]["unit_price"] = "13.80"
            amended["penalties"]["late_delivery"]["cap_pct"] = "12"
            contracts.create_amendment(
                session,
                actor=owner["manager"],
                contract_id=contract.id,
                data=schemas.AmendmentCreate.model_validate(
                    {
                        "summary": "Price review: base tier 14.20 → 13.80; damages cap 10 % → 12 %",
                        "effective_from": _midnight(today - timedelta(days=60)),
                        "terms": amended,
                        "clause_codes": ["AUDIT-RIGHT"],
                    }
                ),
            )
            _walk(session, contract.id, path, people)
