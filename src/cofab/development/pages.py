"""Joint development pages: the project list, one project (gates, ledger, IP register,
checklist) with its forms, and the IP register across projects. Partner users see their own
company's projects and may add the partner's contributions, confirm the partner's inventors and
tick the partner's checklist steps; every other form is the owner's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.core.access import Actor
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.development import inventions, projects, schemas
from cofab.development.ip_ownership import RESULT_KINDS
from cofab.development.models import ContributionKind, DevProject, FilingStatus, ProjectStatus
from cofab.partners.models import Partner

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


def _partners(session: Session) -> dict[int, Partner]:
    return {p.id: p for p in session.execute(select(Partner).order_by(Partner.name_en)).scalars()}


def _can_write(actor: Actor) -> bool:
    return not actor.is_partner and actor.role in projects.WRITERS


def _list_ctx(
    request: Request, session: Session, actor: Actor, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The project list (filtered by the query) and the create form, holding ``form`` if sent."""
    query = request.query_params
    partner_id = query.get("partner_id")
    found = projects.list_projects(
        session,
        actor=actor,
        partner_id=int(partner_id) if partner_id and partner_id.isdigit() else None,
        status=query.get("status") or None,
    )
    contracts = (
        list(session.execute(select(Contract).order_by(Contract.id)).scalars())
        if _can_write(actor)
        else []
    )
    return {
        "projects": found,
        "partners": _partners(session),
        "contracts": contracts,
        "statuses": list(ProjectStatus),
        "can_write": _can_write(actor),
        "form": form or {},
    }


@router.get("/development", response_class=HTMLResponse)
def projects_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return render(request, "development/projects.html", _list_ctx(request, session, actor))


