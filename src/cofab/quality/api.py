"""Quality JSON API under /api/v1/quality: parse, call one service function, return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from cofab.core.access import Actor, require_roles
from cofab.core.pagination import Page, page_of
from cofab.core.web import ApiActor, DbSession
from cofab.quality import audits, lots, ncrs, plans, schemas
from cofab.quality.rules import QUALITY_WRITERS

router = APIRouter(prefix="/api/v1/quality", tags=["quality"])
PageNo = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=200)]
OWNER_READERS = frozenset({*QUALITY_WRITERS, "viewer"})


@dataclass(frozen=True)
class Listing:
    """The query of a filtered, paged list (same parameter names on every list)."""

    partner_id: int | None = None
    status: str | None = None
    page: PageNo = 1
    size: PageSize = 50


ListQuery = Annotated[Listing, Depends()]


def _owner_only(actor: Actor) -> None:
    require_roles(actor, OWNER_READERS)


# --- plans -------------------------------------------------------------------------------------


@router.get("/plans", response_model=Page[schemas.PlanRead])
def list_plans(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    page: PageNo = 1,
    size: PageSize = 50,
) -> Page[schemas.PlanRead]:
    stmt = plans.plan_query(actor, partner_id=partner_id)
    return page_of(session, stmt, schemas.PlanRead, page=page, size=size)


@router.post("/plans", response_model=schemas.PlanRead, status_code=201)
def create_plan(session: DbSession, actor: ApiActor, body: schemas.PlanCreate) -> Any:
    return plans.create_plan(session, actor=actor, data=body)


@router.get("/plans/{plan_id}")
def get_plan(session: DbSession, actor: ApiActor, plan_id: int) -> dict[str, Any]:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    return {
        "plan": schemas.PlanRead.model_validate(plan).model_dump(mode="json"),
        "characteristics": [
            schemas.CharacteristicRead.model_validate(c).model_dump(mode="json")
            for c in plans.characteristics_of(session, plan)
        ],
        "history": [
            {
                "from_state": h.from_state,
                "to_state": h.to_state,
                "lot_id": h.lot_id,
                "reason": h.reason,
                "changed_at": h.changed_at.isoformat(),
            }
            for h in plans.history_of(session, plan)
        ],
    }


@router.patch("/plans/{plan_id}", response_model=schemas.PlanRead)
def update_plan(session: DbSession, actor: ApiActor, plan_id: int, body: schemas.PlanUpdate) -> Any:
    return plans.update_plan(session, actor=actor, plan_id=plan_id, data=body)


@router.post("/plans/{plan_id}/state", response_model=schemas.PlanRead)
def reset_state(session: DbSession, actor: ApiActor, plan_id: int, body: schemas.StateReset) -> Any:
    return plans.reset_state(session, actor=actor, plan_id=plan_id, data=body)


@router.post(
    "/plans/{plan_id}/characteristics",
    response_model=schemas.CharacteristicRead,
    status_code=201,
)
def add_characteristic(
    session: DbSession, actor: ApiActor, plan_id: int, body: schemas.CharacteristicIn
) -> Any:
    plan = plans.get_plan(session, actor=actor, plan_id=plan_id)
    return plans.add_characteristic(session, actor=actor, plan=plan, data=body)


# --- lots and inspections ----------------------------------------------------------------------


@router.get("/lots", response_model=Page[schemas.LotRead])
def list_lots(session: DbSession, actor: ApiActor, q: ListQuery) -> Page[schemas.LotRead]:
    stmt = lots.lot_query(actor, partner_id=q.partner_id, status=q.status)
    return page_of(session, stmt, schemas.LotRead, page=q.page, size=q.size)


@router.post("/lots", response_model=schemas.InspectionRead, status_code=201)
def create_lot(session: DbSession, actor: ApiActor, body: schemas.LotCreate) -> Any:
    return lots.create_lot(session, actor=actor, data=body)


def _inspection_json(session: DbSession, inspection: Any) -> dict[str, Any]:
    return schemas.InspectionRead.model_validate(inspection).model_dump(mode="json") | {
        "defects": [
            schemas.DefectRead.model_validate(d).model_dump(mode="json")
            for d in lots.defects_of(session, inspection)
        ]
    }


@router.get("/lots/{lot_id}")
def get_lot(session: DbSession, actor: ApiActor, lot_id: int) -> dict[str, Any]:
    lot = lots.get_lot(session, actor=actor, lot_id=lot_id)
    return {
        "lot": schemas.LotRead.model_validate(lot).model_dump(mode="json"),
        "inspections": [_inspection_json(session, i) for i in lots.inspections_of(session, lot)],
    }


@router.post("/inspections/{inspection_id}/result")
def record_inspection(
    session: DbSession, actor: ApiActor, inspection_id: int, body: schemas.InspectionResult
) -> dict[str, Any]:
    inspection = lots.record_inspection(
        session, actor=actor, inspection_id=inspection_id, data=body
    )
    return _inspection_json(session, inspection)


@router.post("/lots/{lot_id}/outgoing", status_code=201)
def post_outgoing(
    session: DbSession, actor: ApiActor, lot_id: int, body: schemas.OutgoingInspectionIn
) -> dict[str, Any]:
    inspection = lots.post_outgoing(session, actor=actor, lot_id=lot_id, data=body)
    return _inspection_json(session, inspection)


@router.post("/lots/{lot_id}/disposition", response_model=schemas.LotRead)
def set_disposition(
    session: DbSession, actor: ApiActor, lot_id: int, body: schemas.DispositionIn
) -> Any:
    return lots.set_disposition(session, actor=actor, lot_id=lot_id, data=body)


@router.post("/lots/{lot_id}/ncr", response_model=schemas.NcrRead, status_code=201)
def ncr_from_lot(session: DbSession, actor: ApiActor, lot_id: int, body: schemas.NcrFromLot) -> Any:
    return ncrs.ncr_from_lot(session, actor=actor, lot_id=lot_id, data=body)


# --- NCRs and 8Ds ------------------------------------------------------------------------------


@router.get("/ncrs", response_model=Page[schemas.NcrRead])
def list_ncrs(session: DbSession, actor: ApiActor, q: ListQuery) -> Page[schemas.NcrRead]:
    stmt = ncrs.ncr_query(actor, partner_id=q.partner_id, status=q.status)
    return page_of(session, stmt, schemas.NcrRead, page=q.page, size=q.size)


@router.post("/ncrs", response_model=schemas.NcrRead, status_code=201)
def create_ncr(session: DbSession, actor: ApiActor, body: schemas.NcrCreate) -> Any:
    return ncrs.create_ncr(session, actor=actor, data=body)


@router.get("/ncrs/{ncr_id}")
def get_ncr(session: DbSession, actor: ApiActor, ncr_id: int) -> dict[str, Any]:
    ncr = ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id)
    eightd = ncrs.eightd_of_ncr(session, ncr)
    return {
        "ncr": schemas.NcrRead.model_validate(ncr).model_dump(mode="json"),
        "cost_total": str(ncrs.cost_total(ncr)),
        "eightd_id": eightd.id if eightd else None,
    }


@router.patch("/ncrs/{ncr_id}", response_model=schemas.NcrRead)
def update_ncr(session: DbSession, actor: ApiActor, ncr_id: int, body: schemas.NcrUpdate) -> Any:
    return ncrs.update_ncr(session, actor=actor, ncr_id=ncr_id, data=body)


@router.post("/ncrs/{ncr_id}/8d", response_model=schemas.EightDRead, status_code=201)
def open_eightd(
    session: DbSession, actor: ApiActor, ncr_id: int, body: schemas.EightDCreate
) -> Any:
    return ncrs.open_eightd(session, actor=actor, ncr_id=ncr_id, data=body)


def _eightd_json(session: DbSession, eightd: Any) -> dict[str, Any]:
    return {
        "eightd": schemas.EightDRead.model_validate(eightd).model_dump(mode="json"),
        "steps": [
            schemas.StepRead.model_validate(s).model_dump(mode="json")
            for s in ncrs.steps_of(session, eightd)
        ],
        "actions": [
            schemas.ActionRead.model_validate(a).model_dump(mode="json")
            for a in ncrs.actions_of(session, eightd)
        ],
        "verification": ncrs.verification(session, eightd),
    }


@router.get("/8d/{eightd_id}")
def get_eightd(session: DbSession, actor: ApiActor, eightd_id: int) -> dict[str, Any]:
    return _eightd_json(session, ncrs.get_eightd(session, actor=actor, eightd_id=eightd_id))


@router.put("/8d/{eightd_id}/steps/{step}", response_model=schemas.StepRead)
def write_step(
    session: DbSession, actor: ApiActor, eightd_id: int, step: str, body: schemas.EightDStepIn
) -> Any:
    return ncrs.write_step(session, actor=actor, eightd_id=eightd_id, step=step, data=body)


@router.post("/8d/{eightd_id}/steps/{step}/review", response_model=schemas.StepRead)
def review_step(
    session: DbSession, actor: ApiActor, eightd_id: int, step: str, body: schemas.StepReview
) -> Any:
    return ncrs.review_step(session, actor=actor, eightd_id=eightd_id, step=step, data=body)


@router.post("/8d/{eightd_id}/actions", response_model=schemas.ActionRead, status_code=201)
def add_action(session: DbSession, actor: ApiActor, eightd_id: int, body: schemas.ActionIn) -> Any:
    return ncrs.add_action(session, actor=actor, eightd_id=eightd_id, data=body)


@router.post("/8d/{eightd_id}/actions/{action_id}/done", response_model=schemas.ActionRead)
def complete_action(
    session: DbSession, actor: ApiActor, eightd_id: int, action_id: int, body: schemas.ActionDone
) -> Any:
    return ncrs.complete_action(
        session, actor=actor, eightd_id=eightd_id, action_id=action_id, data=body
    )


@router.post("/8d/{eightd_id}/close")
def close_eightd(session: DbSession, actor: ApiActor, eightd_id: int) -> dict[str, Any]:
    return _eightd_json(session, ncrs.close_eightd(session, actor=actor, eightd_id=eightd_id))


# --- audits ------------------------------------------------------------------------------------


@router.get("/checklists", response_model=list[schemas.ChecklistRead])
def list_checklists(session: DbSession, actor: ApiActor) -> Any:
    _owner_only(actor)
    return list(session.execute(audits.checklist_query()).scalars())


@router.post("/checklists", response_model=schemas.ChecklistRead, status_code=201)
def create_checklist(session: DbSession, actor: ApiActor, body: schemas.ChecklistCreate) -> Any:
    return audits.create_checklist(session, actor=actor, data=body)


@router.get("/checklists/{checklist_id}")
def get_checklist(session: DbSession, actor: ApiActor, checklist_id: int) -> dict[str, Any]:
    _owner_only(actor)
    checklist = audits.get_checklist(session, checklist_id)
    return {
        "checklist": schemas.ChecklistRead.model_validate(checklist).model_dump(mode="json"),
        "questions": [
            {
                "id": q.id,
                "seq": q.seq,
                "text_ko": q.text_ko,
                "text_en": q.text_en,
                "weight": q.weight,
            }
            for q in audits.questions_of(session, checklist.id)
        ],
    }


@router.get("/audits", response_model=Page[schemas.AuditRead])
def list_audits(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    page: PageNo = 1,
    size: PageSize = 50,
) -> Page[schemas.AuditRead]:
    stmt = audits.audit_query(actor, partner_id=partner_id)
    return page_of(session, stmt, schemas.AuditRead, page=page, size=size)


@router.post("/audits", response_model=schemas.AuditRead, status_code=201)
def plan_audit(session: DbSession, actor: ApiActor, body: schemas.AuditCreate) -> Any:
    return audits.plan_audit(session, actor=actor, data=body)


@router.get("/audit-calendar")
def audit_calendar(
    session: DbSession, actor: ApiActor, today: date | None = None
) -> dict[str, list[dict[str, Any]]]:
    found = audits.calendar(session, actor, today)
    return {
        key: [schemas.AuditRead.model_validate(a).model_dump(mode="json") for a in rows]
        for key, rows in found.items()
    }


@router.get("/audits/{audit_id}")
def get_audit(session: DbSession, actor: ApiActor, audit_id: int) -> dict[str, Any]:
    row = audits.get_audit(session, actor=actor, audit_id=audit_id)
    answers = audits.answers_of(session, row)
    return {
        "audit": schemas.AuditRead.model_validate(row).model_dump(mode="json"),
        "questions": [
            {
                "id": q.id,
                "text_ko": q.text_ko,
                "text_en": q.text_en,
                "weight": q.weight,
                "score": answers[q.id].score if q.id in answers else None,
            }
            for q in audits.questions_of(session, row.checklist_id)
        ],
        "findings": [
            {
                "id": f.id,
                "question_id": f.question_id,
                "severity": f.severity,
                "text": f.text,
                "action": f.action,
                "action_due": f.action_due.isoformat() if f.action_due else None,
            }
            for f in audits.findings_of(session, row)
        ],
    }


@router.post("/audits/{audit_id}/result", response_model=schemas.AuditRead)
def record_audit(
    session: DbSession, actor: ApiActor, audit_id: int, body: schemas.AuditResult
) -> Any:
    return audits.record_result(session, actor=actor, audit_id=audit_id, data=body)


@router.post("/audits/{audit_id}/findings", status_code=201)
def add_finding(
    session: DbSession, actor: ApiActor, audit_id: int, body: schemas.FindingIn
) -> dict[str, Any]:
    finding = audits.add_finding(session, actor=actor, audit_id=audit_id, data=body)
    return {"id": finding.id, "severity": finding.severity, "text": finding.text}
