"""Planning scenarios: an input document, its latest plan and simulation, and where it came from.

Scenarios compare partners with each other (volumes, costs, what-ifs that drop one), so they are
owner data: no ``partner_id`` column, and every route answers 404 to a partner user. The input
and result are kept as the same JSON documents ``cofab plan`` reads and writes, so a scenario can
be downloaded and re-solved on the command line and vice versa.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cofab.db.base import Base, Timestamped
from cofab.units.models import unit_id_column


class ScenarioSource(enum.StrEnum):
    UPLOAD = "upload"
    REGISTRY = "registry"
    WHAT_IF = "what_if"


class ScenarioState(enum.StrEnum):
    DRAFT = "draft"  # no plan yet
    QUEUED = "queued"  # a solve job is waiting or running
    SOLVED = "solved"  # ``result`` holds the latest plan (which may say "infeasible")
    FAILED = "failed"  # the solve job failed; ``error`` says why


class Scenario(Timestamped, Base):
    __tablename__ = "plan_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default=ScenarioSource.UPLOAD.value)
    state: Mapped[str] = mapped_column(String(16), default=ScenarioState.DRAFT.value, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_scenarios.id", ondelete="SET NULL"), index=True
    )
    #: what a what-if changed relative to its parent, e.g. {"kind": "partner_out", ...}
    what_if: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    input_doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: input site id -> registry partner id, for "partner X out" (empty for uploads)
    site_partners: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    result_doc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    simulation_doc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plan_status: Mapped[str | None] = mapped_column(String(16))
    #: compare figures of the latest plan (cost, engaged sites, concentration, fill rate), so
    #: lists and dashboards never load the plan document itself
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    solve_job_id: Mapped[int | None] = mapped_column(Integer)
    simulate_job_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: registry scenarios: 1 for the first build, +1 for each "refresh from live data" (the
    #: refreshed version's ``parent_id`` is the version it was refreshed from)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: the registry request (periods, partners, markets …) so a refresh rebuilds the same shape
    registry_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: where each input came from: {"read_at", "inputs": [{input, subject, live, source,
    #: params, as_of}], "site_refs": {input site id: registry site id}}
    live_inputs: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ExchangeRate(Timestamped, Base):
    """What one unit of a currency is worth in US dollars, kept by the owner for the planner:
    a live contract price or lane rate in another currency than the scenario's is converted
    with it (amount × usd_value(from) ÷ usd_value(to)). Group-wide reference data: one table
    for every business unit, like the planner's generated defaults."""

    __tablename__ = "plan_exchange_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), unique=True)
    usd_value: Mapped[Decimal] = mapped_column(Numeric(18, 8))


class FreightUnit(Timestamped, Base):
    """How a product (or every product of a family) travels: the weight of one unit and how
    many units fill a container, so lanes priced per kg or per container become per unit."""

    __tablename__ = "plan_freight_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a product code, or a family name for every product of the family without its own row
    product: Mapped[str] = mapped_column(String(100), unique=True)
    unit_kg: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    units_per_container: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))


class PlanFlow(Base):
    """What a site ships of a product in a period under a scenario's latest plan, summed over
    markets, each flow to the thousandth of a unit (half to even, the precision of orders and
    forecast lines). Written with the plan (``plan_rows.store_plan_rows``) so that readers of
    100,000s of flows (forecast publication) read rows instead of parsing the plan document."""

    __tablename__ = "plan_flows"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("plan_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    #: the row's number in its plan, in partner, site, product and period order: a key that grows
    #: as the rows are written (a key of site, product and period cost more than the rows
    #: themselves); one row per site, product and period holds by construction
    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    site: Mapped[str] = mapped_column(Text)
    product: Mapped[str] = mapped_column(Text)
    period: Mapped[str] = mapped_column(Text)
    #: the product's family in the plan's input (none when the input does not list the product)
    family: Mapped[str | None] = mapped_column(Text)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    #: the site's partner in the scenario (none for an own or unmatched site); a scenario's sites
    #: and periods never change, so the rows keep both and are written in partner order
    partner_id: Mapped[int | None] = mapped_column(Integer)
    #: the period's place in the plan's input periods (none for a period the input does not list)
    period_index: Mapped[int | None] = mapped_column(Integer)


class PlanPartnerOutput(Base):
    """What a scenario's latest plan has a partner make per family and period, over how many of
    its flows (rows of :class:`PlanFlow` at the partner's sites in the plan's periods; a product
    the input does not list is its own family). Written with the flows: a publication reserves
    these quantities and counts these lines per period, and reading 10,000s of totals instead of
    summing 100,000s of flows on every publication of the plan cost a tenth of a publication."""

    __tablename__ = "plan_partner_output"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("plan_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    family: Mapped[str] = mapped_column(Text, primary_key=True)
    period_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    flows: Mapped[int] = mapped_column(Integer)
    qty: Mapped[Decimal] = mapped_column(Numeric(18, 3))


class PlanPoolUse(Base):
    """A capacity pool's use under a scenario's latest plan (site, family or none for a
    site-wide pool, period), to the thousandth like :class:`PlanFlow`, one row per row of the
    plan's ``pool_utilisation``."""

    __tablename__ = "plan_pool_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("plan_scenarios.id", ondelete="CASCADE"), index=True
    )
    site: Mapped[str] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str] = mapped_column(Text)
    used: Mapped[Decimal] = mapped_column(Numeric(18, 3))
