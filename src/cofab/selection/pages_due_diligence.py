"""Due-diligence pages: one candidate's checklist, the Altman review, evidence, sign-off."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from cofab.core.access import Actor
from cofab.core.errors import BadRequest, CofabError
from cofab.core.forms import FormDep, parse
from cofab.core.i18n import N_
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, page_actor
from cofab.partners import service as partners_service
from cofab.selection import schemas, service
from cofab.selection.api import evidence_response
from cofab.selection.due_diligence import FIELD_LABELS
from cofab.selection.models import EvaluationStatus
from cofab.selection.page_helpers import ITEM_STATUSES, page, page_with_error, saved
from cofab.selection.permissions import EVALUATORS, ensure_evaluator, ensure_reader

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
MSG_NO_FILE = N_("Choose a file to upload.")
LONG_FIELDS = frozenset({"findings", "summary", "declarations", "incidents", "result"})


def _candidate_ctx(session: Session, actor: Actor, candidate_id: int) -> dict[str, Any]:
    candidate = service.get_candidate(session, actor=actor, candidate_id=candidate_id)
    evaluation = service.get_evaluation(session, actor=actor, evaluation_id=candidate.evaluation_id)
    partner = partners_service.get_partner(session, actor=actor, partner_id=candidate.partner_id)
    items = service.list_items(session, actor=actor, candidate_id=candidate_id)
    general = service.candidate_evidence(session, actor=actor, candidate_id=candidate_id)
    users = service.assignable_users(session)
    return {
        "candidate": candidate,
        "evaluation": evaluation,
        "evaluation_closed": evaluation.status == EvaluationStatus.CLOSED,
        "partner": partner,
        "items": items,
        "general_evidence": general,
        "users": users,
        "user_names": {u.id: u.display_name for u in users},
        "statuses": ITEM_STATUSES,
        "field_labels": FIELD_LABELS,
        "long_fields": LONG_FIELDS,
        "qualification": service.qualification(session, partner.id),
        "can_work": actor.role in EVALUATORS,
    }


@router.get("/selection/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate_page(
    request: Request, session: DbSession, actor: ActorDep, candidate_id: int
) -> Response:
    ctx = _candidate_ctx(session, actor, candidate_id) | {"flash": saved(request)}
    return page(request, "selection/candidate.html", ctx)


def _candidate_or_error(
    request: Request, session: Session, actor: Actor, candidate_id: int, action: Any
) -> Response:
    try:
        action()
    except CofabError as exc:
        session.rollback()
        ctx = _candidate_ctx(session, actor, candidate_id)
        return page_with_error(request, "selection/candidate.html", ctx, exc)
    return RedirectResponse(f"/selection/candidates/{candidate_id}?saved=1", status_code=303)


@router.post("/selection/due-diligence/{dd_item_id}", response_class=HTMLResponse)
def item_update(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, dd_item_id: int
) -> Response:
    item = service.get_item(session, actor=actor, dd_item_id=dd_item_id)
    body: dict[str, Any] = {
        "status": str(form.get("status") or item.status),
        "owner_id": str(form.get("owner_id") or "") or None,
        "due_date": str(form.get("due_date") or "") or None,
        "notes": str(form.get("notes") or "").strip() or None,
        "data": {
            key.removeprefix("f_"): str(value)
            for key, value in form.items()
            if key.startswith("f_") and isinstance(value, str)
        },
    }

    def change() -> None:
        service.update_item(
            session,
            actor=actor,
            dd_item_id=dd_item_id,
            data=parse(schemas.DueDiligenceUpdate, body),
        )

    return _candidate_or_error(request, session, actor, item.candidate_id, change)


@router.post("/selection/due-diligence/{dd_item_id}/sign-off", response_class=HTMLResponse)
def item_sign_off(
    request: Request, session: DbSession, actor: ActorDep, dd_item_id: int
) -> Response:
    item = service.get_item(session, actor=actor, dd_item_id=dd_item_id)

    def change() -> None:
        service.sign_off(session, actor=actor, dd_item_id=dd_item_id)

    return _candidate_or_error(request, session, actor, item.candidate_id, change)


@router.post("/selection/due-diligence/{dd_item_id}/reopen", response_class=HTMLResponse)
def item_reopen(request: Request, session: DbSession, actor: ActorDep, dd_item_id: int) -> Response:
    item = service.get_item(session, actor=actor, dd_item_id=dd_item_id)

    def change() -> None:
        service.reopen(session, actor=actor, dd_item_id=dd_item_id)

    return _candidate_or_error(request, session, actor, item.candidate_id, change)


@router.post("/selection/candidates/{candidate_id}/evidence", response_class=HTMLResponse)
def evidence_upload(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, candidate_id: int
) -> Response:
    ensure_evaluator(actor)
    service.get_candidate(session, actor=actor, candidate_id=candidate_id)
    upload = form.get("file")
    raw_item = str(form.get("dd_item_id") or "")
    settings = request.app.state.settings

    def store() -> None:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadRequest(MSG_NO_FILE)
        content = read_limited(upload, settings.max_upload_mb)
        service.add_evidence(
            session,
            actor=actor,
            store=service.evidence_store(settings),
            candidate_id=candidate_id,
            content=content,
            filename=upload.filename,
            content_type=upload.content_type,
            dd_item_id=int(raw_item) if raw_item.isdigit() else None,
        )

    try:
        store()
    except CofabError as exc:
        session.rollback()
        ctx = _candidate_ctx(session, actor, candidate_id)
        return page_with_error(request, "selection/candidate.html", ctx, exc)
    return RedirectResponse(f"/selection/candidates/{candidate_id}?saved=1", status_code=303)


@router.get("/selection/evidence/{evidence_id}")
def evidence_download(
    request: Request, session: DbSession, actor: ActorDep, evidence_id: int
) -> Response:
    ensure_reader(actor)
    return evidence_response(request, session, actor, evidence_id)


@router.post("/selection/evidence/{evidence_id}/delete", response_class=HTMLResponse)
def evidence_delete(
    request: Request, session: DbSession, actor: ActorDep, evidence_id: int
) -> Response:
    row = service.get_evidence(session, actor=actor, evidence_id=evidence_id)

    def change() -> None:
        service.delete_evidence(
            session,
            actor=actor,
            store=service.evidence_store(request.app.state.settings),
            evidence_id=evidence_id,
        )

    return _candidate_or_error(request, session, actor, row.candidate_id, change)
