"""Pydantic shapes for the contracts API. Unknown fields are rejected, not ignored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cofab.contracts.models import ContractKind, ContractStatus
from cofab.contracts.terms import ContractTerms, Instant, Strict


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ClauseText(Strict):
    """A clause as agreed in one version (a copy: later library edits do not change it)."""

    code: str | None = Field(default=None, max_length=64)
    title_en: str = Field(default="", max_length=300)
    title_ko: str = Field(default="", max_length=300)
    text_en: str = Field(default="", max_length=50_000)
    text_ko: str = Field(default="", max_length=50_000)


class ContractCreate(Strict):
    kind: ContractKind
    title: str = Field(min_length=1, max_length=300)
    partner_ids: list[int] = Field(min_length=1, max_length=20)
    external_ref: str | None = Field(default=None, max_length=64)
    next_review_date: date | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=120)
    notes: str | None = Field(default=None, max_length=10_000)
    terms: ContractTerms
    clause_codes: list[str] = Field(default_factory=list, max_length=200)
    clauses: list[ClauseText] = Field(default_factory=list, max_length=200)

    @field_validator("partner_ids")
    @classmethod
    def unique_partners(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))


class ContractUpdate(Strict):
    """Header fields that are not part of the agreed terms (they never need a new version)."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    next_review_date: date | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=120)
    notes: str | None = Field(default=None, max_length=10_000)


class DraftUpdate(Strict):
    """Replace the terms (and optionally clauses) of the version still in draft."""

    terms: ContractTerms
    clauses: list[ClauseText] | None = None
    clause_codes: list[str] = Field(default_factory=list, max_length=200)
    summary: str | None = Field(default=None, max_length=5000)
    effective_from: Instant | None = None


class AmendmentCreate(Strict):
    summary: str = Field(min_length=1, max_length=5000)
    effective_from: Instant
    terms: ContractTerms
    clauses: list[ClauseText] | None = None
    clause_codes: list[str] = Field(default_factory=list, max_length=200)


class TransitionRequest(Strict):
    to: ContractStatus
    comment: str | None = Field(default=None, max_length=5000)
    at: Instant | None = None
    on_behalf_of: str | None = Field(
        default=None,
        max_length=200,
        description="The partner-side person whose approval an owner user records (required "
        "when an owner user moves partner review to approved)",
    )


class CommentCreate(Strict):
    body: str = Field(min_length=1, max_length=5000)


class ReviewDone(Strict):
    comment: str | None = Field(default=None, max_length=5000)
    next_review_date: date | None = None


class RaciUpdate(Strict):
    """``matrix[activity][party] = letters``; party is "owner" or a partner id as text."""

    matrix: dict[str, dict[str, str]] = Field(max_length=100)


class ClauseCreate(Strict):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    category: str = Field(default="general", max_length=32, pattern=r"^[a-z_]+$")
    title_en: str = Field(min_length=1, max_length=300)
    title_ko: str = Field(min_length=1, max_length=300)
    text_en: str = Field(min_length=1, max_length=50_000)
    text_ko: str = Field(min_length=1, max_length=50_000)


class ClauseUpdate(Strict):
    category: str | None = Field(default=None, max_length=32, pattern=r"^[a-z_]+$")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    title_ko: str | None = Field(default=None, min_length=1, max_length=300)
    text_en: str | None = Field(default=None, min_length=1, max_length=50_000)
    text_ko: str | None = Field(default=None, min_length=1, max_length=50_000)


class ClauseRead(Read):
    id: int
    code: str
    category: str
    title_en: str
    title_ko: str
    text_en: str
    text_ko: str


class PartyRead(BaseModel):
    partner_id: int
    name_en: str
    name_ko: str


class VersionRead(Read):
    id: int
    number: int
    status: str
    effective_from: datetime
    effective_to: datetime
    summary: str | None
    review_round: int
    shared_at: datetime | None
    activated_at: datetime | None
    created_at: datetime


class VersionDetail(VersionRead):
    terms: dict[str, Any]
    clauses: list[dict[str, Any]]


class EventRead(Read):
    id: int
    version_id: int | None
    action: str
    from_status: str | None
    to_status: str | None
    review_round: int
    approving_partner_id: int | None
    actor_label: str
    on_behalf_of: str | None = None
    comment: str | None
    at: datetime


class CommentRead(Read):
    id: int
    version_id: int | None
    author_label: str
    author_partner_id: int | None
    body: str
    created_at: datetime


class ContractRead(Read):
    id: int
    external_ref: str | None
    kind: str
    title: str
    status: str
    stored_status: str
    partner_id: int
    effective_from: datetime | None
    effective_to: datetime | None
    renews_automatically: bool
    current_period_end: datetime | None
    non_renewal_notice_at: datetime | None
    terminated_at: datetime | None
    next_review_date: date | None
    review_interval_months: int | None
    notes: str | None


class ContractDetail(ContractRead):
    parties: list[PartyRead]
    versions: list[VersionRead]
    current_version: VersionDetail
    open_version_number: int | None
    events: list[EventRead]


class TermChangeRead(BaseModel):
    path: str
    kind: str
    old: Any
    new: Any


class VersionDiff(BaseModel):
    contract_id: int
    from_version: int
    to_version: int
    term_changes: list[TermChangeRead]
    text_diff: str


class RaciRead(BaseModel):
    contract_id: int
    parties: list[str]
    activities: list[str]
    matrix: dict[str, dict[str, str]]


class AttentionItem(BaseModel):
    contract_id: int
    title: str
    kind: str
    reason: str
    due: date
    days_left: int


class AgreementWindowRead(BaseModel):
    contract_id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    end_reason: str | None
