"""Agenda items and decisions corrected after the fact: audited with before and after, a
decision's owner linked to an account of either side (never another partner's), shown as a
link on the meeting page, and a refused form re-rendered with the field's message."""

from __future__ import annotations

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.governance.governance_factories import make_board, user_id

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.notifications.models import Notification

API = "/api/v1/governance"


def _audit(engine: Engine, entity: str, entity_id: int) -> AuditEntry:
    with unit_of_work(engine) as session:
        entry = session.execute(
            select(AuditEntry)
            .where(
                AuditEntry.entity == entity,
                AuditEntry.entity_id == str(entity_id),
                AuditEntry.action == "update",
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).scalar_one()
        session.expunge(entry)
        return entry


def test_agenda_items_are_edited_and_reordered_with_the_change_in_the_audit(
    world: World, engine: Engine, api
) -> None:
    ids = make_board(world, engine, "a")
    boss = api(world.users["manager"])
    meeting = f"{API}/meetings/{ids['meeting_id']}"
    second = boss.post(f"{meeting}/agenda", json={"title": "Quality", "minutes": 10}).json()
    assert second["position"] == 2
    moved = boss.patch(
        f"{API}/agenda/{second['id']}",
        json={"title": "Quality and yield", "minutes": 25, "position": 1},
    )
    assert moved.status_code == 200, moved.text
    agenda = boss.get(meeting).json()["agenda"]
    assert [(a["position"], a["title"], a["minutes"]) for a in agenda] == [
        (1, "Quality and yield", 25),
        (2, "Capacity", 20),
    ]
    entry = _audit(engine, "agenda_item", second["id"])
    assert entry.before["title"] == "Quality" and entry.after["title"] == "Quality and yield"
    assert entry.before["minutes"] == 10 and entry.after["minutes"] == 25
    bad = boss.patch(f"{API}/agenda/{second['id']}", json={"minutes": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "minutes"
    # the partner reads the meeting but changes nothing; another partner does not see it
    assert api(world.users["partner_a"]).patch(
        f"{API}/agenda/{second['id']}", json={"title": "x"}
    ).status_code in (403, 404)
    assert (
        api(world.users["partner_b"])
        .patch(f"{API}/agenda/{second['id']}", json={"title": "x"})
        .status_code
        == 404
    )


def test_a_decision_is_corrected_and_its_owner_linked_to_an_account_of_either_side(
    world: World, engine: Engine, api
) -> None:
    ids = make_board(world, engine, "a")
    boss = api(world.users["manager"])
    decision = f"{API}/decisions/{ids['decision_id']}"
    partner_user = user_id(engine, world.users["partner_a"])
    stranger = user_id(engine, world.users["partner_b"])
    refused = boss.patch(decision, json={"owner_user_id": stranger})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "owner_user_id"
    changed = boss.patch(
        decision,
        json={"text": "Second line in May", "owner_user_id": partner_user, "effective_on": None},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["owner_user_id"] == partner_user and body["number"] == 1
    assert body["text"] == "Second line in May" and body["owner_name"]  # the account's name
    entry = _audit(engine, "decision", ids["decision_id"])
    assert entry.before["text"] == "Second line a" and entry.after["text"] == "Second line in May"
    assert entry.before["owner_user_id"] is None and entry.after["owner_user_id"] == partner_user
    with unit_of_work(engine) as session:  # the new owner is told (once more: as the owner)
        told = session.execute(
            select(Notification.kind).where(
                Notification.user_id == partner_user, Notification.kind == "decision"
            )
        ).all()
    assert len(told) == 1  # the decision notice of the meeting already reached the co-chair
    listed = boss.get(f"{API}/decisions", params={"meeting_id": ids["meeting_id"]}).json()
    assert listed[0]["owner_user_id"] == partner_user
    # an owner-side user is allowed too, and the link can be removed again
    manager = user_id(engine, world.users["quality"])
    assert boss.patch(decision, json={"owner_user_id": manager}).json()["owner_user_id"] == manager
    cleared = boss.patch(decision, json={"owner_user_id": None}).json()
    assert cleared["owner_user_id"] is None
    assert api(world.users["partner_b"]).patch(decision, json={"text": "x"}).status_code == 404


def test_the_meeting_page_links_the_owner_and_rerenders_a_refused_edit(
    world: World, engine: Engine, base_url: str, api
) -> None:
    ids = make_board(world, engine, "a")
    partner_user = user_id(engine, world.users["partner_a"])
    api(world.users["manager"]).patch(
        f"{API}/decisions/{ids['decision_id']}", json={"owner_user_id": partner_user}
    )
    admin = login(base_url, world.users["admin"])
    page = f"/governance/meetings/{ids['meeting_id']}"
    shown = admin.get(page)
    assert f'href="/users/{partner_user}"' in shown.text
    assert 'data-testid="decision-owner-link"' in shown.text
    partner = login(base_url, world.users["partner_a"])
    seen = partner.get(page)
    assert f"mailto:{world.users['partner_a']}" in seen.text
    assert f'data-testid="decision-edit-{ids["decision_id"]}"' not in seen.text
    token = csrf_of(admin, page)
    saved = admin.post(
        f"{page}/decisions/{ids['decision_id']}",
        data={"csrf_token": token, "text": "Edited on the page", "kind": "decision"},
    )
    assert saved.status_code == 303, saved.text[:300]
    assert "Edited on the page" in admin.get(page).text
    agenda_id = (
        api(world.users["manager"])
        .get(f"{API}/meetings/{ids['meeting_id']}")
        .json()["agenda"][0]["id"]
    )
    admin.cookies.set("cofab_lang", "ko")
    bad = admin.post(
        f"{page}/agenda/{agenda_id}",
        data={"csrf_token": token, "title": "Capacity", "minutes": "0"},
        headers={"Accept-Language": "ko"},
    )
    assert bad.status_code == 422
    assert f'data-testid="agenda-edit-{agenda_id}"' in bad.text
    # another partner's meeting: 404 before any field is read
    other = make_board(world, engine, "b")
    assert (
        partner.post(
            f"/governance/meetings/{other['meeting_id']}/agenda/{other['decision_id']}",
            data={"csrf_token": csrf_of(partner, page), "title": "x"},
        ).status_code
        == 404
    )
