"""Publishing a plan: lines per partner with zones, reservations, answers, gap and conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.forecast.forecast_factories import PERIODS, flow, publish, solved_scenario

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import service
from cofab.forecast.models import ForecastLine
from cofab.operations.models import Order, OrderLine
from cofab.planning import service as planning_service
from cofab.planning.jobs import plan_for


def _scenario(world: World, engine: Engine) -> int:
    sites = {"A1": world.partner_a, "A2": world.partner_a, "B1": world.partner_b, "OWN": 0}
    sites.pop("OWN")  # the own plant is in the plan but belongs to no partner
    flows = [
        flow("A1", "P1", "2027-01", 10),
        flow("A2", "P1", "2027-01", 5),
        flow("A1", "P2", "2027-03", 7),
        flow("B1", "P1", "2027-05", 4),
        flow("OWN", "P1", "2027-01", 100),
    ]
    return solved_scenario(engine, sites, flows)


def _lines(client, publication_id: int) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    rows = client.get(f"/api/v1/forecast/publications/{publication_id}/lines").json()
    return [
        (r["period"], r["product"], r["site"], Decimal(r["planned_qty"]), r["zone"]) for r in rows
    ]


def test_publication_per_partner_with_zones_and_reservations(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    scenario_id = _scenario(world, engine)
    owner = api(world.users["manager"])
    made = owner.post("/api/v1/forecast/publications", json={"scenario_id": scenario_id})
    assert made.status_code == 201, made.text
    by_partner = {p["partner_id"]: p for p in made.json()}
    assert set(by_partner) == {world.partner_a, world.partner_b}
    assert {p["release"] for p in made.json()} == {1}
    a = by_partner[world.partner_a]["id"]
    # default zones: 2 frozen, 4 firm, the rest flexible
    assert _lines(owner, a) == [
        ("2027-01", "P1", "A1", Decimal(10), "frozen"),
        ("2027-01", "P1", "A2", Decimal(5), "frozen"),
        ("2027-03", "P2", "A1", Decimal(7), "firm"),
    ]
    reserved = owner.get(f"/api/v1/forecast/publications/{a}/reservations").json()
    assert [(r["family"], r["period"], Decimal(r["qty"])) for r in reserved] == [
        ("F1", "2027-01", Decimal(15)),
        ("F2", "2027-03", Decimal(7)),
    ]
    partner_a = api(world.users["partner_a"])
    assert [p["id"] for p in partner_a.get("/api/v1/forecast/publications").json()] == [a]
    b_lines = f"/api/v1/forecast/publications/{by_partner[world.partner_b]['id']}/lines"
    assert partner_a.get(b_lines).status_code == 404
    assert (
        partner_a.get(f"/api/v1/forecast/publications/{by_partner[world.partner_b]['id']}")
    ).status_code == 404
    # a second publication with other zones is release 2; the first is kept
    again = owner.post(
        "/api/v1/forecast/publications",
        json={"scenario_id": scenario_id, "frozen_periods": 1, "firm_periods": 1},
    ).json()
    second = next(p["id"] for p in again if p["partner_id"] == world.partner_a)
    assert [z for *_, z in _lines(owner, second)] == ["frozen", "frozen", "flexible"]
    assert len(owner.get("/api/v1/forecast/publications").json()) == 4


def test_unsolved_or_partnerless_plans_are_refused(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    owner = api(world.users["manager"])
    own_only = solved_scenario(engine, {}, [flow("OWN", "P1", "2027-01", 1)])
    refused = owner.post("/api/v1/forecast/publications", json={"scenario_id": own_only})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["scenario_id"]
    bad_periods = solved_scenario(
        engine, {"A1": world.partner_a}, [flow("A1", "P1", "Q1", 1)], periods=["Q1"]
    )
    refused = owner.post("/api/v1/forecast/publications", json={"scenario_id": bad_periods})
    assert refused.status_code == 422
    partner = api(world.users["partner_a"])
    assert (
        partner.post("/api/v1/forecast/publications", json={"scenario_id": bad_periods}).status_code
        == 404
    )


def test_commit_counter_accept_and_gap(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    ids = publish(engine, _scenario(world, engine))
    owner = api(world.users["manager"])
    partner = api(world.users["partner_a"])
    pub_a = next(
        p["id"]
        for p in owner.get("/api/v1/forecast/publications").json()
        if p["partner_id"] == world.partner_a and p["id"] in ids
    )
    lines = partner.get(f"/api/v1/forecast/publications/{pub_a}/lines").json()
    frozen, _other_frozen, firm = (line["id"] for line in lines)
    url = "/api/v1/forecast/lines/{}/response"
    ok = partner.post(url.format(frozen), json={"action": "commit"})
    assert (ok.status_code, ok.json()["status"], Decimal(ok.json()["committed_qty"])) == (
        200,
        "committed",
        Decimal(10),
    )
    counter_frozen = partner.post(
        url.format(frozen), json={"action": "counter", "qty": 8, "reason": "line down"}
    )
    assert counter_frozen.status_code == 422
    assert [e["field"] for e in counter_frozen.json()["errors"]] == ["zone"]
    no_reason = partner.post(url.format(firm), json={"action": "counter", "qty": 5})
    assert [e["field"] for e in no_reason.json()["errors"]] == ["reason"]
    bad_period = partner.post(
        url.format(firm), json={"action": "counter", "period": "2030-01", "reason": "x"}
    )
    assert [e["field"] for e in bad_period.json()["errors"]] == ["period"]
    countered = partner.post(
        url.format(firm),
        json={"action": "counter", "qty": 5, "period": "2027-04", "reason": "tooling"},
    ).json()
    assert (countered["status"], countered["proposed_period"]) == ("countered", "2027-04")
    # partner B cannot touch partner A's line; the owner cannot answer for the partner
    assert (
        api(world.users["partner_b"]).post(url.format(firm), json={"action": "commit"}).status_code
        == 404
    )
    assert owner.post(url.format(firm), json={"action": "commit"}).status_code == 404
    assert partner.post(f"/api/v1/forecast/lines/{firm}/accept").status_code == 404
    accepted = owner.post(f"/api/v1/forecast/lines/{firm}/accept")
    assert (accepted.json()["status"], Decimal(accepted.json()["committed_qty"])) == (
        "accepted",
        Decimal(5),
    )
    assert owner.post(f"/api/v1/forecast/lines/{firm}/accept").status_code == 409
    gap = owner.get("/api/v1/forecast/gap", params={"partner_id": world.partner_a}).json()
    # 2027-01 P1: planned 10 + 5, committed 10 (the A2 line is still open) -> -5
    # P2: planned 7 in 2027-03, accepted counter-proposal 5 in 2027-04: the line moved there
    assert [(g["product"], g["period"], Decimal(g["gap"])) for g in gap] == [
        ("P1", "2027-01", Decimal(-5)),
        ("P2", "2027-04", Decimal(-2)),
    ]


def test_frozen_zone_becomes_orders_once(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    ids = publish(engine, _scenario(world, engine))
    owner = api(world.users["manager"])
    pub_a = next(
        p["id"]
        for p in owner.get("/api/v1/forecast/publications").json()
        if p["partner_id"] == world.partner_a and p["id"] in ids
    )
    assert (
        api(world.users["partner_a"])
        .post(f"/api/v1/forecast/publications/{pub_a}/convert")
        .status_code
        == 404
    )
    first = owner.post(f"/api/v1/forecast/publications/{pub_a}/convert")
    assert first.status_code == 200, first.text
    assert (len(first.json()["order_ids"]), first.json()["lines_linked"]) == (1, 2)
    again = owner.post(f"/api/v1/forecast/publications/{pub_a}/convert").json()
    assert again == {"order_ids": [], "lines_linked": 0}
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(Order)).scalar_one() == 1
        linked = session.execute(
            select(
                ForecastLine.planned_qty,
                OrderLine.quantity,
                OrderLine.requested_date,
                OrderLine.partner_id,
            )
            .join(OrderLine, OrderLine.id == ForecastLine.order_line_id)
            .order_by(OrderLine.line_no)
        ).all()
    assert [(Decimal(p), Decimal(q), d, who) for p, q, d, who in linked] == [
        (Decimal(10), Decimal(10), date(2027, 1, 1), world.partner_a),
        (Decimal(5), Decimal(5), date(2027, 1, 1), world.partner_a),
    ]


def test_a_real_solve_publishes_what_the_plan_ships(world: World, engine: Engine) -> None:
    doc = {
        "name": "Solved",
        "periods": PERIODS[:3],
        "products": [{"id": "P1", "family": "F1"}],
        "sites": [{"id": "A1", "capacity": 100}],
        "markets": [{"id": "M1", "demand": {"P1": 30}}],
        "lanes": [{"site": "A1", "market": "M1"}],
    }
    plan = plan_for(doc)
    assert plan["status"] == "optimal"
    with unit_of_work(engine) as session:
        scenario = planning_service.create_scenario(
            session, actor=SYSTEM_ACTOR, document=doc, site_partners={"A1": world.partner_a}
        )
        planning_service.record_plan(session, scenario=scenario, plan=plan)
        scenario_id = scenario.id
    publication_id = publish(engine, scenario_id)[0]
    with unit_of_work(engine) as session:
        lines = service.publication_lines(
            session, actor=SYSTEM_ACTOR, publication_id=publication_id
        )
        shipped = sum(Decimal(str(f["qty"])) for f in plan["flows"])
        assert sum(line.planned_qty for line in lines) == shipped
        assert {line.zone for line in lines} <= {"frozen", "firm"}
