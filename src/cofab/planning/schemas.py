"""Planning API shapes. Input and plan documents stay plain JSON (the loader validates them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from cofab.planning.input_bounds import MAX_MAGNITUDE
from cofab.planning.models import Scenario
from cofab.planning.registry_scenario import MarketSpec, RegistryRequest


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioCreate(Strict):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    input: dict[str, Any]


class MarketIn(Strict):
    id: str = Field(min_length=1, max_length=64)
    region: str = Field(min_length=1, max_length=64)
    demand: float | None = Field(
        default=None, ge=0, le=MAX_MAGNITUDE, description="Units per product and period"
    )
    unmet_penalty: float | None = Field(default=None, ge=0, le=MAX_MAGNITUDE)


class LaneIn(Strict):
    site: str = Field(min_length=1, max_length=200)
    market: str = Field(min_length=1, max_length=64)
    unit_cost: float | None = Field(default=None, ge=0, le=MAX_MAGNITUDE)
    lead_time_days: float | None = Field(default=None, ge=0, le=MAX_MAGNITUDE)


class RegistryScenarioCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    periods: int = Field(default=3, ge=1, le=36)
    start: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    partner_ids: list[int] | None = Field(default=None, max_length=1000)
    markets: list[MarketIn] = Field(default_factory=list, max_length=50)
    demand_share: float = Field(default=0.6, ge=0, le=5)
    policy: dict[str, Any] = Field(default_factory=dict)
    lanes: list[LaneIn] | None = Field(
        default=None,
        max_length=20_000,
        description="Replace the generated lanes (site ids are site names)",
    )

    def request(self) -> RegistryRequest:
        return RegistryRequest(
            name=self.name,
            periods=self.periods,
            start=self.start,
            partner_ids=self.partner_ids,
            markets=[MarketSpec(m.id, m.region, m.demand, m.unmet_penalty) for m in self.markets],
            demand_share=self.demand_share,
            policy=dict(self.policy),
            lanes=None
            if self.lanes is None
            else [lane.model_dump(exclude_none=True) for lane in self.lanes],
        )


class SimulateRequest(Strict):
    scenarios: int = Field(default=2000, ge=1, le=200_000)
    seed: int = Field(default=1, ge=0)


class WhatIfRequest(Strict):
    kind: Literal["partner_out", "sites_out", "demand_scale"]
    partner_id: int | None = None
    site_ids: list[str] = Field(default_factory=list, max_length=1000)
    factor: float | None = Field(default=None, gt=0, le=10)
    solve: bool = True


class MakeOrBuyCase(RootModel[dict[str, Any]]):
    """The make-or-buy case document (see docs/planner-input.md)."""


class ScenarioSummary(BaseModel):
    id: int
    name: str
    description: str | None
    source: str
    state: str
    parent_id: int | None
    version: int
    what_if: dict[str, Any] | None
    plan_status: str | None
    total_cost: float | None
    engaged_sites: list[str] | None
    simulated: bool
    solve_job_id: int | None
    simulate_job_id: int | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioSummary:
        summary = scenario.summary or {}
        return cls(
            id=scenario.id,
            name=scenario.name,
            description=scenario.description,
            source=scenario.source,
            state=scenario.state,
            parent_id=scenario.parent_id,
            version=scenario.version or 1,
            what_if=scenario.what_if,
            plan_status=scenario.plan_status,
            total_cost=summary.get("total_cost"),
            engaged_sites=summary.get("engaged_sites"),
            simulated=summary.get("fill_rate_p5") is not None,
            solve_job_id=scenario.solve_job_id,
            simulate_job_id=scenario.simulate_job_id,
            error=scenario.error,
            created_at=scenario.created_at,
            updated_at=scenario.updated_at,
        )


class ScenarioRead(ScenarioSummary):
    input: dict[str, Any]
    site_partners: dict[str, int]
    #: registry scenarios: each input live or defaulted, its source and the source's time
    live_inputs: dict[str, Any] | None

    @classmethod
    def full(cls, scenario: Scenario) -> ScenarioRead:
        return cls(
            **ScenarioSummary.of(scenario).model_dump(),
            input=scenario.input_doc,
            site_partners=scenario.site_partners or {},
            live_inputs=scenario.live_inputs,
        )


class JobStarted(BaseModel):
    scenario_id: int
    job_id: int
    job_url: str


class WhatIfCreated(BaseModel):
    scenario: ScenarioSummary
    job_id: int | None


class CompareRow(BaseModel):
    scenario_id: int
    name: str
    state: str
    figures: dict[str, Any] | None


class PlanningRateIn(Strict):
    currency: str = Field(min_length=3, max_length=3, description="ISO code, e.g. KRW")
    usd_value: Decimal = Field(gt=0, le=MAX_MAGNITUDE, description="US dollars per unit")


class PlanningRatesIn(Strict):
    """The whole exchange-rate table (replaces the stored one)."""

    rates: list[PlanningRateIn] = Field(max_length=500)


class PlanningFreightUnitIn(Strict):
    product: str = Field(min_length=1, max_length=100, description="Product code or family")
    unit_kg: Decimal | None = Field(default=None, gt=0, le=MAX_MAGNITUDE)
    units_per_container: Decimal | None = Field(default=None, gt=0, le=MAX_MAGNITUDE)


class PlanningFreightIn(Strict):
    """The whole freight-unit table (replaces the stored one)."""

    units: list[PlanningFreightUnitIn] = Field(max_length=5000)


class PlanningRateRead(BaseModel):
    currency: str
    usd_value: Decimal
    updated_at: datetime | None


class PlanningFreightRead(BaseModel):
    product: str
    unit_kg: Decimal | None
    units_per_container: Decimal | None
    updated_at: datetime | None
