"""Pydantic in/out shapes for KPIs, scorecards and performance reviews. Unknown fields are
rejected."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class KpiGroupRead(BaseModel):
    key: str
    label: str
    values: dict[str, float | None]
    counts: dict[str, int]
    price_variance: dict[str, float]


class KpiReport(BaseModel):
    start: date
    end: date
    group_by: str
    tolerance_days: int
    groups: list[KpiGroupRead]
    definitions: dict[str, str]


class MetricIn(Strict):
    kpi: str = Field(min_length=1, max_length=40)
    weight: float = Field(gt=0, le=1000)
    full_at: float = Field(allow_inf_nan=False)
    zero_at: float = Field(allow_inf_nan=False)


class BandIn(Strict):
    grade: str = Field(min_length=1, max_length=4)
    min_score: float = Field(ge=0, le=100)
    action: Literal["none", "warning", "approval", "block"] = "none"


class ScorecardTemplateIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    period: Literal["month", "quarter"] = "quarter"
    tolerance_days: int = Field(default=0, ge=0, le=60)
    metrics: list[MetricIn] = Field(min_length=1, max_length=20)
    bands: list[BandIn] = Field(min_length=1, max_length=10)
    is_default: bool = False
    applies_to: Literal["manufacturing", "logistics"] = "manufacturing"


class ScorecardTemplateRead(Read):
    id: int
    name: str
    period: str
    tolerance_days: int
    metrics: list[dict[str, Any]]
    bands: list[dict[str, Any]]
    is_default: bool
    applies_to: str


class ScorecardCompute(Strict):
    template_id: int | None = None
    period_start: date
    partner_id: int | None = None


class ScorecardRead(Read):
    id: int
    partner_id: int
    template_id: int
    period_start: date
    period_end: date
    computed_score: Decimal | None
    score: Decimal | None
    grade: str | None
    action: str
    kpis: dict[str, Any]
    dispute_status: str | None
    computed_at: datetime


class ScorecardCommentIn(Strict):
    kind: Literal["comment", "dispute"] = "comment"
    body: str = Field(min_length=1, max_length=5000)


class ScorecardCommentRead(Read):
    id: int
    scorecard_id: int
    kind: str
    body: str
    author: str
    author_side: str
    status: str | None
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime


class DisputeResolution(Strict):
    comment_id: int | None = None
    decision: Literal["upheld", "rejected"]
    note: str = Field(min_length=1, max_length=5000)
    adjusted_score: float | None = Field(default=None, ge=0, le=100)


class ComputeResult(BaseModel):
    computed: int
    period_start: date
    period_end: date


class ReviewCreate(Strict):
    partner_id: int
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    period_start: date
    period_end: date
    tolerance_days: int = Field(default=0, ge=0, le=60)


class ReviewDecisionIn(Strict):
    text: str = Field(min_length=1, max_length=2000)


class ActionItemIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    owner_side: Literal["owner", "partner"]
    owner_name: str | None = Field(default=None, max_length=200)
    due_date: date


class ActionItemUpdate(Strict):
    status: Literal["open", "in_progress", "done", "cancelled"] | None = None
    due_date: date | None = None
    note: str | None = Field(default=None, max_length=5000)
    owner_name: str | None = Field(default=None, max_length=200)


class ActionItemRead(Read):
    id: int
    partner_id: int
    review_id: int
    title: str
    owner_side: str
    owner_name: str | None
    due_date: date
    status: str
    note: str | None


class ReviewRead(Read):
    id: int
    partner_id: int
    title: str
    held_on: date
    period_start: date
    period_end: date
    tolerance_days: int
    kpi_snapshot: dict[str, Any]
    decisions: list[str]


class ReviewDetail(ReviewRead):
    action_items: list[ActionItemRead]
