"""Quality demo data that fits each case's story: solder and cosmetic defects at the electronics
CM, cell capacity and thickness at the battery JV, assay and deviations at the pharma CDMO.

Per case, the partner login's company gets an inspection plan (the AQL of its quality agreement
when one is in force), five inspected lots of which the fourth is rejected, an NCR on that lot
with an 8D whose first steps the partner has submitted and the owner approved, a finished
process audit (VDA 6.3 scores) and the next one planned by its cadence. The CDMO's assay
results are imported as SPC measurements whose Cpk falls below its agreement's Cpk target.

``demo/loader.py`` calls ``load(session, case_name, refs, today)`` after ``contracts_demo.load``,
so the agreement's AQL is the plan's default and its Cpk target judges the measurements.
Loading twice changes nothing (a case whose plan exists is skipped).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.quality import schemas
from cofab.quality.models import Characteristic, InspectionPlan
from cofab.quality.service import audits, files, lots, ncrs, plans

# case -> partner ref, product, characteristics (ko, en, kind, class, nominal, lsl, usl, uom),
# the defect that rejects the fourth lot, the audit checklist
STORIES: dict[str, dict[str, Any]] = {
    "electronics": {
        "partner": "DEMO-E-SGP",
        "product": "PHONE-MAINBOARD",
        "characteristics": [
            ("납땜 브리지", "Solder bridge", "attribute", "major", None, None, None, None),
            ("외관 긁힘", "Cosmetic scratch", "attribute", "minor", None, None, None, None),
        ],
        "defect": ("SOLDER-BRIDGE", "major", 4),
        "checklist": ("SMT process audit", "process"),
    },
    "automotive": {
        "partner": "DEMO-A-NCP",
        "product": "CELL-NMC811",
        "characteristics": [
            ("셀 용량", "Cell capacity", "variable", "major", 95.0, 93.0, 97.0, "Ah"),
            ("셀 두께", "Cell thickness", "variable", "major", 12.0, 11.8, 12.2, "mm"),
        ],
        "defect": ("CAPACITY-LOW", "major", 3),
        "checklist": ("Cell line process audit", "process"),
    },
    "pharma": {
        "partner": "DEMO-P-IBL",
        "product": "mAb-DS-BATCH",
        "characteristics": [
            ("역가 시험", "Assay potency", "variable", "critical", 100.0, 90.0, 110.0, "%"),
            ("라벨 이탈", "Label deviation", "attribute", "minor", None, None, None, None),
        ],
        "defect": ("ASSAY-OOS", "critical", 1),
        "checklist": ("GMP system audit", "system"),
        # the CDMO's certificate of analysis for its first batch (values only, no scan)
        "coa": [
            {"name": "Assay potency", "value": 99.1, "unit": "%", "lsl": 90.0, "usl": 110.0},
            {"name": "Endotoxin", "value": 0.12, "unit": "EU/mg", "usl": 0.5},
            {"name": "Purity (SEC)", "value": 98.7, "unit": "%", "lsl": 95.0},
        ],
        # 25 batches × 5 assays, mean 100.6 %, σ 2.1 %: Cpk ≈ 1.5 — capable by the default 1.33
        # but below the 1.67 of the GMP quality agreement, so the dashboards raise the alert
        "measurements": ("Assay potency", 100.6, 2.1, 25),
    },
}
QUESTIONS = [
    ("공정 관리 계획이 최신인가?", "Is the control plan current?", 2.0),
    ("작업 표준이 현장에 게시되어 있는가?", "Are work instructions posted at the line?", 1.0),
    ("부적합품이 격리되는가?", "Is nonconforming product segregated?", 2.0),
    ("측정 장비가 교정되어 있는가?", "Are gauges calibrated?", 1.0),
]


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    story = STORIES.get(case_name)
    if story is None or story["partner"] not in refs:
        return
    partner_id = refs[story["partner"]]
    exists = session.execute(
        select(InspectionPlan.id).where(
            InspectionPlan.partner_id == partner_id, InspectionPlan.product == story["product"]
        )
    ).first()
    if exists is not None:
        return
    agreed = plans.agreement_aql(session, partner_id=partner_id)
    aqls = (None, None, None) if agreed is not None else (0.1, 0.65, 2.5)
    plans.create_plan(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.PlanCreate.model_validate(
            {
                "partner_id": partner_id,
                "product": story["product"],
                "aql_critical": aqls[0],
                "aql_major": aqls[1],
                "aql_minor": aqls[2],
                "steady_production": True,
                "characteristics": [
                    {
                        "name_ko": ko,
                        "name_en": en,
                        "kind": kind,
                        "defect_class": cls,
                        "nominal": nominal,
                        "lsl": lsl,
                        "usl": usl,
                        "uom": uom,
                    }
                    for ko, en, kind, cls, nominal, lsl, usl, uom in story["characteristics"]
                ],
            }
        ),
    )
    if story.get("measurements"):
        _measurements(session, partner_id, story["product"], story["measurements"])
    code, cls, count = story["defect"]
    rejected_lot = 0
    for n in range(5):
        inspection = lots.create_lot(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.LotCreate(
                partner_id=partner_id,
                product=story["product"],
                lot_no=f"{story['partner']}-{today:%y%m}-{n + 1:02d}",
                lot_size=1200,
            ),
        )
        defects = [{"defect_code": code, "defect_class": cls, "quantity": count}] if n == 3 else []
        lots.record_inspection(
            session,
            actor=SYSTEM_ACTOR,
            inspection_id=inspection.id,
            data=schemas.InspectionResult.model_validate({"defects": defects}),
        )
        if n == 3:
            rejected_lot = inspection.lot_id
        if n == 0 and story.get("coa"):
            files.add_certificate(
                session,
                actor=SYSTEM_ACTOR,
                store=None,
                lot_id=inspection.lot_id,
                data=schemas.CertificateIn.model_validate(
                    {
                        "kind": "coa",
                        "external_ref": f"CoA-{story['partner']}-{today:%y%m}-01",
                        "issued_on": today,
                        "values": story["coa"],
                    }
                ),
                today=today,
            )
    lots.set_disposition(
        session,
        actor=SYSTEM_ACTOR,
        lot_id=rejected_lot,
        data=schemas.DispositionIn(disposition="sort", note="100 % sort at the partner's cost"),
    )
    ncr = ncrs.ncr_from_lot(
        session,
        actor=SYSTEM_ACTOR,
        lot_id=rejected_lot,
        data=schemas.NcrFromLot.model_validate(
            {
                "cost_sorting": "1800",
                "cost_freight": "350",
                "currency": "USD",
                "containment": "Stock at the hub quarantined and sorted",
            }
        ),
    )
    eightd = ncrs.open_eightd(
        session, actor=SYSTEM_ACTOR, ncr_id=ncr.id, data=schemas.EightDCreate()
    )
    for step, content in (
        ("D0", {"symptom": code, "emergency_response": "Shipments on hold"}),
        ("D1", {"team": "QE, process engineer, line leader", "leader": "Partner QE"}),
        ("D2", {"problem": f"{code} found at incoming inspection", "how_many": str(count)}),
        ("D3", {"containment": "Hub stock and WIP sorted 100 %"}),
    ):
        ncrs.write_step(
            session,
            actor=SYSTEM_ACTOR,
            eightd_id=eightd.id,
            step=step,
            data=schemas.EightDStepIn(content=content),
        )
        ncrs.review_step(
            session,
            actor=SYSTEM_ACTOR,
            eightd_id=eightd.id,
            step=step,
            data=schemas.StepReview(decision="approve"),
        )
    name, kind = story["checklist"]
    checklist = audits.create_checklist(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.ChecklistCreate.model_validate(
            {
                "name": name,
                "kind": kind,
                "questions": [{"text_ko": k, "text_en": e, "weight": w} for k, e, w in QUESTIONS],
            }
        ),
    )
    done = audits.plan_audit(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.AuditCreate(
            partner_id=partner_id,
            checklist_id=checklist.id,
            planned_on=today - timedelta(days=40),
            cadence_months=6,
            auditor="Supplier quality",
        ),
    )
    question_ids = [q.id for q in audits.questions_of(session, checklist.id)]
    audits.record_result(
        session,
        actor=SYSTEM_ACTOR,
        audit_id=done.id,
        data=schemas.AuditResult.model_validate(
            {
                "performed_on": today - timedelta(days=38),
                "answers": [
                    {"question_id": qid, "score": score}
                    for qid, score in zip(question_ids, (10, 8, 8, 6), strict=True)
                ],
            }
        ),
        today=today,
    )
    audits.add_finding(
        session,
        actor=SYSTEM_ACTOR,
        audit_id=done.id,
        data=schemas.FindingIn(
            severity="minor",
            text="Gauge calibration labels missing on two stations",
            action="Label and re-verify",
            action_due=today + timedelta(days=14),
        ),
    )


def _measurements(
    session: Session, partner_id: int, product: str, spec: tuple[str, float, float, int]
) -> None:
    """Import subgroups of five values (a fixed seed: every load tells the same story)."""
    from cofab.quality import measurement_import  # numpy: only when the demo loads

    name, mean, sigma, count = spec
    char_id = session.execute(
        select(Characteristic.id)
        .join(InspectionPlan, InspectionPlan.id == Characteristic.plan_id)
        .where(
            InspectionPlan.partner_id == partner_id,
            InspectionPlan.product == product,
            Characteristic.name_en == name,
        )
    ).scalar_one()
    draw = random.Random(14)
    lines = ["subgroup,seq,value,external_ref"] + [
        f"{i // 5 + 1},{i % 5 + 1},{round(draw.gauss(mean, sigma), 2)},DEMO-{char_id}-{i + 1}"
        for i in range(count * 5)
    ]
    measurement_import.import_measurements(
        session,
        actor=SYSTEM_ACTOR,
        characteristic_id=char_id,
        content="\n".join(lines).encode(),
        filename="demo-measurements.csv",
    )
