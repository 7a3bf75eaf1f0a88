"""The slot finder, working-hours and holiday pages over HTTP with a signed-in browser client."""

from __future__ import annotations

import re

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login

from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.governance.scheduling_models import UserWorkingHours

SEOUL_BERLIN = {
    "zones": "Asia/Seoul\nEurope/Berlin",
    "from": "2027-03-22",
    "to": "2027-04-02",
    "duration": "60",
}


def _cells(html: str, testid: str) -> list[str]:
    rows = re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", r) for r in rows]


def test_slot_page_shows_every_participants_local_time(world: World, base_url: str) -> None:
    client = login(base_url, world.users["viewer"])
    page = client.get("/governance/slots", params=SEOUL_BERLIN)
    assert page.status_code == 200, page.text[:500]
    rows = _cells(page.text, "slot-window")
    assert len(rows) == 10
    # Before the change: 08:00Z = Seoul 17:00 KST = Berlin 09:00 CET; after: 07:00Z..09:00Z.
    assert "2027-03-22 08:00–09:00" in rows[0] and "03-22 17:00–18:00" in rows[0]
    assert "03-22 09:00–10:00" in rows[0] and "CET" in rows[0]
    assert "2027-03-29 07:00–09:00" in rows[5] and "CEST" in rows[5]
    assert "/governance/meetings/new?start=2027-03-22T08:00:00Z" in page.text


