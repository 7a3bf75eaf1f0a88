"""The rules of joint development projects: who may see and change what, stage gates, the
contribution ledger and transfer checklists. The IP register is in ``inventions``.

Partner users see their own company's projects (another company's → 404); on them they may add
the partner's contributions and tick the partner's checklist steps. Everything else is the
owner's to write.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible, require_roles, scope_to_partner
from cofab.core.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.development import schemas
from cofab.development.models import (
    ContributionKind,
    DevChecklistItem,
    DevChecklistTemplate,
    DevContribution,
    DevMilestone,
    DevProject,
    GateDecision,
    ProjectStatus,
    Side,
)
from cofab.partners.models import Partner

WRITERS = frozenset({"admin", "manager", "quality"})
INVALID = N_("The entry has {count} problem(s); nothing was saved.")
NO_SUCH_PARTNER = N_("No partner with id {id}.")
NO_SUCH_CONTRACT = N_("No contract with id {id}.")
CONTRACT_OF_OTHER_PARTNER = N_("Contract {id} is not signed with this project's partner.")
CODE_TAKEN = N_("Another project already has the code {code}.")
NEEDS_HOURS = N_("People-hours need the number of hours.")
NEEDS_AMOUNT = N_("Money needs an amount.")
NEEDS_CURRENCY = N_("An amount needs its currency.")
NEEDS_DESCRIPTION = N_("Say what was brought in.")
NO_SUCH_TEMPLATE = N_("No checklist template with the code {code}.")
TEMPLATE_TAKEN = N_("Another template already has the code {code}.")
GATE_DECIDED = N_("This gate was already decided ({decision}).")


def audit_change(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    row: Any,
    before: dict[str, Any] | None,
    *,
    after: dict[str, Any] | None = None,
) -> None:
    """The audit entry of a change to one partner-owned row: its snapshot before (``None`` for a
    new row) and after (``after`` where the row has its own snapshot)."""
    if after is None:
        audit.record_row(session, actor=actor, action=action, entity=entity, row=row, before=before)
        return
    audit.record(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=row.id,
        partner_id=row.partner_id,
        before=before,
        after=after,
    )


def invalid(problems: list[FieldProblem]) -> ValidationFailed:
    return ValidationFailed(INVALID, problems=problems, count=len(problems))


def ensure_owner_writer(actor: Actor) -> None:
    if actor.is_partner:
        raise Forbidden()
    require_roles(actor, WRITERS)


def project_query(actor: Actor) -> Select[Any]:
    return scope_to_partner(select(DevProject), actor, DevProject.partner_id).order_by(
        DevProject.id
    )


def list_projects(
    session: Session, *, actor: Actor, partner_id: int | None = None, status: str | None = None
) -> list[DevProject]:
    stmt = project_query(actor)
    if partner_id is not None:
        stmt = stmt.where(DevProject.partner_id == partner_id)
    if status:
        stmt = stmt.where(DevProject.status == status)
    return list(session.execute(stmt).scalars())


def get_project(session: Session, *, actor: Actor, project_id: int) -> DevProject:
    project: DevProject | None = session.execute(
        project_query(actor).where(DevProject.id == project_id)
    ).scalar_one_or_none()
    if project is None:
        raise NotFound()
    ensure_partner_visible(actor, project.partner_id)
    return project


def check_contract(
    session: Session, contract_id: int, partner_id: int, field: str = "contract_id"
) -> FieldProblem | None:
    """The contract exists (in the actor's units) and the project's partner signed it."""
    contract = session.execute(
        select(Contract).where(Contract.id == contract_id)
    ).scalar_one_or_none()
    if contract is None:
        return FieldProblem(field, NO_SUCH_CONTRACT, {"id": contract_id})
    if partner_id not in {p.partner_id for p in contract.parties} | {contract.partner_id}:
        return FieldProblem(field, CONTRACT_OF_OTHER_PARTNER, {"id": contract_id})
    return None


def _next_code(session: Session, prefix: str, model: Any, column: Any) -> str:
    last = session.execute(select(model.id).order_by(model.id.desc()).limit(1)).scalar()
    number = (last or 0) + 1
    while True:
        code = f"{prefix}-{number:05d}"
        if session.execute(select(model.id).where(column == code)).first() is None:
            return code
        number += 1


def _snapshot(project: DevProject) -> dict[str, Any]:
    snap = audit.snapshot(project)
    snap["milestones"] = [audit.snapshot(m) for m in project.milestones]
    return snap


def create_project(session: Session, *, actor: Actor, data: schemas.ProjectCreate) -> DevProject:
    ensure_owner_writer(actor)
    problems: list[FieldProblem] = []
    partner = session.execute(
        select(Partner.id).where(Partner.id == data.partner_id)
    ).scalar_one_or_none()
    if partner is None:
        problems.append(FieldProblem("partner_id", NO_SUCH_PARTNER, {"id": data.partner_id}))
    elif data.contract_id is not None:
        problem = check_contract(session, data.contract_id, data.partner_id)
        if problem:
            problems.append(problem)
    code = data.code or _next_code(session, "JDP", DevProject, DevProject.code)
    if session.execute(select(DevProject.id).where(DevProject.code == code)).first():
        problems.append(FieldProblem("code", CODE_TAKEN, {"code": code}))
    if problems:
        raise invalid(problems)
    project = DevProject(
        code=code,
        title=data.title,
        partner_id=data.partner_id,
        contract_id=data.contract_id,
        description=data.description,
        start_date=data.start_date,
        target_date=data.target_date,
    )
    for index, milestone in enumerate(data.milestones):
        project.milestones.append(_milestone(milestone, data.partner_id, index))
    session.add(project)
    session.flush()
    audit_change(session, actor, "create", "dev_project", project, None, after=_snapshot(project))
    return project


def update_project(
    session: Session, *, actor: Actor, project_id: int, data: schemas.ProjectUpdate
) -> DevProject:
    project = get_project(session, actor=actor, project_id=project_id)
    ensure_owner_writer(actor)
    values = data.model_dump(exclude_unset=True)
    if values.get("contract_id") is not None:
        problem = check_contract(session, values["contract_id"], project.partner_id)
        if problem:
            raise invalid([problem])
    before = audit.snapshot(project)
    for name, value in values.items():
        setattr(project, name, value)
    session.flush()
    audit_change(session, actor, "update", "dev_project", project, before)
    return project


def delete_project(session: Session, *, actor: Actor, project_id: int) -> None:
    project = get_project(session, actor=actor, project_id=project_id)
    ensure_owner_writer(actor)
    before = _snapshot(project)
    partner_id = project.partner_id
    session.delete(project)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="dev_project",
        entity_id=project_id,
        partner_id=partner_id,
        before=before,
    )


# --- stage gates --------------------------------------------------------------------------------


def _milestone(data: schemas.MilestoneIn, partner_id: int, position: int) -> DevMilestone:
    return DevMilestone(
        partner_id=partner_id,
        position=data.position if data.position is not None else position,
        gate=data.gate,
        deliverables=list(data.deliverables),
        due_date=data.due_date,
        decision=GateDecision.PENDING.value,
        decision_note="",
    )


def add_milestone(
    session: Session, *, actor: Actor, project_id: int, data: schemas.MilestoneIn
) -> DevMilestone:
    project = get_project(session, actor=actor, project_id=project_id)
    ensure_owner_writer(actor)
    milestone = _milestone(data, project.partner_id, len(project.milestones))
    project.milestones.append(milestone)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="dev_milestone",
        entity_id=milestone.id,
        partner_id=project.partner_id,
        after=audit.snapshot(milestone),
    )
    return milestone


def get_milestone(session: Session, *, actor: Actor, milestone_id: int) -> DevMilestone:
    milestone = session.execute(
        scope_to_partner(select(DevMilestone), actor, DevMilestone.partner_id).where(
            DevMilestone.id == milestone_id
        )
    ).scalar_one_or_none()
    if milestone is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=milestone.project_id)
    return milestone


# a gate decision moves the project: stop ends it, hold pauses it, go resumes it
PROJECT_STATUS_AFTER = {
    GateDecision.GO.value: ProjectStatus.ACTIVE.value,
    GateDecision.HOLD.value: ProjectStatus.ON_HOLD.value,
    GateDecision.STOP.value: ProjectStatus.STOPPED.value,
}


def decide_gate(
    session: Session, *, actor: Actor, milestone_id: int, data: schemas.GateDecisionIn
) -> DevMilestone:
    """Go, hold or stop at a gate, with who and when. A go is final; a hold can be decided
    again (go or stop) once the open points are closed."""
    milestone = get_milestone(session, actor=actor, milestone_id=milestone_id)
    ensure_owner_writer(actor)
    if milestone.decision in (GateDecision.GO.value, GateDecision.STOP.value):
        raise invalid(
            [FieldProblem("decision", GATE_DECIDED, {"decision": f"gate_{milestone.decision}"})]
        )
    before = audit.snapshot(milestone)
    milestone.decision = data.decision
    milestone.decision_note = data.note
    milestone.decided_by_label = actor.display_name or actor.email
    milestone.decided_at = utcnow()
    project = milestone.project
    project.status = PROJECT_STATUS_AFTER[data.decision]
    session.flush()
    audit_change(session, actor, "gate_decision", "dev_milestone", milestone, before)
    return milestone


# --- contribution ledger ------------------------------------------------------------------------


def _check_contribution(data: schemas.ContributionIn) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if data.kind == ContributionKind.HOURS and data.hours is None:
        problems.append(FieldProblem("hours", NEEDS_HOURS))
    if data.kind == ContributionKind.MONEY and data.amount is None:
        problems.append(FieldProblem("amount", NEEDS_AMOUNT))
    if data.amount is not None and data.currency is None:
        problems.append(FieldProblem("currency", NEEDS_CURRENCY))
    if (
        data.kind in (ContributionKind.EQUIPMENT, ContributionKind.BACKGROUND_IP)
        and not data.description.strip()
    ):
        problems.append(FieldProblem("description", NEEDS_DESCRIPTION))
    return problems


def add_contribution(
    session: Session, *, actor: Actor, project_id: int, data: schemas.ContributionIn
) -> DevContribution:
    """The owner records either side's entries; a partner user records its own company's."""
    project = get_project(session, actor=actor, project_id=project_id)
    if actor.is_partner:
        side = Side.PARTNER.value
    else:
        ensure_owner_writer(actor)
        side = (data.side or Side.OWNER).value
    problems = _check_contribution(data)
    if problems:
        raise invalid(problems)
    entry = DevContribution(
        partner_id=project.partner_id,
        side=side,
        kind=data.kind.value,
        description=data.description,
        hours=data.hours,
        amount=data.amount,
        currency=data.currency,
        recorded_on=data.recorded_on or date.today(),
        recorded_by_label=actor.display_name or actor.email,
    )
    project.contributions.append(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="dev_contribution",
        entity_id=entry.id,
        partner_id=project.partner_id,
        after=audit.snapshot(entry),
    )
    return entry


def delete_contribution(session: Session, *, actor: Actor, contribution_id: int) -> None:
    """The owner may remove any entry; a partner user only its own company's side."""
    entry = session.execute(
        scope_to_partner(select(DevContribution), actor, DevContribution.partner_id).where(
            DevContribution.id == contribution_id
        )
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=entry.project_id)
    if actor.is_partner:
        if entry.side != Side.PARTNER.value:
            raise Forbidden()
    else:
        ensure_owner_writer(actor)
    before = audit.snapshot(entry)
    session.delete(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="dev_contribution",
        entity_id=contribution_id,
        partner_id=entry.partner_id,
        before=before,
    )


def ledger(contributions: list[DevContribution]) -> list[dict[str, Any]]:
    """Totals per side, kind and currency (money in different currencies is never added)."""
    totals: dict[tuple[str, str, str | None], dict[str, Any]] = defaultdict(
        lambda: {"hours": Decimal(0), "amount": Decimal(0), "entries": 0}
    )
    for entry in contributions:
        row = totals[(entry.side, entry.kind, entry.currency)]
        row["hours"] += entry.hours or Decimal(0)
        row["amount"] += entry.amount or Decimal(0)
        row["entries"] += 1
    order = {s.value: i for i, s in enumerate(Side)}
    kinds = {k.value: i for i, k in enumerate(ContributionKind)}
    return [
        {"side": side, "kind": kind, "currency": currency, **values}
        for (side, kind, currency), values in sorted(
            totals.items(), key=lambda kv: (order[kv[0][0]], kinds[kv[0][1]], kv[0][2] or "")
        )
    ]


# --- technology-transfer checklists ---------------------------------------------------------

# The pharma CDMO's process transfer (domain text §3.2): steps, the side that owns each, and
# the days after the transfer starts when it is due.
BUILTIN_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "code": "cdmo_process_transfer",
        "name_en": "CDMO process technology transfer",
        "name_ko": "CDMO 공정 기술 이전",
        "steps": [
            ("Technology transfer protocol approved", "기술 이전 프로토콜 승인", "owner", 0),
            (
                "Process description and master batch record shared through the vault",
                "공정 기술서와 마스터 배치 기록서를 금고로 공유",
                "owner",
                7,
            ),
            ("Gap assessment of equipment and facility", "설비·시설 격차 평가", "partner", 21),
            ("Analytical method transfer completed", "분석법 이전 완료", "partner", 30),
            (
                "Raw materials and their suppliers qualified",
                "원자재와 공급업체 적격성 평가",
                "partner",
                45,
            ),
            ("Engineering batch run and reviewed", "엔지니어링 배치 생산·검토", "partner", 75),
            ("Comparability protocol and report", "동등성 프로토콜과 보고서", "owner", 90),
            (
                "Process performance qualification batches",
                "공정 성능 적격성(PPQ) 배치",
                "partner",
                120,
            ),
            ("Regulatory variation filed", "허가 변경 신청", "owner", 150),
            (
                "Transfer report signed off by both sides",
                "양측 기술 이전 보고서 승인",
                "owner",
                160,
            ),
        ],
    },
)


