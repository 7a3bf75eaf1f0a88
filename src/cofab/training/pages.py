"""Training pages: records with their validity, SOPs to acknowledge, compliance per partner,
and the panel the partner's page loads (``/training/partners/{id}/panel``, fetched by htmx so
the partners domain never imports this one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.partners.models import Partner
from cofab.training import records, schemas, service, sops
from cofab.training.models import CourseKind
from cofab.vault.models import VaultDocument, VaultShare

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


def _partners(session: Session) -> dict[int, Partner]:
    return {p.id: p for p in session.execute(select(Partner).order_by(Partner.name_en)).scalars()}


def _training_ctx(
    request: Request, session: Session, actor: Actor, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Records, SOPs and compliance (filtered by the query) and the forms, holding ``form``."""
    today = date.today()
    query = request.query_params
    partner_id = query.get("partner_id")
    chosen = int(partner_id) if partner_id and partner_id.isdigit() else None
    found = records.list_records(
        session,
        actor=actor,
        partner_id=chosen,
        course_kind=query.get("course_kind") or None,
        validity_is=query.get("validity") or None,
    )
    requirements = sops.list_requirements(session, actor=actor, partner_id=chosen)
    documents = sops.documents_of(session, requirements)
    partners = _partners(session)
    compliance = (
        [
            service.compliance_for(session, actor=actor, partner_id=pid)
            for pid in sorted({r.partner_id for r in found} | {r.partner_id for r in requirements})
            if pid in partners
        ]
        if not actor.is_partner
        else []
    )
    writer = not actor.is_partner and actor.role in records.WRITERS
    shareable = (
        list(
            session.execute(
                select(VaultDocument)
                .where(VaultDocument.id.in_(select(VaultShare.document_id)))
                .order_by(VaultDocument.title)
            ).scalars()
        )
        if writer
        else []
    )
    return {
        "records": found,
        "validity": {r.id: records.validity(r, today) for r in found},
        "sops": [sops.read(r, documents.get(r.document_id)) for r in requirements],
        "compliance": compliance,
        "partners": partners,
        "kinds": list(CourseKind),
        "shareable": shareable,
        "can_write": writer or actor.is_partner,
        "is_owner_writer": writer,
        "is_partner": actor.is_partner,
        "own_partner_id": actor.partner_id,
        "form": form or {},
    }


@router.get("/training", response_class=HTMLResponse)
def training_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return render(request, "training/training.html", _training_ctx(request, session, actor))


def _change(
    request: Request,
    session: Session,
    actor: Actor,
    action: Callable[[], Any],
    form: dict[str, Any] | None = None,
) -> Response:
    """Run one change and go back to the list; a refusal rolls back and shows the page again
    with the problems (and what was typed)."""
    try:
        action()
    except CofabError as exc:
        session.rollback()
        context = _training_ctx(request, session, actor, form)
        context |= error_context(exc, request.state.locale)
        return render(request, "training/training.html", context, status_code=exc.status)
    return RedirectResponse("/training", status_code=303)


@router.post("/training/records", response_model=None)
def create_record(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    if actor.is_partner:
        data["partner_id"] = actor.partner_id
    return _change(
        request,
        session,
        actor,
        lambda: records.create_record(session, actor=actor, data=parse(schemas.RecordCreate, data)),
        data,
    )


@router.post("/training/records/{record_id}/delete", response_model=None)
def delete_record(
    request: Request, session: DbSession, actor: ActorDep, record_id: int
) -> Response:
    records.delete_record(session, actor=actor, record_id=record_id)
    return RedirectResponse("/training", status_code=303)


@router.post("/training/sops", response_model=None)
def require_sop(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    return _change(
        request,
        session,
        actor,
        lambda: sops.require_acknowledgement(
            session, actor=actor, data=parse(schemas.SopCreate, data)
        ),
        data,
    )


@router.post("/training/sops/{requirement_id}/acknowledge", response_model=None)
def acknowledge(
    request: Request, session: DbSession, actor: ActorDep, requirement_id: int, form: FormDep
) -> Response:
    sops.get_requirement(session, actor=actor, requirement_id=requirement_id)  # 404 first
    data = fields(form)
    return _change(
        request,
        session,
        actor,
        lambda: sops.acknowledge(
            session,
            actor=actor,
            requirement_id=requirement_id,
            data=parse(schemas.AcknowledgeIn, data),
        ),
    )


@router.get("/training/partners/{partner_id}/panel", response_class=HTMLResponse)
def partner_panel(
    request: Request, session: DbSession, actor: ActorDep, partner_id: int
) -> HTMLResponse:
    """The compliance card on the partner's page."""
    compliance = service.compliance_for(session, actor=actor, partner_id=partner_id)
    return render(
        request,
        "training/partner_panel.html",
        {"c": compliance, "partner_id": partner_id},
    )


def training_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Dashboard card: SOPs waiting for the partner's confirmation and lapsed trainings (a
    partner user sees its own company's; owner staff every partner's)."""
    today = date.today()
    found = records.list_records(session, actor=actor)
    latest = service.latest_per_person(found)
    expired = sum(1 for r in latest if records.validity(r, today) == "expired")
    requirements = sops.list_requirements(session, actor=actor)
    documents = sops.documents_of(session, requirements)
    pending = sum(
        1 for r in requirements if sops.read(r, documents.get(r.document_id)).status == "pending"
    )
    if not expired and not pending:
        return None
    return "training/widget.html", {"t_pending_sops": pending, "t_expired": expired}


register_dashboard_widget(training_widget)