@router.post("/development", response_model=None)
def create_project(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    projects.ensure_owner_writer(actor)
    data = fields(form)
    gates = [line.strip() for line in str(data.pop("gates", "")).splitlines() if line.strip()]
    try:
        body = parse(schemas.ProjectCreate, data | {"milestones": [{"gate": g} for g in gates]})
        project = projects.create_project(session, actor=actor, data=body)
    except CofabError as exc:
        session.rollback()
        context = _list_ctx(request, session, actor, data) | error_context(
            exc, request.state.locale
        )
        return render(request, "development/projects.html", context, status_code=exc.status)
    return RedirectResponse(f"/development/projects/{project.id}", status_code=303)


def _project_page(
    request: Request,
    session: Session,
    actor: Actor,
    project: DevProject,
    *,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    partner = session.get(Partner, project.partner_id)
    context = {
        "project": project,
        "partner": partner,
        "ledger": projects.ledger(project.contributions),
        "kinds": list(ContributionKind),
        "result_kinds": RESULT_KINDS,
        "filing_statuses": list(FilingStatus),
        "statuses": list(ProjectStatus),
        "filing_moves": inventions.FILING_MOVES,
        "templates": projects.list_templates(session, actor=actor) if _can_write(actor) else [],
        "can_write": _can_write(actor),
        "is_partner": actor.is_partner,
        **(error or {}),
    }
    return render(request, "development/project.html", context, status_code=status_code)


@router.get("/development/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    request: Request, session: DbSession, actor: ActorDep, project_id: int
) -> HTMLResponse:
    project = projects.get_project(session, actor=actor, project_id=project_id)
    return _project_page(request, session, actor, project)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    project_id: int,
    action: Callable[[], Any],
) -> Response:
    """Run one change; on a refusal show the project again with the problems, nothing saved."""
    try:
        action()
    except CofabError as exc:
        session.rollback()
        project = projects.get_project(session, actor=actor, project_id=project_id)
        context = error_context(exc, request.state.locale)
        return _project_page(
            request, session, actor, project, error=context, status_code=exc.status
        )
    return RedirectResponse(f"/development/projects/{project_id}", status_code=303)


@dataclass(frozen=True)
class _OnProject:
    """A form posted from one project's page, which a refusal shows again."""

    request: Request
    session: Session
    actor: Actor
    project_id: int

    def submit(
        self,
        change: Callable[..., Any],
        schema: type[BaseModel],
        data: dict[str, Any],
        **target: int,
    ) -> Response:
        """``data`` read as ``schema`` (inside the change, so a bad field shows the page again)
        and handed to ``change`` with the record the form is about."""
        session, actor = self.session, self.actor
        return _act(
            self.request,
            session,
            actor,
            self.project_id,
            lambda: change(session, actor=actor, data=parse(schema, data), **target),
        )


@router.post("/development/projects/{project_id}/status", response_model=None)
def change_status(
    request: Request, session: DbSession, actor: ActorDep, project_id: int, form: FormDep
) -> Response:
    projects.get_project(session, actor=actor, project_id=project_id)  # 404 before the form
    return _OnProject(request, session, actor, project_id).submit(
        projects.update_project,
        schemas.ProjectUpdate,
        {"status": fields(form).get("status")},
        project_id=project_id,
    )


@router.post("/development/projects/{project_id}/milestones", response_model=None)
def add_milestone(
    request: Request, session: DbSession, actor: ActorDep, project_id: int, form: FormDep
) -> Response:
    projects.get_project(session, actor=actor, project_id=project_id)  # 404 before the form
    data = fields(form)
    deliverables = [d.strip() for d in str(data.pop("deliverables", "")).split(";") if d.strip()]
    return _OnProject(request, session, actor, project_id).submit(
        projects.add_milestone,
        schemas.MilestoneIn,
        data | {"deliverables": deliverables},
        project_id=project_id,
    )


@router.post("/development/milestones/{milestone_id}/decision", response_model=None)
def decide_gate(
    request: Request, session: DbSession, actor: ActorDep, milestone_id: int, form: FormDep
) -> Response:
    milestone = projects.get_milestone(session, actor=actor, milestone_id=milestone_id)
    return _OnProject(request, session, actor, milestone.project_id).submit(
        projects.decide_gate, schemas.GateDecisionIn, fields(form), milestone_id=milestone_id
    )


@router.post("/development/projects/{project_id}/contributions", response_model=None)
def add_contribution(
    request: Request, session: DbSession, actor: ActorDep, project_id: int, form: FormDep
) -> Response:
    projects.get_project(session, actor=actor, project_id=project_id)
    return _OnProject(request, session, actor, project_id).submit(
        projects.add_contribution, schemas.ContributionIn, fields(form), project_id=project_id
    )


@router.post("/development/projects/{project_id}/inventions", response_model=None)
def create_invention(
    request: Request, session: DbSession, actor: ActorDep, project_id: int, form: FormDep
) -> Response:
    """Inventors come as lines ``owner: Name`` or ``partner: Name``."""
    projects.get_project(session, actor=actor, project_id=project_id)
    data = fields(form)
    rows = []
    for line in str(data.pop("inventors", "")).splitlines():
        side, _, name = line.partition(":")
        if line.strip():
            rows.append({"side": side.strip().lower(), "name": name.strip() or None})
    return _OnProject(request, session, actor, project_id).submit(
        inventions.create_invention,
        schemas.InventionCreate,
        data | {"inventors": rows},
        project_id=project_id,
    )


@router.post("/development/inventions/{invention_id}/filing", response_model=None)
def set_filing(
    request: Request, session: DbSession, actor: ActorDep, invention_id: int, form: FormDep
) -> Response:
    invention = inventions.get_invention(session, actor=actor, invention_id=invention_id)
    return _OnProject(request, session, actor, invention.project_id).submit(
        inventions.set_filing, schemas.FilingIn, fields(form), invention_id=invention_id
    )


@router.post("/development/inventors/{inventor_id}/confirm", response_model=None)
def confirm_inventor(
    request: Request, session: DbSession, actor: ActorDep, inventor_id: int
) -> Response:
    inventor = inventions.confirm_inventor(session, actor=actor, inventor_id=inventor_id)
    project_id = inventor.invention.project_id
    return RedirectResponse(f"/development/projects/{project_id}", status_code=303)


@router.post("/development/projects/{project_id}/checklist", response_model=None)
def instantiate_checklist(
    request: Request, session: DbSession, actor: ActorDep, project_id: int, form: FormDep
) -> Response:
    projects.get_project(session, actor=actor, project_id=project_id)
    return _OnProject(request, session, actor, project_id).submit(
        projects.instantiate_checklist, schemas.InstantiateIn, fields(form), project_id=project_id
    )


@router.post("/development/checklist-items/{item_id}/done", response_model=None)
def toggle_item(
    request: Request, session: DbSession, actor: ActorDep, item_id: int, form: FormDep
) -> Response:
    done = fields(form).get("done", "1") != "0"
    item = projects.update_checklist_item(
        session, actor=actor, item_id=item_id, data=schemas.ChecklistItemUpdate(done=done)
    )
    return RedirectResponse(f"/development/projects/{item.project_id}", status_code=303)


@router.get("/development/inventions", response_class=HTMLResponse)
def register_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    found = inventions.list_inventions(session, actor=actor)
    codes = {p.id: p.code for p in projects.list_projects(session, actor=actor)}
    return render(request, "development/inventions.html", {"inventions": found, "codes": codes})
