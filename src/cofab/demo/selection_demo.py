"""Selection demo data: evaluations, evaluators' scores and due diligence for the demo cases.

Everything goes through the selection services, so the audit chain, the versioned templates
and the qualification gate behave exactly as for real users:

* electronics — an open evaluation of three EMS partners with three evaluators; Chennai's due
  diligence is half done, so the gate still blocks its approval;
* automotive — a closed evaluation that selected Silesia Battery Modules with every mandatory
  item signed off, so Silesia (still ``qualifying``) can be approved;
* pharma — an AHP-weighted template and an open evaluation where one CDMO is not fully scored
  yet and is listed as incomplete.

Scores are fixed numbers, not random draws, so every demo load shows the same ranking.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.selection import schemas
from cofab.selection import service as selection
from cofab.selection.models import Candidate, DueDiligenceItem, Evaluation, SelectionTemplate

Sheet = dict[str, dict[str, float]]  # partner ref → criterion → score

# Contract-manufacturer default template criteria, in order:
CM_KEYS = (
    "process_capability",
    "available_capacity",
    "financial_health",
    "qms_maturity",
    "defect_rate",
    "culture_fit",
    "material_management",
    "on_time_delivery",
    "quoted_lead_time",
    "environment_safety",
    "ip_protection",
    "improvement_culture",
    "volume_flexibility",
    "business_ethics",
)

ELECTRONICS: dict[str, tuple[float, ...]] = {
    "E-CHN": (4, 180_000, 3, 4, 420, 4, 3, 91, 35, 4, 3, 4, 4, 4),
    "E-GDL": (4, 120_000, 4, 4, 350, 3, 4, 95, 28, 4, 4, 3, 3, 4),
    "E-PNG": (5, 90_000, 4, 5, 210, 4, 4, 97, 30, 5, 4, 4, 3, 5),
}
AUTOMOTIVE: dict[str, tuple[float, ...]] = {
    "A-SBM": (4, 60_000, 4, 4, 300, 4, 4, 94, 21, 4, 4, 4, 5, 4),
    "A-UCW": (4, 40_000, 4, 5, 180, 3, 4, 96, 35, 4, 4, 3, 3, 4),
}
# Per evaluator: a small, fixed disagreement on the 1–5 criteria (index → delta).
NUDGES: tuple[dict[int, float], ...] = ({}, {0: -1, 3: 1}, {5: 1, 11: -1})

PHARMA_TEMPLATE: dict[str, Any] = {
    "name_en": "CDMO selection (AHP weights)",
    "name_ko": "CDMO 선정(AHP 가중치)",
    "partner_type": "contract_manufacturer",
    "weight_mode": "ahp",
    "criteria": [
        {
            "key": "gmp_record",
            "group": "quality",
            "name_en": "GMP inspection record",
            "name_ko": "GMP 실사 이력",
            "scale": "1-5",
        },
        {
            "key": "tech_transfer",
            "group": "technology",
            "name_en": "Technology-transfer track record",
            "name_ko": "기술 이전 실적",
            "scale": "1-5",
        },
        {
            "key": "batch_price",
            "group": "financial",
            "name_en": "Price per batch",
            "name_ko": "배치당 가격",
            "direction": "cost",
            "scale": "measured",
            "unit": "KRW m",
        },
        {
            "key": "slot_availability",
            "group": "capacity",
            "name_en": "Suite slots in the next 12 months",
            "name_ko": "향후 12개월 가용 슈트 슬롯",
            "scale": "0-100",
        },
        {
            "key": "data_integrity",
            "group": "information_security",
            "name_en": "Data integrity (ALCOA+)",
            "name_ko": "데이터 무결성(ALCOA+)",
            "scale": "1-5",
        },
    ],
    # GMP ≫ tech transfer > price ≈ data integrity > slots; CR ≈ 0.02.
    "ahp_matrix": [
        [1, 2, 4, 5, 3],
        ["1/2", 1, 2, 3, 2],
        ["1/4", "1/2", 1, 2, 1],
        ["1/5", "1/3", "1/2", 1, "1/2"],
        ["1/3", "1/2", 1, 2, 1],
    ],
}
PHARMA: Sheet = {
    "P-HAL": {
        "gmp_record": 4,
        "tech_transfer": 3,
        "batch_price": 820,
        "slot_availability": 70,
        "data_integrity": 4,
    },
    "P-NCC": {
        "gmp_record": 5,
        "tech_transfer": 4,
        "batch_price": 1150,
        "slot_availability": 40,
        "data_integrity": 5,
    },
    "P-SCT": {"gmp_record": 3, "tech_transfer": 5, "data_integrity": 4},
}

FINANCIALS: dict[str, dict[str, Any]] = {
    "E-CHN": {
        "fiscal_year": "2025",
        "model": "private",
        "working_capital": 42,
        "retained_earnings": 61,
        "ebit": 18,
        "equity": 95,
        "total_assets": 310,
        "total_liabilities": 215,
    },
    "A-SBM": {
        "fiscal_year": "2025",
        "model": "private",
        "working_capital": 55,
        "retained_earnings": 120,
        "ebit": 34,
        "equity": 210,
        "total_assets": 480,
        "total_liabilities": 270,
    },
}


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    """Add the case's selection demo once; a second load leaves existing evaluations alone."""
    loader = {"electronics": _electronics, "automotive": _automotive, "pharma": _pharma}.get(
        case_name
    )
    if loader is not None:
        loader(session, refs, today)


