"""The partner's start page: each to-do with a count and a link, in English and Korean, counting
only the partner's own records; "Dashboard" leads partner users there, owners stay on theirs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from tests.conftest import World, csrf_of, login
from tests.operations.ops_factories import line_ids, make_order, make_ticket, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.operations import orders, schemas, tickets
from cofab.operations.models import Order
from cofab.performance import reviews
from cofab.performance import schemas as performance_schemas
from cofab.performance.models import ActionItem
from cofab.vault.models import VaultDocument, VaultShare

TODAY = datetime.now(UTC).date()
EXPECTED_A = {
    "awaiting_answer": 2,
    "shipments_due": 1,
    "tickets_waiting": 1,
    "action_items": 1,
    "quality_alerts": 0,
    "answered_proposals": 1,
    "documents_shared": 1,
}


def _ack(session, line_id: int, action: str, **extra) -> None:  # type: ignore[no-untyped-def]
    orders.acknowledge(
        session, actor=SYSTEM_ACTOR, line_id=line_id, data=schemas.AckAction(action=action, **extra)
    )


def _share(session, partner_id: int, title: str, **share) -> None:  # type: ignore[no-untyped-def]
    document = VaultDocument(title=title, kind="drawing", classification="internal")
    session.add(document)
    session.flush()
    session.add(VaultShare(document_id=document.id, partner_id=partner_id, **share))


def _partner_world(session, partner_id: int, tag: str, full: bool) -> None:  # type: ignore[no-untyped-def]
    soon, later = TODAY + timedelta(days=5), TODAY + timedelta(days=40)
    order = make_order(
        session,
        partner_id,
        f"{tag}-1",
        [("Ask1", 5, 1, later), ("Ask2", 5, 1, later), ("Due", 10, 1, soon), ("Far", 3, 1, later)]
        + ([("Moved", 8, 1, soon)] if full else []),
        order_date=TODAY,
    )
    ids = line_ids(session, order)
    _ack(session, ids[2], "accept")
    _ack(session, ids[3], "accept")
    ship(session, f"{tag}-ASN", [(ids[2], 4)], TODAY)  # 6 of 10 still to ship
    make_ticket(session, partner_id, "2025-02-01T08:00:00")
    review = reviews.create_review(
        session,
        actor=SYSTEM_ACTOR,
        data=performance_schemas.ReviewCreate(
            partner_id=partner_id,
            title=f"{tag} review",
            held_on=TODAY,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 3, 31),
        ),
    )
    for title, side in (("Fix jig", "partner"), ("Send forecast", "owner"), ("Done", "partner")):
        item = reviews.add_action_item(
            session,
            actor=SYSTEM_ACTOR,
            review_id=review.id,
            data=performance_schemas.ActionItemIn(title=title, owner_side=side, due_date=TODAY),
        )
        if title == "Done":
            session.get(ActionItem, item.id).status = "done"
    _share(session, partner_id, f"{tag} drawing")
    if not full:
        return
    _ack(session, ids[4], "propose", proposed_date=later, reason="tooling")
    orders.decide_proposal(
        session,
        actor=SYSTEM_ACTOR,
        line_id=ids[4],
        data=schemas.ProposalDecision(decision="accept"),
    )
    answered = make_ticket(session, partner_id, "2025-02-02T08:00:00")
    tickets.respond(session, actor=SYSTEM_ACTOR, ticket_id=answered.id, note="on it")
    closed = make_ticket(session, partner_id, "2025-02-03T08:00:00")
    tickets.resolve(session, actor=SYSTEM_ACTOR, ticket_id=closed.id, note="done")
    now = datetime.now(UTC)
    _share(session, partner_id, "Revoked", revoked_at=now - timedelta(days=1))
    _share(session, partner_id, "Expired", expires_at=now - timedelta(days=1))
    make_order(session, partner_id, f"{tag}-CANCEL", [("Gone", 1, 1, soon)], order_date=TODAY)


def _build(engine, world: World) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        _partner_world(session, world.partner_a, "PA", full=True)
        _partner_world(session, world.partner_b, "PB", full=False)
        cancel = session.execute(
            select(Order).where(Order.external_ref == "PA-CANCEL")
        ).scalar_one()
        orders.cancel_order(session, actor=SYSTEM_ACTOR, order_id=cancel.id)


def test_partner_api_counts_only_its_own_work(world: World, api, engine) -> None:
    _build(engine, world)
    answer = api(world.users["partner_a"]).get("/api/v1/portal")
    assert answer.status_code == 200, answer.text
    assert {e["key"]: e["count"] for e in answer.json()} == EXPECTED_A
    # partner B: one line fewer waiting (no proposal line), nothing answered
    b = {e["key"]: e["count"] for e in api(world.users["partner_b"]).get("/api/v1/portal").json()}
    assert b == EXPECTED_A | {"answered_proposals": 0}
    assert api(world.users["manager"]).get("/api/v1/portal").status_code == 403


def test_partner_start_page_in_both_languages(world: World, base_url: str, engine) -> None:
    _build(engine, world)
    partner = login(base_url, world.users["partner_a"])
    home = partner.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/portal"
    for locale, title in (("en", "Order lines waiting for your answer"), ("ko", "회신을 기다리는")):
        partner.post("/lang", data={"csrf_token": csrf_of(partner, "/portal"), "locale": locale})
        page = partner.get("/portal")
        assert page.status_code == 200 and title in page.text
        for key, count in EXPECTED_A.items():
            assert f'data-testid="todo-count-{key}">{count}<' in page.text, key
        assert "PB-1" not in page.text and "PA-1 #1 · Ask1" in page.text
    links = {
        "awaiting_answer": "/orders?status=awaiting_answer",
        "shipments_due": "/shipments",
        "tickets_waiting": "/tickets?open=1",
        "action_items": "/reviews",
        "documents_shared": "/vault",
    }
    for key, href in links.items():
        assert f'href="{href}" data-testid="todo-link-{key}"' in page.text
        assert partner.get(href).status_code == 200
    waiting = partner.get("/orders", params={"status": "awaiting_answer"}).text
    assert "PA-1" in waiting and "PA-CANCEL" not in waiting and "PB-1" not in waiting
    owner = login(base_url, world.users["manager"])
    moved = owner.get("/portal", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/"
    assert 'data-testid="todo-' not in owner.get("/").text
