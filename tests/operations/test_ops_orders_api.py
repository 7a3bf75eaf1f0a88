"""Orders over the API: creation and idempotency, Incoterms/currency checks, the acknowledgement
state machine, and the version history that answers "what was promised on day D"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.operations.models import LineVersion, Order, OrderLine


def order_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_id": world.partner_a,
        "site_id": world.ids["a"]["site_id"],
        "external_ref": "PO-1001",
        "order_date": "2025-01-10",
        "currency": "USD",
        "incoterm": "FOB",
        "incoterm_place": "Haiphong",
        "lines": [
            {
                "product": "Board",
                "product_family": "PCB",
                "quantity": "100",
                "unit_price": "2.5",
                "requested_date": "2025-02-01",
            },
            {
                "product": "Case",
                "quantity": "50",
                "unit_price": "1.2",
                "requested_date": "2025-02-05",
            },
            {
                "product": "Cable",
                "quantity": "80",
                "unit_price": "0.4",
                "requested_date": "2025-02-10",
            },
        ],
    }
    return body | overrides


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_order_is_created_once_per_reference(world: World, api, engine) -> None:
    client = api(world.users["manager"])
    first = client.post("/api/v1/orders", json=order_body(world))
    assert first.status_code == 201, first.text
    detail = first.json()
    assert [line["line_no"] for line in detail["lines"]] == [1, 2, 3]
    assert detail["lines"][0]["promised_date"] == "2025-02-01"
    assert all(line["ack_status"] == "pending" for line in detail["lines"])
    again = client.post("/api/v1/orders", json=order_body(world))
    assert again.status_code == 200 and again.json()["id"] == detail["id"]
    changed = order_body(world)
    changed["lines"][0]["quantity"] = "120"
    clash = client.post("/api/v1/orders", json=changed)
    assert clash.status_code == 409
    assert count(engine, Order) == 1 and count(engine, OrderLine) == 3


def test_bad_order_input_names_each_field_and_writes_nothing(world: World, api, engine) -> None:
    client = api(world.users["manager"])
    body = order_body(world, incoterm="FOT", currency="XYZ")
    body["lines"][1]["quantity"] = "-5"
    body["lines"][2]["requested_date"] = "2024-12-01"
    response = client.post("/api/v1/orders", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"incoterm", "lines.1.quantity"} <= fields
    fixed = order_body(world, currency="XYZ")
    fixed["lines"][2]["requested_date"] = "2024-12-01"
    second = client.post("/api/v1/orders", json=fixed)
    assert second.status_code == 422
    fields = {e["field"] for e in second.json()["errors"]}
    assert fields == {"currency", "lines.2.requested_date"}
    wrong_site = client.post(
        "/api/v1/orders", json=order_body(world, site_id=world.ids["b"]["site_id"])
    )
    assert wrong_site.status_code == 422
    assert wrong_site.json()["errors"][0]["field"] == "site_id"
    assert count(engine, Order) == 0 and count(engine, OrderLine) == 0


def test_partner_users_and_viewers_cannot_place_orders(world: World, api) -> None:
    for user in ("partner_a", "viewer", "quality"):
        response = api(world.users[user]).post("/api/v1/orders", json=order_body(world))
        assert response.status_code == 403, user


def test_acknowledgement_state_machine(world: World, api) -> None:
    manager = api(world.users["manager"])
    partner = api(world.users["partner_a"])
    lines = manager.post("/api/v1/orders", json=order_body(world)).json()["lines"]
    l1, l2, l3 = (line["id"] for line in lines)

    ok = partner.post(f"/api/v1/order-lines/{l1}/ack", json={"action": "accept"})
    assert ok.status_code == 200 and ok.json()["ack_status"] == "accepted"
    assert ok.json()["acknowledged_at"] is not None
    # accepting twice is not a valid move
    assert (
        partner.post(f"/api/v1/order-lines/{l1}/ack", json={"action": "accept"}).status_code == 409
    )

    no_reason = partner.post(f"/api/v1/order-lines/{l2}/ack", json={"action": "reject"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    rejected = partner.post(
        f"/api/v1/order-lines/{l2}/ack", json={"action": "reject", "reason": "No capacity"}
    )
    assert rejected.json()["ack_status"] == "rejected"
    assert (
        partner.post(
            f"/api/v1/order-lines/{l2}/ack",
            json={"action": "propose", "proposed_date": "2025-03-01"},
        ).status_code
        == 409
    )

    proposed = partner.post(
        f"/api/v1/order-lines/{l3}/ack",
        json={"action": "propose", "proposed_date": "2025-02-20", "proposed_qty": "60"},
    )
    assert proposed.json()["ack_status"] == "proposed"
    # only the owner decides on a proposal
    assert (
        partner.post(f"/api/v1/order-lines/{l3}/proposal", json={"decision": "accept"}).status_code
        == 403
    )
    taken = manager.post(f"/api/v1/order-lines/{l3}/proposal", json={"decision": "accept"})
    assert taken.status_code == 200
    assert taken.json()["promised_date"] == "2025-02-20"
    assert float(taken.json()["promised_qty"]) == 60
    assert taken.json()["ack_status"] == "accepted"

    # an accepted line may get a new proposal; declining it keeps the accepted promise
    partner.post(
        f"/api/v1/order-lines/{l3}/ack", json={"action": "propose", "proposed_date": "2025-03-15"}
    )
    declined = manager.post(
        f"/api/v1/order-lines/{l3}/proposal", json={"decision": "reject", "note": "Keep the date"}
    )
    assert declined.json()["ack_status"] == "accepted"
    assert declined.json()["promised_date"] == "2025-02-20"
    assert (
        manager.post(f"/api/v1/order-lines/{l3}/proposal", json={"decision": "accept"}).status_code
        == 409
    )

    # owner changes a line → the partner must answer again
    changed = manager.patch(f"/api/v1/order-lines/{l1}", json={"quantity": "110"})
    assert changed.json()["ack_status"] == "pending" and changed.json()["version"] == 3

    viewer = api(world.users["viewer"])
    assert (
        viewer.post(f"/api/v1/order-lines/{l1}/ack", json={"action": "accept"}).status_code == 403
    )
    other = api(world.users["partner_b"])
    assert other.post(f"/api/v1/order-lines/{l1}/ack", json={"action": "accept"}).status_code == 404


def test_history_answers_what_was_promised_at_any_moment(world: World, api, engine) -> None:
    manager = api(world.users["manager"])
    partner = api(world.users["partner_a"])
    line_id = manager.post("/api/v1/orders", json=order_body(world)).json()["lines"][0]["id"]
    partner.post(
        f"/api/v1/order-lines/{line_id}/ack",
        json={"action": "propose", "proposed_date": "2025-02-15"},
    )
    manager.post(f"/api/v1/order-lines/{line_id}/proposal", json={"decision": "accept"})
    history = manager.get(f"/api/v1/order-lines/{line_id}/history").json()
    changes = [v["change"] for v in history["versions"]]
    assert changes == ["created", "propose", "proposal_accepted"]
    assert [v["promised_date"] for v in history["versions"]] == [
        "2025-02-01",
        "2025-02-01",
        "2025-02-15",
    ]
    assert history["versions"][0]["valid_to"] == history["versions"][1]["valid_from"]
    assert history["versions"][-1]["valid_to"] is None
    between = datetime.fromisoformat(history["versions"][1]["valid_from"]) + timedelta(
        microseconds=1
    )
    then = manager.get(
        f"/api/v1/order-lines/{line_id}/history", params={"as_of": between.isoformat()}
    ).json()
    assert then["state_as_of"]["promised_date"] == "2025-02-01"
    assert then["state_as_of"]["ack_status"] == "proposed"
    now = manager.get(
        f"/api/v1/order-lines/{line_id}/history",
        params={
            "as_of": (
                datetime.fromisoformat(history["versions"][2]["valid_from"]) + timedelta(seconds=1)
            ).isoformat()
        },
    ).json()
    assert now["state_as_of"]["promised_date"] == "2025-02-15"
    before = datetime.fromisoformat(history["versions"][0]["valid_from"]) - timedelta(days=1)
    none = manager.get(
        f"/api/v1/order-lines/{line_id}/history", params={"as_of": before.isoformat()}
    ).json()
    assert none["state_as_of"] is None
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(LineVersion)).scalar_one() == 5


def test_cancelled_order_closes_its_lines(world: World, api) -> None:
    manager = api(world.users["manager"])
    order = manager.post("/api/v1/orders", json=order_body(world)).json()
    cancelled = manager.post(f"/api/v1/orders/{order['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    detail = manager.get(f"/api/v1/orders/{order['id']}").json()
    assert {line["ack_status"] for line in detail["lines"]} == {"cancelled"}
    partner = api(world.users["partner_a"])
    line_id = detail["lines"][0]["id"]
    assert (
        partner.post(f"/api/v1/order-lines/{line_id}/ack", json={"action": "accept"}).status_code
        == 409
    )
    assert manager.post(f"/api/v1/orders/{order['id']}/cancel").status_code == 409
