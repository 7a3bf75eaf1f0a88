"""Committees, meetings, decisions and action items over the API: both sides, refusals by field,
numbering, partner isolation and the partner's own "done"."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.governance.governance_factories import NEXT_YEAR, make_board, user_id

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.governance.models import Meeting

API = "/api/v1/governance"


def _meetings(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.execute(select(func.count(Meeting.id))).scalar_one()


def test_a_committee_has_members_from_both_sides_and_a_partner_sees_only_its_own(
    world: World, engine: Engine, api
) -> None:
    make_board(world, engine, "a")
    make_board(world, engine, "b")
    owner = api(world.users["manager"])
    names = {c["name"]: c for c in owner.get(f"{API}/committees").json()}
    assert set(names) == {"Steering a", "Steering b"}
    roll = {(m["side"], m["role"], m["name"]) for m in names["Steering a"]["members"]}
    assert roll == {
        ("owner", "chair", world.users["manager"]),
        ("partner", "co_chair", world.users["partner_a"]),
    }
    alpha = api(world.users["partner_a"])
    assert [c["name"] for c in alpha.get(f"{API}/committees").json()] == ["Steering a"]
    assert alpha.get(f"{API}/committees/{names['Steering b']['id']}").status_code == 404
    assert [m["title"] for m in alpha.get(f"{API}/meetings").json()] == ["Steering a Q1"]
    assert [d["text"] for d in alpha.get(f"{API}/decisions").json()] == ["Second line a"]
    assert [i["title"] for i in alpha.get(f"{API}/action-items").json()] == ["Quote line a"]


def test_a_member_from_another_company_is_refused_by_field(world: World, engine: Engine, api):
    bravo_user = user_id(engine, world.users["partner_b"])
    response = api(world.users["manager"]).post(
        f"{API}/committees",
        json={
            "partner_id": world.partner_a,
            "kind": "operating",
            "name": "Ops",
            "members": [{"side": "partner", "user_id": bravo_user}],
        },
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["errors"]] == ["members.0.user_id"]


def test_a_meeting_in_the_past_or_in_an_unknown_zone_is_refused_and_nothing_is_written(
    world: World, engine: Engine, api
) -> None:
    owner = api(world.users["manager"])
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    body = {"partner_id": world.partner_a, "title": "Late", "starts_at": yesterday}
    response = owner.post(f"{API}/meetings", json=body | {"timezone": "Europe/Berlin"})
    assert response.status_code == 422
    problems = response.json()["errors"]
    assert [p["field"] for p in problems] == ["starts_at"]
    assert "past" in problems[0]["message"]
    response = owner.post(
        f"{API}/meetings",
        json=body | {"starts_at": f"{NEXT_YEAR}-05-01T10:00", "timezone": "Mars/Base"},
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["errors"]] == ["timezone"]
    korean = api(world.users["manager"], locale="ko").post(f"{API}/meetings", json=body)
    assert "과거" in korean.json()["errors"][0]["message"]
    assert _meetings(engine) == 0


def test_a_wall_clock_start_is_read_in_the_meetings_zone(world: World, api) -> None:
    owner = api(world.users["manager"])
    response = owner.post(
        f"{API}/meetings",
        json={
            "partner_id": world.partner_a,
            "title": "Seoul-Berlin",
            "starts_at": f"{NEXT_YEAR}-07-06T16:00:00",  # 16:00 KST (UTC+9, no DST)
            "timezone": "Asia/Seoul",
            "duration_minutes": 90,
        },
    )
    assert response.status_code == 201, response.text
    meeting = response.json()
    assert meeting["starts_at"].startswith(f"{NEXT_YEAR}-07-06T07:00:00")
    assert meeting["ends_at"].startswith(f"{NEXT_YEAR}-07-06T08:30:00")
    assert meeting["start_local"] == f"{NEXT_YEAR}-07-06 16:00 KST"


def test_a_monthly_series_keeps_the_local_time_across_the_clock_change(
    world: World, engine: Engine, api
) -> None:
    owner = api(world.users["manager"])
    committee = owner.post(
        f"{API}/committees",
        json={
            "partner_id": world.partner_a,
            "kind": "jv_board",
            "name": "JV board",
            "cadence": "monthly",
            "timezone": "Europe/Berlin",
            "members": [{"side": "partner", "name": "Dr. Weber", "role": "member"}],
        },
    ).json()
    response = owner.post(
        f"{API}/committees/{committee['id']}/series",
        json={"first_start": f"{NEXT_YEAR}-02-15T10:00:00", "count": 3},
    )
    assert response.status_code == 201, response.text
    starts = [m["starts_at"][:16] for m in response.json()]
    # 10:00 Berlin is 09:00Z in winter (CET) and 08:00Z after the last Sunday of March (CEST)
    assert starts == [
        f"{NEXT_YEAR}-02-15T09:00",
        f"{NEXT_YEAR}-03-15T09:00",
        f"{NEXT_YEAR}-04-15T08:00",
    ]
    assert {m["kind"] for m in response.json()} == {"jv_board"}
    detail = owner.get(f"{API}/meetings/{response.json()[0]['id']}").json()
    assert [(a["name"], a["status"]) for a in detail["attendance"]] == [("Dr. Weber", "invited")]
    meeting_url = f"{API}/meetings/{detail['id']}"
    owner.post(f"{meeting_url}/attendance", json={"name": "Dr. Weber", "side": "partner"})
    owner.post(f"{meeting_url}/attendance", json={"name": "Park", "side": "owner"})
    agenda = owner.post(f"{meeting_url}/agenda", json={"title": "Capex", "minutes": 25})
    assert agenda.json()["position"] == 1
    no_doc = owner.post(f"{meeting_url}/agenda", json={"title": "Deck", "vault_document_id": 999})
    assert no_doc.status_code == 422
    assert no_doc.json()["errors"][0]["field"] == "vault_document_id"
    minutes = owner.patch(meeting_url, json={"minutes_ko": "승인", "minutes_en": "Approved"})
    assert (minutes.json()["minutes_ko"], minutes.json()["minutes_en"]) == ("승인", "Approved")
    detail = owner.get(meeting_url).json()
    assert {(a["name"], a["status"]) for a in detail["attendance"]} == {
        ("Dr. Weber", "present"),
        ("Park", "present"),
    }
    assert [(a["title"], a["minutes"]) for a in detail["agenda"]] == [("Capex", 25)]
    past = owner.post(
        f"{API}/committees/{committee['id']}/series",
        json={"first_start": "2020-01-01T10:00:00", "count": 2},
    )
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "first_start"
    assert _meetings(engine) == 3


def test_decisions_are_numbered_across_the_committees_meetings(world: World, engine, api):
    ids = make_board(world, engine, "a")
    owner = api(world.users["manager"])
    second = owner.post(
        f"{API}/meetings",
        json={
            "committee_id": ids["committee_id"],
            "title": "Q2",
            "starts_at": f"{NEXT_YEAR}-06-02T10:00:00",
            "timezone": "Asia/Seoul",
        },
    ).json()
    first_id = ids["meeting_id"]
    owner.post(f"{API}/meetings/{first_id}/decisions", json={"text": "Audit in May"})
    resolution = owner.post(
        f"{API}/meetings/{second['id']}/decisions",
        json={
            "text": "Capital call of 10 M EUR",
            "kind": "board_resolution",
            "owner_name": "CFO",
            "effective_on": f"{NEXT_YEAR}-07-01",
        },
    ).json()
    assert resolution["number"] == 3 and resolution["kind"] == "board_resolution"
    numbers = [d["number"] for d in owner.get(f"{API}/decisions").json()]
    assert numbers == [1, 2, 3]
    export = owner.get(f"{API}/decisions/export", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert [(r["number"], r["kind"], r["effective_on"]) for r in rows][-1] == (
        "3",
        "board_resolution",
        f"{NEXT_YEAR}-07-01",
    )


def test_the_partner_marks_its_own_item_done_and_nothing_else(
    world: World, engine: Engine, api
) -> None:
    ids = make_board(world, engine, "a")
    owner = api(world.users["manager"])
    owner_item = owner.post(
        f"{API}/meetings/{ids['meeting_id']}/action-items",
        json={
            "title": "Send drawings",
            "side": "owner",
            "owner_user_id": user_id(engine, world.users["manager"]),
            "due_date": f"{NEXT_YEAR}-01-10",
        },
    ).json()
    assert owner_item["owner_name"] == world.users["manager"]
    alpha = api(world.users["partner_a"])
    assert alpha.post(f"{API}/action-items/{owner_item['id']}/done").status_code == 403
    bravo = api(world.users["partner_b"])
    assert bravo.post(f"{API}/action-items/{ids['item_id']}/done").status_code == 404
    viewer = api(world.users["viewer"])
    assert viewer.post(f"{API}/action-items/{ids['item_id']}/done").status_code == 403
    done = alpha.post(f"{API}/action-items/{ids['item_id']}/done")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["done_by"] == world.users["partner_a"]
    assert (
        alpha.patch(f"{API}/action-items/{ids['item_id']}", json={"title": "x"}).status_code == 403
    )
    open_items = owner.get(f"{API}/action-items", params={"status": "open"}).json()
    assert [i["title"] for i in open_items] == ["Send drawings"]
    export = owner.get(f"{API}/action-items/export")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert {(r["title"], r["status"], r["done_by"]) for r in rows} == {
        ("Send drawings", "open", ""),
        ("Quote line a", "done", world.users["partner_a"]),
    }
    with unit_of_work(engine) as session:
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.entity == "gov_action_item", AuditEntry.action == "complete"
            )
        ).scalar_one()
    assert entry.actor_label == world.users["partner_a"]
    assert entry.before["status"] == "open" and entry.after["status"] == "done"


def test_an_action_item_owner_must_be_on_its_side(world: World, engine: Engine, api) -> None:
    ids = make_board(world, engine, "a")
    response = api(world.users["manager"]).post(
        f"{API}/meetings/{ids['meeting_id']}/action-items",
        json={
            "title": "Wrong owner",
            "side": "partner",
            "owner_user_id": user_id(engine, world.users["partner_b"]),
            "due_date": f"{NEXT_YEAR}-01-10",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner_user_id"
