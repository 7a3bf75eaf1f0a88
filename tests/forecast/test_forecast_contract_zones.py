"""Zone lengths from the partner's contract in force, a moved line after an accepted
counter-proposal, and partner names (not ids) on the forecast pages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms
from tests.forecast.forecast_factories import flow, publish, solved_scenario

from cofab.db.session import unit_of_work
from cofab.forecast.contract_terms import ContractTarget, contract_zones, target_per_period

ZONES_CLAUSE = {
    "code": "FORECAST-ZONES-1",
    "title_en": "Forecast zones",
    "title_ko": "예측 구간",
    "text_en": "Frozen zone: 3 periods; firm zone: 1 period; the rest is flexible.",
    "text_ko": "확정 구간 3개월, 고정 구간 1개월.",
}
LONG_TERM = {"start": "2026-01-01T00:00:00+00:00", "end": "2030-01-01T00:00:00+00:00"}


def _contract(engine: Engine, partner_id: int, clause: dict[str, str] = ZONES_CLAUSE) -> int:
    with unit_of_work(engine) as session:
        return make_active_contract(
            session, [partner_id], terms_doc=terms(term=LONG_TERM), clauses=[clause]
        ).id


def test_zone_lengths_come_from_the_contract_in_force(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    contract_id = _contract(engine, world.partner_a)
    with unit_of_work(engine) as session:
        zones = contract_zones(session, [world.partner_a, world.partner_b])
        assert set(zones) == {world.partner_a}
        assert (zones[world.partner_a].frozen, zones[world.partner_a].firm) == (3, 1)
        assert zones[world.partner_a].contract_id == contract_id
        # before the contract starts it says nothing
        early = datetime(2025, 6, 1, tzinfo=UTC)
        assert contract_zones(session, [world.partner_a], at=early) == {}
    flows = [
        flow("A1", "P1", p, 1) for p in ("2027-01", "2027-02", "2027-03", "2027-04", "2027-05")
    ]
    flows.append(flow("B1", "P1", "2027-03", 1))
    scenario = solved_scenario(engine, {"A1": world.partner_a, "B1": world.partner_b}, flows)
    publish(engine, scenario, frozen_periods=1, firm_periods=1)
    owner = api(world.users["manager"])
    by_partner = {p["partner_id"]: p for p in owner.get("/api/v1/forecast/publications").json()}
    # partner A: its contract (3 frozen, 1 firm) wins over the request; B: the request's 1 + 1
    a, b = by_partner[world.partner_a], by_partner[world.partner_b]
    assert (a["frozen_periods"], a["firm_periods"]) == (3, 1)
    assert (b["frozen_periods"], b["firm_periods"]) == (1, 1)
    zones_a = [
        r["zone"] for r in owner.get(f"/api/v1/forecast/publications/{a['id']}/lines").json()
    ]
    assert zones_a == ["frozen", "frozen", "frozen", "firm", "flexible"]
    zones_b = [
        r["zone"] for r in owner.get(f"/api/v1/forecast/publications/{b['id']}/lines").json()
    ]
    assert zones_b == ["flexible"]  # 2027-03 is the third period: 1 frozen + 1 firm before it


def test_a_clause_naming_only_the_frozen_zone_keeps_the_default_firm(
    world: World, engine: Engine
) -> None:
    _contract(engine, world.partner_a, ZONES_CLAUSE | {"text_en": "The frozen horizon is 1 month."})
    scenario = solved_scenario(engine, {"A1": world.partner_a}, [flow("A1", "P1", "2027-01", 1)])
    publish(engine, scenario)
    with unit_of_work(engine) as session:
        zones = contract_zones(session, [world.partner_a])[world.partner_a]
    assert (zones.frozen, zones.firm) == (1, None)


def test_accepted_counter_proposal_moves_the_line(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    scenario = solved_scenario(
        engine,
        {"A1": world.partner_a},
        [flow("A1", "P1", "2027-01", 4), flow("A1", "P1", "2027-04", 10)],
    )
    publication_id = publish(engine, scenario)[0]  # defaults: 2 frozen, 4 firm
    owner, partner = api(world.users["manager"]), api(world.users["partner_a"])
    lines = partner.get(f"/api/v1/forecast/publications/{publication_id}/lines").json()
    firm = lines[1]["id"]
    url = f"/api/v1/forecast/lines/{firm}/response"
    into_frozen = partner.post(
        url, json={"action": "counter", "period": "2027-02", "reason": "earlier"}
    )
    assert into_frozen.status_code == 422
    assert [e["field"] for e in into_frozen.json()["errors"]] == ["period"]
    later = partner.post(
        url, json={"action": "counter", "qty": 8, "period": "2027-07", "reason": "new mould"}
    )
    assert later.status_code == 200, later.text
    assert (later.json()["period"], later.json()["status"]) == ("2027-04", "countered")
    moved = owner.post(f"/api/v1/forecast/lines/{firm}/accept").json()
    # 2027-07 is the seventh period: past 2 frozen + 4 firm, so flexible
    assert (moved["period"], moved["period_index"], moved["zone"]) == ("2027-07", 6, "flexible")
    assert Decimal(moved["committed_qty"]) == Decimal(8)
    gap = owner.get("/api/v1/forecast/gap").json()
    assert [(g["period"], Decimal(g["planned"]), Decimal(g["committed"])) for g in gap] == [
        ("2027-01", Decimal(4), Decimal(0)),
        ("2027-07", Decimal(10), Decimal(8)),
    ]


def test_pages_show_partner_names(world: World, base_url: str, engine: Engine) -> None:
    scenario = solved_scenario(engine, {"A1": world.partner_a}, [flow("A1", "P1", "2027-01", 4)])
    publication_id = publish(engine, scenario)[0]
    owner = login(base_url, world.users["manager"])
    home = owner.get("/forecast").text
    assert "Alpha Assembly" in home
    page = owner.get(f"/forecast/publications/{publication_id}").text
    assert "Alpha Assembly" in page


def test_target_per_period_by_calendar_days() -> None:
    monthly = ContractTarget(contract_id=1, family="F1", period="month", volume=Decimal(3100))
    assert target_per_period(monthly, "2027-01") == Decimal(3100)
    # a week of a 31-day month's target: 3100 × 7 / 31 = 700
    assert target_per_period(monthly, "2027-W02") == Decimal(700)
    quarterly = ContractTarget(contract_id=1, family="F1", period="quarter", volume=Decimal(900))
    assert target_per_period(quarterly, "2027-02") == Decimal(300)
    yearly = ContractTarget(contract_id=1, family="F1", period="year", volume=Decimal(1200))
    assert target_per_period(yearly, "2027-05") == Decimal(100)
    weekly = ContractTarget(contract_id=1, family="F1", period="week", volume=Decimal(70))
    assert target_per_period(weekly, "2027-W10") == Decimal(70)
    assert target_per_period(weekly, "2027-02") == Decimal(280)  # 28 days of February
    assert target_per_period(weekly, "Q1") is None
