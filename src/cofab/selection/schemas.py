"""Pydantic shapes for the selection API. Unknown fields are rejected, not ignored.

Rules that need the whole document (weights adding up to 100 %, an AHP matrix of the right
size, a score inside its criterion's scale) are checked by the services with the pure maths
modules, so the API, the pages and the CLI report them with the same messages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Direction = Literal["benefit", "cost"]
Scale = Literal["1-5", "0-100", "measured"]
ItemStatusIn = Literal["open", "in_progress", "done", "not_applicable"]
AggregationIn = Literal["mean", "median"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- templates ------------------------------------------------------------------------------


class CriterionIn(Strict):
    key: Key
    group: str | None = Field(default=None, max_length=64)
    name_en: str = Field(min_length=1, max_length=200)
    name_ko: str = Field(min_length=1, max_length=200)
    direction: Direction = "benefit"
    scale: Scale = "1-5"
    unit: str | None = Field(default=None, max_length=32)
    weight: float | None = Field(
        default=None, allow_inf_nan=False, description="percent; omit with an AHP matrix"
    )


class ChecklistItemIn(Strict):
    key: Key
    name_en: str = Field(min_length=1, max_length=200)
    name_ko: str = Field(min_length=1, max_length=200)
    description_en: str | None = Field(default=None, max_length=2000)
    description_ko: str | None = Field(default=None, max_length=2000)
    mandatory: bool = True
    fields: list[Key] = Field(default_factory=list, max_length=20)


class SelectionTemplateIn(Strict):
    """A whole template version: a change is a new version, never an edit in place."""

    name_en: str = Field(min_length=1, max_length=200)
    name_ko: str = Field(min_length=1, max_length=200)
    partner_type: Literal["contract_manufacturer", "supplier", "logistics", "technology"] | None = (
        None
    )
    weight_mode: Literal["direct", "ahp"] = "direct"
    criteria: list[CriterionIn] = Field(min_length=1, max_length=40)
    ahp_matrix: list[list[float | str]] | None = None
    checklist: list[ChecklistItemIn] | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)


class AhpPreviewIn(Strict):
    criteria: list[str] = Field(min_length=1, max_length=40)
    matrix: list[list[float | str]]


class AhpRead(BaseModel):
    weights_percent: list[float]
    lambda_max: float
    consistency_ratio: float
    acceptable: bool
    most_inconsistent_pair: list[str] | None
    warning: str | None


class TemplateVersionRead(Read):
    id: int
    template_id: int
    version: int
    name_en: str
    name_ko: str
    weight_mode: str
    criteria: list[dict[str, Any]]
    ahp_matrix: list[list[float]] | None
    consistency_ratio: float | None
    checklist: list[dict[str, Any]]
    note: str | None
    created_at: datetime


class SelectionTemplateRead(BaseModel):
    id: int
    key: str
    partner_type: str | None
    current_version: int
    is_default: bool
    current: TemplateVersionRead
    versions: list[int]


# --- evaluations ----------------------------------------------------------------------------


class EvaluationCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    template_id: int
    aggregation: AggregationIn = "mean"
    partner_ids: list[int] = Field(default_factory=list, max_length=200)
    mc_draws: int = Field(default=10_000, ge=100, le=50_000)
    mc_concentration: float = Field(default=100.0, gt=0, le=100_000)
    mc_seed: int = Field(default=0, ge=0, le=2**31 - 1)


class EvaluationUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    aggregation: AggregationIn | None = None
    mc_draws: int | None = Field(default=None, ge=100, le=50_000)
    mc_concentration: float | None = Field(default=None, gt=0, le=100_000)
    mc_seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class CandidateAdd(Strict):
    partner_id: int


class CandidateRead(BaseModel):
    id: int
    partner_id: int
    name_en: str
    name_ko: str
    partner_status: str
    selected: bool
    scored_cells: int
    due_diligence_open: int


class EvaluationRead(BaseModel):
    id: int
    title: str
    status: str
    aggregation: str
    template_id: int
    template_version: int
    template_name_en: str
    template_name_ko: str
    mc_draws: int
    mc_concentration: float
    mc_seed: int
    created_at: datetime
    closed_at: datetime | None
    candidates: list[CandidateRead]
    evaluators: list[str]


class ScoreIn(Strict):
    candidate_id: int
    criterion: Key
    value: float | None = Field(
        default=None, allow_inf_nan=False, description="null removes the score"
    )
    justification: str | None = Field(default=None, max_length=4000)


class ScoreSheetIn(Strict):
    """The caller's own scores; other evaluators' scores are never touched."""

    scores: list[ScoreIn] = Field(min_length=1, max_length=5000)


class ScoreRead(BaseModel):
    candidate_id: int
    criterion: str
    evaluator_id: int
    evaluator: str
    value: float
    justification: str | None


class CloseEvaluation(Strict):
    selected_candidate_ids: list[int] = Field(default_factory=list, max_length=50)
    rationale: str = Field(min_length=1, max_length=10_000)

    @field_validator("selected_candidate_ids")
    @classmethod
    def unique_ids(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))


class DecisionRead(BaseModel):
    id: int
    evaluation_id: int
    decided_by: int | None
    decided_at: datetime
    rationale: str
    record: dict[str, Any]
    record_hash: str
    intact: bool
    gate_warnings: list[str] = Field(
        default_factory=list,
        description="Selected partners the approval gate will refuse until their open mandatory "
        "due-diligence items are signed off (closing is allowed; approving is not)",
    )


# --- due diligence --------------------------------------------------------------------------


class DueDiligenceUpdate(Strict):
    status: ItemStatusIn | None = None
    owner_id: int | None = None
    due_date: date | None = None
    data: dict[str, str | float | int | None] | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=10_000)


class EvidenceRead(BaseModel):
    id: int
    candidate_id: int
    dd_item_id: int | None
    filename: str
    content_type: str
    size_bytes: int
    created_at: datetime


class DueDiligenceRead(BaseModel):
    id: int
    candidate_id: int
    partner_id: int
    key: str
    name_en: str
    name_ko: str
    mandatory: bool
    fields: list[str]
    status: str
    owner_id: int | None
    due_date: date | None
    data: dict[str, Any]
    result: dict[str, Any] | None
    notes: str | None
    signed_off_by: int | None
    signed_off_at: datetime | None
    evidence: list[EvidenceRead]


class QualificationRead(BaseModel):
    partner_id: int
    applies: bool
    may_approve: bool
    blockers: list[str]
