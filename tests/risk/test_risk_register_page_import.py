"""The register's CSV/XLSX import on its page: the export imported again changes nothing, a
new row is created, a bad row refuses the whole file by row and field (en and ko)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login

from cofab.db.session import unit_of_work
from cofab.risk.models import Risk


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count(Risk.id))).scalar_one())


def test_register_page_imports_the_export(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    owner = api(world.users["manager"])
    body = {"title": "Single cell plant", "category": "supply", "likelihood": 3, "impact": 4}
    assert owner.post("/api/v1/risk/risks", json=body).status_code == 201
    exported = owner.get("/api/v1/risk/export", params={"format": "xlsx"}).content
    client = login(base_url, world.users["manager"])
    assert 'data-testid="risk-import"' in client.get("/risk").text
    token = csrf_of(client, "/risk")

    same = client.post(
        "/risk/import", data={"csrf_token": token}, files={"file": ("r.xlsx", exported)}
    )
    assert same.status_code == 200 and 'data-testid="import-unchanged">1<' in same.text
    text = owner.get("/api/v1/risk/export").content.decode("utf-8-sig")
    added = text + "RSK-NEW,Cyber,cyber_ip,,,,,,,,2,3,,,choi,30,,open\r\n"
    made = client.post(
        "/risk/import", data={"csrf_token": token}, files={"file": ("r.csv", added.encode())}
    )
    assert made.status_code == 200 and 'data-testid="import-created">1<' in made.text
    assert _count(engine) == 2

    bad = added.replace("RSK-NEW,Cyber,cyber_ip,,,,,,,,2,3", "RSK-BAD,Bad,cyber_ip,,,,,,,,9,3")
    refused = client.post(
        "/risk/import", data={"csrf_token": token}, files={"file": ("r.csv", bad.encode())}
    )
    assert refused.status_code == 422 and 'data-testid="import-error"' in refused.text
    assert "row 3, Likelihood (likelihood)" in refused.text and _count(engine) == 2
    assert "less than or equal" not in refused.text  # pydantic's English stays out
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    no_file = korean.post("/risk/import", data={"csrf_token": csrf_of(korean, "/risk")})
    assert no_file.status_code == 422 and "CSV 또는 XLSX 파일을 선택하세요" in no_file.text
    partner = login(base_url, world.users["partner_a"])
    assert partner.post("/risk/import", data={"csrf_token": csrf_of(partner)}).status_code == 404
