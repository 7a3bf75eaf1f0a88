"""Partner audits: versioned checklists, recurring audits per partner/site, findings, scores.

Scoring follows VDA 6.3: each question is scored 0, 4, 6, 8 or 10 (a yes/no checklist scores
10 or 0); the audit score is the weighted mean as a percentage; grade A from 90 %, B from 80 %,
C below. The downgrade rule: a question scored 0 lowers the grade one step (A to B, B to C), so a
single total failure can never hide in a good average. A checklist is never edited: saving one
under an existing name makes the next version, and audits keep the version they were run on.
Finishing an audit with a cadence plans the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import FieldProblem, InvalidTransition, NotFound
from cofab.core.i18n import N_
from cofab.core.partner_inputs import partner_inputs_changed
from cofab.quality import plans, schemas
from cofab.quality.models import (
    AuditAnswer,
    AuditChecklist,
    AuditFinding,
    ChecklistQuestion,
    PartnerAudit,
)
from cofab.quality.rules import get_scoped, raise_if, record, require_owner_writer

VDA_SCORES = frozenset({0, 4, 6, 8, 10})
YESNO_SCORES = frozenset({0, 10})
UPCOMING_DAYS = 60

NOT_A_VDA_SCORE = N_("A VDA 6.3 score is 0, 4, 6, 8 or 10.")
NOT_A_YESNO_SCORE = N_("A yes/no question scores 10 (yes) or 0 (no).")
NOT_OF_CHECKLIST = N_("This question is not part of the audit's checklist.")
MISSING_ANSWER = N_("Every question needs a score; missing: {count}.")
UNKNOWN_CHECKLIST = N_("Unknown checklist.")
AUDIT_DONE = N_("This audit is finished already.")
PERFORMED_IN_FUTURE = N_("The audit date cannot be in the future.")
DUPLICATE_ANSWER = N_("This question is scored twice.")


@dataclass(frozen=True)
class Score:
    percent: float
    grade: str
    downgraded: bool


def grade_of(percent: float, any_zero: bool) -> Score:
    base = "A" if percent >= 90 else "B" if percent >= 80 else "C"
    if any_zero and base != "C":
        return Score(percent, "B" if base == "A" else "C", True)
    return Score(percent, base, False)


def score_of(answers: list[tuple[float, int]]) -> Score:
    """(weight, score 0..10) pairs → weighted percentage and the downgraded grade."""
    total_weight = sum(w for w, _s in answers)
    percent = 100.0 * sum(w * s for w, s in answers) / (10.0 * total_weight)
    return grade_of(round(percent, 2), any(s == 0 for _w, s in answers))


# --- checklists --------------------------------------------------------------------------------


def checklist_query() -> Select[Any]:
    return select(AuditChecklist).order_by(AuditChecklist.name, AuditChecklist.version.desc())


def get_checklist(session: Session, checklist_id: int) -> AuditChecklist:
    row = session.execute(
        select(AuditChecklist).where(AuditChecklist.id == checklist_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row


def questions_of(session: Session, checklist_id: int) -> list[ChecklistQuestion]:
    return list(
        session.execute(
            select(ChecklistQuestion)
            .where(ChecklistQuestion.checklist_id == checklist_id)
            .order_by(ChecklistQuestion.seq)
        ).scalars()
    )


def create_checklist(
    session: Session, *, actor: Actor, data: schemas.ChecklistCreate
) -> AuditChecklist:
    require_owner_writer(actor)
    latest = session.execute(
        select(func.max(AuditChecklist.version)).where(AuditChecklist.name == data.name)
    ).scalar_one_or_none()
    checklist = AuditChecklist(
        name=data.name, version=(latest or 0) + 1, kind=data.kind, scoring=data.scoring
    )
    session.add(checklist)
    record(session, actor=actor, action="create", entity="quality_checklist", row=checklist)
    for seq, q in enumerate(data.questions, start=1):
        session.add(ChecklistQuestion(checklist_id=checklist.id, seq=seq, **q.model_dump()))
    return checklist


# --- audits ------------------------------------------------------------------------------------


def audit_query(actor: Actor, *, partner_id: int | None = None) -> Select[Any]:
    stmt = select(PartnerAudit).order_by(PartnerAudit.planned_on.desc(), PartnerAudit.id.desc())
    if partner_id is not None:
        stmt = stmt.where(PartnerAudit.partner_id == partner_id)
    return scope_to_partner(stmt, actor, PartnerAudit.partner_id)


def get_audit(session: Session, *, actor: Actor, audit_id: int) -> PartnerAudit:
    return get_scoped(session, PartnerAudit, audit_id, actor)


def plan_audit(session: Session, *, actor: Actor, data: schemas.AuditCreate) -> PartnerAudit:
    require_owner_writer(actor)
    problems: list[FieldProblem] = []
    plans.check_partner_site(session, data.partner_id, data.site_id, problems)
    checklist = session.execute(
        select(AuditChecklist).where(AuditChecklist.id == data.checklist_id)
    ).scalar_one_or_none()
    if checklist is None:
        problems.append(FieldProblem("checklist_id", UNKNOWN_CHECKLIST))
    raise_if(problems)
    assert checklist is not None
    row = PartnerAudit(
        partner_id=data.partner_id,
        site_id=data.site_id,
        checklist_id=checklist.id,
        kind=checklist.kind,
        planned_on=data.planned_on,
        cadence_months=data.cadence_months,
        auditor=data.auditor,
        status="planned",
    )
    session.add(row)
    record(session, actor=actor, action="create", entity="quality_audit", row=row)
    return row


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def record_result(
    session: Session,
    *,
    actor: Actor,
    audit_id: int,
    data: schemas.AuditResult,
    today: date | None = None,
) -> PartnerAudit:
    """Score every question, grade the audit, and plan the next one when it recurs."""
    require_owner_writer(actor)
    row = get_audit(session, actor=actor, audit_id=audit_id)
    if row.status != "planned":
        raise InvalidTransition(AUDIT_DONE)
    checklist = get_checklist(session, row.checklist_id)
    questions = {q.id: q for q in questions_of(session, checklist.id)}
    allowed = VDA_SCORES if checklist.scoring == "vda" else YESNO_SCORES
    message = NOT_A_VDA_SCORE if checklist.scoring == "vda" else NOT_A_YESNO_SCORE
    problems: list[FieldProblem] = []
    if data.performed_on > (today or date.today()):
        problems.append(FieldProblem("performed_on", PERFORMED_IN_FUTURE))
    seen: set[int] = set()
    for i, answer in enumerate(data.answers):
        if answer.question_id in seen:
            problems.append(FieldProblem(f"answers.{i}.question_id", DUPLICATE_ANSWER))
        elif answer.question_id not in questions:
            problems.append(FieldProblem(f"answers.{i}.question_id", NOT_OF_CHECKLIST))
        elif answer.score not in allowed:
            problems.append(FieldProblem(f"answers.{i}.score", message))
        seen.add(answer.question_id)
    missing = len(set(questions) - seen)
    if missing:
        problems.append(FieldProblem("answers", MISSING_ANSWER, {"count": missing}))
    raise_if(problems)
    before = audit.snapshot(row)
    pairs: list[tuple[float, int]] = []
    for answer in data.answers:
        session.add(
            AuditAnswer(
                audit_id=row.id,
                question_id=answer.question_id,
                score=answer.score,
                note=answer.note or None,
            )
        )
        pairs.append((float(questions[answer.question_id].weight), answer.score))
    result = score_of(pairs)
    row.score = result.percent
    row.grade = result.grade
    row.performed_on = data.performed_on
    row.status = "done"
    record(session, actor=actor, action="score", entity="quality_audit", row=row, before=before)
    partner_inputs_changed(session, row.partner_id, [data.performed_on], onward=True)
    if row.cadence_months:
        follow = PartnerAudit(
            partner_id=row.partner_id,
            site_id=row.site_id,
            checklist_id=row.checklist_id,
            kind=row.kind,
            planned_on=_add_months(data.performed_on, row.cadence_months),
            cadence_months=row.cadence_months,
            auditor=row.auditor,
            status="planned",
        )
        session.add(follow)
        record(session, actor=actor, action="create", entity="quality_audit", row=follow)
    return row


def add_finding(
    session: Session, *, actor: Actor, audit_id: int, data: schemas.FindingIn
) -> AuditFinding:
    require_owner_writer(actor)
    row = get_audit(session, actor=actor, audit_id=audit_id)
    if data.question_id is not None:
        ok = session.execute(
            select(ChecklistQuestion.id).where(
                ChecklistQuestion.id == data.question_id,
                ChecklistQuestion.checklist_id == row.checklist_id,
            )
        ).first()
        if ok is None:
            raise_if([FieldProblem("question_id", NOT_OF_CHECKLIST)])
    finding = AuditFinding(audit_id=row.id, **data.model_dump())
    session.add(finding)
    record(
        session,
        actor=actor,
        action="create",
        entity="quality_audit_finding",
        row=finding,
        partner_id=row.partner_id,
    )
    return finding


def findings_of(session: Session, row: PartnerAudit) -> list[AuditFinding]:
    return list(
        session.execute(
            select(AuditFinding).where(AuditFinding.audit_id == row.id).order_by(AuditFinding.id)
        ).scalars()
    )


def answers_of(session: Session, row: PartnerAudit) -> dict[int, AuditAnswer]:
    return {
        a.question_id: a
        for a in session.execute(select(AuditAnswer).where(AuditAnswer.audit_id == row.id))
        .scalars()
        .all()
    }


def calendar(session: Session, actor: Actor, today: date | None = None) -> dict[str, list[Any]]:
    """Planned audits split into overdue (date passed) and upcoming (next 60 days)."""
    today = today or date.today()
    planned = list(
        session.execute(
            scope_to_partner(
                select(PartnerAudit)
                .where(PartnerAudit.status == "planned")
                .order_by(PartnerAudit.planned_on),
                actor,
                PartnerAudit.partner_id,
            )
        ).scalars()
    )
    horizon = today + timedelta(days=UPCOMING_DAYS)
    return {
        "overdue": [a for a in planned if a.planned_on < today],
        "upcoming": [a for a in planned if today <= a.planned_on <= horizon],
    }


def latest_score(session: Session, *, partner_id: int) -> float | None:
    """The newest finished audit's score for a partner (a scorecard input)."""
    return session.execute(
        select(PartnerAudit.score)
        .where(PartnerAudit.partner_id == partner_id, PartnerAudit.status == "done")
        .order_by(PartnerAudit.performed_on.desc(), PartnerAudit.id.desc())
        .limit(1)
    ).scalar_one_or_none()
