"""A performance review written after the migration is mirrored as it is written: the meeting
of kind performance_review, its decisions numbered in order, its action items following the
review's (a partner's status report included)."""

from __future__ import annotations

from datetime import date

from tests.conftest import World

API = "/api/v1/governance"


def test_a_new_review_its_decisions_and_items_appear_as_a_meeting(world: World, api) -> None:
    owner = api(world.users["manager"])
    review = owner.post(
        "/api/v1/reviews",
        json={
            "partner_id": world.partner_a,
            "title": "Q3 business review",
            "held_on": date.today().isoformat(),
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
        },
    )
    assert review.status_code == 201, review.text
    review_id = review.json()["id"]
    for text in ("Dual sourcing for PCB", "Monthly quality call"):
        added = owner.post(f"/api/v1/reviews/{review_id}/decisions", json={"text": text})
        assert added.status_code == 200, added.text
    item = owner.post(
        f"/api/v1/reviews/{review_id}/action-items",
        json={
            "title": "Second PCB source quote",
            "owner_side": "partner",
            "owner_name": "Nguyen",
            "due_date": "2026-12-31",
        },
    )
    assert item.status_code == 201, item.text
    partner = api(world.users["partner_a"])
    reported = partner.patch(
        f"/api/v1/action-items/{item.json()['id']}", json={"status": "done", "note": "sent"}
    )
    assert reported.status_code == 200, reported.text

    meetings = owner.get(f"{API}/meetings", params={"kind": "performance_review"}).json()
    assert [(m["review_id"], m["title"], m["partner_id"]) for m in meetings] == [
        (review_id, "Q3 business review", world.partner_a)
    ]
    assert meetings[0]["starts_at"].startswith(f"{date.today().isoformat()}T00:00")
    detail = partner.get(f"{API}/meetings/{meetings[0]['id']}").json()
    assert [(d["number"], d["text"]) for d in detail["decisions"]] == [
        (1, "Dual sourcing for PCB"),
        (2, "Monthly quality call"),
    ]
    mirrored = detail["action_items"]
    assert [(i["title"], i["side"], i["owner_name"], i["status"], i["note"]) for i in mirrored] == [
        ("Second PCB source quote", "partner", "Nguyen", "done", "sent")
    ]
    assert mirrored[0]["source_action_item_id"] == item.json()["id"]
    assert mirrored[0]["done_at"] is not None
    refused = owner.patch(f"{API}/action-items/{mirrored[0]['id']}", json={"status": "open"})
    assert refused.status_code == 409
    assert f"#{review_id}" in refused.json()["detail"]
    inbox_view = owner.get(f"{API}/action-items").json()
    assert [i["source_action_item_id"] for i in inbox_view] == [item.json()["id"]]
    assert (
        api(world.users["partner_b"]).get(f"{API}/meetings/{meetings[0]['id']}").status_code == 404
    )
