"""Selection tables: versioned evaluation templates, sourcing events, scores, due diligence,
evidence files and the frozen decision record.

A template version is never edited: a change makes a new version and every evaluation pins the
version it was opened with, so a closed decision can always be explained with the criteria and
weights that were actually used. Rows about one partner (candidacy, scores, checklist items,
evidence) carry ``partner_id`` so ``core.access`` can scope them like every other table.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from cofab.core.errors import Conflict
from cofab.core.i18n import N_
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.partners.models import partner_id_column
from cofab.units.models import unit_id_column
from cofab.vault.models import SealedFileColumns


class WeightMode(enum.StrEnum):
    DIRECT = "direct"
    AHP = "ahp"


class EvaluationStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class SelectionTemplate(Timestamped, Base):
    """The identity of a template across its versions."""

    __tablename__ = "sel_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    partner_type: Mapped[str | None] = mapped_column(String(32), index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    data_version: Mapped[int | None] = mapped_column(Integer)


class TemplateVersion(Base):
    """One immutable version: criteria, weights (direct or from AHP) and the checklist."""

    __tablename__ = "sel_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("sel_templates.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    weight_mode: Mapped[str] = mapped_column(String(8))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    ahp_matrix: Mapped[list[list[float]] | None] = mapped_column(JSON)
    consistency_ratio: Mapped[float | None] = mapped_column(Float)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Evaluation(Timestamped, Base):
    """A sourcing event: candidates scored on one pinned template version."""

    __tablename__ = "sel_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    title: Mapped[str] = mapped_column(String(200))
    template_version_id: Mapped[int] = mapped_column(
        ForeignKey("sel_template_versions.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(8), default=EvaluationStatus.OPEN.value, index=True)
    aggregation: Mapped[str] = mapped_column(String(8), default="mean")
    mc_draws: Mapped[int] = mapped_column(Integer, default=10_000)
    mc_concentration: Mapped[float] = mapped_column(Float, default=100.0)
    mc_seed: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Candidate(Timestamped, Base):
    __tablename__ = "sel_candidates"
    __table_args__ = (UniqueConstraint("evaluation_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("sel_evaluations.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = partner_id_column()
    selected: Mapped[bool] = mapped_column(Boolean, default=False)


class Score(Base):
    """One evaluator's score for one candidate on one criterion; evaluators never overwrite
    each other, so the aggregation can always be recomputed and questioned."""

    __tablename__ = "sel_scores"
    __table_args__ = (UniqueConstraint("candidate_id", "criterion", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("sel_evaluations.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("sel_candidates.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = partner_id_column()
    criterion: Mapped[str] = mapped_column(String(64))
    evaluator_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[float] = mapped_column(Float)
    justification: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DueDiligenceItem(Timestamped, Base):
    __tablename__ = "sel_dd_items"
    __table_args__ = (UniqueConstraint("candidate_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("sel_candidates.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = partner_id_column()
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str | None] = mapped_column(Text)
    description_ko: Mapped[str | None] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.OPEN.value)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Evidence(SealedFileColumns, Base):
    """An uploaded file, encrypted at rest by the vault; the row keeps what opens it."""

    __tablename__ = "sel_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("sel_candidates.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = partner_id_column()
    dd_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("sel_dd_items.id", ondelete="CASCADE"), index=True
    )
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DecisionRecord(Base):
    """The decision, ranking and weights as they were at closing. Written once, never changed:
    the ORM refuses updates and deletes, and the audit entry keeps the record's hash."""

    __tablename__ = "sel_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("sel_evaluations.id", ondelete="RESTRICT"), unique=True
    )
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rationale: Mapped[str] = mapped_column(Text)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_hash: Mapped[str] = mapped_column(String(64))


MSG_RECORD_IMMUTABLE = N_("A decision record is frozen; it cannot be changed or deleted.")


def _refuse_change(_mapper: Any, _connection: Any, _target: DecisionRecord) -> None:
    raise Conflict(MSG_RECORD_IMMUTABLE)


event.listen(DecisionRecord, "before_update", _refuse_change)
event.listen(DecisionRecord, "before_delete", _refuse_change)
