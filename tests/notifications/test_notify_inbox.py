"""The inbox across domains: each partner sees its own company's items only, owners see all,
filters narrow the list, done goes through the item's own domain, and the daily scan tells the
right people once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select
from tests.conftest import World
from tests.notifications.notification_factories import (
    eightd_with_action,
    risk_with_mitigation,
    user_id,
)

from cofab.db.session import unit_of_work
from cofab.notifications.models import Notification
from cofab.notifications.scan import run_scan

TODAY = date.today()


def _items(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/inbox", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _seed(world: World, engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        _, a_action = eightd_with_action(
            session, world.partner_a, owner="Alpha QA", due_on=TODAY - timedelta(days=2)
        )
        _, b_action = eightd_with_action(
            session, world.partner_b, owner="Bravo QA", due_on=TODAY + timedelta(days=10)
        )
        mitigation = risk_with_mitigation(
            session, owner=world.users["manager"], due=TODAY + timedelta(days=2)
        )
        session.flush()
        return {"a": a_action.id, "b": b_action.id, "mitigation": mitigation.id}


def test_partners_see_only_their_company_items_and_owners_see_all(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    ids = _seed(world, engine)
    alpha, bravo, manager = (
        api(world.users["partner_a"]),
        api(world.users["partner_b"]),
        api(world.users["manager"]),
    )
    a_items = _items(alpha, kind="quality.8d_action")
    b_items = _items(bravo, kind="quality.8d_action")
    assert [(i["id"], i["partner_id"]) for i in a_items] == [(ids["a"], world.partner_a)]
    assert [(i["id"], i["partner_id"]) for i in b_items] == [(ids["b"], world.partner_b)]
    # every item a partner sees, of every source, is its own company's; no owner risk items
    everything_a = _items(alpha, status="all")
    assert everything_a and {i["partner_id"] for i in everything_a} == {world.partner_a}
    assert not [i for i in everything_a if i["kind"].startswith("risk.")]
    # the 8D steps are the partner's to write: open, partner side, due per step
    steps = _items(alpha, kind="quality.8d_step")
    assert len(steps) == 9 and {s["side"] for s in steps} == {"partner"}  # D0..D8
    owner_kinds = {i["kind"] for i in _items(manager, status="all")}
    assert {"quality.8d_action", "quality.8d_step", "risk.mitigation"} <= owner_kinds
    owner_actions = {i["id"] for i in _items(manager, kind="quality.8d_action")}
    assert owner_actions == {ids["a"], ids["b"]}
    # another company's item cannot be closed, and stays open
    assert alpha.post(f"/api/v1/inbox/quality.8d_action/{ids['b']}/done").status_code == 404
    assert alpha.post("/api/v1/inbox/nonsense/1/done").status_code == 404
    assert [i["status"] for i in _items(bravo, kind="quality.8d_action")] == ["open"]
    # its own is closed through quality (the 8D action gets today's date)
    done = alpha.post(f"/api/v1/inbox/quality.8d_action/{ids['a']}/done")
    assert done.status_code == 200, done.text
    assert _items(alpha, kind="quality.8d_action") == []
    (closed,) = _items(alpha, kind="quality.8d_action", status="done")
    assert closed["id"] == ids["a"] and closed["can_mark_done"] is False
    # an 8D step is closed on its own page, not from the inbox
    step_id = steps[0]["id"]
    assert alpha.post(f"/api/v1/inbox/quality.8d_step/{step_id}/done").status_code == 409


def test_filters_overdue_side_due_before_and_kind(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    ids = _seed(world, engine)
    manager = api(world.users["manager"])
    overdue = _items(manager, overdue="true", kind="quality.8d_action")
    assert [i["id"] for i in overdue] == [ids["a"]] and overdue[0]["overdue"] is True
    soon = _items(manager, due_before=(TODAY + timedelta(days=5)).isoformat(), side="owner")
    assert [(i["kind"], i["id"]) for i in soon] == [("risk.mitigation", ids["mitigation"])]
    assert soon[0]["owner"] == world.users["manager"] and soon[0]["overdue"] is False
    assert [i["kind"] for i in _items(manager, mine="true")] == ["risk.mitigation"]
    assert _items(api(world.users["quality"]), mine="true") == []
    assert manager.get("/api/v1/inbox", params={"due_before": "soon"}).status_code == 422
    # the owner's manager closes a mitigation from the inbox; the risk page shows it done
    assert (
        manager.post(f"/api/v1/inbox/risk.mitigation/{ids['mitigation']}/done").status_code == 200
    )
    assert _items(manager, kind="risk.mitigation") == []
    # a viewer reads the inbox but closes nothing
    viewer = api(world.users["viewer"])
    assert len(_items(viewer, kind="quality.8d_action")) == 2
    assert viewer.post(f"/api/v1/inbox/quality.8d_action/{ids['b']}/done").status_code == 403


def test_daily_scan_notifies_owners_once_per_item_and_due_date(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    ids = _seed(world, engine)
    with unit_of_work(engine) as session:
        # an owner-side item naming a partner user never reaches that partner user
        risk_with_mitigation(
            session, owner=world.users["partner_b"], due=TODAY, partner_id=world.partner_b
        )
    with unit_of_work(engine) as session:
        first = run_scan(session, today=TODAY)
    with unit_of_work(engine) as session:
        second = run_scan(session, today=TODAY)
    assert first.notified > 0 and second.notified == 0
    with unit_of_work(engine) as session:
        manager = user_id(session, world.users["manager"])
        partner_a = user_id(session, world.users["partner_a"])
        partner_b = user_id(session, world.users["partner_b"])
        keys = {
            (n.user_id, n.kind, n.dedupe_key)
            for n in session.execute(select(Notification)).scalars()
        }
    mitigation_due = (TODAY + timedelta(days=2)).isoformat()
    # the manager owns the mitigation due in 2 days (within the default 3): assigned + due soon
    assert (
        manager,
        "assignment",
        f"assign:risk.mitigation:{ids['mitigation']}:{mitigation_due}",
    ) in keys
    assert (
        manager,
        "due_soon",
        f"due:risk.mitigation:{ids['mitigation']}:{mitigation_due}",
    ) in keys
    # Alpha's action names nobody with an account: every Alpha user hears it is overdue
    a_due = (TODAY - timedelta(days=2)).isoformat()
    assert (partner_a, "overdue", f"overdue:quality.8d_action:{ids['a']}:{a_due}") in keys
    # Bravo's action is due in 10 days: assigned, not yet due soon; nothing of it reaches Alpha
    b_due = (TODAY + timedelta(days=10)).isoformat()
    assert (partner_b, "assignment", f"assign:quality.8d_action:{ids['b']}:{b_due}") in keys
    assert not [k for k in keys if k[0] == partner_b and k[1] == "due_soon" and "8d_action" in k[2]]
    assert not [k for k in keys if k[0] == partner_a and f"8d_action:{ids['b']}:" in k[2]]
    assert not [k for k in keys if k[0] == partner_b and "risk." in k[2]]
    # the notice reads in the user's language and links to the item
    client = api(world.users["manager"], locale="en")
    titles = [n["title"] for n in client.get("/api/v1/notifications").json()]
    assert (
        f"Due in 2 days ({mitigation_due}): Risk RSK-00001 mitigation: Qualify a second source"
        in titles
    )


def test_a_shorter_reminder_window_holds_the_due_soon_notice_back(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    _seed(world, engine)
    manager = api(world.users["manager"])
    assert manager.put("/api/v1/notifications/prefs", json={"due_days": 1}).status_code == 200
    with unit_of_work(engine) as session:
        run_scan(session, today=TODAY)
    kinds = [n["kind"] for n in manager.get("/api/v1/notifications").json()]
    assert kinds == ["assignment"]


def test_meeting_action_items_reach_the_partners_inbox_and_close_from_there(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    from tests.governance.governance_factories import make_board

    a_board = make_board(world, engine, "a")
    b_board = make_board(world, engine, "b")
    alpha, bravo = api(world.users["partner_a"]), api(world.users["partner_b"])
    (a_item,) = _items(alpha, kind="governance.action_item")
    assert a_item["id"] == a_board["item_id"] and a_item["side"] == "partner"
    assert a_item["title"] == "Steering a Q1: Quote line a"
    assert a_item["url"] == f"/governance/meetings/{a_board['meeting_id']}"
    assert (
        alpha.post(f"/api/v1/inbox/governance.action_item/{b_board['item_id']}/done").status_code
        == 404
    )
    assert (
        alpha.post(f"/api/v1/inbox/governance.action_item/{a_board['item_id']}/done").status_code
        == 200
    )
    assert _items(alpha, kind="governance.action_item") == []
    assert [i["id"] for i in _items(bravo, kind="governance.action_item")] == [b_board["item_id"]]


def test_admin_runs_the_daily_scan_as_jobs_now(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    from cofab.core import jobs

    _seed(world, engine)
    assert api(world.users["manager"]).post("/api/v1/notifications/daily").status_code == 403
    queued = api(world.users["admin"]).post("/api/v1/notifications/daily")
    assert queued.status_code == 202 and len(queued.json()["job_ids"]) == 2
    assert jobs.work(engine, once=True, kinds={"notifications.scan", "notifications.digest"}) == 2
    with unit_of_work(engine) as session:
        states = {j.kind: (j.status, j.result) for j in session.execute(select(jobs.Job)).scalars()}
    assert states["notifications.digest"] == ("succeeded", {"emails": 0})  # e-mail is off
    status, result = states["notifications.scan"]
    assert status == "succeeded" and result is not None and result["notified"] > 0
    unread = api(world.users["manager"]).get("/api/v1/notifications/unread-count").json()
    assert unread["unread"] >= 2


def test_review_action_items_are_listed_once_and_a_partner_closes_its_own(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.performance import service as performance

    made = {}
    with unit_of_work(engine) as session:
        for key, partner_id in (("a", world.partner_a), ("b", world.partner_b)):
            review = performance.create_review(
                session,
                actor=SYSTEM_ACTOR,
                data=performance.ReviewCreate(
                    partner_id=partner_id,
                    title=f"QBR {key}",
                    held_on=TODAY - timedelta(days=1),
                    period_start=TODAY - timedelta(days=90),
                    period_end=TODAY - timedelta(days=1),
                ),
            )
            item = performance.add_action_item(
                session,
                actor=SYSTEM_ACTOR,
                review_id=review.id,
                data=performance.ActionItemIn(
                    title=f"Raise yield {key}", owner_side="partner", due_date=TODAY
                ),
            )
            made[key] = item.id
    alpha = api(world.users["partner_a"])
    listed = _items(alpha, kind="performance.action_item")
    assert [(i["id"], i["title"]) for i in listed] == [(made["a"], "Review QBR a: Raise yield a")]
    # governance mirrors the item into the review's meeting; the inbox lists it once
    everything = _items(alpha, status="all")
    assert [i["kind"] for i in everything if "Raise yield a" in i["title"]] == [
        "performance.action_item"
    ]
    url = f"/api/v1/inbox/performance.action_item/{made['b']}/done"
    assert alpha.post(url).status_code == 404
    url = f"/api/v1/inbox/performance.action_item/{made['a']}/done"
    assert alpha.post(url).status_code == 200
    assert _items(alpha, kind="performance.action_item") == []
    manager = api(world.users["manager"])
    assert [i["id"] for i in _items(manager, kind="performance.action_item")] == [made["b"]]
