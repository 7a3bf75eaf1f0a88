"""Structured contract terms: the part of a contract that software can check and compute with.

One pydantic model per version, stored as JSON. Type and range rules live on the fields (so the
API reports them per field); rules that relate two fields live in ``check_terms`` and come back
as field problems with bilingual messages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

import cofab.contracts.field_labels  # noqa: F401  registers the labels term problems are shown by
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_

INCOTERMS_2020 = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
TARGET_PERIODS = ("week", "month", "quarter", "year")


def _as_utc_instant(value: Any) -> Any:
    """A bare date means midnight UTC of that day; a time without offset is read as UTC."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.min, tzinfo=UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def at_least(bound: int) -> AfterValidator:
    """``ge`` for decimals with an int bound in the error context, so the shared translation
    "Must be at least {ge}." gets its number (pydantic puts a Decimal there, which is dropped)."""

    def check(value: Decimal) -> Decimal:
        if value < bound:
            raise PydanticCustomError(
                "greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": bound}
            )
        return value

    return AfterValidator(check)


def at_most(bound: int) -> AfterValidator:
    def check(value: Decimal) -> Decimal:
        if value > bound:
            raise PydanticCustomError(
                "less_than_equal", "Input should be less than or equal to {le}", {"le": bound}
            )
        return value

    return AfterValidator(check)


def above(bound: int) -> AfterValidator:
    def check(value: Decimal) -> Decimal:
        if value <= bound:
            raise PydanticCustomError(
                "greater_than", "Input should be greater than {gt}", {"gt": bound}
            )
        return value

    return AfterValidator(check)