def _actors(session: Session, domain: str) -> dict[str, Actor]:
    users = session.execute(select(User).where(User.email.like(f"%@{domain}"))).scalars()
    return {u.role: accounts_service.actor_for(u, u.locale or "ko") for u in users}


def _exists(session: Session, title: str) -> bool:
    return (
        session.execute(select(Evaluation.id).where(Evaluation.title == title)).first() is not None
    )


def _default_template(session: Session, partner_type: str) -> int:
    selection.ensure_default_templates(session)
    return int(
        session.execute(
            select(SelectionTemplate.id).where(SelectionTemplate.key == f"default_{partner_type}")
        ).scalar_one()
    )


def _open(
    session: Session,
    actor: Actor,
    title: str,
    template_id: int,
    partner_ids: list[int],
    **extra: Any,
) -> tuple[int, dict[int, int]]:
    evaluation = selection.create_evaluation(
        session,
        actor=actor,
        data=schemas.EvaluationCreate(
            title=title, template_id=template_id, partner_ids=partner_ids, **extra
        ),
    )
    candidates = session.execute(
        select(Candidate.partner_id, Candidate.id).where(Candidate.evaluation_id == evaluation.id)
    ).all()
    return evaluation.id, {int(p): int(c) for p, c in candidates}


def _score_cm(
    session: Session,
    evaluators: list[Actor],
    evaluation_id: int,
    candidates: dict[int, int],
    refs: dict[str, int],
    table: dict[str, tuple[float, ...]],
) -> None:
    bounded = {0, 2, 3, 5, 6, 9, 10, 11, 12, 13}  # the 1–5 criteria of the CM template
    for e, actor in enumerate(evaluators):
        rows = []
        for ref, values in table.items():
            candidate_id = candidates[refs[f"DEMO-{ref}"]]
            for j, key in enumerate(CM_KEYS):
                value = values[j] + (NUDGES[e % len(NUDGES)].get(j, 0) if j in bounded else 0)
                value = min(5, max(1, value)) if j in bounded else value
                reason = None
                if j in bounded and value in (1, 5):
                    reason = "Seen on the site visit and in the customer references."
                rows.append(
                    schemas.ScoreIn(
                        candidate_id=candidate_id, criterion=key, value=value, justification=reason
                    )
                )
        selection.save_scores(
            session,
            actor=actor,
            evaluation_id=evaluation_id,
            sheet=schemas.ScoreSheetIn(scores=rows),
        )