def ensure_builtin_templates(session: Session) -> None:
    for spec in BUILTIN_TEMPLATES:
        found = session.execute(
            select(DevChecklistTemplate.id).where(DevChecklistTemplate.code == spec["code"])
        ).first()
        if found is None:
            steps = [
                {"title_en": en, "title_ko": ko, "owner_side": side, "offset_days": days}
                for en, ko, side, days in spec["steps"]
            ]
            session.add(
                DevChecklistTemplate(
                    code=spec["code"], name_en=spec["name_en"], name_ko=spec["name_ko"], steps=steps
                )
            )
    session.flush()


def list_templates(session: Session, *, actor: Actor) -> list[DevChecklistTemplate]:
    if not actor.is_owner_staff:
        raise NotFound()
    ensure_builtin_templates(session)
    return list(
        session.execute(select(DevChecklistTemplate).order_by(DevChecklistTemplate.code)).scalars()
    )


def get_template(session: Session, *, actor: Actor, template_id: int) -> DevChecklistTemplate:
    if not actor.is_owner_staff:
        raise NotFound()
    template = session.execute(
        select(DevChecklistTemplate).where(DevChecklistTemplate.id == template_id)
    ).scalar_one_or_none()
    if template is None:
        raise NotFound()
    return template


def create_template(
    session: Session, *, actor: Actor, data: schemas.TemplateCreate
) -> DevChecklistTemplate:
    ensure_owner_writer(actor)
    ensure_builtin_templates(session)
    if session.execute(
        select(DevChecklistTemplate.id).where(DevChecklistTemplate.code == data.code)
    ).first():
        raise invalid([FieldProblem("code", TEMPLATE_TAKEN, {"code": data.code})])
    template = DevChecklistTemplate(
        code=data.code,
        name_en=data.name_en,
        name_ko=data.name_ko,
        steps=[s.model_dump(mode="json") for s in data.steps],
    )
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="dev_checklist_template",
        entity_id=template.id,
        after=audit.snapshot(template),
    )
    return template


