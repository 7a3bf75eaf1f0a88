"""A blank owner on a meeting page's row form removes the owner, as ``null`` does on the API
(issue 17): the decision's and the action item's owner account and name, the decision's
effective date; a field left out of the form keeps its value."""

from __future__ import annotations

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.governance.governance_factories import make_board, user_id

from cofab.db.session import unit_of_work
from cofab.governance.models import ActionItem, Decision

API = "/api/v1/governance"


def _decision(engine: Engine, decision_id: int) -> tuple[int | None, str, object]:
    with unit_of_work(engine) as session:
        row = session.get(Decision, decision_id)
        assert row is not None
        return row.owner_user_id, row.owner_name, row.effective_on


def _item(engine: Engine, item_id: int) -> tuple[int | None, str]:
    with unit_of_work(engine) as session:
        row = session.get(ActionItem, item_id)
        assert row is not None
        return row.owner_user_id, row.owner_name


def test_a_blank_owner_on_the_page_clears_it_like_api_null(
    world: World, engine: Engine, base_url: str, api
) -> None:
    ids = make_board(world, engine, "a")
    partner_user = user_id(engine, world.users["partner_a"])
    boss = api(world.users["manager"])
    decision = f"{API}/decisions/{ids['decision_id']}"
    set_owner = boss.patch(
        decision, json={"owner_user_id": partner_user, "effective_on": "2027-05-01"}
    )
    assert set_owner.status_code == 200, set_owner.text
    owner_id, owner_name, effective = _decision(engine, ids["decision_id"])
    assert owner_id == partner_user and owner_name and str(effective) == "2027-05-01"

    admin = login(base_url, world.users["admin"])
    page = f"/governance/meetings/{ids['meeting_id']}"
    shown = admin.get(page).text
    assert 'data-testid="blank-clears"' in shown and "blank owner account" in shown
    token = csrf_of(admin, page)
    # a form without the owner fields keeps them
    kept = admin.post(
        f"{page}/decisions/{ids['decision_id']}",
        data={"csrf_token": token, "text": "Second line a", "kind": "decision"},
    )
    assert kept.status_code == 303
    assert _decision(engine, ids["decision_id"])[0] == partner_user
    # the form as the page sends it, with the owner and date emptied: all three are removed
    cleared = admin.post(
        f"{page}/decisions/{ids['decision_id']}",
        data={
            "csrf_token": token,
            "text": "Second line a",
            "kind": "decision",
            "owner_user_id": "",
            "owner_name": "",
            "effective_on": "",
        },
    )
    assert cleared.status_code == 303, cleared.text[:300]
    assert _decision(engine, ids["decision_id"]) == (None, "", None)

    # the API's null on an action item removes the account and the name copied from it
    item = f"{API}/action-items/{ids['item_id']}"
    assert boss.patch(item, json={"owner_user_id": partner_user}).status_code == 200
    assert _item(engine, ids["item_id"])[0] == partner_user
    assert boss.patch(item, json={"owner_user_id": None}).json()["owner_user_id"] is None
    assert _item(engine, ids["item_id"]) == (None, "")
    # a typed name stays when only the account goes
    boss.patch(item, json={"owner_user_id": partner_user, "owner_name": "Kim (line lead)"})
    boss.patch(item, json={"owner_user_id": None})
    assert _item(engine, ids["item_id"]) == (None, "Kim (line lead)")

    # the page's action-item row form: a blank account and name remove the owner
    boss.patch(item, json={"owner_user_id": partner_user})
    assert f'data-testid="action-item-edit-{ids["item_id"]}"' in admin.get(page).text
    emptied = admin.post(
        f"{page}/action-items/{ids['item_id']}",
        data={
            "csrf_token": token,
            "title": "Quote line a",
            "owner_user_id": "",
            "owner_name": "",
            "due_date": "2028-01-31",
        },
    )
    assert emptied.status_code == 303, emptied.text[:300]
    assert _item(engine, ids["item_id"]) == (None, "")
    # an owner of the wrong side is refused by field, the page shown again in Korean
    admin.cookies.set("cofab_lang", "ko")
    owner_side = user_id(engine, world.users["quality"])
    refused = admin.post(
        f"{page}/action-items/{ids['item_id']}",
        data={"csrf_token": token, "title": "Quote line a", "owner_user_id": str(owner_side)},
    )
    assert refused.status_code == 422 and "담당" in refused.text
    assert _item(engine, ids["item_id"]) == (None, "")
    # another partner's user cannot reach the row form
    other = login(base_url, world.users["partner_b"])
    assert (
        other.post(
            f"{page}/action-items/{ids['item_id']}",
            data={"csrf_token": csrf_of(other, "/governance"), "title": "x"},
        ).status_code
        == 404
    )


def test_a_blank_agenda_owner_or_document_on_the_page_removes_it(
    world: World, engine: Engine, base_url: str
) -> None:
    from cofab.governance.models import AgendaItem

    ids = make_board(world, engine, "a")
    with unit_of_work(engine) as session:
        row = session.get(AgendaItem, ids["agenda_id"])
        assert row is not None
        row.owner_name = "Kim"
    admin = login(base_url, world.users["admin"])
    page = f"/governance/meetings/{ids['meeting_id']}"
    saved = admin.post(
        f"{page}/agenda/{ids['agenda_id']}",
        data={
            "csrf_token": csrf_of(admin, page),
            "title": "Capacity",
            "owner_name": "",
            "owner_side": "owner",
            "minutes": "20",
            "vault_document_id": "",
        },
    )
    assert saved.status_code == 303, saved.text[:300]
    with unit_of_work(engine) as session:
        row = session.get(AgendaItem, ids["agenda_id"])
        assert row is not None and row.owner_name == "" and row.vault_document_id is None
