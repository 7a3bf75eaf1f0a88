"""Received and closed: lines and orders show how far the goods came, orders show their value, the
list filters by those states, and the new-order form offers only the chosen partner's sites."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import World, csrf_of, login
from tests.operations.ops_factories import line_ids, make_order, receive, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.operations import fulfilment, orders, schemas
from cofab.operations.models import Shipment

DUE = date(2025, 2, 10)


def test_line_state_rules() -> None:
    d = Decimal
    assert fulfilment.line_state("accepted", d(10), d(0), "open") == "accepted"
    assert fulfilment.line_state("accepted", d(10), d(4), "open") == "partially_received"
    assert fulfilment.line_state("accepted", d(10), d(10), "open") == "received"
    assert fulfilment.line_state("pending", d(10), d(12), "open") == "received"
    assert fulfilment.line_state("accepted", d(10), d(4), "closed") == "closed"
    assert fulfilment.line_state("rejected", d(10), d(0), "closed") == "rejected"
    assert fulfilment.order_state("open", ["received", "rejected"]) == "received"
    assert fulfilment.order_state("open", ["received", "accepted"]) == "partially_received"
    assert fulfilment.order_state("open", ["rejected"]) == "open"
    assert fulfilment.order_state("cancelled", ["received"]) == "cancelled"
    assert fulfilment.line_total(d("3.333"), d("1.5")) == d("4.9995")


def _three_line_order(engine, world: World) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            world.partner_a,
            "FUL-1",
            [("Board", 100, 2.5, DUE), ("Case", 50, 1.2, DUE), ("Cable", 10, 3, DUE)],
        )
        ids = line_ids(session, order)
        for line_id, action in zip(ids, ("accept", "accept", "reject"), strict=True):
            orders.acknowledge(
                session,
                actor=SYSTEM_ACTOR,
                line_id=line_id,
                data=schemas.AckAction(action=action, reason="no copper"),
            )
        make_order(session, world.partner_a, "FUL-2", [("Spare", 1, 7, DUE)])
        return order.id, ids


def lines_by_state(client) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Each line filtered by every state: the SQL filter must agree with the state shown."""
    found: dict[str, list[int]] = {}
    for state in fulfilment.LINE_STATES:
        page = client.get("/api/v1/order-lines", params={"state": state, "size": 200}).json()
        for item in page["items"]:
            assert item["state"] == state, (state, item)
            found.setdefault(state, []).append(item["id"])
    return {k: sorted(v) for k, v in found.items()}


def spare_of(client) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/orders", params={"q": "FUL-2"}).json()
    detail = client.get(f"/api/v1/orders/{page['items'][0]['id']}").json()
    return int(detail["lines"][0]["id"])


