"""Request and response shapes of joint ventures and alliances.

Percentages are Decimals with up to four places (``Numeric(7, 4)``); money is a Decimal with a
currency code. Cross-field rules (equity adding up to 100, one key per party) are checked in
service.py, where the refusal can name the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels
from cofab.ventures.periods import PERIOD_PATTERN

Pct = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Money = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
Qty = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=3)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Period = Annotated[str, Field(pattern=PERIOD_PATTERN)]
VoteCode = Literal["for", "against", "abstain", "absent"]
BasisCode = Literal["equity", "seats"]

register_field_labels(
    {
        "parents": N_("Parents"),
        "equity_pct": N_("Equity %"),
        "board_seats": N_("Board seats"),
        "quorum_pct": N_("Quorum %"),
        "threshold_pct": N_("Threshold %"),
        "votes": N_("Votes"),
        "matter_id": N_("Reserved matter"),
        "parent_id": N_("Parent"),
        "share_pct": N_("Share %"),
        "party_id": N_("Party"),
        "coinvestment_id": N_("Co-investment"),
        "matters": N_("Reserved matters"),
        "matters.code": N_("Reserved matter code"),
        "matters.title": N_("Reserved matter"),
        "matters.rule": N_("Consent rule"),
        "matters.id": N_("Reserved matter"),
        "parties": N_("Parties"),
        "parties.partner_id": N_("Party"),
        "parties.role": N_("Role"),
    }
)


class ParentIn(BaseModel):
    partner_id: int | None = None  # None: the owner company
    equity_pct: Pct
    board_seats: int = Field(default=0, ge=0, le=99)


class MatterIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    rule: Literal["unanimous", "qualified"]
    basis: BasisCode = "equity"
    threshold_pct: Pct | None = None


class VentureCreate(BaseModel):
    partner_id: int
    name: str = Field(min_length=1, max_length=200)
    currency: Currency
    formed_on: date | None = None
    quorum_pct: Pct = Decimal(50)
    quorum_basis: BasisCode = "seats"
    notes: str = Field(default="", max_length=4000)
    parents: list[ParentIn] = Field(min_length=1, max_length=20)
    matters: list[MatterIn] = Field(default_factory=list, max_length=50)


class MatterRowIn(MatterIn):
    """A reserved matter as the edit sends it: ``id`` names one the venture has (changed in
    place, so resolutions that cite it keep citing it); without ``id`` it is a new one."""

    id: int | None = None


class VentureUpdate(BaseModel):
    """The venture's own fields; the currency stays (calls and payments are kept in it).
    ``matters``, when sent, is the whole list of reserved matters afterwards."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    formed_on: date | None = None
    quorum_pct: Pct | None = None
    quorum_basis: BasisCode | None = None
    notes: str | None = Field(default=None, max_length=4000)
    matters: list[MatterRowIn] | None = Field(default=None, max_length=50)


