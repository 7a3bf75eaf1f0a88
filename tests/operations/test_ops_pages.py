"""The operations pages end to end over HTTP with cookie sessions and CSRF: an owner places an
order, the partner acknowledges and reports progress, ships, the owner receives; KPI, scorecard
and review pages render in both languages; the live panel answers 204 until something changes."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.conftest import World, csrf_of, login
from tests.operations.ops_factories import build_february


def test_order_to_receipt_through_the_pages(world: World, base_url: str) -> None:
    manager = login(base_url, world.users["manager"])
    token = csrf_of(manager, "/orders")
    soon = (date.today() + timedelta(days=3)).isoformat()
    bad = manager.post(
        "/orders/new",
        data={
            "csrf_token": token,
            "partner_id": world.partner_a,
            "external_ref": "WEB-1",
            "currency": "USD",
            "incoterm": "FOB",
            "line-0-product": "Gear",
            "line-0-quantity": "-3",
            "line-0-unit_price": "2",
            "line-0-requested_date": soon,
        },
    )
    assert bad.status_code == 422
    # the problem names the field (by key, or by its label once fields are labelled) and the
    # form keeps what was typed
    assert "lines.0.quantity" in bad.text or "<b>Quantity</b>" in bad.text
    assert 'name="line-0-quantity" value="-3"' in bad.text
    created = manager.post(
        "/orders/new",
        data={
            "csrf_token": token,
            "partner_id": world.partner_a,
            "external_ref": "WEB-1",
            "currency": "USD",
            "incoterm": "FOB",
            "line-0-product": "Gear",
            "line-0-quantity": "30",
            "line-0-unit_price": "2",
            "line-0-requested_date": soon,
            "line-2-product": "Shaft",
            "line-2-quantity": "10",
            "line-2-unit_price": "5",
            "line-2-requested_date": soon,
        },
    )
    assert created.status_code == 303, created.text[:500]
    order_url = created.headers["location"].split("?")[0]

    partner = login(base_url, world.users["partner_a"])
    ptoken = csrf_of(partner, order_url)
    page = partner.get(order_url).text
    line_ids = [int(x) for x in re.findall(r'data-line="(\d+)"', page)]
    assert len(line_ids) == 2
    accepted = partner.post(
        f"/order-lines/{line_ids[0]}/ack", data={"csrf_token": ptoken, "action": "accept"}
    )
    assert accepted.status_code == 303
    refused = partner.post(
        f"/order-lines/{line_ids[1]}/ack", data={"csrf_token": ptoken, "action": "reject"}
    )
    assert refused.status_code == 422 and "reason" in refused.text
    posted = partner.post(
        f"/order-lines/{line_ids[0]}/progress",
        data={"csrf_token": ptoken, "stage": "packed", "quantity": "30"},
    )
    assert posted.status_code == 303
    after = partner.get(order_url).text
    assert "Accepted" in after and "<b>30</b>" in after
    assert "v2" in after  # accepted → second version
    history = partner.get(f"/order-lines/{line_ids[0]}/history").text
    assert "created" in history and "accept" in history

    asn = partner.post(
        "/shipments/new",
        data={
            "csrf_token": ptoken,
            "external_ref": "WEB-ASN",
            "ship_date": date.today().isoformat(),
            "line-0-line_id": line_ids[0],
            "line-0-quantity": "30",
        },
    )
    assert asn.status_code == 303, asn.text[:500]
    shipment_url = asn.headers["location"].split("?")[0]
    shipment_page = manager.get(shipment_url).text
    sl = re.search(r'name="line-0-shipment_line_id" value="(\d+)"', shipment_page)
    assert sl
    over = manager.post(
        f"{shipment_url}/receipts",
        data={
            "csrf_token": token,
            "received_date": date.today().isoformat(),
            "line-0-shipment_line_id": sl.group(1),
            "line-0-currency": "USD",
            "line-0-accepted_qty": "31",
        },
    )
    assert over.status_code == 422 and "exceed" in over.text
    booked = manager.post(
        f"{shipment_url}/receipts",
        data={
            "csrf_token": token,
            "received_date": date.today().isoformat(),
            "line-0-shipment_line_id": sl.group(1),
            "line-0-currency": "USD",
            "line-0-accepted_qty": "29",
            "line-0-rejected_qty": "1",
            "line-0-reject_reason": "chipped",
            "line-0-landed_unit_cost": "2.1",
        },
    )
    assert booked.status_code == 303
    assert "chipped" in manager.get(shipment_url).text
    assert partner.post(f"{shipment_url}/receipts", data={"csrf_token": ptoken}).status_code == 403
    other = login(base_url, world.users["partner_b"])
    assert other.get(order_url).status_code == 404
    assert other.get(shipment_url).status_code == 404


def test_live_panel_polls_cheaply_and_redraws_after_a_post(
    world: World, base_url: str, api
) -> None:
    manager = api(world.users["manager"])
    line_id = manager.post(
        "/api/v1/orders",
        json={
            "partner_id": world.partner_a,
            "external_ref": "LIVE-1",
            "currency": "USD",
            "incoterm": "EXW",
            "lines": [
                {
                    "product": "Gear",
                    "quantity": "10",
                    "unit_price": "1",
                    "requested_date": date.today().isoformat(),
                }
            ],
        },
    ).json()["lines"][0]["id"]
    owner = login(base_url, world.users["viewer"])
    page = owner.get("/operations").text
    version = int(re.search(r'data-version="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert "LIVE-1" in page  # due today, nothing shipped: at risk
    assert owner.get(f"/operations/live?v={version}").status_code == 204
    api(world.users["partner_a"]).post(
        f"/api/v1/order-lines/{line_id}/progress", json={"stage": "quality_check", "quantity": "7"}
    )
    fresh = owner.get(f"/operations/live?v={version}")
    assert fresh.status_code == 200
    assert int(re.search(r'data-version="(\d+)"', fresh.text).group(1)) > version  # type: ignore[union-attr]
    assert re.search(r'data-stage="quality_check"[^>]*>7<', fresh.text)
    # partner B's panel does not move when partner A posts, and shows none of A's lines
    other = login(base_url, world.users["partner_b"])
    b_page = other.get("/operations").text
    b_version = int(re.search(r'data-version="(\d+)"', b_page).group(1))  # type: ignore[union-attr]
    assert "LIVE-1" not in b_page
    api(world.users["partner_a"]).post(
        f"/api/v1/order-lines/{line_id}/progress", json={"stage": "packed", "quantity": "2"}
    )
    assert other.get(f"/operations/live?v={b_version}").status_code == 204
    api_etag = manager.get("/api/v1/operations/live")
    assert api_etag.status_code == 200 and api_etag.json()["stages"]["packed"] == 2
    unchanged = manager.get(
        "/api/v1/operations/live", headers={"If-None-Match": api_etag.headers["etag"]}
    )
    assert unchanged.status_code == 304


def test_performance_pages_render_in_korean_with_definitions(
    world: World, base_url: str, api, engine
) -> None:
    build_february(engine, world)
    manager = login(base_url, world.users["manager"])
    token = csrf_of(manager, "/scorecards")
    kpi_page = manager.get("/kpis?start=2025-02-01&end=2025-02-28&tolerance_days=2")
    assert kpi_page.status_code == 200 and "80.0 %" in kpi_page.text
    assert "no data" in kpi_page.text  # partner B has no deliveries
    manager.post("/lang", data={"csrf_token": token, "locale": "ko", "next": "/kpis"})
    korean = manager.get("/kpis?period=2025-Q1").text
    assert "납기 준수율(라인)" in korean and "데이터 없음" in korean
    assert manager.get("/kpis?period=2025-13").status_code == 422
    computed = manager.post(
        "/scorecards/compute", data={"csrf_token": token, "period_start": "2025-02-01"}
    )
    assert computed.status_code == 303
    listing = manager.get("/scorecards").text
    card_id = re.search(r'href="/scorecards/(\d+)"', listing).group(1)  # type: ignore[union-attr]
    card = manager.get(f"/scorecards/{card_id}").text
    assert "chart-4.6.1.umd.min.js" in card and 'id="trend"' in card
    drill = manager.get(f"/scorecards/{card_id}/lines?kpi=otd_lines")
    assert drill.status_code == 200 and "P5" in drill.text
    review = manager.post(
        "/reviews/new",
        data={
            "csrf_token": token,
            "partner_id": world.partner_a,
            "title": "2월 리뷰",
            "held_on": "2025-03-05",
            "period_start": "2025-02-01",
            "period_end": "2025-02-28",
        },
    )
    assert review.status_code == 303
    review_url = review.headers["location"].split("?")[0]
    past = (date.today() - timedelta(days=1)).isoformat()
    manager.post(
        f"{review_url}/action-items",
        data={
            "csrf_token": token,
            "title": "Second test jig",
            "owner_side": "partner",
            "due_date": past,
        },
    )
    assert "Second test jig" in manager.get("/").text  # owner dashboard widget
    partner = login(base_url, world.users["partner_a"])
    assert "Second test jig" in partner.get("/operations").text  # partner's own dashboard
    assert "Second test jig" in partner.get("/reviews").text
    for path in ("/orders", "/shipments", "/inventory", "/tickets", "/reviews", "/scorecards"):
        assert manager.get(path).status_code == 200, path
        assert partner.get(path).status_code == 200, path
    template = manager.post(
        "/scorecards/templates", data={"csrf_token": token, "definition": "{not json"}
    )
    assert template.status_code == 422
