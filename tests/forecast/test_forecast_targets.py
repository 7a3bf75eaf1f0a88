"""Targets against actuals: contract target, plan, commitment and receipts per partner, family
and period; attainment, cumulative gap and the two-periods-running warning, hand-computed."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms
from tests.forecast.forecast_factories import flow, publish, solved_scenario
from tests.operations.ops_factories import deliver, line_ids, make_order

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import targets

MONTHS = ["2026-09", "2026-10", "2026-11", "2026-12"]
LONG_TERM = {"start": "2026-01-01T00:00:00+00:00", "end": "2030-01-01T00:00:00+00:00"}


def _world(world: World, engine: Engine, api) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        target = [{"family": "F1", "period": "month", "volume": "100", "unit": "units"}]
        make_active_contract(
            session, [world.partner_a], terms_doc=terms(term=LONG_TERM, production_targets=target)
        )
        # good units received from A: Sept 120, Oct 80, Nov 90 (+10 rejected), Dec nothing
        for n, (day, good, bad) in enumerate(
            [(date(2026, 9, 10), 120, 0), (date(2026, 10, 31), 80, 0), (date(2026, 11, 1), 90, 10)]
        ):
            order = make_order(session, world.partner_a, f"T-{n}", [("P1", good + bad, 1, day)])
            deliver(session, line_ids(session, order)[0], f"TS-{n}", day, good, bad)
    flows = [flow("A1", "P1", t, 100) for t in MONTHS] + [flow("B1", "P2", "2026-10", 5)]
    scenario = solved_scenario(
        engine, {"A1": world.partner_a, "B1": world.partner_b}, flows, periods=MONTHS
    )
    publish(engine, scenario, frozen_periods=0, firm_periods=4)
    partner = api(world.users["partner_a"])
    publication = partner.get("/api/v1/forecast/publications").json()[0]["id"]
    lines = partner.get(f"/api/v1/forecast/publications/{publication}/lines").json()
    partner.post(f"/api/v1/forecast/lines/{lines[0]['id']}/response", json={"action": "commit"})
    counter = {"action": "counter", "qty": 70, "reason": "tooling"}
    partner.post(f"/api/v1/forecast/lines/{lines[1]['id']}/response", json=counter)
    return int(publication)


def test_targets_against_actuals(world: World, api, engine: Engine, base_url: str) -> None:  # type: ignore[no-untyped-def]
    _world(world, engine, api)
    owner = api(world.users["manager"])
    rows = owner.get("/api/v1/forecast/targets", params={"as_of": "2026-12-15"}).json()
    a = [r for r in rows if r["partner_id"] == world.partner_a]

    def figures(r):  # type: ignore[no-untyped-def]
        return (
            r["period"],
            Decimal(r["target"]),
            Decimal(r["planned"]),
            Decimal(r["committed"]),
            Decimal(r["actual"]),
            None if r["attainment"] is None else round(r["attainment"], 6),
            Decimal(r["cumulative_gap"]),
            r["warning"],
        )

    # the October counter-proposal is not accepted: nothing committed there
    assert [figures(r) for r in a] == [
        (
            "2026-09",
            Decimal(100),
            Decimal(100),
            Decimal(100),
            Decimal(120),
            1.2,
            Decimal(20),
            False,
        ),
        ("2026-10", Decimal(100), Decimal(100), Decimal(0), Decimal(80), 0.8, Decimal(0), False),
        ("2026-11", Decimal(100), Decimal(100), Decimal(0), Decimal(90), 0.9, Decimal(-10), True),
        ("2026-12", Decimal(100), Decimal(100), Decimal(0), Decimal(0), 0.0, Decimal(-110), True),
    ]
    assert {r["family"] for r in a} == {"F1"}
    # partner B has no contract target: figures without attainment
    b = [r for r in rows if r["partner_id"] == world.partner_b]
    assert [(r["period"], r["target"], r["attainment"], r["warning"]) for r in b] == [
        (t, None, None, False) for t in MONTHS
    ]
    assert Decimal(b[1]["planned"]) == Decimal(5)
    # mid-November: December has not started — no actual, no gap, no warning
    early = owner.get("/api/v1/forecast/targets", params={"as_of": "2026-11-15"}).json()
    dec = [r for r in early if r["partner_id"] == world.partner_a][-1]
    assert (dec["actual"], dec["cumulative_gap"], dec["warning"]) == (None, None, False)
    # a partner sees only its own rows
    mine = api(world.users["partner_a"]).get("/api/v1/forecast/targets").json()
    assert {r["partner_id"] for r in mine} == {world.partner_a}
    assert (
        api(world.users["partner_b"])
        .get("/api/v1/forecast/targets", params={"partner_id": world.partner_a})
        .json()
        == []
    )
    # CSV export: the same figures, attainment in per cent, partner names
    export = owner.get(
        "/api/v1/forecast/targets/export",
        params={"as_of": "2026-12-15", "partner_id": world.partner_a},
    )
    assert export.status_code == 200
    table = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [
        (r["partner"], r["period"], r["attainment_pct"], r["below_target_twice"]) for r in table
    ] == [
        ("Alpha Assembly", "2026-09", "120.0", ""),
        ("Alpha Assembly", "2026-10", "80.0", ""),
        ("Alpha Assembly", "2026-11", "90.0", "yes"),
        ("Alpha Assembly", "2026-12", "0.0", "yes"),
    ]
    # the page: one chart per partner, its name, the warnings
    page = login(base_url, world.users["manager"]).get("/forecast/targets")
    assert page.status_code == 200
    assert page.text.count('data-testid="targets-chart"') == 2
    assert "Alpha Assembly" in page.text and "Bravo Bioworks" in page.text


def test_charts_sum_families_per_period(world: World, engine: Engine, api) -> None:  # type: ignore[no-untyped-def]
    _world(world, engine, api)
    with unit_of_work(engine) as session:
        rows = targets.targets_vs_actuals(session, actor=SYSTEM_ACTOR, as_of=date(2026, 12, 15))
    charts = targets.charts(rows, {world.partner_a: "A"})
    first = charts[0]
    assert (first["name"], first["labels"]) == ("A", MONTHS)
    assert first["series"]["actual"] == [120.0, 80.0, 90.0, 0.0]
    assert first["warnings"] == ["F1 2026-11", "F1 2026-12"]