def instantiate_checklist(
    session: Session, *, actor: Actor, project_id: int, data: schemas.InstantiateIn
) -> list[DevChecklistItem]:
    """Copy a template's steps onto the project, due ``offset_days`` after the start."""
    project = get_project(session, actor=actor, project_id=project_id)
    ensure_owner_writer(actor)
    ensure_builtin_templates(session)
    template = session.execute(
        select(DevChecklistTemplate).where(DevChecklistTemplate.code == data.template_code)
    ).scalar_one_or_none()
    if template is None:
        raise invalid(
            [FieldProblem("template_code", NO_SUCH_TEMPLATE, {"code": data.template_code})]
        )
    start = data.start_date or project.start_date or date.today()
    names = {Side.OWNER.value: data.owner_name, Side.PARTNER.value: data.partner_owner_name}
    first = len(project.checklist)
    items = []
    for index, step in enumerate(template.steps):
        item = DevChecklistItem(
            partner_id=project.partner_id,
            template_code=template.code,
            position=first + index,
            title_en=step["title_en"],
            title_ko=step["title_ko"],
            owner_side=step["owner_side"],
            owner_name=names.get(step["owner_side"], ""),
            due_date=start + timedelta(days=int(step.get("offset_days", 0))),
        )
        project.checklist.append(item)
        items.append(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="instantiate",
        entity="dev_project",
        entity_id=project.id,
        partner_id=project.partner_id,
        after={"template": template.code, "items": [i.id for i in items], "start": str(start)},
    )
    return items


