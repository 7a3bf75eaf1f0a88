"""Joint development JSON API under /api/v1/development: parse, call one rule, return."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response

from cofab.core.downloads import tabular_response
from cofab.core.web import ApiActor, DbSession
from cofab.development import inventions, projects, schemas
from cofab.development.models import DevInvention, DevProject

router = APIRouter(prefix="/api/v1/development", tags=["development"])


def invention_read(invention: DevInvention) -> schemas.InventionRead:
    return schemas.InventionRead.model_validate(invention)


def project_detail(project: DevProject) -> schemas.ProjectDetail:
    base = schemas.ProjectRead.model_validate(project).model_dump()
    return schemas.ProjectDetail.model_validate(
        base
        | {
            "milestones": [schemas.MilestoneRead.model_validate(m) for m in project.milestones],
            "contributions": [
                schemas.ContributionRead.model_validate(c) for c in project.contributions
            ],
            "ledger": projects.ledger(project.contributions),
            "inventions": [invention_read(i) for i in project.inventions],
            "checklist": [schemas.ChecklistItemRead.model_validate(i) for i in project.checklist],
        }
    )


@router.get("/projects", response_model=list[schemas.ProjectRead])
def list_projects(
    session: DbSession, actor: ApiActor, partner_id: int | None = None, status: str | None = None
) -> Any:
    return projects.list_projects(session, actor=actor, partner_id=partner_id, status=status)


@router.post("/projects", response_model=schemas.ProjectDetail, status_code=201)
def create_project(session: DbSession, actor: ApiActor, body: schemas.ProjectCreate) -> Any:
    return project_detail(projects.create_project(session, actor=actor, data=body))


@router.get("/projects/{project_id}", response_model=schemas.ProjectDetail)
def get_project(session: DbSession, actor: ApiActor, project_id: int) -> Any:
    return project_detail(projects.get_project(session, actor=actor, project_id=project_id))


@router.patch("/projects/{project_id}", response_model=schemas.ProjectDetail)
def update_project(
    session: DbSession, actor: ApiActor, project_id: int, body: schemas.ProjectUpdate
) -> Any:
    project = projects.update_project(session, actor=actor, project_id=project_id, data=body)
    return project_detail(project)


@router.delete("/projects/{project_id}", status_code=204)
def delete_project(session: DbSession, actor: ApiActor, project_id: int) -> Response:
    projects.delete_project(session, actor=actor, project_id=project_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/milestones", response_model=schemas.MilestoneRead, status_code=201
)
def add_milestone(
    session: DbSession, actor: ApiActor, project_id: int, body: schemas.MilestoneIn
) -> Any:
    return projects.add_milestone(session, actor=actor, project_id=project_id, data=body)


@router.post("/milestones/{milestone_id}/decision", response_model=schemas.MilestoneRead)
def decide_gate(
    session: DbSession, actor: ApiActor, milestone_id: int, body: schemas.GateDecisionIn
) -> Any:
    return projects.decide_gate(session, actor=actor, milestone_id=milestone_id, data=body)


@router.post(
    "/projects/{project_id}/contributions",
    response_model=schemas.ContributionRead,
    status_code=201,
)
def add_contribution(
    session: DbSession, actor: ApiActor, project_id: int, body: schemas.ContributionIn
) -> Any:
    return projects.add_contribution(session, actor=actor, project_id=project_id, data=body)


@router.delete("/contributions/{contribution_id}", status_code=204)
def delete_contribution(session: DbSession, actor: ApiActor, contribution_id: int) -> Response:
    projects.delete_contribution(session, actor=actor, contribution_id=contribution_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/checklist",
    response_model=list[schemas.ChecklistItemRead],
    status_code=201,
)
def instantiate_checklist(
    session: DbSession, actor: ApiActor, project_id: int, body: schemas.InstantiateIn
) -> Any:
    return projects.instantiate_checklist(session, actor=actor, project_id=project_id, data=body)


@router.patch("/checklist-items/{item_id}", response_model=schemas.ChecklistItemRead)
def update_checklist_item(
    session: DbSession, actor: ApiActor, item_id: int, body: schemas.ChecklistItemUpdate
) -> Any:
    return projects.update_checklist_item(session, actor=actor, item_id=item_id, data=body)


@router.get("/templates", response_model=list[schemas.TemplateRead])
def list_templates(session: DbSession, actor: ApiActor) -> Any:
    return projects.list_templates(session, actor=actor)


@router.post("/templates", response_model=schemas.TemplateRead, status_code=201)
def create_template(session: DbSession, actor: ApiActor, body: schemas.TemplateCreate) -> Any:
    return projects.create_template(session, actor=actor, data=body)


@router.get("/templates/{template_id}", response_model=schemas.TemplateRead)
def get_template(session: DbSession, actor: ApiActor, template_id: int) -> Any:
    return projects.get_template(session, actor=actor, template_id=template_id)


@router.get("/inventions", response_model=list[schemas.InventionRead])
def list_inventions(session: DbSession, actor: ApiActor, project_id: int | None = None) -> Any:
    return inventions.list_inventions(session, actor=actor, project_id=project_id)


@router.get("/inventions/export")
def export_inventions(
    session: DbSession, actor: ApiActor, format: Literal["csv", "xlsx"] = "csv"
) -> Response:
    """The IP register as CSV or XLSX (what the caller may see)."""
    rows = inventions.export_rows(session, inventions.list_inventions(session, actor=actor))
    return tabular_response(list(inventions.COLUMNS), rows, "ip-register", format)


@router.post(
    "/projects/{project_id}/inventions", response_model=schemas.InventionRead, status_code=201
)
def create_invention(
    session: DbSession, actor: ApiActor, project_id: int, body: schemas.InventionCreate
) -> Any:
    return inventions.create_invention(session, actor=actor, project_id=project_id, data=body)


@router.get("/inventions/{invention_id}", response_model=schemas.InventionRead)
def get_invention(session: DbSession, actor: ApiActor, invention_id: int) -> Any:
    return inventions.get_invention(session, actor=actor, invention_id=invention_id)


@router.patch("/inventions/{invention_id}", response_model=schemas.InventionRead)
def update_invention(
    session: DbSession, actor: ApiActor, invention_id: int, body: schemas.InventionUpdate
) -> Any:
    return inventions.update_invention(session, actor=actor, invention_id=invention_id, data=body)


@router.post("/inventions/{invention_id}/filing", response_model=schemas.InventionRead)
def set_filing(
    session: DbSession, actor: ApiActor, invention_id: int, body: schemas.FilingIn
) -> Any:
    return inventions.set_filing(session, actor=actor, invention_id=invention_id, data=body)


@router.post("/inventors/{inventor_id}/confirm", response_model=schemas.InventorRead)
def confirm_inventor(session: DbSession, actor: ApiActor, inventor_id: int) -> Any:
    return inventions.confirm_inventor(session, actor=actor, inventor_id=inventor_id)
