"""Inspection plans, receipts → lots → inspections, verdicts, switching and dispositions.

Expected sample sizes and Ac/Re are read from ISO 2859-1 by hand (Table 1 level II, Table 2-A/B),
not from the engine: lot 500 → letter H; AQL 1.0 normal H → n=50, Ac 1, Re 2; AQL 0.1 normal H
follows the arrow down to K (n=125, Ac 0, Re 1), AQL 2.5 normal H → n=50, Ac 3, Re 4; on
tightened (Table 2-B) AQL 0.1 follows the arrow to L (n=200, Ac 0, Re 1).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms
from tests.operations.ops_factories import deliver, line_ids, make_order
from tests.quality.quality_web_factories import inspect, make_plan, open_lot

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.quality.models import (
    Characteristic,
    Inspection,
    InspectionPlan,
    Lot,
    PlanStateChange,
)


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_plan_takes_the_agreement_aql_refuses_a_looser_one(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        make_active_contract(
            session,
            [world.partner_a],
            kind="quality_agreement",
            title="QA",
            terms_doc=terms(quality={"aql": "0.65", "max_ppm": 500}),
        )
    client = api(world.users["quality"])
    body = {"partner_id": world.partner_a, "product": "PCB-1", "aql_critical": 0.1}
    made = client.post("/api/v1/quality/plans", json=body)
    assert made.status_code == 201, made.text
    plan = made.json()
    assert (plan["aql_critical"], plan["aql_major"], plan["aql_minor"]) == (0.1, 0.65, 0.65)
    assert plan["agreement_aql"] == 0.65

    looser = client.post(
        "/api/v1/quality/plans",
        json={"partner_id": world.partner_a, "product": "PCB-2", "aql_major": 1.0},
        headers={"Accept-Language": "ko"},
    )
    assert looser.status_code == 422
    problem = looser.json()["errors"][0]
    assert problem["field"] == "aql_major"
    assert problem["label"] == "AQL(중결함)"
    assert "0.65" in problem["message"]
    not_series = client.post(
        "/api/v1/quality/plans",
        json={"partner_id": world.partner_a, "product": "PCB-3", "aql_major": 0.5},
    )
    assert not_series.status_code == 422
    assert not_series.json()["errors"][0]["label"] == "AQL (major)"
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(InspectionPlan)).scalar_one() == 1


def test_without_agreement_every_aql_is_required_and_limits_are_checked(
    world: World, engine: Engine, api
) -> None:
    client = api(world.users["quality"])
    missing = client.post(
        "/api/v1/quality/plans", json={"partner_id": world.partner_a, "product": "X"}
    )
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {
        "aql_critical",
        "aql_major",
        "aql_minor",
    }
    bad_limits = client.post(
        "/api/v1/quality/plans",
        json={
            "partner_id": world.partner_a,
            "product": "X",
            "aql_critical": 0.1,
            "aql_major": 1.0,
            "aql_minor": 2.5,
            "characteristics": [
                {"name_ko": "두께", "name_en": "Thickness", "kind": "variable", "lsl": 2, "usl": 1}
            ],
        },
        headers={"Accept-Language": "ko"},
    )
    assert bad_limits.status_code == 422
    err = bad_limits.json()["errors"][0]
    assert err["field"] == "characteristics.0.usl"
    assert "규격 상한" in err["label"]
    assert _count(engine, InspectionPlan) == 0


def test_receipt_opens_a_lot_with_the_iso_sample_and_verdict_follows_ac_re(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        plan = make_plan(session, world.partner_a)
        order = make_order(
            session, world.partner_a, "PO-Q1", [("PCB-1", 500, 2.0, date(2026, 3, 1))]
        )
        line = line_ids(session, order)[0]
        deliver(session, line, "ASN-Q1", date(2026, 3, 1), 500)
        lot = session.execute(select(Lot)).scalar_one()
        assert (lot.lot_size, lot.plan_id, lot.product, lot.order_line_id) == (
            500,
            plan.id,
            "PCB-1",
            line,
        )
        inspection = session.execute(select(Inspection)).scalar_one()
        cp = inspection.class_plans
        assert (cp["major"]["code_letter"], cp["major"]["sample_size"]) == ("H", 50)
        assert (cp["major"]["accept"], cp["major"]["reject"]) == (1, 2)
        assert (cp["critical"]["code_letter"], cp["critical"]["sample_size"]) == ("K", 125)
        assert (cp["critical"]["accept"], cp["critical"]["reject"]) == (0, 1)
        assert (cp["minor"]["accept"], cp["minor"]["reject"]) == (3, 4)
        assert inspection.sample_size == 125
        inspection_id = inspection.id
    client = api(world.users["quality"])
    # one major defect: Ac 1 → accepted; three minor: Ac 3 → accepted
    ok = client.post(
        f"/api/v1/quality/inspections/{inspection_id}/result",
        json={
            "defects": [
                {"defect_code": "SOLDER", "defect_class": "major", "quantity": 1},
                {"defect_code": "SCRATCH", "defect_class": "minor", "quantity": 3},
            ]
        },
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "accepted"
    again = client.post(f"/api/v1/quality/inspections/{inspection_id}/result", json={"defects": []})
    assert again.status_code == 409


def test_a_major_count_at_re_rejects_and_disposition_is_recorded(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        inspection = open_lot(session, world.partner_a, "L-1", 500)
        inspection_id, lot_id = inspection.id, inspection.lot_id
    client = api(world.users["quality"])
    early = client.post(f"/api/v1/quality/lots/{lot_id}/disposition", json={"disposition": "scrap"})
    assert early.status_code == 409
    result = client.post(
        f"/api/v1/quality/inspections/{inspection_id}/result",
        json={"defects": [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 2}]},
    )
    assert result.json()["status"] == "rejected"
    lot = client.get(f"/api/v1/quality/lots/{lot_id}").json()
    assert lot["lot"]["status"] == "rejected"
    done = client.post(
        f"/api/v1/quality/lots/{lot_id}/disposition",
        json={"disposition": "use_as_is", "note": "concession C-7"},
    )
    assert done.status_code == 200
    assert done.json()["disposition"] == "use_as_is"
    with unit_of_work(engine) as session:
        actions = set(
            session.execute(
                select(AuditEntry.action).where(AuditEntry.entity == "quality_lot")
            ).scalars()
        )
    assert {"create", "verdict", "dispose"} <= actions


def test_defects_are_checked_field_by_field_and_nothing_is_written(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        plan_b = make_plan(session, world.partner_b, product="PCB-B")
        b_char = session.execute(
            select(Characteristic.id).where(Characteristic.plan_id == plan_b.id)
        ).scalar_one()
        inspection = open_lot(session, world.partner_a, "L-2", 500)
        inspection_id = inspection.id
    client = api(world.users["quality"], "ko")
    bad = client.post(
        f"/api/v1/quality/inspections/{inspection_id}/result",
        json={
            "defects": [
                {"defect_code": "X", "defect_class": "major", "quantity": 201},
                {"characteristic_id": b_char, "quantity": 1},  # partner B's
                {"quantity": 1},
            ]
        },
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {
        "defects.0.quantity",
        "defects.1.characteristic_id",
        "defects.2.defect_class",
        "defects.2.defect_code",
    }
    with unit_of_work(engine) as session:
        assert session.get(Inspection, inspection_id).status == "pending"  # type: ignore[union-attr]
    zero = client.post(
        "/api/v1/quality/lots",
        json={"partner_id": world.partner_a, "product": "PCB-1", "lot_no": "Z", "lot_size": 0},
    )
    assert zero.status_code == 422
    assert zero.json()["errors"][0]["label"] == "로트 크기"


def test_two_rejections_in_five_switch_to_tightened_with_history(
    world: World, engine: Engine
) -> None:
    verdicts = []
    with unit_of_work(engine) as session:
        plan = make_plan(session, world.partner_a)
        for n, bad in enumerate((False, True, False, True, False)):
            inspection = open_lot(session, world.partner_a, f"S-{n}", 500)
            defects = [{"defect_code": "S", "defect_class": "major", "quantity": 2}] if bad else []
            verdicts.append(inspect(session, inspection.id, defects).severity)
        session.refresh(plan)
        assert plan.switching_state == "tightened"
        history = session.execute(select(PlanStateChange)).scalars().all()
        assert [(h.from_state, h.to_state) for h in history] == [("normal", "tightened")]
        # the lot after the switch is sampled from Table 2-B: critical AQL 0.1 at H → arrow to L
        nxt = open_lot(session, world.partner_a, "S-9", 500)
        assert nxt.severity == "tightened"
        assert nxt.class_plans["critical"]["sample_size"] == 200
        assert nxt.class_plans["critical"]["code_letter"] == "L"
    # the second rejection (fourth lot) switches: the fifth lot is already sampled tightened
    assert verdicts == ["normal"] * 4 + ["tightened"]


def test_partner_posts_outgoing_inspection_for_its_own_lot_only(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        make_plan(session, world.partner_b)
        own = open_lot(session, world.partner_a, "A-OUT", 500).lot_id
        other = open_lot(session, world.partner_b, "B-OUT", 500).lot_id
    partner = api(world.users["partner_a"])
    posted = partner.post(
        f"/api/v1/quality/lots/{own}/outgoing",
        json={
            "sample_size": 80,
            "defects": [{"defect_code": "C", "defect_class": "minor", "quantity": 1}],
        },
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["kind"] == "outgoing"
    assert (
        partner.post(
            f"/api/v1/quality/lots/{other}/outgoing", json={"sample_size": 80, "defects": []}
        ).status_code
        == 404
    )
    listed = partner.get("/api/v1/quality/lots").json()
    assert [lot["lot_no"] for lot in listed["items"]] == ["A-OUT"]
    # a partner records no incoming verdicts
    with unit_of_work(engine) as session:
        pending = session.execute(
            select(Inspection.id).where(Inspection.lot_id == own, Inspection.kind == "incoming")
        ).scalar_one()
    assert (
        partner.post(
            f"/api/v1/quality/inspections/{pending}/result", json={"defects": []}
        ).status_code
        == 403
    )


def test_five_rejections_on_tightened_discontinue_until_the_owner_resumes(
    world: World, engine: Engine, api
) -> None:
    bad = [{"defect_code": "S", "defect_class": "major", "quantity": 3}]
    with unit_of_work(engine) as session:
        plan = make_plan(session, world.partner_a)
        plan_id = plan.id
        for n in range(7):  # 2 to tighten, then 5 on tightened
            inspect(session, open_lot(session, world.partner_a, f"D-{n}", 500).id, bad)
        session.refresh(plan)
        assert plan.switching_state == "discontinued"
        moves = [
            (h.from_state, h.to_state) for h in session.execute(select(PlanStateChange)).scalars()
        ]
        assert moves == [("normal", "tightened"), ("tightened", "discontinued")]
    owner = api(world.users["quality"])
    home = login(owner.base_url.__str__().rstrip("/"), world.users["quality"]).get("/quality")
    assert 'data-testid="discontinued"' in home.text and "Alpha Assembly" in home.text
    assert (
        api(world.users["partner_a"])
        .post(f"/api/v1/quality/plans/{plan_id}/state", json={"state": "normal"})
        .status_code
        == 403
    )
    resumed = owner.post(
        f"/api/v1/quality/plans/{plan_id}/state", json={"state": "normal", "note": "8D closed"}
    )
    assert resumed.json()["switching_state"] == "normal"
    history = owner.get(f"/api/v1/quality/plans/{plan_id}").json()["history"]
    assert history[-1]["reason"] == "8D closed"
    looser = owner.patch(f"/api/v1/quality/plans/{plan_id}", json={"aql_major": 4.0})
    assert looser.status_code == 200  # no agreement in force: any series value
    off = owner.patch(f"/api/v1/quality/plans/{plan_id}", json={"aql_minor": 3.0})
    assert off.status_code == 422 and off.json()["errors"][0]["field"] == "aql_minor"


def test_quality_figures_for_scorecards_by_hand(world: World, engine: Engine) -> None:
    from cofab.quality import service

    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        # lot size 500 → sample 125 (the critical class's n): 2 + 0 defective of 250 sampled
        inspect(
            session,
            open_lot(session, world.partner_a, "F-1", 500).id,
            [{"defect_code": "S", "defect_class": "major", "quantity": 2}],
        )
        inspect(session, open_lot(session, world.partner_a, "F-2", 500).id, [])
        today = date.today()
        figures = service.figures_for(session, partner_id=world.partner_a, start=today, end=today)
    assert (figures.inspected_units, figures.defective_units) == (250, 2)
    assert figures.ppm == 8000.0  # 2 / 250 * 1e6
    assert (figures.lots_inspected, figures.lots_rejected, figures.ncr_count) == (2, 1, 0)
    assert figures.audit_score is None
