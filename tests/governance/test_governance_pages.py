"""The governance pages over HTTP with a browser-like client: forms with CSRF, a refused meeting
re-rendered with the field named (in Korean for a Korean reader), and the partner's own view."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.governance.governance_factories import NEXT_YEAR, make_board


def test_owner_plans_and_records_and_the_partner_marks_its_item_done(
    world: World, engine: Engine, base_url: str
) -> None:
    owner = login(base_url, world.users["manager"])
    token = csrf_of(owner, "/governance")
    created = owner.post(
        "/governance/committees",
        data={
            "csrf_token": token,
            "name": "Operating committee Seoul-Shenzhen",
            "partner_id": str(world.partner_a),
            "kind": "operating",
            "cadence": "monthly",
            "timezone": "Asia/Seoul",
            "duration_minutes": "60",
        },
    )
    assert created.status_code == 303, created.text[:500]
    committee_url = created.headers["location"]
    late = owner.post(
        "/governance/meetings",
        data={
            "csrf_token": token,
            "title": "Too late",
            "partner_id": str(world.partner_a),
            "kind": "operating",
            "starts_at": "2020-01-01T10:00",
            "timezone": "Asia/Seoul",
        },
        headers={"Accept-Language": "ko"},
    )
    assert late.status_code == 422
    assert "starts_at" in late.text and "과거" in late.text
    series = owner.post(
        f"{committee_url}/series",
        data={"csrf_token": token, "first_start": f"{NEXT_YEAR}-01-14T10:00", "count": "2"},
    )
    assert series.status_code == 303
    page = owner.get(committee_url).text
    meeting_ids = re.findall(r'href="/governance/meetings/(\d+)"', page)
    assert len(set(meeting_ids)) == 2
    meeting_url = f"/governance/meetings/{meeting_ids[0]}"
    for part, data in (
        ("decisions", {"text": "Move SMT line 2 to Shenzhen", "kind": "decision"}),
        (
            "action-items",
            {"title": "Confirm line move", "side": "partner", "due_date": f"{NEXT_YEAR}-02-01"},
        ),
        ("minutes", {"minutes_ko": "2라인 이전 합의", "minutes_en": "Agreed to move line 2"}),
    ):
        response = owner.post(f"{meeting_url}/{part}", data={"csrf_token": token} | data)
        assert response.status_code == 303, (part, response.text[:300])
    meeting = owner.get(meeting_url).text
    assert "Move SMT line 2 to Shenzhen" in meeting and "2라인 이전 합의" in meeting
    assert f"{NEXT_YEAR}-01-14 10:00 KST" in meeting

    home = owner.get("/").text
    assert 'data-testid="governance-widget"' in home and "Open action items: 1" in home

    partner = login(base_url, world.users["partner_a"])
    overview = partner.get("/governance").text
    assert "Confirm line move" in overview
    item_id = re.search(r'action="/governance/action-items/(\d+)/done"', overview).group(1)
    done = partner.post(
        f"/governance/action-items/{item_id}/done",
        data={"csrf_token": csrf_of(partner, "/governance")},
    )
    assert done.status_code == 303
    assert "Confirm line move" not in partner.get("/governance").text  # open items only
    assert world.users["partner_a"] in partner.get(meeting_url).text  # done by, on the meeting


def test_partner_sees_nothing_of_another_partners_meetings(
    world: World, engine: Engine, base_url: str
) -> None:
    ids = make_board(world, engine, "b")
    partner = login(base_url, world.users["partner_a"])
    assert partner.get(f"/governance/meetings/{ids['meeting_id']}").status_code == 404
    assert partner.get(f"/governance/committees/{ids['committee_id']}").status_code == 404
    assert "Quote line b" not in partner.get("/governance").text
