"""Closing an evaluation: the decision, the ranking and the weights frozen into one record.

The record is plain JSON written once. Its SHA-256 is stored beside it and in the audit entry
of the closing, so a record edited behind cofab's back no longer matches either; the ORM also
refuses to update or delete it (see ``models.DecisionRecord``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_, translate
from cofab.db.base import utcnow
from cofab.selection import schemas
from cofab.selection.analysis import METHODS
from cofab.selection.analysis_export import analysis_as_dict
from cofab.selection.evaluations import MSG_CLOSED, MSG_UNKNOWN_CANDIDATE, evaluation_view
from cofab.selection.models import DecisionRecord, DueDiligenceItem, EvaluationStatus
from cofab.selection.permissions import ensure_reader, ensure_writer
from cofab.selection.problem_mapping import field_problem
from cofab.selection.results import Results, results_for_view

RECORD_FORMAT = 1
MSG_NO_CANDIDATES = N_("An evaluation needs at least one candidate before it can be closed.")
MSG_SELECTED_INCOMPLETE = N_(
    "{candidate} has missing scores and is not ranked; it cannot be selected."
)
MSG_NOT_CLOSED = N_("This evaluation has no decision yet.")


def record_hash(record: dict[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def close_evaluation(
    session: Session, *, actor: Actor, evaluation_id: int, data: schemas.CloseEvaluation
) -> DecisionRecord:
    ensure_writer(actor)
    view = evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    if not view.is_open:
        raise Conflict(MSG_CLOSED)
    if not view.candidates:
        raise Conflict(MSG_NO_CANDIDATES)
    results = results_for_view(session, view, actor.locale)
    if results.errors:
        raise ValidationFailed(problems=[field_problem(p, actor.locale) for p in results.errors])
    by_id = {row.candidate.id: row for row in view.candidates}
    complete = {row["candidate_id"] for row in results.rows if row["complete"]}
    problems: list[FieldProblem] = []
    for i, cid in enumerate(data.selected_candidate_ids):
        field = f"selected_candidate_ids.{i}"
        if cid not in by_id:
            problems.append(FieldProblem(field, MSG_UNKNOWN_CANDIDATE, {"candidate_id": cid}))
        elif cid not in complete:
            name = by_id[cid].name(actor.locale)
            problems.append(FieldProblem(field, MSG_SELECTED_INCOMPLETE, {"candidate": name}))
    if problems:
        raise ValidationFailed(problems=problems)
    now = utcnow()
    selected = set(data.selected_candidate_ids)
    record = audit.to_jsonable(_record(session, results, actor, data, now))
    digest = record_hash(record)
    decision = DecisionRecord(
        evaluation_id=view.evaluation.id,
        decided_by=actor.user_id or None,
        decided_at=now,
        rationale=data.rationale,
        record=record,
        record_hash=digest,
    )
    session.add(decision)
    before = audit.snapshot(view.evaluation)
    for row in view.candidates:
        row.candidate.selected = row.candidate.id in selected
    view.evaluation.status = EvaluationStatus.CLOSED.value
    view.evaluation.closed_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="close",
        entity="selection_evaluation",
        entity_id=view.evaluation.id,
        before=before,
        after=audit.snapshot(view.evaluation)
        | {
            "decision_id": decision.id,
            "record_hash": digest,
            "selected_partner_ids": sorted(by_id[c].partner.id for c in selected),
        },
    )
    return decision


def _record(
    session: Session,
    results: Results,
    actor: Actor,
    data: schemas.CloseEvaluation,
    now: Any,
) -> dict[str, Any]:
    view = results.view
    analysis = results.analysis
    assert analysis is not None
    exported = analysis_as_dict(analysis, "en")
    by_key = {row["key"]: row for row in results.rows}
    items = session.execute(
        select(DueDiligenceItem)
        .where(DueDiligenceItem.candidate_id.in_([r.candidate.id for r in view.candidates]))
        .order_by(DueDiligenceItem.position, DueDiligenceItem.id)
    ).scalars()
    checklist: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        checklist.setdefault(item.candidate_id, []).append(
            {
                "key": item.key,
                "name_en": item.name_en,
                "name_ko": item.name_ko,
                "mandatory": item.mandatory,
                "status": item.status,
                "signed_off": item.signed_off_at is not None,
                "result": item.result,
            }
        )
    aggregated = analysis.aggregated.scores
    candidates = []
    for i, row in enumerate(view.candidates):
        key = str(row.candidate.id)
        shown = by_key[key]
        entry: dict[str, Any] = {
            "candidate_id": row.candidate.id,
            "partner_id": row.partner.id,
            "name_en": row.partner.name_en,
            "name_ko": row.partner.name_ko,
            "partner_status": row.partner.status,
            "selected": row.candidate.id in set(data.selected_candidate_ids),
            "complete": shown["complete"],
            "missing": [view.version.criteria[j]["key"] for j in _missing(analysis, i)],
            "aggregated_scores": {
                c["key"]: (
                    None if aggregated[i, j] != aggregated[i, j] else float(aggregated[i, j])
                )
                for j, c in enumerate(view.version.criteria)
            },
            "contributions": {
                c["key"]: shown["contributions"][j] for j, c in enumerate(view.version.criteria)
            },
            "due_diligence": checklist.get(row.candidate.id, []),
        }
        for method in METHODS:
            entry[method] = shown[method]
        candidates.append(entry)
    return {
        "format": RECORD_FORMAT,
        "evaluation": {
            "id": view.evaluation.id,
            "title": view.evaluation.title,
            "aggregation": view.evaluation.aggregation,
            "opened_at": view.evaluation.created_at,
        },
        "template": {
            "id": view.template.id,
            "key": view.template.key,
            "version": view.version.version,
            "name_en": view.version.name_en,
            "name_ko": view.version.name_ko,
            "weight_mode": view.version.weight_mode,
            "ahp_matrix": view.version.ahp_matrix,
            "consistency_ratio": view.version.consistency_ratio,
        },
        "criteria": [
            {
                "key": c["key"],
                "name_en": c["name_en"],
                "name_ko": c["name_ko"],
                "direction": c["direction"],
                "scale": c["scale"],
                "unit": c.get("unit"),
                "weight_percent": results.criteria[j]["weight"],
            }
            for j, c in enumerate(view.version.criteria)
        ],
        "evaluators": [{"user_id": u.id, "name": u.display_name} for u in view.evaluators],
        "candidates": candidates,
        "weights": exported["weights"],
        "robustness": exported["robustness"],
        "monte_carlo": exported["monte_carlo"],
        "warnings": [w.as_dict("en") for w in results.warnings],
        "decision": {
            "selected_candidate_ids": list(data.selected_candidate_ids),
            "rationale": data.rationale,
            "decided_by": {"user_id": actor.user_id, "name": actor.display_name},
            "decided_at": now,
        },
    }


def _missing(analysis: Any, index: int) -> tuple[int, ...]:
    for item in analysis.incomplete:
        if item.index == index:
            return tuple(item.missing)
    return ()


def get_decision(
    session: Session, *, actor: Actor, evaluation_id: int
) -> tuple[DecisionRecord, bool]:
    """The frozen record and whether it still matches its hash and its audit entry."""
    ensure_reader(actor)
    evaluation_view(session, actor=actor, evaluation_id=evaluation_id)
    decision = session.execute(
        select(DecisionRecord).where(DecisionRecord.evaluation_id == evaluation_id)
    ).scalar_one_or_none()
    if decision is None:
        raise NotFound(MSG_NOT_CLOSED)
    return decision, is_intact(session, decision)


def is_intact(session: Session, decision: DecisionRecord) -> bool:
    if record_hash(decision.record) != decision.record_hash:
        return False
    logged = session.execute(
        select(audit.AuditEntry.after).where(
            audit.AuditEntry.entity == "selection_evaluation",
            audit.AuditEntry.entity_id == str(decision.evaluation_id),
            audit.AuditEntry.action == "close",
        )
    ).scalar_one_or_none()
    return bool(logged) and logged.get("record_hash") == decision.record_hash  # type: ignore[union-attr]


def report_rows(record: dict[str, Any], locale: str) -> tuple[list[str], list[list[Any]]]:
    """The decision report as one table (section, item, values…) for XLSX and CSV export."""

    def t(msgid: str) -> str:
        return translate(msgid, locale)

    name = "name_ko" if locale == "ko" else "name_en"
    headers = [t(N_("Section")), t(N_("Item")), t(N_("Value")), t(N_("Weighted sum")), "TOPSIS"]
    rows: list[list[Any]] = []
    evaluation = record["evaluation"]
    decision = record["decision"]
    by_id = {c["candidate_id"]: c for c in record["candidates"]}
    rows.append([t(N_("Evaluation")), t(N_("Title")), evaluation["title"], None, None])
    rows.append(
        [
            t(N_("Evaluation")),
            t(N_("Template")),
            f"{record['template'][name]} v{record['template']['version']}",
            None,
            None,
        ]
    )
    rows.append([t(N_("Decision")), t(N_("Decided at")), decision["decided_at"], None, None])
    rows.append(
        [t(N_("Decision")), t(N_("Decided by")), decision["decided_by"]["name"], None, None]
    )
    selected = [by_id[c][name] for c in decision["selected_candidate_ids"] if c in by_id]
    rows.append(
        [t(N_("Decision")), t(N_("Selected")), ", ".join(selected) or t(N_("None")), None, None]
    )
    rows.append([t(N_("Decision")), t(N_("Rationale")), decision["rationale"], None, None])
    for c in record["criteria"]:
        rows.append([t(N_("Weights")), c[name], c["weight_percent"], None, None])
    ordered = sorted(
        record["candidates"], key=lambda c: (c["weighted_sum"]["rank"] or 10**9, c[name])
    )
    for c in ordered:
        rows.append(
            [
                t(N_("Ranking")),
                c[name],
                t(N_("Rank")),
                c["weighted_sum"]["rank"],
                c["topsis"]["rank"],
            ]
        )
        rows.append(
            [
                t(N_("Ranking")),
                c[name],
                t(N_("Score")),
                c["weighted_sum"]["score"],
                c["topsis"]["score"],
            ]
        )
        rows.append(
            [
                t(N_("Ranking")),
                c[name],
                t(N_("P(first)")),
                c["weighted_sum"]["p_first"],
                c["topsis"]["p_first"],
            ]
        )
    for method in METHODS:
        table = record["robustness"].get(method)
        if not table:
            continue
        for row in table["criteria"]:
            rows.append(
                [
                    t(N_("Robustness")) + f" ({method})",
                    row["criterion"],
                    t(N_("Smallest weight change that changes the leader (points)")),
                    row["smallest_change_points"],
                    None,
                ]
            )
    for c in ordered:
        for item in c["due_diligence"]:
            rows.append(
                [
                    t(N_("Due diligence")),
                    f"{c[name]} · {item[name]}",
                    t(N_("Signed off")) if item["signed_off"] else t(N_("Not signed off")),
                    None,
                    None,
                ]
            )
    return headers, rows