def test_states_and_total_follow_the_receipts(world: World, api, engine) -> None:
    order_id, (board, case, _cable) = _three_line_order(engine, world)
    manager = api(world.users["manager"])

    def detail() -> dict:  # type: ignore[type-arg]
        answer = manager.get(f"/api/v1/orders/{order_id}")
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    first = detail()
    # 100 × 2.5 + 50 × 1.2; the rejected cable line is worth nothing
    assert Decimal(first["total_value"]) == Decimal("310")
    assert first["state"] == "open"
    assert [ln["state"] for ln in first["lines"]] == ["accepted", "accepted", "rejected"]
    assert Decimal(first["lines"][0]["line_total"]) == Decimal("250")

    with unit_of_work(engine) as session:
        asn = ship(session, "FUL-ASN", [(board, 100), (case, 50)], DUE)
        receive(session, asn, board, DUE, 98, rejected=2)
        receive(session, asn, case, DUE, 30)
    second = detail()
    assert second["state"] == "partially_received"
    assert [ln["state"] for ln in second["lines"]] == ["received", "partially_received", "rejected"]
    assert Decimal(second["lines"][1]["received_qty"]) == Decimal(30)
    line = manager.get(f"/api/v1/order-lines/{board}").json()
    assert line["state"] == "received" and line["ack_status"] == "accepted"

    def refs(status: str) -> list[str]:
        page = manager.get("/api/v1/orders", params={"status": status}).json()
        return sorted(o["external_ref"] for o in page["items"])

    assert refs("partially_received") == ["FUL-1"]
    assert refs("open") == ["FUL-2"] and refs("received") == []
    assert lines_by_state(manager) == {
        "received": [board],
        "partially_received": [case],
        "rejected": [_cable],
        "pending": [spare_of(manager)],
    }

    with unit_of_work(engine) as session:
        asn = session.get(Shipment, asn.id)
        receive(session, asn, case, date(2025, 2, 11), 20)
    assert detail()["state"] == "received"
    assert refs("received") == ["FUL-1"] and refs("partially_received") == []
    listed = manager.get("/api/v1/orders").json()["items"]
    totals = {o["external_ref"]: Decimal(o["total_value"]) for o in listed}
    assert totals == {"FUL-1": Decimal("310"), "FUL-2": Decimal("7")}

    viewer = api(world.users["viewer"])
    assert viewer.post(f"/api/v1/orders/{order_id}/close").status_code == 403
    closed = manager.post(f"/api/v1/orders/{order_id}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert [ln["state"] for ln in detail()["lines"]] == ["closed", "closed", "rejected"]
    assert refs("closed") == ["FUL-1"] and refs("received") == []
    assert lines_by_state(manager) == {
        "closed": [board, case],
        "rejected": [_cable],
        "pending": [spare_of(manager)],
    }
    other = api(world.users["partner_b"]).get("/api/v1/order-lines").json()
    assert other["total"] == 0
    again = manager.post(f"/api/v1/orders/{order_id}/close")
    assert again.status_code == 409


def test_pages_show_states_totals_and_filter(world: World, base_url: str, engine) -> None:
    order_id, (board, _case, _cable) = _three_line_order(engine, world)
    with unit_of_work(engine) as session:
        asn = ship(session, "FUL-ASN", [(board, 100)], DUE)
        receive(session, asn, board, DUE, 100)
    for locale, received, partial in (
        ("en", "Fully received", "Partially received"),
        ("ko", "입고 완료", "일부 입고"),
    ):
        client = login(base_url, world.users["manager"])
        client.post("/lang", data={"csrf_token": csrf_of(client), "locale": locale})
        page = client.get(f"/orders/{order_id}").text
        assert f'data-testid="ack-1">{received}<' in page
        assert f'data-testid="order-state">{partial}<' in page
        assert "310.00 USD" in page and "250.00 USD" in page
        listed = client.get("/orders", params={"status": "partially_received"}).text
        assert "FUL-1" in listed and "FUL-2" not in listed and "310.00 USD" in listed
        assert "FUL-2" in client.get("/orders", params={"status": "open"}).text
    token = csrf_of(client, f"/orders/{order_id}")
    closed = client.post(f"/orders/{order_id}/close", data={"csrf_token": token})
    assert closed.status_code == 303
    assert 'data-testid="ack-1">마감<' in client.get(f"/orders/{order_id}").text


def test_new_order_site_list_holds_only_the_partners_sites(world: World, base_url: str) -> None:
    a_site, b_site = world.ids["a"]["site_id"], world.ids["b"]["site_id"]
    manager = login(base_url, world.users["manager"])
    page = manager.get("/orders").text
    form = page[page.index('id="order-site"') :]
    form = form[: form.index("</select>")]
    # partners are listed by English name: Alpha first, so its sites only
    assert f'value="{a_site}"' in form and f'value="{b_site}"' not in form
    options = manager.get("/orders/site-options", params={"partner_id": world.partner_b}).text
    assert f'value="{b_site}"' in options and f'value="{a_site}"' not in options
    assert 'hx-get="/orders/site-options"' in page
    assert manager.get("/orders/site-options", params={"partner_id": "x"}).status_code == 200
    partner = login(base_url, world.users["partner_a"])
    foreign = partner.get("/orders/site-options", params={"partner_id": world.partner_b}).text
    assert f'value="{b_site}"' not in foreign

    token = csrf_of(manager, "/orders")
    refused = manager.post(
        "/orders/new",
        data={
            "csrf_token": token,
            "partner_id": world.partner_a,
            "site_id": b_site,
            "external_ref": "SITE-MIX",
            "currency": "USD",
            "incoterm": "FCA",
            "line-0-product": "Gear",
            "line-0-quantity": "3",
            "line-0-unit_price": "2",
            "line-0-requested_date": "2099-01-01",
        },
    )
    assert refused.status_code == 422
    assert f"Site {b_site} does not belong to this partner." in refused.text
    again = refused.text[refused.text.index('id="order-site"') :]
    again = again[: again.index("</select>")]
    assert f'value="{a_site}"' in again and f'value="{b_site}"' not in again
