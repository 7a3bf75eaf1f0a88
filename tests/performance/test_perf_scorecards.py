"""Scorecards: linear scoring curves, grade bands and the order gate they drive, drill-down to
the lines behind a score, the comment/dispute flow, and performance reviews with a frozen KPI
snapshot and overdue action items on both sides."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, login
from tests.operations.ops_factories import build_february, deliver, line_ids, make_order

from cofab.db.session import unit_of_work
from cofab.performance import scorecards

TEMPLATE: dict[str, Any] = {
    "name": "Monthly delivery and quality",
    "period": "month",
    "tolerance_days": 0,
    "metrics": [
        {"kpi": "otd_lines", "weight": 2, "full_at": 98, "zero_at": 85},
        {"kpi": "defect_ppm", "weight": 1, "full_at": 0, "zero_at": 50000},
    ],
    "bands": [
        {"grade": "A", "min_score": 85, "action": "none"},
        {"grade": "B", "min_score": 70, "action": "warning"},
        {"grade": "C", "min_score": 50, "action": "approval"},
        {"grade": "D", "min_score": 0, "action": "block"},
    ],
}


def test_linear_scoring_curves_and_grades() -> None:
    assert scorecards.points(98, 98, 85) == 100 and scorecards.points(99.5, 98, 85) == 100
    assert scorecards.points(85, 98, 85) == 0 and scorecards.points(60, 98, 85) == 0
    assert scorecards.points(91.5, 98, 85) == pytest.approx(50)
    # lower is better: the same formula, anchors the other way round
    assert scorecards.points(2750, 500, 5000) == pytest.approx(50)
    assert scorecards.points(100, 500, 5000) == 100 and scorecards.points(None, 98, 85) is None
    score, detail = scorecards.score_of(
        {"otd_lines": 91.5, "defect_ppm": None}, TEMPLATE["metrics"]
    )
    assert score == pytest.approx(50) and detail["defect_ppm"]["points"] is None
    assert scorecards.score_of({"otd_lines": None}, TEMPLATE["metrics"])[0] is None
    assert scorecards.grade_of(85, TEMPLATE["bands"]) == ("A", "none")
    assert scorecards.grade_of(69.99, TEMPLATE["bands"]) == ("C", "approval")
    assert scorecards.grade_of(None, TEMPLATE["bands"]) == (None, "none")
    assert scorecards.period_bounds("quarter", date(2025, 5, 17)) == (
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    assert scorecards.period_bounds("month", date(2024, 2, 10)) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )


def compute_february(world: World, api) -> tuple[Any, dict[str, Any]]:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = manager.post("/api/v1/scorecard-templates", json=TEMPLATE)
    assert template.status_code == 201, template.text
    result = manager.post(
        "/api/v1/scorecards/compute",
        json={"template_id": template.json()["id"], "period_start": "2025-02-11"},
    )
    assert result.status_code == 200, result.text
    assert result.json() == {
        "computed": 2,
        "period_start": "2025-02-01",
        "period_end": "2025-02-28",
    }
    cards = manager.get("/api/v1/scorecards").json()["items"]
    return manager, {c["partner_id"]: c for c in cards}


def order(world: World, ref: str) -> dict[str, Any]:
    return {
        "partner_id": world.partner_a,
        "external_ref": ref,
        "currency": "USD",
        "incoterm": "EXW",
        "lines": [
            {
                "product": "X",
                "quantity": "1",
                "unit_price": "1",
                "requested_date": (date.today() + timedelta(days=30)).isoformat(),
            }
        ],
    }


def test_scorecard_grades_drive_the_order_gate(world: World, api, engine: Engine) -> None:
    build_february(engine, world)
    manager, cards = compute_february(world, api)
    a, b = cards[world.partner_a], cards[world.partner_b]
    # OTD 60 % → 0 points (weight 2); defect 28,571 ppm → 42.857 points (weight 1)
    assert float(a["score"]) == pytest.approx(42.857 / 3, abs=0.01)
    assert a["grade"] == "D" and a["action"] == "block"
    assert a["kpis"]["points"]["otd_lines"]["points"] == 0
    # partner B only had a ticket: no scored KPI has data, so no score at all — not zero
    assert b["score"] is None and b["grade"] is None and b["action"] == "none"

    blocked = manager.post("/api/v1/orders", json=order(world, "GATE-1"))
    assert blocked.status_code == 409
    card_id = a["id"]
    partner = api(world.users["partner_a"])
    partner.post(
        f"/api/v1/scorecards/{card_id}/comments",
        json={"kind": "dispute", "body": "L5 was cancelled by phone"},
    )
    upheld = manager.post(
        f"/api/v1/scorecards/{card_id}/resolve",
        json={"decision": "upheld", "note": "Agreed", "adjusted_score": 60},
    )
    assert upheld.json()["grade"] == "C" and upheld.json()["action"] == "approval"
    assert float(upheld.json()["computed_score"]) == pytest.approx(14.29, abs=0.01)

    held = manager.post("/api/v1/orders", json=order(world, "GATE-2"))
    assert held.status_code == 201 and held.json()["status"] == "pending_approval"
    line_id = held.json()["lines"][0]["id"]
    assert (
        partner.post(f"/api/v1/order-lines/{line_id}/ack", json={"action": "accept"}).status_code
        == 409
    )
    assert partner.post(f"/api/v1/orders/{held.json()['id']}/approve").status_code == 403
    approved = manager.post(f"/api/v1/orders/{held.json()['id']}/approve")
    assert approved.json()["status"] == "open"
    assert (
        partner.post(f"/api/v1/order-lines/{line_id}/ack", json={"action": "accept"}).status_code
        == 200
    )

    # recomputing keeps the score a resolved dispute set
    manager.post(
        "/api/v1/scorecards/compute",
        json={"template_id": a["template_id"], "period_start": "2025-02-01"},
    )
    again = manager.get(f"/api/v1/scorecards/{card_id}").json()
    assert float(again["score"]) == 60 and again["dispute_status"] == "upheld"


def test_dispute_flow(world: World, api, engine: Engine) -> None:
    build_february(engine, world)
    manager, cards = compute_february(world, api)
    card_id = cards[world.partner_a]["id"]
    partner = api(world.users["partner_a"])
    url = f"/api/v1/scorecards/{card_id}"
    assert partner.post(f"{url}/comments", json={"body": "Thanks"}).status_code == 201
    assert manager.post(f"{url}/comments", json={"kind": "dispute", "body": "x"}).status_code == 422
    assert (
        manager.post(f"{url}/resolve", json={"decision": "rejected", "note": "x"}).status_code
        == 409
    )
    disputed = partner.post(f"{url}/comments", json={"kind": "dispute", "body": "L2 arrived early"})
    assert disputed.status_code == 201 and disputed.json()["status"] == "open"
    assert partner.get(url).json()["dispute_status"] == "open"
    assert (
        partner.post(f"{url}/comments", json={"kind": "dispute", "body": "again"}).status_code
        == 409
    )
    assert (
        partner.post(f"{url}/resolve", json={"decision": "upheld", "note": "mine"}).status_code
        == 403
    )
    other = api(world.users["partner_b"])
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/comments", json={"body": "x"}).status_code == 404
    rejected = manager.post(
        f"{url}/resolve", json={"decision": "rejected", "note": "Receipt dates are right"}
    )
    assert rejected.json()["dispute_status"] == "rejected"
    assert rejected.json()["score"] == cards[world.partner_a]["score"]
    thread = partner.get(f"{url}/comments").json()
    assert [c["kind"] for c in thread] == ["comment", "dispute"]
    assert thread[1]["status"] == "rejected" and thread[1]["resolved_by"] == world.users["manager"]


def test_drill_down_lists_the_lines_behind_the_score(world: World, api, engine: Engine) -> None:
    build_february(engine, world)
    manager, cards = compute_february(world, api)
    url = f"/api/v1/scorecards/{cards[world.partner_a]['id']}/drilldown"
    lines = manager.get(url, params={"kpi": "otd_lines"}).json()
    assert lines["kind"] == "lines"
    rows = lines["rows"]
    assert [r["product"] for r in rows] == ["P1", "P2", "P3", "P4", "P5"]
    assert [r["on_time"] for r in rows] == [True, False, True, True, False]
    open_days = (
        date.fromisoformat(cards[world.partner_a]["kpis"]["as_of"]) - date(2025, 2, 25)
    ).days
    assert [r["days_late"] for r in rows] == [None, 2, None, None, open_days]
    receipts = manager.get(url, params={"kpi": "defect_ppm"}).json()
    assert receipts["kind"] == "receipts" and len(receipts["rows"]) == 5
    assert sum(float(r["rejected_qty"]) for r in receipts["rows"]) == 10
    tickets = api(world.users["partner_a"]).get(url, params={"kpi": "response_p90_h"}).json()
    assert [t["response_h"] for t in tickets["rows"]] == [2, 4, 1, 24, None]


def test_trend_over_months(world: World, api, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for month, late in ((1, 0), (2, 5), (3, 0)):
            o = make_order(
                session,
                world.partner_a,
                f"T-{month}",
                [("P", 10, 1, date(2025, month, 10))],
                order_date=date(2025, 1, 2),
            )
            deliver(
                session, line_ids(session, o)[0], f"TA-{month}", date(2025, month, 10 + late), 10
            )
    manager = api(world.users["manager"])
    template_id = manager.post("/api/v1/scorecard-templates", json=TEMPLATE).json()["id"]
    for start in ("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"):
        manager.post(
            "/api/v1/scorecards/compute", json={"template_id": template_id, "period_start": start}
        )
    cards = manager.get("/api/v1/scorecards", params={"partner_id": world.partner_a}).json()
    assert [c["period_start"] for c in cards["items"]] == ["2025-03-01", "2025-02-01", "2025-01-01"]
    with unit_of_work(engine) as session:
        from cofab.core.access import SYSTEM_ACTOR

        march = scorecards.get_scorecard(
            session, actor=SYSTEM_ACTOR, scorecard_id=cards["items"][0]["id"]
        )
        history = scorecards.trend(session, actor=SYSTEM_ACTOR, card=march)
        # February: OTD 0 % → 0 points × 2, no defects → 100 points × 1
        assert [float(c.score or 0) for c in history] == [100.0, 33.33, 100.0]


def test_review_freezes_kpis_and_flags_overdue_actions(world: World, api, engine: Engine) -> None:
    build_february(engine, world)
    manager = api(world.users["manager"])
    review = manager.post(
        "/api/v1/reviews",
        json={
            "partner_id": world.partner_a,
            "title": "February review",
            "held_on": "2025-03-05",
            "period_start": "2025-02-01",
            "period_end": "2025-02-28",
            "tolerance_days": 2,
        },
    )
    assert review.status_code == 201, review.text
    snapshot = review.json()["kpi_snapshot"]
    assert snapshot["values"]["otd_lines"] == pytest.approx(80.0)
    rid = review.json()["id"]
    # new data for February does not change what the review saw
    with unit_of_work(engine) as session:
        o = make_order(session, world.partner_a, "LATE-1", [("Z", 5, 1, date(2025, 2, 2))])
        deliver(session, line_ids(session, o)[0], "LZ", date(2025, 2, 27), 5)
    assert manager.get(f"/api/v1/reviews/{rid}").json()["kpi_snapshot"] == snapshot
    assert manager.post(
        f"/api/v1/reviews/{rid}/decisions", json={"text": "Weekly call on L5"}
    ).json()["decisions"] == ["Weekly call on L5"]
    past = (date.today() - timedelta(days=3)).isoformat()
    future = (date.today() + timedelta(days=30)).isoformat()
    late = manager.post(
        f"/api/v1/reviews/{rid}/action-items",
        json={"title": "Add a second SMT line", "owner_side": "partner", "due_date": past},
    ).json()
    manager.post(
        f"/api/v1/reviews/{rid}/action-items",
        json={"title": "Share forecast", "owner_side": "owner", "due_date": future},
    )
    partner = api(world.users["partner_a"])
    assert [i["id"] for i in manager.get("/api/v1/action-items/overdue").json()] == [late["id"]]
    assert [i["id"] for i in partner.get("/api/v1/action-items/overdue").json()] == [late["id"]]
    assert api(world.users["partner_b"]).get("/api/v1/action-items/overdue").json() == []
    assert (
        partner.patch(f"/api/v1/action-items/{late['id']}", json={"due_date": future}).status_code
        == 403
    )
    done = partner.patch(
        f"/api/v1/action-items/{late['id']}", json={"status": "done", "note": "Line installed"}
    )
    assert done.json()["status"] == "done"
    assert manager.get("/api/v1/action-items/overdue").json() == []
    detail = partner.get(f"/api/v1/reviews/{rid}").json()
    assert len(detail["action_items"]) == 2
    assert api(world.users["partner_b"]).get(f"/api/v1/reviews/{rid}").status_code == 404
    assert (
        partner.post(
            "/api/v1/reviews",
            json={
                "partner_id": world.partner_a,
                "title": "x",
                "held_on": "2025-03-05",
                "period_start": "2025-02-01",
                "period_end": "2025-02-28",
            },
        ).status_code
        == 403
    )


def test_warning_grade_lets_orders_through_flagged(
    world: World, api, engine: Engine, base_url: str
) -> None:
    build_february(engine, world)
    manager, cards = compute_february(world, api)
    card_id = cards[world.partner_a]["id"]
    api(world.users["partner_a"]).post(
        f"/api/v1/scorecards/{card_id}/comments", json={"kind": "dispute", "body": "recount"}
    )
    resolved = manager.post(
        f"/api/v1/scorecards/{card_id}/resolve",
        json={"decision": "upheld", "note": "ok", "adjusted_score": 75},
    )
    assert resolved.json()["grade"] == "B" and resolved.json()["action"] == "warning"
    created = manager.post("/api/v1/orders", json=order(world, "WARN-1"))
    assert created.status_code == 201 and created.json()["status"] == "open"
    assert created.headers["X-Cofab-Scorecard-Action"] == "warning"
    owner_page = login(base_url, world.users["manager"]).get(f"/orders/{created.json()['id']}")
    assert 'data-testid="grade-warning"' in owner_page.text
    partner_page = login(base_url, world.users["partner_a"]).get(f"/orders/{created.json()['id']}")
    assert partner_page.status_code == 200 and "grade-warning" not in partner_page.text
    # a partner without a scorecard gets no flag
    plain = manager.post(
        "/api/v1/orders", json=order(world, "WARN-2") | {"partner_id": world.partner_b}
    )
    assert plain.status_code == 201 and "X-Cofab-Scorecard-Action" not in plain.headers
