"""NCRs from rejected lots and the partner's 8D: step approval, returns, overdue flags, and the
closure that waits for N clean lots of the same partner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select, update
from tests.conftest import World
from tests.quality.quality_web_factories import inspect, make_plan, open_lot

from cofab.core.audit import AuditEntry
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.quality.models import EIGHTD_STEPS, EightDStep, NonConformance

SOLDER_2 = [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 2}]


def _rejected_lot(engine: Engine, partner_id: int, lot_no: str = "R-1") -> int:
    with unit_of_work(engine) as session:
        make_plan(session, partner_id)
        inspection = open_lot(session, partner_id, lot_no, 500)
        inspect(session, inspection.id, SOLDER_2)
        return inspection.lot_id


def _lot(engine: Engine, partner_id: int, lot_no: str, defects: list) -> None:  # type: ignore[type-arg]
    with unit_of_work(engine) as session:
        inspection = open_lot(session, partner_id, lot_no, 500)
        inspect(session, inspection.id, defects)


def test_ncr_from_a_rejected_lot_carries_code_quantity_and_cost(
    world: World, engine: Engine, api
) -> None:
    lot_id = _rejected_lot(engine, world.partner_a)
    owner = api(world.users["quality"])
    made = owner.post(
        f"/api/v1/quality/lots/{lot_id}/ncr",
        json={"cost_sorting": "120.50", "cost_freight": "30", "currency": "USD"},
    )
    assert made.status_code == 201, made.text
    ncr = made.json()
    assert (ncr["defect_code"], ncr["quantity"], ncr["severity"]) == ("SOLDER", 2, "major")
    detail = owner.get(f"/api/v1/quality/ncrs/{ncr['id']}").json()
    assert detail["cost_total"] == "150.5000"
    bad = owner.post(
        "/api/v1/quality/ncrs",
        json={
            "partner_id": world.partner_a,
            "product": "P",
            "defect_code": "X",
            "quantity": 0,
            "cost_scrap": "-1",
        },
        headers={"Accept-Language": "ko"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"quantity", "cost_scrap"}
    assert {e["label"] for e in bad.json()["errors"]} == {"수량", "비용: 폐기"}
    other = owner.post(
        "/api/v1/quality/ncrs",
        json={
            "partner_id": world.partner_b,
            "product": "P",
            "defect_code": "X",
            "quantity": 1,
            "lot_id": lot_id,
        },
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "lot_id"
    with unit_of_work(engine) as session:
        assert len(session.execute(select(NonConformance)).scalars().all()) == 1
    partner_b = api(world.users["partner_b"])
    assert partner_b.get(f"/api/v1/quality/ncrs/{ncr['id']}").status_code == 404
    assert partner_b.get("/api/v1/quality/ncrs").json()["total"] == 0


def test_partner_writes_the_8d_owner_approves_and_closure_waits_for_clean_lots(
    world: World, engine: Engine, api
) -> None:
    lot_id = _rejected_lot(engine, world.partner_a)
    owner = api(world.users["quality"])
    partner = api(world.users["partner_a"])
    ncr_id = owner.post(f"/api/v1/quality/lots/{lot_id}/ncr", json={}).json()["id"]
    eightd = owner.post(f"/api/v1/quality/ncrs/{ncr_id}/8d", json={"verify_lots": 3}).json()
    eid = eightd["id"]

    # the partner may not approve, the owner may not approve what was never submitted
    assert (
        partner.post(
            f"/api/v1/quality/8d/{eid}/steps/D1/review", json={"decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        owner.post(
            f"/api/v1/quality/8d/{eid}/steps/D1/review", json={"decision": "approve"}
        ).status_code
        == 409
    )
    unknown = partner.put(f"/api/v1/quality/8d/{eid}/steps/D4", json={"content": {"why9": "x"}})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "content.why9"

    d4 = {
        "why1": "bridge",
        "why2": "paste",
        "why3": "stencil",
        "why4": "wear",
        "why5": "no PM",
        "root_cause": "stencil not maintained",
        "machine": "printer",
    }
    for step in EIGHTD_STEPS:
        content = d4 if step == "D4" else {}
        wrote = partner.put(f"/api/v1/quality/8d/{eid}/steps/{step}", json={"content": content})
        assert wrote.status_code == 200, wrote.text
    returned = owner.post(f"/api/v1/quality/8d/{eid}/steps/D4/review", json={"decision": "return"})
    assert returned.status_code == 422 and returned.json()["errors"][0]["field"] == "comment"
    returned = owner.post(
        f"/api/v1/quality/8d/{eid}/steps/D4/review",
        json={"decision": "return", "comment": "Why 5 is a symptom"},
    )
    assert returned.json()["status"] == "returned"
    again = partner.put(
        f"/api/v1/quality/8d/{eid}/steps/D4",
        json={"content": d4 | {"why5": "PM plan lacks stencils"}},
    )
    assert again.json()["status"] == "submitted"
    for step in EIGHTD_STEPS[:-1]:
        ok = owner.post(
            f"/api/v1/quality/8d/{eid}/steps/{step}/review", json={"decision": "approve"}
        )
        assert ok.json()["status"] == "approved", (step, ok.text)

    # two clean lots, then a recurrence, then three clean lots: closure only after the third
    _lot(engine, world.partner_a, "V-1", [])
    _lot(engine, world.partner_a, "V-2", [])
    refused = owner.post(f"/api/v1/quality/8d/{eid}/close")
    assert refused.status_code == 409
    assert "SOLDER" in refused.json()["detail"]
    _lot(
        engine,
        world.partner_a,
        "V-3",
        [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 1}],
    )
    _lot(engine, world.partner_a, "V-4", [])
    _lot(engine, world.partner_a, "V-5", [])
    check = owner.get(f"/api/v1/quality/8d/{eid}").json()["verification"]
    assert (check["clean"], check["lots_since"], check["passed"]) == (2, 5, False)
    assert owner.post(f"/api/v1/quality/8d/{eid}/close").status_code == 409
    _lot(engine, world.partner_a, "V-6", [])
    closed = owner.post(f"/api/v1/quality/8d/{eid}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["eightd"]["status"] == "closed"
    assert owner.get(f"/api/v1/quality/ncrs/{ncr_id}").json()["ncr"]["status"] == "closed"
    with unit_of_work(engine) as session:
        actions = [
            a
            for (a,) in session.execute(
                select(AuditEntry.action).where(AuditEntry.entity == "quality_8d_step")
            )
        ]
    assert actions.count("submit") == 10 and "reject" in actions and actions.count("approve") == 8


def test_overdue_steps_are_flagged_for_both_sides(world: World, engine: Engine, api) -> None:
    lot_id = _rejected_lot(engine, world.partner_a)
    owner = api(world.users["quality"])
    ncr_id = owner.post(f"/api/v1/quality/lots/{lot_id}/ncr", json={}).json()["id"]
    eid = owner.post(f"/api/v1/quality/ncrs/{ncr_id}/8d", json={"containment_hours": 24}).json()[
        "id"
    ]
    detail = owner.get(f"/api/v1/quality/8d/{eid}").json()
    due = {s["step"]: s["due_at"] for s in detail["steps"]}
    assert due["D3"] == detail["eightd"]["containment_due_at"]
    with unit_of_work(engine) as session:
        session.execute(
            update(EightDStep)
            .where(EightDStep.step == "D3")
            .values(due_at=utcnow() - timedelta(hours=1))
        )
    from tests.conftest import login

    for who in ("quality", "partner_a"):
        client = login(owner.base_url.__str__().rstrip("/"), world.users[who])
        page = client.get("/quality")
        assert page.status_code == 200
        assert f"8D-{eid}" in page.text and "D3" in page.text
        eight = client.get(f"/quality/8d/{eid}")
        assert 'data-testid="overdue-D3"' in eight.text
        assert 'data-testid="overdue-D4"' not in eight.text
    other = login(owner.base_url.__str__().rstrip("/"), world.users["partner_b"])
    assert f"8D-{eid}" not in other.get("/quality").text
    assert other.get(f"/quality/8d/{eid}").status_code == 404
