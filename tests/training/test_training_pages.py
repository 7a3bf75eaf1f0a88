"""The training page and the partner-page panel: a partner confirms the SOP it was asked to
read, the owner sees compliance move, a new version shows the button again."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.training.training_factories import new_version, shared_document


def test_partner_acknowledges_on_the_page(
    world: World, engine: Engine, base_url: str, api: Any
) -> None:
    a = world.partner_a
    document_id = shared_document(engine, a, "Line clearance SOP")
    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, "/training")
    assert (
        owner.post(
            "/training/sops",
            data={"csrf_token": csrf, "document_id": str(document_id), "partner_id": str(a)},
        ).status_code
        == 303
    )
    bad = owner.post(
        "/training/records",
        data={
            "csrf_token": csrf,
            "partner_id": str(a),
            "person_name": "Hoang",
            "course_kind": "process_sop",
            "course_title": "Line clearance",
            "completed_on": str(date.today()),
            "valid_until": str(date.today() - timedelta(days=1)),
        },
    )
    assert bad.status_code == 422 and "valid_until" in bad.text

    assert "1 SOP acknowledgements pending" in owner.get("/").text  # the dashboard card
    panel = owner.get(f"/training/partners/{a}/panel")
    assert panel.status_code == 200 and "0 / 1" in panel.text
    assert "/training/partners/" in owner.get(f"/partners/{a}").text  # the page loads the panel

    partner = login(base_url, world.users["partner_a"])
    page = partner.get("/training")
    assert "I have read version 1" in page.text
    sops = api(world.users["partner_a"]).get("/api/v1/training/sops").json()
    done = partner.post(
        f"/training/sops/{sops[0]['id']}/acknowledge",
        data={"csrf_token": csrf_of(partner, "/training"), "version": "1"},
    )
    assert done.status_code == 303
    assert "1 / 1" in owner.get(f"/training/partners/{a}/panel").text
    assert "100.0 %" in owner.get(f"/training/partners/{a}/panel").text
    new_version(engine, document_id)
    assert "I have read version 2" in partner.get("/training").text
    assert partner.get(f"/training/partners/{world.partner_b}/panel").status_code == 404
