"""The development pages: a project made through its form, a contradicting owner shown on the
form's page with the field named (in Korean too), the partner's view of its own project."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.development.development_factories import IP, contract_with_ip


def test_project_pages(world: World, engine: Engine, base_url: str, api: Any) -> None:
    contract_id = contract_with_ip(engine, world.partner_a, IP)
    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, "/development")
    made = owner.post(
        "/development",
        data={
            "csrf_token": csrf,
            "title": "Wafer-level packaging",
            "partner_id": str(world.partner_a),
            "contract_id": str(contract_id),
            "gates": "G1 Concept\nG2 Pilot",
        },
    )
    assert made.status_code == 303, made.text[:500]
    url = made.headers["location"]
    page = owner.get(url)
    assert page.status_code == 200 and "G2 Pilot" in page.text
    project_id = int(url.rsplit("/", 1)[1])

    invention = {
        "csrf_token": csrf,
        "title": "Underfill dispensing pattern",
        "conceived_on": "2026-04-01",
        "result_kind": "foreground",
        "owner": "owner",
        "inventors": "owner: Park Minseo\npartner: Chen Wei",
    }
    refused = owner.post(f"/development/projects/{project_id}/inventions", data=invention)
    assert refused.status_code == 422
    assert "foreground_ip" in refused.text and "owner" in refused.text
    owner.post("/lang", data={"csrf_token": csrf, "locale": "ko", "next": "/"})
    refused_ko = owner.post(f"/development/projects/{project_id}/inventions", data=invention)
    assert "계약의 지식재산 조건과 맞지 않습니다" in refused_ko.text
    saved = owner.post(
        f"/development/projects/{project_id}/inventions", data=invention | {"owner": "joint"}
    )
    assert saved.status_code == 303
    assert "공동" in owner.get(url).text

    partner = login(base_url, world.users["partner_a"])
    view = partner.get(url)
    assert view.status_code == 200 and "Underfill dispensing pattern" in view.text
    confirm = re.search(r'action="(/development/inventors/\d+/confirm)"', view.text)
    assert confirm, "the partner is offered to confirm its inventor"
    done = partner.post(confirm.group(1), data={"csrf_token": csrf_of(partner, url)})
    assert done.status_code == 303
    assert login(base_url, world.users["partner_b"]).get(url).status_code == 404
    partner_csrf = csrf_of(partner, url)
    stop = partner.post(f"{url}/status", data={"csrf_token": partner_csrf, "status": "stopped"})
    assert stop.status_code == 403  # the partner may not change the project's status
    paused = owner.post(f"{url}/status", data={"csrf_token": csrf, "status": "on_hold"})
    assert paused.status_code == 303 and "보류" in owner.get(url).text
    register = owner.get("/development/inventions")
    assert register.status_code == 200 and "Underfill dispensing pattern" in register.text
