"""Selection JSON API under /api/v1/selection: parse, call one service function, return.

Owner-company roles only: every route answers 404 to a partner user.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import viewer_may_call
from cofab.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, write_csv, write_xlsx
from cofab.core.uploads import read_limited
from cofab.core.web import ApiActor, DbSession
from cofab.selection import schemas, service
from cofab.selection.evaluations import EvaluationView
from cofab.selection.models import Candidate, DecisionRecord, DueDiligenceItem, Evidence
from cofab.selection.permissions import ensure_evaluator, ensure_reader
from cofab.selection.templates_service import TemplateView

router = APIRouter(prefix="/api/v1/selection", tags=["selection"])


def template_read(view: TemplateView) -> schemas.SelectionTemplateRead:
    return schemas.SelectionTemplateRead(
        id=view.template.id,
        key=view.template.key,
        partner_type=view.template.partner_type,
        current_version=view.template.current_version,
        is_default=view.template.is_default,
        current=schemas.TemplateVersionRead.model_validate(view.current),
        versions=view.versions,
    )


def evaluation_read(view: EvaluationView) -> schemas.EvaluationRead:
    ev = view.evaluation
    return schemas.EvaluationRead(
        id=ev.id,
        title=ev.title,
        status=ev.status,
        aggregation=ev.aggregation,
        template_id=view.template.id,
        template_version=view.version.version,
        template_name_en=view.version.name_en,
        template_name_ko=view.version.name_ko,
        mc_draws=ev.mc_draws,
        mc_concentration=ev.mc_concentration,
        mc_seed=ev.mc_seed,
        created_at=ev.created_at,
        closed_at=ev.closed_at,
        candidates=[
            schemas.CandidateRead(
                id=row.candidate.id,
                partner_id=row.partner.id,
                name_en=row.partner.name_en,
                name_ko=row.partner.name_ko,
                partner_status=row.partner.status,
                selected=row.candidate.selected,
                scored_cells=row.scored_cells,
                due_diligence_open=row.open_items,
            )
            for row in view.candidates
        ],
        evaluators=[u.display_name for u in view.evaluators],
    )


def evidence_read(row: Evidence) -> schemas.EvidenceRead:
    return schemas.EvidenceRead(
        id=row.id,
        candidate_id=row.candidate_id,
        dd_item_id=row.dd_item_id,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
    )


def item_read(item: DueDiligenceItem, evidence: list[Evidence]) -> schemas.DueDiligenceRead:
    return schemas.DueDiligenceRead(
        id=item.id,
        candidate_id=item.candidate_id,
        partner_id=item.partner_id,
        key=item.key,
        name_en=item.name_en,
        name_ko=item.name_ko,
        mandatory=item.mandatory,
        fields=list(item.fields or []),
        status=item.status,
        owner_id=item.owner_id,
        due_date=item.due_date,
        data=dict(item.data or {}),
        result=item.result,
        notes=item.notes,
        signed_off_by=item.signed_off_by,
        signed_off_at=item.signed_off_at,
        evidence=[evidence_read(e) for e in evidence],
    )


def decision_read(
    decision: DecisionRecord, intact: bool, warnings: list[str] | None = None
) -> schemas.DecisionRead:
    return schemas.DecisionRead(
        gate_warnings=warnings or [],
        id=decision.id,
        evaluation_id=decision.evaluation_id,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        rationale=decision.rationale,
        record=decision.record,
        record_hash=decision.record_hash,
        intact=intact,
    )


def _item_with_evidence(session: Session, item: DueDiligenceItem) -> schemas.DueDiligenceRead:
    from sqlalchemy import select

    evidence = list(
        session.execute(select(Evidence).where(Evidence.dd_item_id == item.id)).scalars()
    )
    return item_read(item, evidence)


# --- templates ------------------------------------------------------------------------------


@router.get("/templates", response_model=list[schemas.SelectionTemplateRead])
def list_templates(session: DbSession, actor: ApiActor) -> Any:
    return [template_read(v) for v in service.list_templates(session, actor=actor)]


@router.post("/templates", response_model=schemas.SelectionTemplateRead, status_code=201)
def create_template(session: DbSession, actor: ApiActor, body: schemas.SelectionTemplateIn) -> Any:
    return template_read(service.create_template(session, actor=actor, data=body))


@router.get("/templates/{template_id}", response_model=schemas.SelectionTemplateRead)
def get_template(session: DbSession, actor: ApiActor, template_id: int) -> Any:
    return template_read(service.get_template(session, actor=actor, template_id=template_id))


@router.put("/templates/{template_id}", response_model=schemas.SelectionTemplateRead)
def update_template(
    session: DbSession, actor: ApiActor, template_id: int, body: schemas.SelectionTemplateIn
) -> Any:
    view = service.update_template(session, actor=actor, template_id=template_id, data=body)
    return template_read(view)


@router.get(
    "/templates/{template_id}/versions/{version}", response_model=schemas.TemplateVersionRead
)
def get_template_version(
    session: DbSession, actor: ApiActor, template_id: int, version: int
) -> Any:
    return service.get_version(session, actor=actor, template_id=template_id, version=version)


@router.post("/ahp", response_model=schemas.AhpRead)
@viewer_may_call
def ahp_preview(actor: ApiActor, body: schemas.AhpPreviewIn) -> Any:
    """Weights, consistency ratio and the most inconsistent pair for a matrix, nothing saved."""
    ensure_reader(actor)
    return service.ahp_summary(body.matrix, body.criteria, actor.locale)


# --- evaluations ----------------------------------------------------------------------------


@router.get("/evaluations", response_model=list[schemas.EvaluationRead])
def list_evaluations(
    session: DbSession, actor: ApiActor, status: Literal["open", "closed"] | None = None
) -> Any:
    rows = service.list_evaluations(session, actor=actor, status=status)
    return [
        evaluation_read(service.evaluation_view(session, actor=actor, evaluation_id=ev.id))
        for ev, _version, _count in rows
    ]


@router.post("/evaluations", response_model=schemas.EvaluationRead, status_code=201)
def create_evaluation(session: DbSession, actor: ApiActor, body: schemas.EvaluationCreate) -> Any:
    evaluation = service.create_evaluation(session, actor=actor, data=body)
    return evaluation_read(
        service.evaluation_view(session, actor=actor, evaluation_id=evaluation.id)
    )


@router.get("/evaluations/{evaluation_id}", response_model=schemas.EvaluationRead)
def get_evaluation(session: DbSession, actor: ApiActor, evaluation_id: int) -> Any:
    return evaluation_read(
        service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    )


@router.patch("/evaluations/{evaluation_id}", response_model=schemas.EvaluationRead)
def update_evaluation(
    session: DbSession, actor: ApiActor, evaluation_id: int, body: schemas.EvaluationUpdate
) -> Any:
    service.update_evaluation(session, actor=actor, evaluation_id=evaluation_id, data=body)
    return evaluation_read(
        service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    )


@router.post(
    "/evaluations/{evaluation_id}/candidates",
    response_model=schemas.EvaluationRead,
    status_code=201,
)
def add_candidate(
    session: DbSession, actor: ApiActor, evaluation_id: int, body: schemas.CandidateAdd
) -> Any:
    service.add_candidate(
        session, actor=actor, evaluation_id=evaluation_id, partner_id=body.partner_id
    )
    return evaluation_read(
        service.evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    )


@router.delete("/candidates/{candidate_id}", status_code=204)
def remove_candidate(
    request: Request, session: DbSession, actor: ApiActor, candidate_id: int
) -> Response:
    service.remove_candidate(
        session,
        actor=actor,
        candidate_id=candidate_id,
        store=service.evidence_store(request.app.state.settings),
    )
    return Response(status_code=204)


@router.get("/evaluations/{evaluation_id}/scores", response_model=list[schemas.ScoreRead])
def list_scores(session: DbSession, actor: ApiActor, evaluation_id: int) -> Any:
    return [
        schemas.ScoreRead(
            candidate_id=score.candidate_id,
            criterion=score.criterion,
            evaluator_id=user.id,
            evaluator=user.display_name,
            value=score.value,
            justification=score.justification,
        )
        for score, user in service.scores_of(session, actor=actor, evaluation_id=evaluation_id)
    ]


@router.put("/evaluations/{evaluation_id}/scores")
def save_scores(
    session: DbSession, actor: ApiActor, evaluation_id: int, body: schemas.ScoreSheetIn
) -> dict[str, int]:
    """The caller's own score sheet; other evaluators' scores are never touched."""
    changed = service.save_scores(session, actor=actor, evaluation_id=evaluation_id, sheet=body)
    return {"changed": changed}


@router.get("/evaluations/{evaluation_id}/results")
def results(session: DbSession, actor: ApiActor, evaluation_id: int) -> dict[str, Any]:
    """Weighted sum and TOPSIS side by side, contributions, robustness, Monte Carlo."""
    return service.results_as_dict(
        service.compute_results(session, actor=actor, evaluation_id=evaluation_id)
    )


@router.post("/evaluations/{evaluation_id}/close", response_model=schemas.DecisionRead)
def close_evaluation(
    session: DbSession, actor: ApiActor, evaluation_id: int, body: schemas.CloseEvaluation
) -> Any:
    decision = service.close_evaluation(
        session, actor=actor, evaluation_id=evaluation_id, data=body
    )
    return decision_read(decision, True, _gate_warnings(session, actor.locale, evaluation_id))


def _gate_warnings(session: Session, locale: str, evaluation_id: int) -> list[str]:
    selected = set(
        session.execute(
            select(Candidate.id).where(
                Candidate.evaluation_id == evaluation_id, Candidate.selected.is_(True)
            )
        ).scalars()
    )
    return [p.render(locale) for p in service.gate_preview(session, evaluation_id, selected)]


@router.get("/evaluations/{evaluation_id}/decision", response_model=schemas.DecisionRead)
def get_decision(session: DbSession, actor: ApiActor, evaluation_id: int) -> Any:
    decision, intact = service.get_decision(session, actor=actor, evaluation_id=evaluation_id)
    return decision_read(decision, intact, _gate_warnings(session, actor.locale, evaluation_id))


@router.get("/evaluations/{evaluation_id}/decision/export")
def export_decision(
    session: DbSession,
    actor: ApiActor,
    evaluation_id: int,
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    decision, _intact = service.get_decision(session, actor=actor, evaluation_id=evaluation_id)
    return decision_file(decision, actor.locale, format)


def decision_file(decision: DecisionRecord, locale: str, format: str) -> Response:
    headers, rows = service.report_rows(decision.record, locale)
    name = f"decision-{decision.evaluation_id}-{date.today().isoformat()}.{format}"
    if format == "csv":
        content, media = write_csv(headers, rows), CSV_MEDIA_TYPE
    else:
        content, media = write_xlsx(headers, rows, title="decision"), XLSX_MEDIA_TYPE
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- due diligence and evidence ---------------------------------------------------------------


@router.get(
    "/candidates/{candidate_id}/due-diligence", response_model=list[schemas.DueDiligenceRead]
)
def list_due_diligence(session: DbSession, actor: ApiActor, candidate_id: int) -> Any:
    return [
        item_read(item, evidence)
        for item, evidence in service.list_items(session, actor=actor, candidate_id=candidate_id)
    ]


@router.patch("/due-diligence/{dd_item_id}", response_model=schemas.DueDiligenceRead)
def update_due_diligence(
    session: DbSession, actor: ApiActor, dd_item_id: int, body: schemas.DueDiligenceUpdate
) -> Any:
    item = service.update_item(session, actor=actor, dd_item_id=dd_item_id, data=body)
    return _item_with_evidence(session, item)


@router.post("/due-diligence/{dd_item_id}/sign-off", response_model=schemas.DueDiligenceRead)
def sign_off(session: DbSession, actor: ApiActor, dd_item_id: int) -> Any:
    item = service.sign_off(session, actor=actor, dd_item_id=dd_item_id)
    return _item_with_evidence(session, item)


@router.post("/due-diligence/{dd_item_id}/reopen", response_model=schemas.DueDiligenceRead)
def reopen(session: DbSession, actor: ApiActor, dd_item_id: int) -> Any:
    item = service.reopen(session, actor=actor, dd_item_id=dd_item_id)
    return _item_with_evidence(session, item)


@router.post(
    "/candidates/{candidate_id}/evidence", response_model=schemas.EvidenceRead, status_code=201
)
def upload_evidence(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    candidate_id: int,
    file: Annotated[UploadFile, File()],
    dd_item_id: Annotated[int | None, Form()] = None,
) -> Any:
    ensure_evaluator(actor)
    settings = request.app.state.settings
    content = read_limited(file, settings.max_upload_mb)
    row = service.add_evidence(
        session,
        actor=actor,
        store=service.evidence_store(settings),
        candidate_id=candidate_id,
        content=content,
        filename=file.filename,
        content_type=file.content_type,
        dd_item_id=dd_item_id,
    )
    return evidence_read(row)


@router.get("/evidence/{evidence_id}")
def download_evidence(
    request: Request, session: DbSession, actor: ApiActor, evidence_id: int
) -> Response:
    return evidence_response(request, session, actor, evidence_id)


def evidence_response(request: Request, session: Session, actor: Any, evidence_id: int) -> Response:
    row, chunks = service.open_evidence(
        session,
        actor=actor,
        store=service.evidence_store(request.app.state.settings),
        evidence_id=evidence_id,
    )
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename)}"
    return StreamingResponse(
        chunks,
        media_type=row.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


@router.delete("/evidence/{evidence_id}", status_code=204)
def delete_evidence(
    request: Request, session: DbSession, actor: ApiActor, evidence_id: int
) -> Response:
    service.delete_evidence(
        session,
        actor=actor,
        store=service.evidence_store(request.app.state.settings),
        evidence_id=evidence_id,
    )
    return Response(status_code=204)


@router.get("/partners/{partner_id}/qualification", response_model=schemas.QualificationRead)
def qualification(session: DbSession, actor: ApiActor, partner_id: int) -> Any:
    """Whether the partner may move to approved, and what still blocks it."""
    result = service.qualification_for(session, actor=actor, partner_id=partner_id)
    return schemas.QualificationRead(
        partner_id=partner_id,
        applies=result.applies,
        may_approve=result.may_approve,
        blockers=[b.render(actor.locale) for b in result.blockers],
    )