def _work_items(
    session: Session,
    worker: Actor,
    reviewer: Actor,
    candidate_id: int,
    today: date,
    *,
    keys: set[str] | None,
    financials: dict[str, Any] | None,
    findings: str,
) -> None:
    """Finish (and have a second person sign off) the items in ``keys``; None = all mandatory."""
    items = session.execute(
        select(DueDiligenceItem)
        .where(DueDiligenceItem.candidate_id == candidate_id)
        .order_by(DueDiligenceItem.position)
    ).scalars()
    for item in list(items):
        data: dict[str, Any] = {}
        if item.key == "financial_review" and financials:
            data = financials
        elif item.key == "site_audit":
            data = {
                "audit_date": (today - timedelta(days=20)).isoformat(),
                "auditor": worker.display_name,
                "findings": findings,
                "score": "82",
            }
        finish = (keys is None and item.mandatory) or (keys is not None and item.key in keys)
        update = schemas.DueDiligenceUpdate(
            status="done" if finish else "in_progress" if data else "open",
            owner_id=worker.user_id,
            due_date=today + timedelta(days=14 + 7 * item.position),
            data=data or None,
        )
        selection.update_item(session, actor=worker, dd_item_id=item.id, data=update)
        if finish:
            selection.sign_off(session, actor=reviewer, dd_item_id=item.id)


def _electronics(session: Session, refs: dict[str, int], today: date) -> None:
    title = "Second EMS partner for the 2027 tablet line"
    if _exists(session, title):
        return
    actors = _actors(session, "hanbit.example")
    template_id = _default_template(session, "contract_manufacturer")
    partner_ids = [refs[f"DEMO-{ref}"] for ref in ELECTRONICS]
    evaluation_id, candidates = _open(
        session, actors["manager"], title, template_id, partner_ids, aggregation="median"
    )
    evaluators = [actors["manager"], actors["quality"], actors["admin"]]
    _score_cm(session, evaluators, evaluation_id, candidates, refs, ELECTRONICS)
    chennai = candidates[refs["DEMO-E-CHN"]]
    _work_items(
        session,
        actors["quality"],
        actors["manager"],
        chennai,
        today,
        keys={"site_audit", "reference_checks"},
        financials=FINANCIALS["E-CHN"],
        findings="Two minor findings on ESD control at the SMT line; corrective actions agreed.",
    )


def _automotive(session: Session, refs: dict[str, int], today: date) -> None:
    title = "Module assembly partner for the Silesia ramp-up"
    if _exists(session, title):
        return
    actors = _actors(session, "hanul-motors.example")
    template_id = _default_template(session, "contract_manufacturer")
    partner_ids = [refs[f"DEMO-{ref}"] for ref in AUTOMOTIVE]
    evaluation_id, candidates = _open(session, actors["manager"], title, template_id, partner_ids)
    _score_cm(
        session, [actors["manager"], actors["quality"]], evaluation_id, candidates, refs, AUTOMOTIVE
    )
    silesia = candidates[refs["DEMO-A-SBM"]]
    _work_items(
        session,
        actors["quality"],
        actors["manager"],
        silesia,
        today,
        keys=None,
        financials=FINANCIALS["A-SBM"],
        findings="One minor finding on dry-room humidity logging; corrective action agreed.",
    )
    selection.close_evaluation(
        session,
        actor=actors["manager"],
        evaluation_id=evaluation_id,
        data=schemas.CloseEvaluation(
            selected_candidate_ids=[silesia],
            rationale=(
                "Silesia ranks first on both methods and stays first under most weight draws; "
                "it is next to the European pack plant and has the volume flexibility the "
                "ramp-up needs. Ulsan remains the reference line."
            ),
        ),
    )


def _pharma(session: Session, refs: dict[str, int], today: date) -> None:
    title = "Fill-finish CDMO for the phase III biologic"
    if _exists(session, title):
        return
    actors = _actors(session, "seoulbiopharm.example")
    view = selection.create_template(
        session,
        actor=actors["manager"],
        data=schemas.SelectionTemplateIn.model_validate(PHARMA_TEMPLATE),
    )
    partner_ids = [refs[f"DEMO-{ref}"] for ref in PHARMA]
    evaluation_id, candidates = _open(
        session, actors["manager"], title, view.template.id, partner_ids, mc_concentration=60
    )
    rows = [
        schemas.ScoreIn(candidate_id=candidates[refs[f"DEMO-{ref}"]], criterion=key, value=value)
        for ref, values in PHARMA.items()
        for key, value in values.items()
    ]
    selection.save_scores(
        session,
        actor=actors["quality"],
        evaluation_id=evaluation_id,
        sheet=schemas.ScoreSheetIn(scores=rows),
    )
