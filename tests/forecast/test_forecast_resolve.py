"""Re-solving a release with the partners' commitments as capacity caps: the caps (hand-computed),
the capped input, and a real solve of the linked scenario version through planning's job."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast.resolve import Cap, CommitmentLine, capped_document, caps_from_commitments
from cofab.planning import service as planning_service
from cofab.planning.jobs import plan_for

PERIODS = ["2027-01", "2027-02", "2027-03"]


def _line(site: str, family: str, period: str, status: str, planned: int, committed: int | None):  # type: ignore[no-untyped-def]
    return CommitmentLine(
        site,
        family,
        period,
        status,
        Decimal(planned),
        None if committed is None else Decimal(committed),
    )


def test_caps_per_cell_in_produced_units() -> None:
    doc: dict[str, Any] = {
        "periods": PERIODS,
        "products": [{"id": "P1", "family": "F1"}, {"id": "P2", "family": "F2"}],
        "sites": [
            {"id": "A1", "capacity": {"F1": 100, "F2": {"2027-01": 40}}, "defect_rate": 0.2},
            {"id": "B1", "capacity": 90},
        ],
    }
    lines = [
        _line("A1", "F1", "2027-01", "committed", 30, 30),
        _line("A1", "F1", "2027-01", "open", 10, None),  # same cell: counts its planned 10
        _line("A1", "F1", "2027-02", "open", 50, None),  # no answer in the cell: no cap
        _line("A1", "F2", "2027-01", "accepted", 20, 12),
        _line("B1", "F1", "2027-03", "countered", 25, None),  # not accepted: no cap
        _line("B1", "F2", "2027-03", "committed", 5, 5),
        _line("ZZ", "F1", "2027-01", "committed", 5, 5),  # not a site of the plan
    ]
    caps = caps_from_commitments(doc, lines)
    # A1 F1 2027-01: (30 + 10) / 0.8 = 50; A1 F2: 12 / 0.8 = 15; B1 F2 2027-03: 5
    assert caps == [
        Cap("A1", "F1", "2027-01", 50.0),
        Cap("A1", "F2", "2027-01", 15.0),
        Cap("B1", "F2", "2027-03", 5.0),
    ]
    capped = capped_document(doc, [*caps, Cap("B1", "F2", "2027-01", 500.0)])
    assert capped["sites"][0]["capacity"] == {
        "F1": {"2027-01": 50.0, "2027-02": 100.0, "2027-03": 100.0},
        "F2": {"2027-01": 15.0, "2027-02": 0.0, "2027-03": 0.0},
    }
    # the shared 90 becomes one per family; a cap above it (500) leaves it
    assert capped["sites"][1]["capacity"] == {
        "F1": 90,
        "F2": {"2027-01": 90.0, "2027-02": 90.0, "2027-03": 5.0},
    }
    assert doc["sites"][1]["capacity"] == 90  # the published input is untouched


def _solved(world: World, engine: Engine) -> int:
    doc = {
        "name": "Two partners",
        "periods": PERIODS,
        "products": [{"id": "P1", "family": "F1"}],
        "sites": [
            {"id": "A1", "capacity": {"F1": 100}, "unit_cost": {"P1": 1}},
            {"id": "B1", "capacity": {"F1": 100}, "unit_cost": {"P1": 2}},
        ],
        "markets": [{"id": "M1", "demand": {"P1": 50}, "unmet_penalty": 1000}],
        "lanes": [{"site": "A1", "market": "M1"}, {"site": "B1", "market": "M1"}],
    }
    plan = plan_for(doc)
    with unit_of_work(engine) as session:
        scenario = planning_service.create_scenario(
            session,
            actor=SYSTEM_ACTOR,
            document=doc,
            site_partners={"A1": world.partner_a, "B1": world.partner_b},
        )
        planning_service.record_plan(session, scenario=scenario, plan=plan)
        return scenario.id


def test_resolve_makes_a_linked_version_capped_at_the_commitments(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    parent_id = _solved(world, engine)
    owner, partner = api(world.users["manager"]), api(world.users["partner_a"])
    published = owner.post(
        "/api/v1/forecast/publications",
        json={"scenario_id": parent_id, "frozen_periods": 0, "firm_periods": 3},
    ).json()
    release = published[0]["release"]
    pub_a = next(p["id"] for p in published if p["partner_id"] == world.partner_a)
    lines = partner.get(f"/api/v1/forecast/publications/{pub_a}/lines").json()
    # the cheaper A1 makes all 50 a month in the published plan
    assert [(r["period"], Decimal(r["planned_qty"])) for r in lines] == [
        (t, Decimal(50)) for t in PERIODS
    ]
    nothing = owner.post("/api/v1/forecast/resolve", json={"release": release})
    assert nothing.status_code == 422
    assert [e["field"] for e in nothing.json()["errors"]] == ["release"]
    url = "/api/v1/forecast/lines/{}/response"
    assert partner.post(url.format(lines[0]["id"]), json={"action": "commit"}).status_code == 200
    counter = {"action": "counter", "qty": 30, "reason": "one shift only"}
    assert partner.post(url.format(lines[1]["id"]), json=counter).status_code == 200
    assert owner.post(f"/api/v1/forecast/lines/{lines[1]['id']}/accept").status_code == 200
    assert partner.post("/api/v1/forecast/resolve", json={"release": release}).status_code == 404
    assert owner.post("/api/v1/forecast/resolve", json={"release": 999}).status_code == 404
    made = owner.post("/api/v1/forecast/resolve", json={"release": release})
    assert made.status_code == 202, made.text
    body = made.json()
    assert body["caps"] == 2
    assert jobs.run_job(engine, body["job_id"]) == "succeeded"
    with unit_of_work(engine) as session:
        child = planning_service.get_scenario(
            session, actor=SYSTEM_ACTOR, scenario_id=body["scenario_id"]
        )
        assert child.parent_id == parent_id
        assert child.what_if == {"kind": "commitment_caps", "release": release, "caps": 2}
        assert child.input_doc["sites"][0]["capacity"] == {
            "F1": {"2027-01": 50.0, "2027-02": 30.0, "2027-03": 100.0}
        }
        assert child.result_doc is not None
        flows = {
            (f["site"], f["period"]): round(float(f["qty"]), 6) for f in child.result_doc["flows"]
        }
    # February: A1 capped at its 30, B1 makes the other 20
    assert flows == {
        ("A1", "2027-01"): 50.0,
        ("A1", "2027-02"): 30.0,
        ("B1", "2027-02"): 20.0,
        ("A1", "2027-03"): 50.0,
    }


def test_resolve_page_refusal_names_the_reason(world: World, base_url: str, engine: Engine) -> None:
    parent_id = _solved(world, engine)
    owner = login(base_url, world.users["manager"])
    token = csrf_of(owner, "/forecast")
    published = owner.post(
        "/forecast/publish", data={"scenario_id": str(parent_id), "csrf_token": token}
    )
    assert published.status_code == 303
    home = owner.get("/forecast").text
    assert 'data-testid="resolve-form"' in home
    refused = owner.post("/forecast/resolve", data={"release": "1", "csrf_token": token})
    assert refused.status_code == 422
    assert "nothing to cap" in refused.text
