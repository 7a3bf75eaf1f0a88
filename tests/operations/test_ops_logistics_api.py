"""Progress, ASNs, receipts, inventory and tickets over the API — including every kind of bad
input the issue names: over-receipt, future dates, negative quantities, unknown lines, currency
mismatch, and a partner posting to another partner's order. Bad input writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.operations.models import (
    InventorySnapshot,
    ProgressEvent,
    Receipt,
    Shipment,
    SupportTicket,
)


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def place_order(world: World, api, ref: str = "PO-7", partner: str = "a") -> list[int]:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    body: dict[str, Any] = {
        "partner_id": world.partner_a if partner == "a" else world.partner_b,
        "external_ref": ref,
        "order_date": "2025-01-10",
        "currency": "EUR",
        "incoterm": "DAP",
        "lines": [
            {
                "product": "Pump",
                "quantity": "10",
                "unit_price": "100",
                "requested_date": "2025-02-01",
            },
            {
                "product": "Valve",
                "quantity": "20",
                "unit_price": "5",
                "requested_date": "2025-02-01",
            },
        ],
    }
    response = manager.post("/api/v1/orders", json=body)
    assert response.status_code == 201, response.text
    return [line["id"] for line in response.json()["lines"]]


def asn(lines: list[tuple[int, str]], ref: str = "ASN-1", **extra: Any) -> dict[str, Any]:
    return {
        "external_ref": ref,
        "ship_date": "2025-01-25",
        "eta": "2025-01-30",
        "carrier": "Maersk",
        "tracking": "MSK123",
        "lines": [{"line_id": lid, "quantity": qty} for lid, qty in lines],
    } | extra


def test_progress_is_posted_by_the_partner_and_summed_by_stage(world: World, api, engine) -> None:
    l1, l2 = place_order(world, api)
    partner = api(world.users["partner_a"])
    first = partner.post(
        f"/api/v1/order-lines/{l1}/progress",
        json={"stage": "in_production", "quantity": "4", "at": "2025-01-15T08:00:00Z"},
    )
    assert first.status_code == 201, first.text
    repeat = partner.post(
        f"/api/v1/order-lines/{l1}/progress",
        json={"stage": "in_production", "quantity": "4", "at": "2025-01-15T08:00:00Z"},
    )
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]
    partner.post(
        f"/api/v1/order-lines/{l1}/progress",
        json={"stage": "in_production", "quantity": "9", "at": "2025-01-16T08:00:00Z"},
    )
    partner.post(
        f"/api/v1/order-lines/{l2}/progress", json={"stage": "in_production", "quantity": "5"}
    )
    partner.post(f"/api/v1/order-lines/{l2}/progress", json={"stage": "packed", "quantity": "2"})
    summary = api(world.users["manager"]).get("/api/v1/progress/summary").json()
    assert summary["in_production"] == 14 and summary["packed"] == 2
    assert summary["quality_check"] == 0
    timeline = partner.get(f"/api/v1/order-lines/{l1}/progress").json()
    assert [float(e["quantity"]) for e in timeline] == [4, 9]

    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    bad = partner.post(
        f"/api/v1/order-lines/{l1}/progress",
        json={"stage": "packed", "quantity": "-1", "at": future},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"quantity"}
    bad_time = partner.post(
        f"/api/v1/order-lines/{l1}/progress",
        json={"stage": "packed", "quantity": "1", "at": future},
    )
    assert bad_time.status_code == 422 and bad_time.json()["errors"][0]["field"] == "at"
    unknown_stage = partner.post(
        f"/api/v1/order-lines/{l1}/progress", json={"stage": "painted", "quantity": "1"}
    )
    assert unknown_stage.status_code == 422
    assert count(engine, ProgressEvent) == 4


def test_partner_cannot_post_to_another_partners_order(world: World, api, engine) -> None:
    b_lines = place_order(world, api, ref="PO-B", partner="b")
    intruder = api(world.users["partner_a"])
    assert (
        intruder.post(
            f"/api/v1/order-lines/{b_lines[0]}/progress", json={"stage": "packed", "quantity": "1"}
        ).status_code
        == 404
    )
    response = intruder.post("/api/v1/shipments", json=asn([(b_lines[0], "1")]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.line_id"
    assert "Unknown order line" in response.json()["errors"][0]["message"]
    assert count(engine, ProgressEvent) == 0 and count(engine, Shipment) == 0


def test_asn_posted_twice_changes_nothing(world: World, api, engine) -> None:
    l1, l2 = place_order(world, api)
    partner = api(world.users["partner_a"])
    first = partner.post("/api/v1/shipments", json=asn([(l1, "6"), (l2, "20")]))
    assert first.status_code == 201, first.text
    second = partner.post("/api/v1/shipments", json=asn([(l1, "6"), (l2, "20")]))
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    different = partner.post("/api/v1/shipments", json=asn([(l1, "7"), (l2, "20")]))
    assert different.status_code == 409
    assert count(engine, Shipment) == 1
    twice = partner.post("/api/v1/shipments", json=asn([(l1, "1"), (l1, "2")], ref="ASN-2"))
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "lines.1.line_id"
    early_eta = partner.post(
        "/api/v1/shipments", json=asn([(l1, "1")], ref="ASN-3", eta="2025-01-01")
    )
    assert early_eta.status_code == 422 and early_eta.json()["errors"][0]["field"] == "eta"
    unknown = partner.post("/api/v1/shipments", json=asn([(999_999, "1")], ref="ASN-4"))
    assert unknown.status_code == 422
    assert count(engine, Shipment) == 1


def test_receipts_never_exceed_what_was_shipped(world: World, api, engine) -> None:
    l1, l2 = place_order(world, api)
    partner = api(world.users["partner_a"])
    shipment = partner.post("/api/v1/shipments", json=asn([(l1, "6"), (l2, "20")])).json()
    sl1, sl2 = (line["id"] for line in shipment["lines"])
    quality = api(world.users["quality"])
    url = f"/api/v1/shipments/{shipment['id']}/receipts"

    def receipt(**lines: Any) -> dict[str, Any]:
        return {
            "received_date": "2025-01-31",
            "lines": [
                {
                    "shipment_line_id": sl1,
                    "accepted_qty": "5",
                    "rejected_qty": "1",
                    "reject_reason": "scratched",
                    "landed_unit_cost": "104",
                    "currency": "EUR",
                }
                | lines
            ],
        }

    over = quality.post(url, json=receipt(accepted_qty="6"))
    assert over.status_code == 422
    error = over.json()["errors"][0]
    assert error["field"] == "lines.0.accepted_qty" and "exceed" in error["message"]
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    late = quality.post(url, json=receipt() | {"received_date": future})
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "received_date"
    money = quality.post(url, json=receipt(currency="USD"))
    assert money.status_code == 422 and money.json()["errors"][0]["field"] == "lines.0.currency"
    assert "EUR" in money.json()["errors"][0]["message"]
    negative = quality.post(url, json=receipt(rejected_qty="-1"))
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "lines.0.rejected_qty"
    no_reason = quality.post(url, json=receipt(reject_reason=None))
    assert no_reason.json()["errors"][0]["field"] == "lines.0.reject_reason"
    unknown = quality.post(url, json=receipt(shipment_line_id=123_456))
    assert unknown.json()["errors"][0]["field"] == "lines.0.shipment_line_id"
    assert count(engine, Receipt) == 0

    ok = quality.post(url, json=receipt())
    assert ok.status_code == 201, ok.text
    booked = ok.json()[0]
    assert float(booked["received_qty"]) == 6 and booked["external_ref"]
    # the line is now fully received: one more unit is over the shipped quantity
    again = quality.post(
        url,
        json={
            "received_date": "2025-02-01",
            "lines": [{"shipment_line_id": sl1, "accepted_qty": "1", "currency": "EUR"}],
        },
    )
    assert again.status_code == 422
    # the same receipt reference again changes nothing
    same = quality.post(url, json=receipt(external_ref=booked["external_ref"]))
    assert same.status_code == 200 and count(engine, Receipt) == 1
    both = quality.post(
        url,
        json={
            "received_date": "2025-02-01",
            "lines": [
                {"shipment_line_id": sl2, "accepted_qty": "12", "currency": "EUR"},
                {"shipment_line_id": sl2, "accepted_qty": "9", "currency": "EUR"},
            ],
        },
    )
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "lines.1.accepted_qty"
    assert count(engine, Receipt) == 1
    assert partner.post(url, json=receipt()).status_code == 403
    assert (
        api(world.users["partner_b"]).get(f"/api/v1/shipments/{shipment['id']}").status_code == 404
    )


def test_inventory_snapshots_keep_history_and_give_cover(world: World, api, engine) -> None:
    manager = api(world.users["manager"])
    today = date.today()
    manager.post(
        "/api/v1/orders",
        json={
            "partner_id": world.partner_a,
            "external_ref": "PO-INV",
            "order_date": today.isoformat(),
            "currency": "USD",
            "incoterm": "EXW",
            "lines": [
                {
                    "product": "Resin",
                    "quantity": "900",
                    "unit_price": "1",
                    "requested_date": (today + timedelta(days=30)).isoformat(),
                }
            ],
        },
    )
    partner = api(world.users["partner_a"])
    site = world.ids["a"]["site_id"]
    old = partner.post(
        "/api/v1/inventory",
        json={"site_id": site, "item": "Resin", "at": "2025-01-01T00:00:00Z", "on_hand": "100"},
    )
    assert old.status_code == 201
    new = partner.post(
        "/api/v1/inventory",
        json={
            "site_id": site,
            "item": "Resin",
            "on_hand": "300",
            "reserved": "30",
            "in_transit": "50",
        },
    )
    assert new.status_code == 201
    current = partner.get("/api/v1/inventory").json()
    assert len(current) == 1 and float(current[0]["on_hand"]) == 300
    # demand 900 over 90 days = 10/day; (300 - 30) / 10 = 27 days
    assert current[0]["daily_demand"] == 10 and current[0]["cover_days"] == 27
    history = partner.get(f"/api/v1/sites/{site}/inventory").json()
    assert [float(h["on_hand"]) for h in history] == [300, 100]
    assert (
        partner.post(
            "/api/v1/inventory",
            json={"site_id": site, "item": "Resin", "at": "2025-01-01T00:00:00Z", "on_hand": "100"},
        ).status_code
        == 200
    )
    bad = partner.post(
        "/api/v1/inventory",
        json={
            "site_id": world.ids["b"]["site_id"],
            "item": "Resin",
            "on_hand": "5",
            "reserved": "9",
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"site_id", "reserved"}
    assert partner.get(f"/api/v1/sites/{world.ids['b']['site_id']}/inventory").status_code == 404
    assert count(engine, InventorySnapshot) == 2


def test_ticket_response_and_resolution(world: World, api, engine) -> None:
    quality = api(world.users["quality"])
    opened = quality.post(
        "/api/v1/tickets",
        json={"partner_id": world.partner_a, "subject": "Solder voids", "priority": "high"},
    )
    assert opened.status_code == 201, opened.text
    ticket_id = opened.json()["id"]
    partner = api(world.users["partner_a"])
    answered = partner.post(f"/api/v1/tickets/{ticket_id}/respond", json={"note": "Looking"})
    assert answered.json()["first_response_at"] is not None
    first = answered.json()["first_response_at"]
    again = partner.post(f"/api/v1/tickets/{ticket_id}/respond", json={"note": "More"})
    assert again.json()["first_response_at"] == first
    resolved = partner.post(f"/api/v1/tickets/{ticket_id}/resolve", json={"note": "Fixed"})
    assert resolved.json()["resolved_at"] is not None
    assert partner.post(f"/api/v1/tickets/{ticket_id}/resolve", json={}).status_code == 409
    assert api(world.users["partner_b"]).get(f"/api/v1/tickets/{ticket_id}").status_code == 404
    assert (
        partner.post(
            "/api/v1/tickets", json={"partner_id": world.partner_a, "subject": "x"}
        ).status_code
        == 403
    )
    assert count(engine, SupportTicket) == 1
