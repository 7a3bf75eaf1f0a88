"""The slot finder, hours and holidays over a live server (the ``api(email)`` fixture)."""

from __future__ import annotations

import json

from sqlalchemy import Engine, update
from tests.conftest import World
from typer.testing import CliRunner

from cofab.accounts.models import User
from cofab.cli import app
from cofab.db.session import unit_of_work
from cofab.partners.models import Site

ISSUE_BODY = {
    "tz": ["Asia/Seoul", "Europe/Berlin"],
    "from": "2027-03-22",
    "to": "2027-04-02",
    "duration": 60,
    "hours": "09:00-18:00",
}


def test_api_answers_exactly_what_the_cli_prints(world: World, api) -> None:  # type: ignore[no-untyped-def]
    reply = api(world.users["viewer"]).post("/api/v1/governance/slots", json=ISSUE_BODY)
    assert reply.status_code == 200, reply.text
    command = "meet slots --tz Asia/Seoul --tz Europe/Berlin --from 2027-03-22 --to 2027-04-02"
    cli = CliRunner().invoke(app, [*command.split(), "--duration", "60", "--json"])
    assert reply.json() == json.loads(cli.stdout)
    assert reply.json()["slots"][0] == {
        "start_utc": "2027-03-22T08:00:00Z",
        "end_utc": "2027-03-22T09:00:00Z",
    }


def test_bad_input_is_field_level_problem_json(world: World, api) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["manager"])
    reply = client.post(
        "/api/v1/governance/slots",
        json={
            "tz": ["Asia/Seoul", "Mars/Olympus"],
            "from": "2027-03-22",
            "to": "2027-03-01",
            "duration": 0,
            "hours": "9-18",
        },
    )
    assert reply.status_code == 422
    assert reply.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"]: e["message"] for e in reply.json()["errors"]}
    assert set(fields) == {"tz.1", "to", "duration", "hours"}
    assert "Mars/Olympus" in fields["tz.1"]
    korean = api(world.users["manager"], locale="ko").post(
        "/api/v1/governance/slots", json={**ISSUE_BODY, "tz": ["Asia/Seol"]}
    )
    assert "알 수 없는 시간대" in korean.json()["errors"][0]["message"]
    not_a_date = client.post("/api/v1/governance/slots", json={**ISSUE_BODY, "from": "22/03"})
    assert not_a_date.status_code == 422
    assert not_a_date.json()["errors"][0]["field"] == "from"


