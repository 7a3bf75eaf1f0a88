"""Exit transition plans: the snapshot of what the partner holds, owners and done marks, and
the gate that keeps the partner from "exited" while a mandatory step is open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.operations.ops_factories import deliver, line_ids, make_order

from cofab.contracts.models import Contract
from cofab.db.session import unit_of_work
from cofab.forecast.models import ForecastLine, Publication
from cofab.partners.models import Partner
from cofab.risk.models import ContingencyPlan
from cofab.vault.models import VaultDocument, VaultShare


def _alpha_holdings(engine: Engine, world: World) -> None:
    today = date.today()
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]
        # 10 (4 received) + 5 → 2 open lines, 11 units left; A-2 fully received: no step
        open_order = make_order(
            session, world.partner_a, "A-1", [("P1", 10, 3, today), ("P2", 5, 3, today)]
        )
        deliver(session, line_ids(session, open_order)[0], "S-1", today, 4)
        done = make_order(session, world.partner_a, "A-2", [("P1", 2, 3, today)])
        deliver(session, line_ids(session, done)[0], "S-2", today, 2)
        session.add(
            Contract(
                kind="cm_agreement",
                title="Alpha CMA",
                status="active",
                partner_id=world.partner_a,
                external_ref="C-ALPHA",
            )
        )
        session.add(  # B's contract is none of this plan's business
            Contract(
                kind="cm_agreement", title="Bravo CMA", status="active", partner_id=world.partner_b
            )
        )
        for n, revoked in enumerate((None, datetime.now(UTC))):
            doc = VaultDocument(title=f"Drawing {n}", kind="drawing", classification="confidential")
            session.add(doc)
            session.flush()
            session.add(
                VaultShare(document_id=doc.id, partner_id=world.partner_a, revoked_at=revoked)
            )
        publication = Publication(
            partner_id=world.partner_a,
            release=1,
            published_at=datetime.now(UTC),
            published_by="t",
            frozen_periods=1,
            firm_periods=1,
            periods=["p1", "p2", "p3"],
        )
        session.add(publication)
        session.flush()
        # two future lines: 90 committed + 50 planned = 140; one already ended: left out
        for index, (start, planned, committed) in enumerate(
            (
                (today - timedelta(days=60), 70, 70),
                (today + timedelta(days=10), 100, 90),
                (today + timedelta(days=40), 50, None),
            )
        ):
            session.add(
                ForecastLine(
                    publication_id=publication.id,
                    release=publication.release,
                    partner_id=world.partner_a,
                    product="P1",
                    family="F1",
                    site="Alpha Assembly Site",
                    period=f"2099-0{index + 1}",
                    period_index=index,
                    period_start=start,
                    period_end=start + timedelta(days=30),
                    zone="firm",
                    planned_qty=Decimal(planned),
                    committed_qty=None if committed is None else Decimal(committed),
                )
            )
        session.add(
            ContingencyPlan(
                title="Alpha out",
                partner_id=world.partner_a,
                product_family="F1",
                alternate_site_id=world.ids["b"]["site_id"],
                safety_stock=200,
            )
        )


def test_transition_plan_gates_the_exit(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    _alpha_holdings(engine, world)
    owner = api(world.users["manager"])
    made = owner.post(
        "/api/v1/risk/transitions",
        json={"partner_id": world.partner_a, "owner": "Kim", "reason": "§5.2 termination"},
    )
    assert made.status_code == 201, made.text
    plan = made.json()
    steps = plan["steps"]
    assert [s["kind"] for s in steps] == [
        "open_order",
        "forecast",
        "last_time_buy",
        "contract",
        "document",
        "alternate",
        "tooling",
        "dual_running",
        "dual_running",
        "dual_running",
        "knowledge",
        "exit_report",
    ]
    order, forecast, last_buy, contract, document, alternate = steps[:6]
    assert order["ref"] == "A-1" and "2 open line(s), 11 units" in order["title"]
    assert "140 units in 2 line(s)" in forecast["title"]
    # no exit date: the last-time buy is the whole open forecast, and it does not gate the exit
    assert "F1: 140 units" in last_buy["title"] and not last_buy["mandatory"]
    assert contract["ref"] == "C-ALPHA" and "Drawing 0" in document["title"]
    assert "Bravo Bioworks — Bravo Bioworks Site" in alternate["title"]
    assert all(s["owner"] == "Kim" for s in steps)
    mandatory = [s for s in steps if s["mandatory"]]
    assert plan["open_mandatory"] == len(mandatory) == 7

    exit_body = {"status": "exited", "reason": "terminated"}
    refused = owner.post(f"/api/v1/partners/{world.partner_a}/status", json=exit_body)
    assert refused.status_code == 409 and "7 mandatory step(s)" in refused.text

    for step in mandatory[:-1]:
        got = owner.patch(f"/api/v1/risk/transition-steps/{step['id']}", json={"done": True})
        assert got.status_code == 200 and got.json()["done_by"] == world.users["manager"]
    last = mandatory[-1]
    client = login(base_url, world.users["quality"])
    page = client.get(f"/risk/transitions/{plan['id']}")
    assert page.status_code == 200 and "1 mandatory step(s) open" in page.text
    korean = login(base_url, world.users["quality"])
    korean.cookies.set("cofab_lang", "ko")
    ko = korean.get(f"/risk/transitions/{plan['id']}").text
    # the steps in the reader's language, with the snapshot's figures
    assert "주문 A-1: 미결 라인 2개" in ko and "2 open line(s)" not in ko
    assert "치공구와 위탁 재고 반환" in ko
    form = {
        "csrf_token": csrf_of(client, f"/risk/transitions/{plan['id']}"),
        "owner": "Lee",
        "due_date": "2027-01-15",
        "done": "1",
    }
    saved = client.post(f"/risk/transitions/{plan['id']}/steps/{last['id']}", data=form)
    assert saved.status_code == 303
    after = owner.get(f"/api/v1/risk/transitions/{plan['id']}").json()
    assert after["open_mandatory"] == 0
    assert next(s for s in after["steps"] if s["id"] == last["id"])["owner"] == "Lee"

    assert (
        owner.post(f"/api/v1/partners/{world.partner_a}/status", json=exit_body).status_code == 200
    )
    again = owner.post("/api/v1/risk/transitions", json={"partner_id": world.partner_a})
    assert again.status_code == 422 and "already exited" in again.text
    assert owner.post("/api/v1/risk/transitions", json={"partner_id": 99999}).status_code == 422

    partner = api(world.users["partner_a"])
    assert partner.get(f"/api/v1/risk/transitions/{plan['id']}").status_code == 404
    assert partner.get("/api/v1/risk/transitions").status_code == 404
    viewer = api(world.users["viewer"])
    assert (
        viewer.post("/api/v1/risk/transitions", json={"partner_id": world.partner_b}).status_code
        == 403
    )
    listing = client.get("/risk/transitions")
    assert listing.status_code == 200 and "Exit of Alpha Assembly" in listing.text


def test_a_partner_without_a_plan_exits_as_before(world: World, api: Any) -> None:
    owner = api(world.users["manager"])
    got = owner.post(f"/api/v1/partners/{world.partner_b}/status", json={"status": "exited"})
    assert got.status_code == 200


def test_last_time_buy_counts_the_periods_before_the_exit(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    _alpha_holdings(engine, world)
    owner = api(world.users["manager"])
    exit_on = date.today() + timedelta(days=20)
    made = owner.post(
        "/api/v1/risk/transitions",
        json={"partner_id": world.partner_a, "due_date": exit_on.isoformat()},
    ).json()
    [buy] = [s for s in made["steps"] if s["kind"] == "last_time_buy"]
    # the line starting in 10 days (90 committed) is before the exit; the one in 40 days is not
    assert f"F1: 90 units the forecast needs before the exit on {exit_on}" in buy["title"]
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    page = korean.get(f"/risk/transitions/{made['id']}").text
    assert "F1 최종 구매" in page and "최종 구매(LTB)" in page
