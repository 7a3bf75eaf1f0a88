"""Live registry scenarios convert what is not per unit in the scenario's currency: lanes priced
per kg or per container (planning's freight units), prices and lane rates in another currency
(planning's exchange-rate table); what cannot be converted is listed as defaulted with the
reason. Per-site defect rates: the site's own PPM wins over the partner's. Numbers by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.planning import live_data, registry_scenario
from cofab.planning.live_data import FreightSpec, LiveData, LiveLane, PriceTerms, QualityReading
from cofab.planning.registry_scenario import MarketSpec, RegistryRequest

TODAY = date(2026, 12, 3)
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
RATES = {"EUR": 1.25, "KRW": 0.00075}
SITE_A, SITE_B = "Alpha Assembly Site", "Bravo Bioworks Site"


def test_convert_goes_through_us_dollars() -> None:
    # 1,000 KRW = 0.75 USD; 1 USD = 1 / 1.25 = 0.8 EUR; 1 EUR = 1.25 / 0.00075 = 1,666.67 KRW
    assert live_data.convert(1000, "KRW", "USD", RATES) == pytest.approx(0.75)
    assert live_data.convert(1, "usd", "EUR", RATES) == pytest.approx(0.8)
    assert live_data.convert(1, "EUR", "KRW", RATES) == pytest.approx(1666.6667, abs=1e-4)
    assert live_data.convert(7, "CNY", "CNY", {}) == 7
    assert live_data.convert(1, "CNY", "EUR", RATES) is None
    assert live_data.missing_currencies("CNY", "EUR", RATES) == ["CNY"]
    assert live_data.missing_currencies("KRW", "EUR", {}) == ["EUR", "KRW"]


def _lane(
    lane_id: int, site: int, basis: str, rate: float, currency: str, cap: float | None = None
) -> LiveLane:
    return LiveLane(
        lane_id=lane_id,
        code=f"L{lane_id}",
        carrier="Carrier Co",
        origin_site_id=site,
        destination="KR",
        rate=rate,
        currency=currency,
        transit_days=5 + lane_id,
        monthly_capacity=cap,
        as_of=AS_OF,
        rate_basis=basis,
    )


def test_lane_unit_rate_takes_the_dearest_product() -> None:
    products = [("P-A", "F1"), ("P-B", "F1")]
    freight = {"P-A": FreightSpec(2.5, 400), "F1": FreightSpec(3.0, 500)}
    # per kg: P-A 2.5 kg (its own row), P-B 3 kg (its family's) → 0.4 × 3 = 1.2
    by_kg = live_data.lane_unit_rate(_lane(1, 1, "kg", 0.4, "USD"), products, freight)
    assert (by_kg.per_unit, by_kg.factor) == (pytest.approx(1.2), 3.0)
    # per container: the fewest units per container, 400 → 800 / 400 = 2
    box = live_data.lane_unit_rate(_lane(2, 1, "container", 800, "USD"), products, freight)
    assert (box.per_unit, box.factor) == (pytest.approx(2.0), 400)
    unit = live_data.lane_unit_rate(_lane(3, 1, "unit", 0.7, "USD"), products, {})
    assert (unit.per_unit, unit.factor) == (0.7, None)
    lacking = live_data.lane_unit_rate(
        _lane(4, 1, "kg", 0.4, "USD"), products, {"P-A": FreightSpec(2.5, None)}
    )
    assert (lacking.per_unit, lacking.missing) == (None, ("P-B",))


def _live(world: World, **extra: Any) -> LiveData:
    a, b = world.ids["a"], world.ids["b"]

    def terms(contract_id: int, currency: str, price: float) -> PriceTerms:
        return PriceTerms(contract_id, f"C{contract_id}", 1, currency, ((0.0, price),), {}, AS_OF)

    values: dict[str, Any] = {
        "read_at": AS_OF,
        # A prices in EUR, B in USD: a tie, so the scenario is in EUR (alphabetical)
        "prices": {a["partner_id"]: terms(1, "EUR", 12.0), b["partner_id"]: terms(2, "USD", 20.0)},
        "lanes": (
            _lane(1, a["site_id"], "kg", 0.5, "EUR"),
            _lane(2, a["site_id"], "container", 300, "USD", cap=10),
            _lane(3, b["site_id"], "kg", 1000, "KRW", cap=6000),
            _lane(4, b["site_id"], "unit", 5, "CNY"),
        ),
        "usd_values": RATES,
        "freight": {"F1": FreightSpec(2.0, 250)},
    }
    values.update(extra)
    return LiveData(**values)


def _build(engine: Engine, world: World, live: LiveData) -> tuple[dict[str, Any], dict[Any, Any]]:
    request = RegistryRequest(
        name="Converted",
        periods=1,
        start="2027-01",
        partner_ids=[world.partner_a, world.partner_b],
        markets=[MarketSpec("KR", "KR", demand=10)],
    )
    with unit_of_work(engine) as session:
        built = registry_scenario.build_from_registry(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY, live=live
        )
    assert built is not None
    inputs = {(e["input"], e["subject"]): e for e in built.live_inputs["inputs"]}
    return built.document, inputs


def test_lanes_per_kg_and_container_and_prices_in_other_currencies(
    engine: Engine, world: World
) -> None:
    doc, inputs = _build(engine, world, _live(world))
    assert doc["currency"] == "EUR"
    sites = {s["id"]: s for s in doc["sites"]}
    # A: 12 EUR as is; B: 20 USD × (1 / 1.25) = 16 EUR
    assert sites[SITE_A]["unit_cost"] == {"F1": 12.0}
    assert sites[SITE_B]["unit_cost"] == {"F1": pytest.approx(16.0)}
    price_b = inputs[("unit_cost", f"{SITE_B} · F1")]
    assert price_b["live"] and price_b["source"] == registry_scenario.LIVE_PRICE_FIRST_FX
    assert price_b["params"]["fx"] == "0.8"
    lanes = {(lane["site"], lane["market"]): lane for lane in doc["lanes"]}
    # A: L1 0.5 EUR/kg × 2 kg = 1.0 EUR; L2 300 USD / 250 units = 1.2 USD = 0.96 EUR → L2
    assert lanes[(SITE_A, "KR")]["unit_cost"] == pytest.approx(0.96)
    assert lanes[(SITE_A, "KR")]["lead_time_days"] == 7.0
    # its capacity is in containers: 10 a month × 250 units = 2,500 units
    assert lanes[(SITE_A, "KR")]["capacity"] == 2500
    chosen_a = inputs[("lane", f"{SITE_A} → KR")]
    assert chosen_a["live"] and chosen_a["source"] == registry_scenario.LIVE_LANE_PER_CONTAINER
    assert chosen_a["params"]["units"] == "250"
    # B: L3 1,000 KRW/kg × 2 kg = 2,000 KRW = 1.5 USD = 1.2 EUR; L4 is in CNY (no rate)
    assert lanes[(SITE_B, "KR")]["unit_cost"] == pytest.approx(1.2)
    assert lanes[(SITE_B, "KR")]["capacity"] == 3000  # 6,000 kg a month ÷ 2 kg
    assert inputs[("lane", f"{SITE_B} → KR")]["source"] == registry_scenario.LIVE_LANE_PER_KG
    skipped = inputs[("lane", f"{SITE_B} → KR · L4")]
    assert not skipped["live"] and skipped["source"] == registry_scenario.LANE_NO_RATE
    assert skipped["params"]["missing"] == "CNY"


def test_what_cannot_be_converted_is_listed_as_defaulted(engine: Engine, world: World) -> None:
    doc, inputs = _build(engine, world, _live(world, usd_values={}, freight={}))
    sites = {s["id"]: s for s in doc["sites"]}
    # B's USD price has no EUR rate: the default base = A's 12 EUR ÷ VN index 0.9, × KR 1.6
    price_b = inputs[("unit_cost", f"{SITE_B} · F1")]
    assert not price_b["live"]
    assert price_b["source"] == registry_scenario.DEFAULT_PRICE_CURRENCY
    assert price_b["params"]["missing"] == "EUR"
    assert sites[SITE_B]["unit_cost"]["F1"] == pytest.approx(round(12 / 0.9, 4) * 1.6, abs=1e-3)
    # no freight units: both of A's lanes are listed with the reason, A gets distance freight
    no_kg = inputs[("lane", f"{SITE_A} → KR · L1")]
    assert (no_kg["live"], no_kg["source"]) == (False, registry_scenario.LANE_NO_WEIGHT)
    assert no_kg["params"]["products"] == "F1"
    no_box = inputs[("lane", f"{SITE_A} → KR · L2")]
    assert no_box["source"] == registry_scenario.LANE_NO_CONTAINER
    # distance freight is in US dollars and the table has no EUR rate: kept, and said so
    distance = inputs[("lane", f"{SITE_A} → KR")]
    assert distance["source"] == registry_scenario.DEFAULT_LANE_NO_RATE
    assert distance["params"]["currency"] == "EUR"
    assert inputs[("lane", f"{SITE_B} → KR · L3")]["source"] == registry_scenario.LANE_NO_WEIGHT
    # the unmet-demand floor is 1,000 US dollars, kept as 1,000 without a rate (and said so)
    unmet = inputs[("unmet_penalty", "KR")]
    assert doc["markets"][0]["unmet_penalty"] == 1000.0
    assert unmet["source"] == registry_scenario.DEFAULT_PENALTY_NO_RATE
    assert (unmet["params"]["usd"], unmet["params"]["currency"]) == ("1,000", "EUR")


def test_generated_defaults_are_converted_from_us_dollars(engine: Engine, world: World) -> None:
    """A KRW scenario whose contracts price another family: F1's default unit cost and the
    distance freight are US-dollar figures × 1 / 0.00075 KRW per USD, not 10 "KRW"."""
    a = world.ids["a"]
    krw = PriceTerms(1, "C1", 1, "KRW", ((0.0, 9000.0),), {"F9": 100.0}, AS_OF)
    doc, inputs = _build(
        engine, world, _live(world, prices={a["partner_id"]: krw}, lanes=(), freight={})
    )
    assert doc["currency"] == "KRW"
    per_usd = 1 / 0.00075  # 1,333.33 KRW
    sites = {s["id"]: s for s in doc["sites"]}
    base = round(registry_scenario.BASE_UNIT_COST * per_usd, 4)
    # Bravo (KR, index 1.6) has no contract: 10 USD × 1,333.33 × 1.6
    assert sites[SITE_B]["unit_cost"]["F1"] == pytest.approx(round(base * 1.6, 4))
    price_b = inputs[("unit_cost", f"{SITE_B} · F1")]
    assert price_b["source"] == registry_scenario.DEFAULT_PRICE_FX
    assert (price_b["params"]["usd"], price_b["params"]["currency"]) == ("10", "KRW")
    # Alpha's contract prices F9 only: the same converted base × VN 0.9
    assert sites[SITE_A]["unit_cost"]["F1"] == pytest.approx(round(base * 0.9, 4))
    lanes = {(lane["site"], lane["market"]): lane for lane in doc["lanes"]}
    freight = inputs[("lane", f"{SITE_B} → KR")]
    assert freight["source"] == registry_scenario.DEFAULT_LANE_FX
    assert lanes[(SITE_B, "KR")]["unit_cost"] > 0.5 * per_usd * 0.999  # at least the base fee
    # unmet demand: ten times the dearest unit and freight (~0.3M KRW) is below the floor of
    # 1,000 USD = 1,333,333.33 KRW, which wins (a bare 1,000 would have been under one dollar)
    floor = round(1000 * per_usd, 2)
    assert doc["markets"][0]["unmet_penalty"] == pytest.approx(floor)
    unmet = inputs[("unmet_penalty", "KR")]
    assert unmet["source"] == registry_scenario.DEFAULT_PENALTY_FX
    assert unmet["params"]["floor"] == "1,333,333.33" and unmet["params"]["usd"] == "1,000"


def test_a_sites_own_ppm_wins_over_its_partners(engine: Engine, world: World) -> None:
    a, b = world.ids["a"], world.ids["b"]
    window = (date(2026, 6, 7), TODAY)
    live = _live(
        world,
        # partner A: 40 in 4,000 = 10,000 PPM; A's site alone: 6 in 3,000 = 2,000 PPM
        quality={
            a["partner_id"]: QualityReading(10_000.0, 4000, 40, *window),
            b["partner_id"]: QualityReading(5_000.0, 2000, 10, *window),
        },
        site_quality={
            a["site_id"]: QualityReading(2_000.0, 3000, 6, *window),
            b["site_id"]: QualityReading(None, 0, 0, *window),
        },
    )
    doc, inputs = _build(engine, world, live)
    sites = {s["id"]: s for s in doc["sites"]}
    assert sites[SITE_A]["defect_rate"] == pytest.approx(0.002)
    assert inputs[("defect_rate", SITE_A)]["live"]
    assert inputs[("defect_rate", SITE_A)]["source"] == registry_scenario.LIVE_SITE_PPM
    # B's site has no inspected lot: the partner's 5,000 PPM, listed as defaulted
    assert sites[SITE_B]["defect_rate"] == pytest.approx(0.005)
    assert not inputs[("defect_rate", SITE_B)]["live"]
    assert inputs[("defect_rate", SITE_B)]["source"] == registry_scenario.PARTNER_PPM