def test_users_and_sites_bring_their_own_zone_hours_and_holidays(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    with unit_of_work(engine) as session:
        session.execute(
            update(User).where(User.email == world.users["admin"]).values(timezone="Asia/Seoul")
        )
        session.execute(
            update(Site)
            .where(Site.id == world.ids["a"]["site_id"])
            .values(timezone="Europe/Berlin")
        )
        admin_id = session.query(User.id).filter(User.email == world.users["admin"]).scalar()
    admin, partner = api(world.users["admin"]), api(world.users["partner_a"])
    # The partner sets its own site's hours (08:00-17:00 Berlin, German holidays).
    site_url = f"/api/v1/governance/hours/sites/{world.ids['a']['site_id']}"
    put = partner.put(site_url, json={"hours": "08:00-17:00", "holiday_country": "DE"})
    assert put.status_code == 200, put.text
    assert put.json() == {
        "hours": "08:00-17:00",
        "weekdays": [0, 1, 2, 3, 4],
        "holiday_country": "DE",
    }
    body = {
        "participants": [
            {"kind": "user", "id": admin_id},
            {"kind": "site", "id": world.ids["a"]["site_id"]},
        ],
        "from": "2027-03-22",
        "to": "2027-04-02",
        "duration": 60,
        "detail": True,
    }
    reply = admin.post("/api/v1/governance/slots", json=body)
    assert reply.status_code == 200, reply.text
    doc = reply.json()
    # Seoul 09-18 = 00:00-09:00Z; Berlin 08-17 = 07:00-16:00Z (CET), 06:00-15:00Z (CEST).
    # Good Friday (26th) and Easter Monday (29th) are German holidays; Korea has none then.
    starts = [(s["start_utc"], s["end_utc"]) for s in doc["slots"]]
    assert starts[0] == ("2027-03-22T07:00:00Z", "2027-03-22T09:00:00Z")
    assert ("2027-03-30T06:00:00Z", "2027-03-30T09:00:00Z") in starts
    assert len(starts) == 8
    first = doc["windows"][0]["participants"]
    assert first[0]["local_start"] == "2027-03-22T16:00:00+09:00" and first[0]["inside_hours"]
    assert first[1]["local_start"] == "2027-03-22T08:00:00+01:00"
    assert doc["least_bad"] == []


def test_no_common_window_marks_who_is_outside(world: World, api) -> None:  # type: ignore[no-untyped-def]
    reply = api(world.users["viewer"]).post(
        "/api/v1/governance/slots",
        json={
            "tz": ["Asia/Seoul", "America/New_York"],
            "from": "2027-03-22",
            "to": "2027-03-23",
            "detail": True,
        },
    )
    doc = reply.json()
    assert doc["slots"] == [] and doc["least_bad"]
    for slot in doc["least_bad"]:
        outside = {p["zone"] for p in slot["participants"] if not p["inside_hours"]}
        assert outside == set(slot["outside"]) and len(outside) == 1


def test_holidays_are_configurable_and_partners_cannot_edit_them(
    world: World,
    api,  # type: ignore[no-untyped-def]
) -> None:
    manager, partner = api(world.users["manager"]), api(world.users["partner_a"])
    seeded = manager.post(
        "/api/v1/governance/holidays/seed", json={"country": "de", "years": [2027]}
    )
    assert seeded.status_code == 200 and seeded.json() == {"country": "DE", "added": 9}
    again = manager.post(
        "/api/v1/governance/holidays/seed", json={"country": "DE", "years": [2027]}
    )
    assert again.json()["added"] == 0
    rows = manager.get("/api/v1/governance/holidays", params={"country": "DE", "year": 2027}).json()
    good_friday = next(h for h in rows["items"] if h["day"] == "2027-03-26")
    with_de = {**ISSUE_BODY, "holidays": ["DE"]}
    days = [
        s["start_utc"][:10]
        for s in manager.post("/api/v1/governance/slots", json=with_de).json()["slots"]
    ]
    assert "2027-03-26" not in days
    # The company works through Good Friday: remove it, and the day comes back.
    assert manager.delete(f"/api/v1/governance/holidays/{good_friday['id']}").status_code == 204
    days = [
        s["start_utc"][:10]
        for s in manager.post("/api/v1/governance/slots", json=with_de).json()["slots"]
    ]
    assert "2027-03-26" in days and "2027-03-29" not in days
    # A Korean shutdown day added by hand removes that day for Seoul.
    added = manager.post(
        "/api/v1/governance/holidays",
        json={"country": "KR", "day": "2027-03-23", "name": "Plant shutdown"},
    )
    assert added.status_code == 201
    with_kr = {**ISSUE_BODY, "holidays": ["KR"]}
    days = [
        s["start_utc"][:10]
        for s in manager.post("/api/v1/governance/slots", json=with_kr).json()["slots"]
    ]
    assert "2027-03-23" not in days and len(days) == 9
    refused = partner.post(
        "/api/v1/governance/holidays", json={"country": "KR", "day": "2027-03-24", "name": "x"}
    )
    assert refused.status_code == 403
    bad = manager.post("/api/v1/governance/holidays/seed", json={"country": "XX", "years": [2027]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "country"
    for years in ([0], [2027, 99999], [1949]):  # outside every published calendar: 422, no 500
        far = manager.post(
            "/api/v1/governance/holidays/seed", json={"country": "DE", "years": years}
        )
        assert far.status_code == 422 and far.json()["errors"][0]["field"] == "years"
    for year in (0, 28370, -4):  # the listing's year filter too
        listed = manager.get("/api/v1/governance/holidays", params={"year": year})
        assert listed.status_code == 422 and listed.json()["errors"][0]["field"] == "year"


def test_partner_cannot_read_or_use_another_partners_site(world: World, api) -> None:  # type: ignore[no-untyped-def]
    partner = api(world.users["partner_a"])
    b_site = world.ids["b"]["site_id"]
    assert partner.get(f"/api/v1/governance/hours/sites/{b_site}").status_code == 404
    assert partner.put(f"/api/v1/governance/hours/sites/{b_site}", json={}).status_code == 404
    reply = partner.post(
        "/api/v1/governance/slots",
        json={**ISSUE_BODY, "tz": [], "participants": [{"kind": "site", "id": b_site}]},
    )
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "participants.0.id"
    assert "Bravo" not in reply.text
