"""Contracts demo data: a clause library and each case's agreements in every lifecycle state.

Everything goes through the contracts services with the case's own demo users (the manager
drafts, the admin approves internally, the partner login approves its own contracts), so the
approval history and the audit chain look like real use. Dates are relative to ``today``, so the
dashboard always shows something due for review, something expiring and something renewing.
Loading twice changes nothing: contracts are matched on their external reference.

Each case's agreements fit its story: the electronics CM agreement carries SMT workmanship and a
gated new-product ramp; the battery JV has its JV agreement and a cell offtake agreement, the
cathode supplier a long-term material supply agreement indexed to metal prices; the CDMO's GMP
quality agreement cites GMP, ICH Q7 and ICH Q10 (not ISO 13485, a medical-device standard that
does not apply to a drug substance), and the cold-chain carrier has a GDP logistics agreement.
Titles with a Korean partner are in Korean.
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
from cofab.partners.models import Contact

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

CLAUSES += [
    {
        "code": "SMT-WORKMANSHIP",
        "category": "quality_agreement",
        "title_en": "SMT workmanship",
        "title_ko": "SMT 작업 품질 기준",
        "text_en": "Assemblies meet IPC-A-610 class 2 and J-STD-001. Solder paste, stencils and "
        "reflow profiles are controlled items: changing them needs a change notification.",
        "text_ko": "조립품은 IPC-A-610 클래스 2 및 J-STD-001을 충족한다. 솔더 페이스트, 스텐실, "
        "리플로 프로파일은 관리 항목이며 변경 시 변경 통보가 필요하다.",
    },
    {
        "code": "NPI-RAMP",
        "category": "cm_agreement",
        "title_en": "New-product ramp",
        "title_ko": "신제품 양산 램프업",
        "text_en": "A new product ramps in gated steps: pilot build, validation build, then volume "
        "steps, each taken only after three consecutive weeks at the agreed first-pass yield.",
        "text_ko": "신제품은 단계별로 램프업한다. 파일럿 빌드, 검증 빌드 후 양산 물량을 늘리며, "
        "각 단계는 합의된 직행률을 3주 연속 달성한 뒤에만 진행한다.",
    },
    {
        "code": "OFFTAKE-TOP",
        "category": "supply_agreement",
        "title_en": "Cell offtake (take-or-pay)",
        "title_ko": "셀 인수 의무(테이크 오어 페이)",
        "text_en": "The owner takes the agreed share of the joint venture's cell output each "
        "year; volumes below the committed share are paid at the agreed take-or-pay rate.",
        "text_ko": "주문 기업은 매년 합작법인 셀 생산량 중 합의된 비율을 인수하며, 약정 비율에 "
        "미달하는 물량은 합의된 테이크 오어 페이 단가로 지급한다.",
    },
    {
        "code": "CAM-INDEX",
        "category": "supply_agreement",
        "title_en": "Metal price index for cathode material",
        "title_ko": "양극재 금속 가격 연동",
        "text_en": "Cathode material prices follow the LME nickel and cobalt averages of the "
        "previous quarter; the formula is reviewed once a year.",
        "text_ko": "양극재 가격은 직전 분기 LME 니켈·코발트 평균 가격에 연동하며, 산식은 연 1회 "
        "재검토한다.",
    },
    {
        "code": "GMP-ICH-Q7",
        "category": "quality_agreement",
        "title_en": "GMP for the drug substance (ICH Q7)",
        "title_ko": "원료의약품 GMP(ICH Q7)",
        "text_en": "The drug substance is manufactured under GMP as set out in ICH Q7 (Good "
        "Manufacturing Practice for active pharmaceutical ingredients) and the applicable MFDS "
        "and EU GMP requirements.",
        "text_ko": "원료의약품은 ICH Q7(원료의약품 GMP) 및 적용되는 식약처·EU GMP 요건에 따라 "
        "GMP 하에서 제조한다.",
    },
    {
        "code": "GMP-ICH-Q10",
        "category": "quality_agreement",
        "title_en": "Pharmaceutical quality system (ICH Q10)",
        "title_ko": "의약품 품질 시스템(ICH Q10)",
        "text_en": "Both parties run a pharmaceutical quality system in line with ICH Q10: change "
        "control, CAPA, management review and a yearly product quality review.",
        "text_ko": "양 당사자는 ICH Q10에 따른 의약품 품질 시스템(변경 관리, CAPA, 경영 검토, "
        "연간 제품 품질 평가)을 운영한다.",
    },
    {
        "code": "GMP-DEVIATION",
        "category": "quality_agreement",
        "title_en": "Deviations and batch release",
        "title_ko": "일탈 및 배치 출하 승인",
        "text_en": "Deviations, out-of-specification results and data-integrity concerns are "
        "reported within one working day. The CDMO's QA certifies each batch against the master "
        "batch record; the owner's QA releases it. No batch with an open critical deviation is "
        "released.",
        "text_ko": "일탈, 기준 일탈(OOS) 결과 및 데이터 무결성 문제는 1영업일 이내에 보고한다. "
        "CDMO QA가 마스터 배치 기록서에 따라 배치를 확인하고 주문 기업 QA가 출하를 승인한다. "
        "중대한 일탈이 종결되지 않은 배치는 출하하지 않는다.",
    },
    {
        "code": "GDP-COLD-CHAIN",
        "category": "logistics_agreement",
        "title_en": "Cold chain under GDP",
        "title_ko": "GDP 콜드체인 운송",
        "text_en": "Goods travel at 2–8 °C under EU GDP in qualified shippers with a calibrated "
        "logger in every shipment. An excursion is reported before delivery and the goods stay "
        "in quarantine until the owner's QA decides.",
        "text_ko": "제품은 EU GDP에 따라 적격성이 확인된 용기로 2–8 °C에서 운송하며 모든 운송에 "
        "교정된 온도 기록계를 넣는다. 온도 이탈은 인도 전에 보고하고 주문 기업 QA가 판단할 "
        "때까지 격리한다.",
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
            "Smartphone final assembly and SM-A2 ramp",
            "amended",
            -300,
            365,
            CM_TERMS
            | {
                "production_targets": [
                    {"family": "smartphone", "period": "month", "volume": "90000", "unit": "units"},
                    {"family": "SM-A2", "period": "month", "volume": "40000", "unit": "units"},
                ]
            },
            ["CONF-STD", "IP-FOREGROUND", "LD-LATE", "NPI-RAMP"],
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
            {
                "renewal": {"auto": True, "notice_days": 30, "period_months": 12},
                "quality": {
                    "aql": "0.65",
                    "max_ppm": 300,
                    "required_certifications": ["ISO 9001", "IPC-A-610 class 2"],
                },
            },
            ["QA-NONCONFORMING", "QA-CHANGE", "AUDIT-RIGHT", "SMT-WORKMANSHIP"],
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
            "마이크로 LED 공동 연구 협약",
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
        (
            8,
            ["E-CHN"],
            "nda",
            "NDA — qualification as second EMS partner",
            "active",
            -45,
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
            "Nordic Cell Power joint venture agreement",
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
            ["A-NCP"],
            "supply_agreement",
            "Cell offtake agreement 2026–2030",
            "active",
            -240,
            1826,
            CM_TERMS
            | {
                "production_targets": [
                    {
                        "family": "NMC pouch cell",
                        "period": "month",
                        "volume": "1200000",
                        "unit": "cells",
                    },
                    {
                        "family": "NMC pouch cell",
                        "period": "year",
                        "volume": "30000000",
                        "unit": "cells",
                    },
                ],
                "cost": {
                    "currency": "EUR",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "38.60"},
                        {"min_volume": "15000000", "unit_price": "36.90"},
                    ],
                    "payment_days": 45,
                },
                "logistics": {
                    "incoterm": "FCA",
                    "named_place": "Skellefteå",
                    "responsible": "owner",
                },
            },
            ["OFFTAKE-TOP", "CONF-STD"],
            90,
        ),
        (
            3,
            ["A-UCW"],
            "cm_agreement",
            "배터리 모듈 조립 위탁 계약",
            "active",
            -120,
            730,
            CM_TERMS
            | {
                "cost": {
                    "currency": "KRW",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "418000"},
                        {"min_volume": "20000", "unit_price": "402000"},
                    ],
                    "payment_days": 60,
                },
                "raw_material_procurement": "owner",
                "penalties": {
                    "late_delivery": {"rate_pct_per_day": "0.3", "cap_pct": "8", "grace_days": 1},
                    "defect_chargeback": {
                        "mode": "per_ppm",
                        "amount": "25",
                        "target_ppm": 200,
                        "cap_amount": "50000",
                    },
                },
            },
            ["CONF-STD", "IP-FOREGROUND"],
            None,
        ),
        (
            4,
            ["A-PCM"],
            "supply_agreement",
            "양극재 장기 공급 계약 2025–2030",
            "active",
            -375,
            1826,
            CM_TERMS
            | {
                "cost": {
                    "currency": "KRW",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "41800"},
                        {"min_volume": "100000", "unit_price": "40200"},
                    ],
                    "payment_days": 60,
                    "price_adjustment_index": "LME nickel / cobalt",
                    "adjustment_interval_months": 3,
                },
                "logistics": {
                    "incoterm": "DAP",
                    "named_place": "Skellefteå",
                    "responsible": "partner",
                },
            },
            ["CAM-INDEX", "LD-LATE", "QA-CHANGE"],
            None,
        ),
        (
            5,
            ["A-BAL"],
            "logistics_agreement",
            "EU dangerous-goods logistics (UN3480)",
            "internal_review",
            14,
            730,
            {"logistics": {"incoterm": "DAP", "named_place": "Wrocław", "responsible": "partner"}},
            [],
            None,
        ),
        (
            6,
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
        (
            7,
            ["E-BWL"],
            "logistics_agreement",
            "Asia–Europe battery module logistics (UN3480)",
            "active",
            -150,
            730,
            {
                "logistics": {
                    "incoterm": "FCA",
                    "named_place": "Ulsan port",
                    "responsible": "third_party",
                }
            },
            ["CONF-STD"],
            None,
        ),
    ],
    "pharma": [
        (
            1,
            ["P-IBL"],
            "quality_agreement",
            "GMP 품질 협약서 — mAb-07 원료의약품(ICH Q7/Q10)",
            "active",
            -330,
            1095,
            {
                "quality": {
                    "aql": "0.10",
                    "max_ppm": 50,
                    "cpk_target": "1.67",  # assay potency: the quality demo's batches fall short
                    # GMP wants the fill-finish contingency rehearsed every four months; the
                    # risk demo's plan has no cadence of its own and follows this one
                    "drill_cadence_days": 120,
                    "required_certifications": ["GMP"],
                }
            },
            ["GMP-ICH-Q7", "GMP-ICH-Q10", "GMP-DEVIATION", "QA-CHANGE", "AUDIT-RIGHT"],
            30,
        ),
        (
            2,
            ["P-IBL"],
            "cm_agreement",
            "바이오의약품 위탁생산(CDMO) 계약 — mAb-07",
            "active",
            -330,
            1095,
            CM_TERMS
            | {
                "production_targets": [
                    {
                        "family": "monoclonal antibody",
                        "period": "quarter",
                        "volume": "4",
                        "unit": "batches",
                    }
                ],
                "cost": {
                    "currency": "KRW",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "1552000000"},
                        {"min_volume": "8", "unit_price": "1490000000"},
                    ],
                    "payment_days": 45,
                },
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
            "GDP cold-chain distribution (2–8 °C)",
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
            ["GDP-COLD-CHAIN", "CONF-STD"],
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
        actor = who[target]
        if target == "approved" and not actor.is_partner:
            # signed on paper: the owner records it on behalf of the partner's contact
            contracts.transition(
                session,
                actor=actor,
                contract_id=contract_id,
                to=target,
                on_behalf_of=_signatory(session, contract_id),
            )
        else:
            contracts.transition(session, actor=actor, contract_id=contract_id, to=target)


def _signatory(session: Session, contract_id: int) -> str:
    """The partner-side person who signed: the first contact of the contract's partner."""
    contract = session.get(Contract, contract_id)
    name = session.execute(
        select(Contact.name)
        .where(Contact.partner_id == (contract.partner_id if contract else None))
        .order_by(Contact.id)
        .limit(1)
    ).scalar_one_or_none()
    return name or "Partner signatory"


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
        if any(f"DEMO-{r}" not in refs for r in partner_refs):
            continue  # a partner shared with a case that is not loaded
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