def update_checklist_item(
    session: Session, *, actor: Actor, item_id: int, data: schemas.ChecklistItemUpdate
) -> DevChecklistItem:
    """The owner edits any step; a partner user only ticks off (or reopens) the partner's."""
    item = session.execute(
        scope_to_partner(select(DevChecklistItem), actor, DevChecklistItem.partner_id).where(
            DevChecklistItem.id == item_id
        )
    ).scalar_one_or_none()
    if item is None:
        raise NotFound()
    get_project(session, actor=actor, project_id=item.project_id)
    values = data.model_dump(exclude_unset=True)
    if actor.is_partner:
        if item.owner_side != Side.PARTNER.value or set(values) - {"done"}:
            raise Forbidden()
    else:
        ensure_owner_writer(actor)
    before = audit.snapshot(item)
    if "owner_name" in values and values["owner_name"] is not None:
        item.owner_name = values["owner_name"]
    if "due_date" in values:
        item.due_date = values["due_date"]
    if values.get("done") is True and item.done_on is None:
        item.done_on = date.today()
        item.done_by_label = actor.display_name or actor.email
    elif values.get("done") is False:
        item.done_on = None
        item.done_by_label = None
    session.flush()
    audit_change(session, actor, "update", "dev_checklist_item", item, before)
    return item