def test_slot_page_marks_who_is_outside_when_nothing_is_common(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    page = client.get(
        "/governance/slots",
        params={"zones": "Asia/Seoul, America/New_York", "from": "2027-03-22", "to": "2027-03-23"},
    )
    assert page.status_code == 200
    assert 'data-testid="slot-none"' in page.text
    candidates = _cells(page.text, "slot-candidate")
    assert candidates and all(c.count("outside working hours") == 1 for c in candidates)


def test_slot_page_names_each_bad_field(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    page = client.get(
        "/governance/slots",
        params={
            "zones": "Asia/Seoul\nMars/Olympus",
            "from": "2027-03-22",
            "to": "2027-03-01",
            "duration": "0",
            "hours": "9-18",
        },
    )
    assert page.status_code == 422
    errors = re.search(r'data-testid="slot-errors">(.*?)</div>', page.text, re.S)
    assert errors is not None
    text = errors.group(1)
    assert "Mars/Olympus" in text and "HH:MM-HH:MM" in text
    assert "end date must not be before" in text and "at least one minute" in text
    client.cookies.set("cofab_lang", "ko")
    korean = client.get("/governance/slots", params={**SEOUL_BERLIN, "zones": "Asia/Seol"})
    assert "알 수 없는 시간대" in korean.text


def test_own_hours_form_saves_and_refuses_bad_hours(
    world: World, base_url: str, engine: Engine
) -> None:
    client = login(base_url, world.users["partner_a"])
    token = csrf_of(client, "/governance/hours")
    bad = client.post(
        "/governance/hours",
        data={"csrf_token": token, "hours": "18:00-09:00", "weekdays": ["0"]},
    )
    assert bad.status_code == 422 and "HH:MM-HH:MM" in bad.text
    good = client.post(
        "/governance/hours",
        data={
            "csrf_token": token,
            "hours": "07:30-16:00",
            "weekdays": ["0", "1", "2", "3", "5"],
            "holiday_country": "vn",
        },
    )
    assert good.status_code == 303
    with unit_of_work(engine) as session:
        user_id = session.scalar(select(User.id).where(User.email == world.users["partner_a"]))
        row = session.scalar(select(UserWorkingHours).where(UserWorkingHours.user_id == user_id))
        assert row is not None
        assert (row.start_minute, row.end_minute) == (450, 960)
        assert row.weekday_mask == 0b0101111 and row.holiday_country == "VN"
    again = client.get("/governance/hours")
    assert 'value="07:30-16:00"' in again.text


def test_holiday_page_loads_adds_and_removes(world: World, base_url: str) -> None:
    manager = login(base_url, world.users["manager"])
    token = csrf_of(manager, "/governance/holidays")
    seeded = manager.post(
        "/governance/holidays/seed", data={"csrf_token": token, "country": "DE", "year": "2027"}
    )
    assert seeded.status_code == 303
    listing = manager.get("/governance/holidays", params={"country": "DE", "year": "2027"})
    assert "2027-03-26" in listing.text and "Good Friday" in listing.text
    for year in ("0", "99999"):  # a year no calendar covers is refused on the page, not a 500
        refused = manager.post(
            "/governance/holidays/seed", data={"csrf_token": token, "country": "DE", "year": year}
        )
        assert refused.status_code == 422
        assert f"Enter a year from 1950 to 2100 (not {year})." in refused.text
        shown = manager.get("/governance/holidays", params={"country": "DE", "year": year})
        assert shown.status_code == 200  # a year no date holds: this year's calendar
    good_friday = re.search(
        r'action="/governance/holidays/(\d+)/delete".*?', listing.text.split("2027-03-26")[1]
    )
    assert good_friday is not None
    removed = manager.post(
        f"/governance/holidays/{good_friday.group(1)}/delete", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    listing = manager.get("/governance/holidays", params={"country": "DE", "year": "2027"})
    assert "2027-03-26" not in listing.text
    bad = manager.post(
        "/governance/holidays",
        data={"csrf_token": token, "country": "Germany", "day": "2027-13-01", "name": "x"},
    )
    assert bad.status_code == 422
    partner = login(base_url, world.users["partner_a"])
    page = partner.get("/governance/holidays")
    assert page.status_code == 200 and 'data-testid="holiday-add"' not in page.text


def test_partner_sees_only_its_own_sites_and_contacts(world: World, base_url: str) -> None:
    page = login(base_url, world.users["partner_a"]).get("/governance/slots")
    assert page.status_code == 200
    assert "Alpha Assembly Site" in page.text and "Alpha Assembly Contact" in page.text
    assert "Bravo" not in page.text


def test_partner_sets_its_contacts_zone_and_hours_but_not_anothers(
    world: World, base_url: str
) -> None:
    client = login(base_url, world.users["partner_a"])
    own = client.get("/governance/hours")
    assert "Alpha Assembly Site" in own.text and "Bravo" not in own.text
    contact_a, contact_b = world.ids["a"]["contact_id"], world.ids["b"]["contact_id"]
    token = csrf_of(client, f"/governance/hours/contacts/{contact_a}")
    form = {"csrf_token": token, "hours": "08:00-17:00", "weekdays": ["0", "1", "2", "3", "4"]}
    bad = client.post(
        f"/governance/hours/contacts/{contact_a}", data={**form, "timezone": "Asia/Hanoi"}
    )
    assert bad.status_code == 422 and "Asia/Hanoi" in bad.text
    saved = client.post(
        f"/governance/hours/contacts/{contact_a}", data={**form, "timezone": "Asia/Ho_Chi_Minh"}
    )
    assert saved.status_code == 303
    page = client.get(f"/governance/hours/contacts/{contact_a}")
    assert 'value="Asia/Ho_Chi_Minh"' in page.text and 'value="08:00-17:00"' in page.text
    assert client.get(f"/governance/hours/contacts/{contact_b}").status_code == 404
    foreign = client.post(f"/governance/hours/contacts/{contact_b}", data=form)
    assert foreign.status_code == 404
    finder = client.get(
        "/governance/slots",
        params={"p": f"contact:{contact_a}", "zones": "Asia/Seoul", "from": "2027-03-22"}
        | {"to": "2027-03-22"},
    )
    # Seoul 09-18 = 00:00-09:00Z; Ho Chi Minh 08-17 = 01:00-10:00Z → 01:00-09:00Z.
    assert "2027-03-22 01:00–09:00" in finder.text
