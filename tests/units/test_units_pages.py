"""Pages: the unit admin page, the header switcher, a partner's units on its page."""

from __future__ import annotations

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login

from cofab.db.session import unit_of_work
from cofab.units import service as units


def test_group_admin_founds_a_unit_and_links_a_partner_from_its_page(
    world: World, base_url: str, engine: Engine
) -> None:
    client = login(base_url, world.users["admin"])
    csrf = csrf_of(client, "/units")
    bad = client.post(
        "/units", data={"csrf_token": csrf, "code": "Bad Code", "name_ko": "", "name_en": "x"}
    )
    assert bad.status_code == 422 and "lower-case" in bad.text
    made = client.post(
        "/units",
        data={"csrf_token": csrf, "code": "cells", "name_ko": "셀 사업부", "name_en": "Cells"},
    )
    assert made.status_code == 200 and "Cells" in made.text
    page = client.get(f"/partners/{world.partner_a}")
    assert 'data-testid="partner-units"' in page.text and "Whole group" in page.text
    with unit_of_work(engine) as session:
        unit_id = units.unit_by_code(session, "cells").id  # type: ignore[union-attr]
    linked = client.post(
        f"/partners/{world.partner_a}/units",
        data={
            "csrf_token": csrf_of(client, f"/partners/{world.partner_a}"),
            "unit_id": str(unit_id),
        },
    )
    assert linked.status_code == 303
    page = client.get(f"/partners/{world.partner_a}")
    assert "Cells" in page.text.split('data-testid="partner-units"')[1].split("</dd>")[0]
    switched = client.post(
        "/unit", data={"csrf_token": csrf_of(client, "/"), "unit": str(unit_id), "next": "/orders"}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/orders"
    assert 'data-testid="unit-switch"' in client.get("/").text


def test_unit_pages_are_for_admins_and_speak_korean(world: World, base_url: str) -> None:
    manager = login(base_url, world.users["manager"])
    assert manager.get("/units").status_code == 403
    admin = login(base_url, world.users["admin"])
    admin.post(
        "/lang", data={"csrf_token": csrf_of(admin, "/units"), "locale": "ko", "next": "/units"}
    )
    assert "사업부" in admin.get("/units").text
