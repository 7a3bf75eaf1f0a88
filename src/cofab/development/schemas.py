"""Request and response shapes of joint development: projects, gates, the contribution ledger,
the IP register and transfer checklists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.development.models import (
    ContributionKind,
    FilingStatus,
    ProjectStatus,
    ResultKind,
    Side,
)

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
OwnerCode = Literal["owner", "partner", "joint"]


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MilestoneIn(BaseModel):
    gate: str = Field(min_length=1, max_length=80)
    deliverables: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=50
    )
    due_date: date | None = None
    position: int | None = Field(default=None, ge=0, le=1000)


class MilestoneRead(Read):
    id: int
    project_id: int
    position: int
    gate: str
    deliverables: list[str]
    due_date: date | None
    decision: str
    decision_note: str
    decided_by_label: str | None
    decided_at: datetime | None


class GateDecisionIn(BaseModel):
    decision: Literal["go", "hold", "stop"]
    note: str = Field(default="", max_length=2000)


class ProjectCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    partner_id: int
    contract_id: int | None = None
    code: str | None = Field(default=None, min_length=1, max_length=40)
    description: str = Field(default="", max_length=5000)
    start_date: date | None = None
    target_date: date | None = None
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)


class ProjectUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    contract_id: int | None = None
    description: str | None = Field(default=None, max_length=5000)
    status: ProjectStatus | None = None
    start_date: date | None = None
    target_date: date | None = None


class ProjectRead(Read):
    id: int
    code: str
    title: str
    partner_id: int
    contract_id: int | None
    description: str
    status: str
    start_date: date | None
    target_date: date | None


class ContributionIn(BaseModel):
    side: Side | None = None  # a partner user's entries are always the partner's
    kind: ContributionKind
    description: str = Field(default="", max_length=2000)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=4)
    currency: Currency | None = None
    recorded_on: date | None = None


class ContributionRead(Read):
    id: int
    project_id: int
    side: str
    kind: str
    description: str
    hours: Decimal | None
    amount: Decimal | None
    currency: str | None
    recorded_on: date
    recorded_by_label: str


class InventorIn(BaseModel):
    side: Side
    name: str | None = Field(default=None, min_length=1, max_length=200)
    user_id: int | None = None
    contact_id: int | None = None
    share_percent: Decimal | None = Field(
        default=None, ge=0, le=100, max_digits=7, decimal_places=3
    )


class InventorRead(Read):
    id: int
    side: str
    name: str
    user_id: int | None
    contact_id: int | None
    share_percent: Decimal | None
    confirmed_at: datetime | None
    confirmed_by_label: str | None


class InventionCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    conceived_on: date
    result_kind: ResultKind = ResultKind.FOREGROUND
    contract_id: int | None = None  # None: the project's contract
    owner: OwnerCode | None = None  # as the user sees it; refused if the terms say otherwise
    inventors: list[InventorIn] = Field(min_length=1, max_length=50)


class InventionUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    result_kind: ResultKind | None = None
    owner: OwnerCode | None = None


class FilingIn(BaseModel):
    status: FilingStatus
    application_number: str | None = Field(default=None, min_length=1, max_length=80)
    on: date | None = None


class InventionRead(Read):
    id: int
    project_id: int
    partner_id: int
    ref: str
    title: str
    description: str
    conceived_on: date
    contract_id: int | None
    contract_version: int | None
    result_kind: str
    ip_terms: dict[str, str] | None
    computed_owners: str
    licence_back: bool
    rule: str
    owner: str | None
    filing_status: str
    application_number: str | None
    filed_on: date | None
    decided_on: date | None
    inventors: list[InventorRead]


class ChecklistStepIn(BaseModel):
    title_en: str = Field(min_length=1, max_length=300)
    title_ko: str = Field(min_length=1, max_length=300)
    owner_side: Side
    offset_days: int = Field(default=0, ge=0, le=3650)


class TemplateCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    name_en: str = Field(min_length=1, max_length=200)
    name_ko: str = Field(min_length=1, max_length=200)
    steps: list[ChecklistStepIn] = Field(min_length=1, max_length=200)


class TemplateRead(Read):
    id: int
    code: str
    name_en: str
    name_ko: str
    steps: list[dict[str, object]]


class InstantiateIn(BaseModel):
    template_code: str = Field(min_length=1, max_length=64)
    start_date: date | None = None  # None: the project's start date, else today
    owner_name: str = Field(default="", max_length=200)
    partner_owner_name: str = Field(default="", max_length=200)


class ChecklistItemRead(Read):
    id: int
    project_id: int
    template_code: str | None
    position: int
    title_en: str
    title_ko: str
    owner_side: str
    owner_name: str
    due_date: date | None
    done_on: date | None
    done_by_label: str | None


class ChecklistItemUpdate(BaseModel):
    owner_name: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    done: bool | None = None


class LedgerTotal(BaseModel):
    side: str
    kind: str
    currency: str | None
    hours: Decimal
    amount: Decimal
    entries: int


class ProjectDetail(ProjectRead):
    milestones: list[MilestoneRead]
    contributions: list[ContributionRead]
    ledger: list[LedgerTotal]
    inventions: list[InventionRead]
    checklist: list[ChecklistItemRead]
