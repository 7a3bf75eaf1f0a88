"""Quality test data made through the quality services (rules and audit run), and partner B's
quality objects for the route-enumerating isolation sweeps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.quality import audits, lots, ncrs, plans, schemas
from cofab.quality.models import InspectionPlan, QualityFile

QUALITY_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "PlanCreate": {
        "partner_id": 0,
        "product": "INTRUDE",
        "aql_critical": 0.1,
        "aql_major": 1.0,
        "aql_minor": 2.5,
    },
    "PlanUpdate": {"aql_major": 0.65},
    "StateReset": {"state": "normal"},
    "CharacteristicIn": {"name_ko": "침입", "name_en": "Intrusion"},
    "LotCreate": {"partner_id": 0, "product": "PCB-1", "lot_no": "X-1", "lot_size": 100},
    "InspectionResult": {"defects": []},
    "OutgoingInspectionIn": {"sample_size": 5, "defects": []},
    "DispositionIn": {"disposition": "scrap"},
    "NcrFromLot": {},
    "NcrCreate": {"partner_id": 0, "product": "PCB-1", "defect_code": "X", "quantity": 1},
    "NcrUpdate": {"containment": "hijacked"},
    "EightDCreate": {},
    "EightDStepIn": {"content": {"team": "intruders"}},  # risk has a StepIn of its own
    "StepReview": {"decision": "approve"},
    "ActionIn": {"description": "x", "owner": "x", "due_on": "2030-01-01"},
    "ActionDone": {"done_on": "2026-01-01"},
    "ChecklistCreate": {
        "name": "Evil",
        "kind": "process",
        "questions": [{"text_ko": "가", "text_en": "A"}],
    },
    "AuditCreate": {"partner_id": 0, "checklist_id": 1, "planned_on": "2030-01-01"},
    "AuditResult": {"performed_on": "2026-01-01", "answers": [{"question_id": 1, "score": 10}]},
    "FindingIn": {"severity": "minor", "text": "hijacked"},
}


def make_plan(
    session: Session,
    partner_id: int,
    *,
    product: str = "PCB-1",
    aqls: tuple[float | None, float | None, float | None] = (0.1, 1.0, 2.5),
    characteristics: list[dict[str, Any]] | None = None,
    level: str = "II",
    **extra: Any,
) -> InspectionPlan:
    return plans.create_plan(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.PlanCreate.model_validate(
            {
                "partner_id": partner_id,
                "product": product,
                "inspection_level": level,
                "aql_critical": aqls[0],
                "aql_major": aqls[1],
                "aql_minor": aqls[2],
                "characteristics": characteristics
                or [{"name_ko": "납땜 불량", "name_en": "Solder bridge", "defect_class": "major"}],
                **extra,
            }
        ),
    )


def open_lot(session: Session, partner_id: int, lot_no: str, size: int, product: str = "PCB-1"):  # type: ignore[no-untyped-def]
    return lots.create_lot(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.LotCreate(
            partner_id=partner_id, product=product, lot_no=lot_no, lot_size=size
        ),
    )


def inspect(session: Session, inspection_id: int, defects: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    return lots.record_inspection(
        session,
        actor=SYSTEM_ACTOR,
        inspection_id=inspection_id,
        data=schemas.InspectionResult.model_validate({"defects": defects}),
    )


def isolation_resolvers(world: Any, engine: Engine) -> dict[str, Any]:
    """Partner B's plan, rejected lot, NCR, 8D with an action, checklist and audit."""
    with unit_of_work(engine) as session:
        b = world.partner_b
        plan = make_plan(session, b)
        inspection = open_lot(session, b, "B-LOT-1", 500)
        inspect(
            session,
            inspection.id,
            [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 9}],
        )
        ncr = ncrs.ncr_from_lot(
            session, actor=SYSTEM_ACTOR, lot_id=inspection.lot_id, data=schemas.NcrFromLot()
        )
        eightd = ncrs.open_eightd(
            session, actor=SYSTEM_ACTOR, ncr_id=ncr.id, data=schemas.EightDCreate()
        )
        action = ncrs.add_action(
            session,
            actor=SYSTEM_ACTOR,
            eightd_id=eightd.id,
            data=schemas.ActionIn(description="Fix", owner="B", due_on="2030-01-01"),  # type: ignore[arg-type]
        )
        checklist = audits.create_checklist(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.ChecklistCreate.model_validate(
                {
                    "name": "B process",
                    "kind": "process",
                    "questions": [{"text_ko": "가", "text_en": "A"}],
                }
            ),
        )
        audit = audits.plan_audit(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.AuditCreate(
                partner_id=b,
                checklist_id=checklist.id,
                planned_on="2030-01-01",  # type: ignore[arg-type]
            ),
        )
        photo = QualityFile(  # a row only: another partner is refused before anything is opened
            partner_id=b,
            ncr_id=ncr.id,
            filename="b.jpg",
            content_type="image/jpeg",
            size_bytes=1,
            object_key="b" * 32,
            wrapped_key=b"x",
            key_id="k",
            uploaded_by="b@example.com",
        )
        session.add(photo)
        session.flush()
        ids = {
            "file_id": photo.id,
            "plan_id": plan.id,
            "lot_id": inspection.lot_id,
            "inspection_id": inspection.id,
            "ncr_id": ncr.id,
            "eightd_id": eightd.id,
            "action_id": action.id,
            "checklist_id": checklist.id,
            "audit_id": audit.id,
        }
    resolvers: dict[str, Any] = {
        f"quality:{name}": (lambda w, e, v=value: v) for name, value in ids.items()
    }
    resolvers["quality:step"] = lambda w, e: "D1"
    return resolvers