class AllianceUpdate(BaseModel):
    """The alliance's own fields; the currency stays (its entries are kept in it).
    ``parties``, when sent, is the whole list of parties afterwards (matched by company)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    purpose: str | None = Field(default=None, max_length=4000)
    started_on: date | None = None
    parties: list[PartyIn] | None = Field(default=None, min_length=2, max_length=20)


class ParentsIn(BaseModel):
    parents: list[ParentIn] = Field(min_length=1, max_length=20)


class CapitalCallIn(BaseModel):
    parent_id: int
    reference: str = Field(min_length=1, max_length=64)
    due_on: date
    amount: Money
    currency: Currency
    called_on: date | None = None


class CallNoticeIn(BaseModel):
    called_on: date


class PaymentIn(BaseModel):
    paid_on: date
    amount: Money
    currency: Currency
    reference: str = Field(default="", max_length=120)


class OfftakeIn(BaseModel):
    parent_id: int
    period: Period
    product_family: str = Field(min_length=1, max_length=100)
    volume: Qty
    uom: str = Field(default="units", min_length=1, max_length=20)
    reported_actual: Qty | None = None


class VoteIn(BaseModel):
    parent_id: int
    vote: VoteCode


class ResolutionIn(BaseModel):
    number: str = Field(min_length=1, max_length=40)
    resolved_on: date
    title: str = Field(min_length=1, max_length=300)
    matter_id: int | None = None  # None: an ordinary resolution
    votes: list[VoteIn] = Field(min_length=1, max_length=20)
    notes: str = Field(default="", max_length=4000)


class PartyIn(BaseModel):
    partner_id: int | None = None  # None: the owner company
    role: str = Field(default="", max_length=200)


class AllianceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(default="", max_length=4000)
    currency: Currency
    started_on: date | None = None
    parties: list[PartyIn] = Field(min_length=2, max_length=20)


class GoalIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    kpi: str = Field(min_length=1, max_length=200)
    uom: str = Field(default="", max_length=20)
    target: Qty
    actual: Qty | None = None
    due_on: date | None = None


class GoalActualIn(BaseModel):
    actual: Qty


class KeyIn(BaseModel):
    party_id: int
    share_pct: Pct


class CoInvestmentIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    budget: Money
    keys: list[KeyIn] = Field(min_length=1, max_length=20)


class EntryIn(BaseModel):
    coinvestment_id: int
    party_id: int
    period: Period
    kind: Literal["cost", "benefit"]
    amount: Money
    currency: Currency
    note: str = Field(default="", max_length=300)


# --- reads ------------------------------------------------------------------------------------


class ParentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    partner_id: int | None
    name: str = ""
    equity_pct: Decimal
    board_seats: int


class MatterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    title: str
    rule: str
    basis: str
    threshold_pct: Decimal | None


class VentureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    partner_id: int
    name: str
    currency: str
    formed_on: date | None
    quorum_pct: Decimal
    quorum_basis: str
    notes: str


class CapitalLine(BaseModel):
    parent_id: int
    name: str
    committed: Decimal
    called: Decimal
    paid: Decimal
    outstanding: Decimal
    paid_pct: Decimal


class CallRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    parent_id: int
    reference: str
    due_on: date
    amount: Decimal
    currency: str
    called_on: date | None
    paid: Decimal = Decimal(0)


class OfftakeRead(BaseModel):
    id: int
    parent_id: int
    name: str
    period: str
    product_family: str
    volume: Decimal
    uom: str
    actual: Decimal | None
    actual_source: str  # receipts | reported | none
    fulfilment_pct: Decimal | None


class VoteRead(BaseModel):
    parent_id: int
    name: str
    vote: str


class ResolutionRead(BaseModel):
    id: int
    number: str
    resolved_on: date
    title: str
    matter_id: int | None
    matter_code: str | None
    rule: str
    basis: str
    required_pct: Decimal
    present_pct: Decimal
    for_pct: Decimal
    passed: bool
    votes: list[VoteRead]


class VentureDetail(VentureRead):
    jv_name: str
    parents: list[ParentRead]
    matters: list[MatterRead]
    capital: list[CapitalLine]
    calls: list[CallRead]
    offtake: list[OfftakeRead]
    resolutions: list[ResolutionRead]


class PartyRead(BaseModel):
    id: int
    partner_id: int | None
    name: str
    role: str


class GoalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    kpi: str
    uom: str
    target: Decimal
    actual: Decimal | None
    due_on: date | None


class CoInvestmentRead(BaseModel):
    id: int
    title: str
    budget: Decimal
    keys: dict[int, Decimal]  # party id -> share %


class AllianceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    purpose: str
    currency: str
    started_on: date | None


class AllianceDetail(AllianceRead):
    parties: list[PartyRead]
    goals: list[GoalRead]
    coinvestments: list[CoInvestmentRead]


class StatementLine(BaseModel):
    party_id: int
    name: str
    cost_share: Decimal
    paid: Decimal
    benefit_share: Decimal
    received: Decimal
    net: Decimal
    settlement: Decimal


class Statement(BaseModel):
    alliance_id: int
    period: str
    currency: str
    lines: list[StatementLine]
