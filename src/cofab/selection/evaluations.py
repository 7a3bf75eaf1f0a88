"""Evaluations (sourcing events): candidates, evaluators' score sheets, settings.

Each evaluator writes only their own scores; aggregation happens when results are computed, so
nobody's opinion is overwritten and the committee can always see who scored what.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners import service as partners_service
from cofab.partners.models import Partner, PartnerStatus
from cofab.selection import schemas
from cofab.selection.evidence import EvidenceStore
from cofab.selection.models import (
    Candidate,
    DueDiligenceItem,
    Evaluation,
    EvaluationStatus,
    Evidence,
    ItemStatus,
    Score,
    SelectionTemplate,
    TemplateVersion,
)
from cofab.selection.permissions import ensure_evaluator, ensure_reader, ensure_writer
from cofab.selection.problem_mapping import field_problem
from cofab.selection.problems import Problem
from cofab.selection.scoring import check_scores
from cofab.selection.templates_service import criterion_name, scale_bounds

if TYPE_CHECKING:
    pass


MSG_CLOSED = N_("This evaluation is closed; its scores and candidates can no longer change.")
MSG_ALREADY_CANDIDATE = N_("{partner} is already a candidate in this evaluation.")
MSG_EXITED = N_("{partner} has exited the partnership and cannot be a candidate.")
MSG_UNKNOWN_CANDIDATE = N_("Candidate {candidate_id} is not part of this evaluation.")
MSG_UNKNOWN_CRITERION = N_("Unknown criterion {key}.")


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    partner: Partner
    scored_cells: int
    open_items: int

    def name(self, locale: str) -> str:
        return self.partner.name_ko if locale == "ko" else self.partner.name_en


@dataclass(frozen=True)
class EvaluationView:
    evaluation: Evaluation
    version: TemplateVersion
    template: SelectionTemplate
    candidates: list[CandidateRow]
    evaluators: list[User]

    @property
    def is_open(self) -> bool:
        return self.evaluation.status == EvaluationStatus.OPEN


# --- reading ---------------------------------------------------------------------------------


def get_evaluation(session: Session, *, actor: Actor, evaluation_id: int) -> Evaluation:
    ensure_reader(actor)
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound()
    return evaluation


def get_candidate(session: Session, *, actor: Actor, candidate_id: int) -> Candidate:
    ensure_reader(actor)
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound()
    return candidate


def list_evaluations(
    session: Session, *, actor: Actor, status: str | None = None
) -> list[tuple[Evaluation, TemplateVersion, int]]:
    ensure_reader(actor)
    counts = (
        select(Candidate.evaluation_id, func.count().label("n"))
        .group_by(Candidate.evaluation_id)
        .subquery()
    )
    stmt = (
        select(Evaluation, TemplateVersion, func.coalesce(counts.c.n, 0))
        .join(TemplateVersion, TemplateVersion.id == Evaluation.template_version_id)
        .outerjoin(counts, counts.c.evaluation_id == Evaluation.id)
        .order_by(Evaluation.id.desc())
    )
    if status:
        stmt = stmt.where(Evaluation.status == status)
    return [(row[0], row[1], int(row[2])) for row in session.execute(stmt)]


def evaluation_view(session: Session, *, actor: Actor, evaluation_id: int) -> EvaluationView:
    evaluation = get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    version = session.get(TemplateVersion, evaluation.template_version_id)
    assert version is not None
    template = session.get(SelectionTemplate, version.template_id)
    assert template is not None
    scored = dict(
        session.execute(
            select(Score.candidate_id, func.count())
            .where(Score.evaluation_id == evaluation.id)
            .group_by(Score.candidate_id)
        ).all()
    )
    open_items = dict(
        session.execute(
            select(DueDiligenceItem.candidate_id, func.count())
            .join(Candidate, Candidate.id == DueDiligenceItem.candidate_id)
            .where(
                Candidate.evaluation_id == evaluation.id,
                DueDiligenceItem.mandatory,
                DueDiligenceItem.signed_off_at.is_(None),
            )
            .group_by(DueDiligenceItem.candidate_id)
        ).all()
    )
    rows = session.execute(
        select(Candidate, Partner)
        .join(Partner, Partner.id == Candidate.partner_id)
        .where(Candidate.evaluation_id == evaluation.id)
        .order_by(Candidate.id)
    ).all()
    candidates = [
        CandidateRow(c, p, int(scored.get(c.id, 0)), int(open_items.get(c.id, 0))) for c, p in rows
    ]
    evaluators = list(
        session.execute(
            select(User)
            .where(
                User.id.in_(select(Score.evaluator_id).where(Score.evaluation_id == evaluation.id))
            )
            .order_by(User.id)
        ).scalars()
    )
    return EvaluationView(evaluation, version, template, candidates, evaluators)


def scores_of(session: Session, *, actor: Actor, evaluation_id: int) -> list[tuple[Score, User]]:
    get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    return [
        (row[0], row[1])
        for row in session.execute(
            select(Score, User)
            .join(User, User.id == Score.evaluator_id)
            .where(Score.evaluation_id == evaluation_id)
            .order_by(Score.candidate_id, Score.criterion, User.id)
        )
    ]


# --- writing ---------------------------------------------------------------------------------


def _ensure_open(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.OPEN:
        raise Conflict(MSG_CLOSED)


def create_evaluation(
    session: Session, *, actor: Actor, data: schemas.EvaluationCreate
) -> Evaluation:
    ensure_writer(actor)
    template = session.get(SelectionTemplate, data.template_id)
    if template is None:
        raise ValidationFailed(problems=[FieldProblem("template_id", N_("Not found."))])
    version = session.execute(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template.id,
            TemplateVersion.version == template.current_version,
        )
    ).scalar_one()
    evaluation = Evaluation(
        title=data.title,
        template_version_id=version.id,
        status=EvaluationStatus.OPEN.value,
        aggregation=data.aggregation,
        mc_draws=data.mc_draws,
        mc_concentration=data.mc_concentration,
        mc_seed=data.mc_seed,
        created_by=actor.user_id or None,
    )
    session.add(evaluation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="selection_evaluation",
        entity_id=evaluation.id,
        after=audit.snapshot(evaluation),
    )
    for partner_id in dict.fromkeys(data.partner_ids):
        add_candidate(session, actor=actor, evaluation_id=evaluation.id, partner_id=partner_id)
    return evaluation


def update_evaluation(
    session: Session, *, actor: Actor, evaluation_id: int, data: schemas.EvaluationUpdate
) -> Evaluation:
    ensure_writer(actor)
    evaluation = get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    _ensure_open(evaluation)
    before = audit.snapshot(evaluation)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(evaluation, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="selection_evaluation",
        entity_id=evaluation.id,
        before=before,
        after=audit.snapshot(evaluation),
    )
    return evaluation


def add_candidate(
    session: Session, *, actor: Actor, evaluation_id: int, partner_id: int
) -> Candidate:
    """A registry partner (prospect or existing) joins, with its due-diligence checklist."""
    ensure_writer(actor)
    evaluation = get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    _ensure_open(evaluation)
    partner = partners_service.get_partner(session, actor=actor, partner_id=partner_id)
    if partner.status == PartnerStatus.EXITED:
        raise Conflict(MSG_EXITED, partner=partner.name_en)
    taken = session.execute(
        select(Candidate.id).where(
            Candidate.evaluation_id == evaluation.id, Candidate.partner_id == partner.id
        )
    ).first()
    if taken:
        raise Conflict(MSG_ALREADY_CANDIDATE, partner=partner.name_en)
    candidate = Candidate(evaluation_id=evaluation.id, partner_id=partner.id, selected=False)
    session.add(candidate)
    session.flush()
    version = session.get(TemplateVersion, evaluation.template_version_id)
    assert version is not None
    for position, item in enumerate(version.checklist):
        session.add(
            DueDiligenceItem(
                candidate_id=candidate.id,
                partner_id=partner.id,
                key=item["key"],
                position=position,
                name_en=item["name_en"],
                name_ko=item["name_ko"],
                description_en=item.get("description_en"),
                description_ko=item.get("description_ko"),
                mandatory=bool(item.get("mandatory", True)),
                fields=list(item.get("fields") or []),
                status=ItemStatus.OPEN.value,
                data={},
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="selection_candidate",
        entity_id=candidate.id,
        partner_id=partner.id,
        after=audit.snapshot(candidate),
    )
    return candidate


def remove_candidate(
    session: Session, *, actor: Actor, candidate_id: int, store: EvidenceStore | None = None
) -> int:
    """Drop a candidate with its scores, checklist and evidence; returns the evaluation id.

    With ``store`` the evidence files go too; their object ids stay in the audit entry."""
    ensure_writer(actor)
    candidate = get_candidate(session, actor=actor, candidate_id=candidate_id)
    evaluation = get_evaluation(session, actor=actor, evaluation_id=candidate.evaluation_id)
    _ensure_open(evaluation)
    evidence_keys = list(
        session.execute(
            select(Evidence.object_key).where(Evidence.candidate_id == candidate.id)
        ).scalars()
    )
    before = audit.snapshot(candidate) | {"evidence_objects": evidence_keys}
    session.delete(candidate)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="selection_candidate",
        entity_id=candidate_id,
        partner_id=candidate.partner_id,
        before=before,
    )
    if store is not None:
        for key in evidence_keys:
            store.storage.delete(key)
    return evaluation.id


def save_scores(
    session: Session, *, actor: Actor, evaluation_id: int, sheet: schemas.ScoreSheetIn
) -> int:
    """Write the caller's own scores; any problem rejects the whole sheet. Returns cells changed."""
    import numpy as np

    ensure_evaluator(actor)
    evaluation = get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    _ensure_open(evaluation)
    version = session.get(TemplateVersion, evaluation.template_version_id)
    assert version is not None
    criteria = {c["key"]: c for c in version.criteria}
    candidates = {
        c.id: c
        for c in session.execute(
            select(Candidate).where(Candidate.evaluation_id == evaluation.id)
        ).scalars()
    }
    problems: list[Problem] = []
    for i, row in enumerate(sheet.scores):
        if row.candidate_id not in candidates:
            problems.append(
                Problem(
                    "unknown_candidate",
                    f"scores.{i}.candidate_id",
                    MSG_UNKNOWN_CANDIDATE,
                    {"candidate_id": row.candidate_id},
                )
            )
        if row.criterion not in criteria:
            problems.append(
                Problem(
                    "unknown_criterion",
                    f"scores.{i}.criterion",
                    MSG_UNKNOWN_CRITERION,
                    {"key": row.criterion},
                )
            )
    valued = [
        (i, row)
        for i, row in enumerate(sheet.scores)
        if row.value is not None and row.criterion in criteria
    ]
    if valued:
        # Each row is its own "criterion" column so one call checks every scale at once.
        bounds = [scale_bounds(criteria[row.criterion]) for _, row in valued]
        values = np.array([[[row.value for _, row in valued]]], dtype=np.float64)
        problems += check_scores(
            values,
            [b[0] for b in bounds],
            [b[1] for b in bounds],
            names=[criterion_name(criteria[row.criterion], actor.locale) for _, row in valued],
            field=lambda _e, _c, j: f"scores.{valued[j][0]}.value",
        )
    if problems:
        raise ValidationFailed(problems=[field_problem(p, actor.locale) for p in problems])
    existing = {
        (s.candidate_id, s.criterion): s
        for s in session.execute(
            select(Score).where(
                Score.evaluation_id == evaluation.id, Score.evaluator_id == actor.user_id
            )
        ).scalars()
    }
    changes: dict[int, dict[str, dict[str, Any]]] = defaultdict(lambda: {"before": {}, "after": {}})
    for row in sheet.scores:
        key = (row.candidate_id, row.criterion)
        current = existing.get(key)
        old = None if current is None else [current.value, current.justification]
        justification = (row.justification or "").strip() or None
        if row.value is None:
            if current is not None:
                session.delete(current)
                del existing[key]
            new = None
        elif current is None:
            current = Score(
                evaluation_id=evaluation.id,
                candidate_id=row.candidate_id,
                partner_id=candidates[row.candidate_id].partner_id,
                criterion=row.criterion,
                evaluator_id=actor.user_id,
                value=float(row.value),
                justification=justification,
            )
            session.add(current)
            existing[key] = current
            new = [current.value, justification]
        else:
            current.value = float(row.value)
            current.justification = justification
            new = [current.value, justification]
        if old != new:
            changes[row.candidate_id]["before"][row.criterion] = old
            changes[row.candidate_id]["after"][row.criterion] = new
    session.flush()
    for candidate_id, change in changes.items():
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="selection_scores",
            entity_id=f"{evaluation.id}:{candidate_id}:{actor.user_id}",
            partner_id=candidates[candidate_id].partner_id,
            before=change["before"],
            after=change["after"],
        )
    return sum(len(change["after"]) for change in changes.values())