Instant = Annotated[datetime, BeforeValidator(_as_utc_instant)]
Money = Annotated[Decimal, Field(max_digits=18, decimal_places=4), at_least(0)]
Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=3), at_least(0)]
Percent = Annotated[Decimal, Field(max_digits=9, decimal_places=4), at_least(0), at_most(100)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=5000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TermPeriod(Strict):
    """``end`` is the first instant the agreement no longer applies (exclusive)."""

    start: Instant
    end: Instant


class Renewal(Strict):
    auto: bool = False
    notice_days: int = Field(default=90, ge=0, le=3650)
    period_months: int = Field(default=12, ge=1, le=120)


class ProductionTarget(Strict):
    family: str = Field(min_length=1, max_length=100)
    period: Literal["week", "month", "quarter", "year"] = "month"
    volume: Quantity
    unit: str = Field(default="units", min_length=1, max_length=32)


class QualityStandards(Strict):
    aql: (
        Annotated[Decimal, Field(max_digits=8, decimal_places=3), above(0), at_most(1000)] | None
    ) = None
    max_ppm: int | None = Field(default=None, ge=0, le=1_000_000)
    # the process capability the partner commits to; quality uses 1.33 when it is not set
    cpk_target: (
        Annotated[Decimal, Field(max_digits=5, decimal_places=2), above(0), at_most(10)] | None
    ) = None
    # how often the partner's contingency plans are drilled (days); risk uses it for a plan
    # without its own cadence
    drill_cadence_days: int | None = Field(default=None, ge=1, le=3650)
    required_certifications: list[ShortText] = Field(default_factory=list, max_length=50)


class IpTerms(Strict):
    background_ip: Literal["each_party_keeps", "owner", "partner"] = "each_party_keeps"
    foreground_ip: Literal["owner", "partner", "joint"] = "owner"
    licence_scope: LongText = ""
    improvements: Literal["owner", "partner", "joint", "grant_back"] = "owner"


class Confidentiality(Strict):
    scope: LongText = ""
    survival_months: int = Field(default=60, ge=0, le=600)


class PriceTier(Strict):
    min_volume: Quantity
    unit_price: Money


class CostTerms(Strict):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    price_tiers: list[PriceTier] = Field(default_factory=list, max_length=50)
    payment_days: int = Field(default=60, ge=0, le=365)
    price_adjustment_index: str | None = Field(default=None, max_length=100)
    adjustment_interval_months: int | None = Field(default=None, ge=1, le=60)


class LogisticsTerms(Strict):
    incoterm: Literal["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"]
    named_place: str = Field(min_length=1, max_length=200)
    responsible: Literal["owner", "partner", "third_party"] = "partner"


class LateDeliveryDamages(Strict):
    """Liquidated damages per day late, as a share of the late line's value, with a cap."""

    rate_pct_per_day: Percent
    cap_pct: Percent
    grace_days: int = Field(default=0, ge=0, le=365)


class DefectChargeback(Strict):
    """``per_unit``: amount per defective unit. ``per_ppm``: amount per PPM above the target."""

    mode: Literal["per_unit", "per_ppm"]
    amount: Money
    target_ppm: int | None = Field(default=None, ge=0, le=1_000_000)
    cap_amount: Money | None = None


class Penalties(Strict):
    late_delivery: LateDeliveryDamages | None = None
    defect_chargeback: DefectChargeback | None = None


class TerminationRights(Strict):
    for_cause: bool = True
    cure_period_days: int = Field(default=30, ge=0, le=365)
    for_convenience_notice_days: int | None = Field(default=None, ge=0, le=3650)
    change_of_control: bool = False
    insolvency: bool = True


class GoverningLaw(Strict):
    law: str = Field(default="Republic of Korea", min_length=1, max_length=200)
    disputes: Literal["courts", "arbitration"] = "arbitration"
    venue: str = Field(default="Korean Commercial Arbitration Board, Seoul", max_length=200)


class ContractTerms(Strict):
    term: TermPeriod
    renewal: Renewal = Field(default_factory=Renewal)
    production_targets: list[ProductionTarget] = Field(default_factory=list, max_length=200)
    quality: QualityStandards = Field(default_factory=QualityStandards)
    ip: IpTerms = Field(default_factory=IpTerms)
    confidentiality: Confidentiality = Field(default_factory=Confidentiality)
    cost: CostTerms | None = None
    raw_material_procurement: Literal["owner", "partner", "shared"] | None = None
    logistics: LogisticsTerms | None = None
    penalties: Penalties = Field(default_factory=Penalties)
    termination: TerminationRights = Field(default_factory=TerminationRights)
    governing_law: GoverningLaw = Field(default_factory=GoverningLaw)


def check_terms(terms: ContractTerms, prefix: str = "terms") -> list[FieldProblem]:
    """Rules across fields. Every problem names the field a user has to change."""
    problems: list[FieldProblem] = []
    if terms.term.end <= terms.term.start:
        problems.append(
            FieldProblem(
                f"{prefix}.term.end",
                N_("The last day in force must not be before the first day in force ({start})."),
                {"start": terms.term.start.date().isoformat()},
            )
        )
    seen_targets: set[tuple[str, str]] = set()
    for index, target in enumerate(terms.production_targets):
        key = (target.family.lower(), target.period)
        if key in seen_targets:
            problems.append(
                FieldProblem(
                    f"{prefix}.production_targets.{index}.family",
                    N_("{family} already has a target per {period}."),
                    {"family": target.family, "period": target.period},
                )
            )
        seen_targets.add(key)
    if terms.cost is not None:
        tiers = terms.cost.price_tiers
        if tiers and tiers[0].min_volume != 0:
            problems.append(
                FieldProblem(
                    f"{prefix}.cost.price_tiers.0.min_volume",
                    N_("The first price tier must start at volume 0."),
                )
            )
        for index in range(1, len(tiers)):
            if tiers[index].min_volume <= tiers[index - 1].min_volume:
                problems.append(
                    FieldProblem(
                        f"{prefix}.cost.price_tiers.{index}.min_volume",
                        N_("Price tiers must be listed by rising volume."),
                    )
                )
    penalties = terms.penalties
    if (penalties.late_delivery or penalties.defect_chargeback) and terms.cost is None:
        problems.append(
            FieldProblem(
                f"{prefix}.cost",
                N_("Penalties need a currency: fill in Currency or clear the penalties."),
            )
        )
    chargeback = penalties.defect_chargeback
    if (
        chargeback is not None
        and chargeback.mode == "per_ppm"
        and chargeback.target_ppm is None
        and terms.quality.max_ppm is None
    ):
        problems.append(
            FieldProblem(
                f"{prefix}.penalties.defect_chargeback.target_ppm",
                N_("A PPM chargeback needs a target: set it here or as the maximum PPM."),
            )
        )
    return problems


def chargeback_target_ppm(terms: ContractTerms) -> int | None:
    chargeback = terms.penalties.defect_chargeback
    if chargeback is None:
        return None
    return chargeback.target_ppm if chargeback.target_ppm is not None else terms.quality.max_ppm


def unit_price_for(terms: ContractTerms, quantity: Decimal) -> Decimal | None:
    """The price of the highest tier whose minimum volume the order quantity reaches."""
    if terms.cost is None or not terms.cost.price_tiers:
        return None
    price: Decimal | None = None
    for tier in terms.cost.price_tiers:
        if quantity >= tier.min_volume:
            price = tier.unit_price
    return price if price is not None else terms.cost.price_tiers[0].unit_price


def terms_document(terms: ContractTerms) -> dict[str, Any]:
    """The JSON stored per version (decimals as strings, instants as ISO 8601 UTC)."""
    return terms.model_dump(mode="json")
