"""Registry scenarios on live inputs: prices by contract tier, PPM over the window, declared
ramps and shutdowns, the lane master, the latest demand forecast; refresh and its diff; the
register's disruption profiles. Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, make_partner

from cofab.contracts.models import Contract, ContractParty, ContractVersion
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import schemas as forecast_schemas
from cofab.forecast import service as forecast_service
from cofab.forecast.models import DemandForecast, DemandLine, ForecastProduct
from cofab.logistics.models import Lane
from cofab.planning import live_data, live_sources, service
from cofab.planning.engine.disruption import simulate
from cofab.planning.input_diff import allocation_changes, input_changes
from cofab.planning.loader import load_document
from cofab.planning.registry_scenario import RegistryRequest
from cofab.quality import service as quality_service
from cofab.risk.disruptions import SiteProfile

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


# --- pure rules ---------------------------------------------------------------------------


def test_tier_price_takes_the_highest_tier_the_volume_reaches() -> None:
    tiers = ((0.0, 12.0), (500.0, 10.0), (2000.0, 8.5))
    assert live_data.tier_price(tiers, 0) == (0.0, 12.0)
    assert live_data.tier_price(tiers, 499.9) == (0.0, 12.0)
    assert live_data.tier_price(tiers, 500) == (500.0, 10.0)
    assert live_data.tier_price(tiers, 10_000) == (2000.0, 8.5)
    # a quarter's target of 1,800 is 600 a month
    assert live_data.monthly(1800, "quarter") == pytest.approx(600)
    assert live_data.monthly(120, "week") == pytest.approx(120 * 52 / 12)


def test_ppm_window_and_defect_rate() -> None:
    start, end = live_data.ppm_window(TODAY)
    assert end == TODAY
    assert (end - start).days + 1 == live_data.PPM_WINDOW_DAYS == 180
    assert start == date(2026, 6, 7)
    assert live_data.defect_rate(2500) == pytest.approx(0.0025)
    assert live_data.defect_rate(1_000_000) == live_data.MAX_DEFECT_RATE


def test_weeks_count_in_the_month_of_their_thursday() -> None:
    assert live_data.month_of("2027-03") == "2027-03"
    # 2027-W05 runs Mon 1 Feb .. Sun 7 Feb; W13 runs Mon 29 Mar .. Sun 4 Apr (Thursday 1 Apr)
    assert live_data.month_of("2027-W05") == "2027-02"
    assert live_data.month_of("2027-W13") == "2027-04"
    assert live_data.month_of("2027-13") is None
    assert live_data.month_of("Q1") is None


def test_register_disruption_fills_only_sites_without_their_own() -> None:
    # impact 5 → 13 weeks down = 3 months of 52/12 weeks; likelihood 4 → 1 event a year:
    # P(a month has one) = 1 − exp(−1 × (52/12) / 52) = 1 − exp(−1/12)
    profile = SiteProfile(site_id=1, site="S1", partner="A", probability=0.0)
    profile.probability = 1 - math.exp(-1 / 12)
    profile.weeks_down = 13.0
    disruption = profile.disruption()
    assert disruption["probability"] == pytest.approx(0.079956, abs=1e-6)
    assert disruption["duration"] == {"distribution": "geometric", "mean": 3.0}
    own = {"probability": 0.5, "duration": {"distribution": "fixed", "periods": 1}}
    doc = {
        "products": [{"id": "P1", "family": "F1"}],
        "periods": ["1", "2"],
        "sites": [{"id": "S1", "capacity": 10}, {"id": "S2", "capacity": 10, "disruption": own}],
        "markets": [{"id": "M", "demand": {"P1": 5}}],
        "lanes": [{"site": "S1", "market": "M"}, {"site": "S2", "market": "M"}],
    }
    profiles = {"S1": {"disruption": disruption}, "S2": {"disruption": disruption}}
    out, applied = live_data.with_register_disruptions(doc, profiles)
    assert applied == ["S1"]
    assert out["sites"][0]["disruption"] == disruption
    assert out["sites"][1]["disruption"] == own  # the scenario's explicit value wins
    assert "disruption" not in doc["sites"][0]  # the stored document is untouched
    loaded = load_document(out)
    assert not isinstance(loaded, list)
    assert loaded.disruption.probability.tolist() == pytest.approx([0.079956, 0.5], abs=1e-6)


def test_input_and_allocation_diff_name_the_changes() -> None:
    old = {
        "periods": ["1", "2"],
        "sites": [
            {"id": "A", "capacity": {"F": 100}, "unit_cost": {"P": 10.0}, "defect_rate": 0.01},
            {"id": "B", "capacity": {"F": 100}, "unit_cost": {"P": 12.0}, "defect_rate": 0.01},
        ],
        "markets": [{"id": "M", "demand": {"P": 80}}],
        "lanes": [{"site": "A", "market": "M", "unit_cost": 1}],
    }
    new = {
        "periods": ["1", "2"],
        "sites": [
            {"id": "A", "capacity": {"F": {"1": 100, "2": 0}}, "unit_cost": {"P": 10.0}},
            {"id": "B", "capacity": {"F": 100}, "unit_cost": {"P": 9.0}, "defect_rate": 0.01},
        ],
        "markets": [{"id": "M", "demand": {"P": {"1": 80, "2": 90}}}],
        "lanes": [{"site": "A", "market": "M", "unit_cost": 1, "capacity": 50}],
    }
    changes = input_changes(old, new)
    kinds = {(c["kind"], c["subject"]): (c["before"], c["after"]) for c in changes}
    assert kinds[("defect_rate", "A")] == (0.01, 0.0)
    assert kinds[("capacity", "A · F")] == (200, 100)
    assert kinds[("unit_cost", "B · P")] == (12.0, 9.0)
    assert kinds[("lane.capacity", "A → M")] == (None, 100)
    assert kinds[("demand", "M · P")] == (160, 170)
    old_plan = {"flows": [{"site": "A", "qty": 160}]}
    new_plan = {"flows": [{"site": "A", "qty": 80}, {"site": "B", "qty": 90}]}
    moved = {row["site"]: row for row in allocation_changes(old_plan, new_plan, changes)}
    assert moved["A"]["delta"] == -80
    assert {r["kind"] for r in moved["A"]["reasons"]} == {
        "defect_rate",
        "capacity",
        "lane.capacity",
        "demand",
    }
    assert [r["kind"] for r in moved["B"]["reasons"]] == ["unit_cost", "demand"]


# --- live sources through the domains' services --------------------------------------------


def _contract(session: Any, partner_id: int, terms: dict[str, Any]) -> None:
    start, end = NOW - timedelta(days=30), NOW + timedelta(days=335)
    contract = Contract(
        kind="supply",
        title=f"Supply {partner_id}",
        status="active",
        partner_id=partner_id,
        effective_from=start,
        effective_to=end,
    )
    session.add(contract)
    session.flush()
    session.add(ContractParty(contract_id=contract.id, partner_id=partner_id, position=0))
    session.add(
        ContractVersion(
            contract_id=contract.id,
            partner_id=partner_id,
            number=1,
            status="active",
            effective_from=start,
            effective_to=end,
            terms=terms,
            activated_at=start,
        )
    )
    session.flush()


def _live_world(engine: Engine, world: World) -> None:
    a, b = world.ids["a"], world.ids["b"]
    with unit_of_work(engine) as session:
        # A: tiers 12 / 10 from 500 / 8.5 from 2,000; target 1,800 a quarter = 600 a month → 10
        _contract(
            session,
            a["partner_id"],
            {
                "cost": {
                    "currency": "USD",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "12"},
                        {"min_volume": "500", "unit_price": "10"},
                        {"min_volume": "2000", "unit_price": "8.5"},
                    ],
                },
                "production_targets": [{"family": "F1", "period": "quarter", "volume": "1800"}],
            },
        )
        # B: no target → the first tier, 20
        _contract(
            session,
            b["partner_id"],
            {
                "cost": {
                    "currency": "USD",
                    "price_tiers": [
                        {"min_volume": "0", "unit_price": "20"},
                        {"min_volume": "100", "unit_price": "15"},
                    ],
                }
            },
        )
        # A's site ramps from 50 % of 300 over 2 months, shut in March:
        # Jan 150, Feb 225, Mar 0, Apr 300
        forecast_service.create_declaration(
            session,
            actor=SYSTEM_ACTOR,
            data=forecast_schemas.DeclarationCreate(
                partner_id=a["partner_id"],
                site_id=a["site_id"],
                family="F1",
                first_period="2027-01",
                last_period="2027-06",
                nameplate=Decimal(300),
                ramp_start_share=Decimal("0.5"),
                ramp_months=2,
                shutdowns=["2027-03"],
            ),
        )
        for code in ("P-A", "P-B"):
            session.add(ForecastProduct(code=code, family="F1"))
        old = DemandForecast(name="Demand", version=1, source="typed", created_by="t")
        new = DemandForecast(name="Demand", version=2, source="typed", created_by="t")
        session.add_all([old, new])
        session.flush()
        session.add(
            DemandLine(forecast_id=old.id, product="P-A", market="KR", period="2027-01", qty=999)
        )
        for product, period, qty in (
            ("P-A", "2027-01", 40),
            ("P-A", "2027-W05", 10),  # → February
            ("P-A", "2027-W13", 7),  # → April (Thursday 1 April)
            ("P-B", "2027-02", 30),
            ("P-B", "2027-07", 500),  # outside the scenario
        ):
            session.add(
                DemandLine(forecast_id=new.id, product=product, market="KR", period=period, qty=qty)
            )
        carrier = make_partner(session, "Carrier Co", "KR", ["logistics"])
        for code, rate, days, cap in (("SEA", "0.8", 12, "60"), ("AIR", "3", 2, None)):
            session.add(
                Lane(
                    partner_id=carrier.id,
                    code=code,
                    origin_kind="partner_site",
                    origin_site_id=a["site_id"],
                    destination_kind="market",
                    destination_code="kr",
                    mode="sea",
                    carrier="Carrier Co",
                    transit_days=days,
                    rate=Decimal(rate),
                    rate_basis="unit",
                    currency="USD",
                    capacity=None if cap is None else Decimal(cap),
                    capacity_period="week",
                    active=True,
                )
            )


def _fake_quality(calls: list[tuple[int, date, date]], ppm_of: dict[int, tuple[int, int]]) -> Any:
    def figures_for(session: Any, *, partner_id: int, start: date, end: date) -> Any:
        calls.append((partner_id, start, end))
        inspected, defective = ppm_of.get(partner_id, (0, 0))
        return quality_service.QualityFigures(
            inspected_units=inspected,
            defective_units=defective,
            ppm=(1e6 * defective / inspected) if inspected else None,
            lots_inspected=1,
            lots_rejected=0,
            ncr_count=0,
            ncr_cost=Decimal(0),
            audit_score=None,
        )

    return figures_for


def test_registry_scenario_reads_every_live_input(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live_world(engine, world)
    a, b = world.ids["a"], world.ids["b"]
    calls: list[tuple[int, date, date]] = []
    # A: 10 defective in 4,000 sampled = 2,500 PPM; B: nothing inspected
    monkeypatch.setattr(
        quality_service, "figures_for", _fake_quality(calls, {a["partner_id"]: (4000, 10)})
    )
    # A's site on its own (its lots): 3 defective in 2,000 sampled = 1,500 PPM, which wins over
    # the partner's 2,500; B's site has no lot inspected → the partner's figure, else default
    site_calls: list[tuple[list[int], date, date]] = []

    def site_defect_ppm(session: Any, site_ids: Any, since: date, until: date) -> Any:
        site_calls.append((sorted(site_ids), since, until))
        found = {s: quality_service.SitePpm(s, 0, 0, None) for s in site_ids}
        found[a["site_id"]] = quality_service.SitePpm(a["site_id"], 2000, 3, 1500.0)
        return found

    monkeypatch.setattr(quality_service, "site_defect_ppm", site_defect_ppm)
    request = RegistryRequest(
        name="Live", periods=4, start="2027-01", partner_ids=[a["partner_id"], b["partner_id"]]
    )
    with unit_of_work(engine) as session:
        scenario = service.create_live_from_registry(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
        doc, live = scenario.input_doc, scenario.live_inputs or {}
        sid = scenario.id
    assert {c[1:] for c in calls} == {(date(2026, 6, 7), TODAY)}
    site_a, site_b = "Alpha Assembly Site", "Bravo Bioworks Site"
    sites = {s["id"]: s for s in doc["sites"]}
    assert doc["currency"] == "USD"
    assert [p["id"] for p in doc["products"]] == ["P-A", "P-B"]
    assert sites[site_a]["unit_cost"] == {"P-A": 10.0, "P-B": 10.0}
    assert sites[site_b]["unit_cost"] == {"P-A": 20.0, "P-B": 20.0}
    assert sites[site_a]["defect_rate"] == pytest.approx(0.0015)
    assert site_calls == [(sorted([a["site_id"], b["site_id"]]), date(2026, 6, 7), TODAY)]
    assert sites[site_b]["defect_rate"] == 0.01  # the default
    assert sites[site_a]["capacity"] == {
        "F1": {"2027-01": 150, "2027-02": 225, "2027-03": 0, "2027-04": 300}
    }
    assert sites[site_b]["capacity"] == {"F1": 100}  # the registry capability
    market = doc["markets"][0]
    assert market["id"] == "KR"
    assert market["demand"] == {
        "P-A": {"2027-01": 40, "2027-02": 10, "2027-03": 0, "2027-04": 7},
        "P-B": {"2027-01": 0, "2027-02": 30, "2027-03": 0, "2027-04": 0},
    }
    lanes = {(lane["site"], lane["market"]): lane for lane in doc["lanes"]}
    # the cheaper SEA lane: 0.8 a unit, 12 days, 60 a week = 60 × 52 / 12 = 260 a month
    assert lanes[(site_a, "KR")] == {
        "site": site_a,
        "market": "KR",
        "unit_cost": 0.8,
        "lead_time_days": 12.0,
        "capacity": 260.0,
    }
    assert "capacity" not in lanes[(site_b, "KR")]  # generated by distance
    flags = {(e["input"], e["subject"]): e["live"] for e in live["inputs"]}
    assert flags[("unit_cost", f"{site_a} · F1")] and flags[("unit_cost", f"{site_b} · F1")]
    assert flags[("defect_rate", site_a)] and not flags[("defect_rate", site_b)]
    assert flags[("capacity", f"{site_a} · F1")] and not flags[("capacity", f"{site_b} · F1")]
    assert flags[("lane", f"{site_a} → KR")] and not flags[("lane", f"{site_b} → KR")]
    assert flags[("demand", "KR")] and not flags[("unmet_penalty", "KR")]
    assert not flags[("fixed_cost", site_a)]
    assert live["site_refs"] == {site_a: a["site_id"], site_b: b["site_id"]}
    assert load_document(doc) is not None

    # refresh after B's PPM is measured: version 2, linked, only B's defect rate moved
    monkeypatch.setattr(
        quality_service,
        "figures_for",
        _fake_quality(calls, {a["partner_id"]: (4000, 10), b["partner_id"]: (1000, 50)}),
    )
    with unit_of_work(engine) as session:
        refreshed = service.refresh_from_live(
            session, actor=SYSTEM_ACTOR, scenario_id=sid, today=TODAY
        )
        assert (refreshed.parent_id, refreshed.version) == (sid, 2)
        assert refreshed.input_doc["periods"] == doc["periods"]
        diff = service.compare_inputs(
            session, actor=SYSTEM_ACTOR, base_id=sid, other_id=refreshed.id
        )
    assert [(c["kind"], c["before"], c["after"]) for c in diff["inputs"]] == [
        ("defect_rate", 0.01, 0.05)
    ]
    assert [o["subject"] for o in diff["origins"]] == [f"defect_rate: {site_b}"]


def test_register_profiles_reach_registry_scenarios_only(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.ids["a"]
    profile = SiteProfile(a["site_id"], "Alpha Assembly Site", "Alpha", 0.2, 13.0, ["R-1"])
    monkeypatch.setattr(
        live_sources.risk_service, "site_profiles", lambda session, actor: [profile]
    )
    request = RegistryRequest(
        name="Risky", periods=2, start="2027-01", partner_ids=[a["partner_id"]]
    )
    with unit_of_work(engine) as session:
        scenario = service.create_live_from_registry(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY
        )
        found = live_sources.register_disruptions(session, actor=SYSTEM_ACTOR, scenario=scenario)
        child, _job = service.what_if(
            session,
            actor=SYSTEM_ACTOR,
            scenario_id=scenario.id,
            change=service.WhatIf(kind="demand_scale", factor=1.1),
            solve=False,
        )
        inherited = live_sources.register_disruptions(session, actor=SYSTEM_ACTOR, scenario=child)
        upload = service.create_scenario(session, actor=SYSTEM_ACTOR, document=scenario.input_doc)
        none = live_sources.register_disruptions(session, actor=SYSTEM_ACTOR, scenario=upload)
    expected = {
        "probability": 0.2,
        "capacity_loss": 1.0,
        "duration": {"distribution": "geometric", "mean": 3.0},
    }
    assert found == {"Alpha Assembly Site": {"disruption": expected, "risks": ["R-1"]}}
    assert inherited == found
    assert none == {}


def test_monte_carlo_uses_the_register_probability() -> None:
    # one site, certain disruption for a fixed period: every scenario loses the period's output
    doc = {
        "products": [{"id": "P", "family": "F"}],
        "periods": ["1"],
        "sites": [{"id": "S", "capacity": 10}],
        "markets": [{"id": "M", "demand": {"P": 10}, "unmet_penalty": 1}],
        "lanes": [{"site": "S", "market": "M"}],
    }
    sure = {
        "probability": 1.0,
        "capacity_loss": 1.0,
        "duration": {"distribution": "fixed", "periods": 1},
    }
    with_profile, applied = live_data.with_register_disruptions(doc, {"S": {"disruption": sure}})
    assert applied == ["S"]
    loaded = load_document(with_profile)
    assert not isinstance(loaded, list)
    from cofab.planning.jobs import plan_for
    from cofab.planning.simulation_setup import build_network

    plan = plan_for(with_profile)
    network = build_network(loaded, plan)
    assert not isinstance(network, list)
    result = simulate(network, loaded.disruption, scenarios=50, seed=3)
    assert float(result.fill_rate.max()) == pytest.approx(0.0)


def test_a_contract_with_targets_prices_only_its_families(engine: Engine, world: World) -> None:
    from cofab.planning import registry_scenario as rs

    a, b = world.ids["a"], world.ids["b"]
    live = live_data.LiveData(
        read_at=NOW,
        prices={
            a["partner_id"]: live_data.PriceTerms(
                contract_id=1,
                contract_title="Other family",
                version=1,
                currency="USD",
                tiers=((0.0, 5.0),),
                monthly_targets={"F9": 100.0},
                as_of=NOW,
            )
        },
    )
    request = RegistryRequest(
        name="Cover", periods=1, start="2027-01", partner_ids=[a["partner_id"], b["partner_id"]]
    )
    with unit_of_work(engine) as session:
        built = rs.build_from_registry(
            session, actor=SYSTEM_ACTOR, request=request, today=TODAY, live=live
        )
    assert built is not None
    sites = {s["id"]: s for s in built.document["sites"]}
    # F1 is not among the contract's targets: A keeps 10 × VN index 0.9 = 9, B 10 × 1.6 = 16
    assert sites["Alpha Assembly Site"]["unit_cost"] == {"F1": 9.0}
    assert sites["Bravo Bioworks Site"]["unit_cost"] == {"F1": 16.0}
    sources = {(e["input"], e["subject"]): e["source"] for e in built.live_inputs["inputs"]}
    assert sources[("unit_cost", "Alpha Assembly Site · F1")] == rs.DEFAULT_PRICE_OTHER_FAMILIES
    # unmet penalty: 10 × (dearest unit 16 + dearest lane), at least 1,000
    dearest_lane = max(lane["unit_cost"] for lane in built.document["lanes"])
    expected = round(max(1000.0, 10 * (16 + dearest_lane)), 2)
    assert [m["unmet_penalty"] for m in built.document["markets"]] == [expected] * 3
