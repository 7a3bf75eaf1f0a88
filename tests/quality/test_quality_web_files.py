"""Certificates of conformance/analysis per lot and files on NCRs, sealed through the vault:
the partner files its own, the owner sees them on the lot/NCR, another partner gets 404, and
bad input names the field with nothing written."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.quality.quality_web_factories import inspect, make_plan, open_lot
from tests.quality.test_quality_web_pages import _ko

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.quality import ncrs, schemas
from cofab.quality.models import Certificate, QualityFile
from cofab.quality.pages_files import values_from_lines

PDF = b"%PDF-1.4 certificate of analysis, lot A-1"


def _lot_and_ncr(world: World, engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        inspection = open_lot(session, world.partner_a, "A-1", 500)
        defects = [{"defect_code": "VOID", "defect_class": "major", "quantity": 3}]
        inspect(session, inspection.id, defects)
        ncr = ncrs.ncr_from_lot(
            session, actor=SYSTEM_ACTOR, lot_id=inspection.lot_id, data=schemas.NcrFromLot()
        )
        return inspection.lot_id, ncr.id


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_value_lines_parse_and_name_the_bad_line() -> None:
    assert values_from_lines("Assay | 99.2 | % | 98 | 102\n\nWater | 0.3") == [
        {"name": "Assay", "value": "99.2", "unit": "%", "lsl": "98", "usl": "102"},
        {"name": "Water", "value": "0.3"},
    ]
    try:
        values_from_lines("Assay | 1\nonly-a-name")
    except Exception as exc:  # ValidationFailed
        problem = exc.problems[0]  # type: ignore[attr-defined]
        assert (problem.field, problem.params) == ("values", {"line": 2})
    else:
        raise AssertionError("a line without a value was accepted")


def test_partner_files_coa_owner_sees_it_other_partner_gets_404(
    world: World, engine: Engine, api, base_url: str
) -> None:
    lot_id, _ncr_id = _lot_and_ncr(world, engine)
    partner = api(world.users["partner_a"])
    form = {
        "kind": "coa",
        "external_ref": "COA-A-1",
        "issued_on": "2026-03-01",
        "values": json.dumps([{"name": "Assay", "value": 99.2, "unit": "%", "lsl": 98}]),
    }
    url = f"/api/v1/quality/lots/{lot_id}/certificates"
    created = partner.post(url, data=form, files={"file": ("coa.pdf", PDF, "application/pdf")})
    assert created.status_code == 201, created.text
    cert = created.json()
    assert cert["values"] == [{"name": "Assay", "value": 99.2, "unit": "%", "lsl": 98.0}]
    again = partner.post(url, data=form, files={"file": ("coa.pdf", PDF, "application/pdf")})
    assert (again.status_code, again.json()["id"]) == (200, cert["id"])
    assert _count(engine, Certificate) == 1 and _count(engine, QualityFile) == 1
    # the owner lists it and downloads the same bytes
    owner = api(world.users["quality"])
    listed = owner.get(url).json()
    assert [c["external_ref"] for c in listed] == ["COA-A-1"]
    download = owner.get(f"/api/v1/quality/files/{cert['file_id']}")
    assert (download.status_code, download.content) == (200, PDF)
    # partner B sees nothing of it
    other = api(world.users["partner_b"])
    assert other.get(url).status_code == 404
    assert other.get(f"/api/v1/quality/files/{cert['file_id']}").status_code == 404
    assert other.post(url, data=form | {"external_ref": "B"}).status_code == 404
    # bad input: a CoA without values, a CoC without its file, tomorrow's date → named fields
    bad = partner.post(
        url,
        data={"kind": "coa", "external_ref": "COA-2", "issued_on": "2999-01-01", "values": "[]"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"values", "issued_on"}
    coc = partner.post(url, data={"kind": "coc", "external_ref": "C-1", "issued_on": "2026-03-01"})
    assert coc.status_code == 422 and coc.json()["errors"][0]["field"] == "file"
    not_json = partner.post(url, data=form | {"external_ref": "X", "values": "{oops"})
    assert not_json.json()["errors"][0]["field"] == "values"
    assert _count(engine, Certificate) == 1
    # the owner's lot page shows the certificate and its value
    page = login(base_url, world.users["quality"]).get(f"/quality/lots/{lot_id}").text
    assert "COA-A-1" in page and "99.2" in page


def test_ncr_photo_through_the_page_and_404_for_another_partner(
    world: World, engine: Engine, api, base_url: str
) -> None:
    _lot_id, ncr_id = _lot_and_ncr(world, engine)
    client = _ko(base_url, world.users["quality"])
    token = csrf_of(client, f"/quality/ncrs/{ncr_id}")
    sent = client.post(
        f"/quality/ncrs/{ncr_id}/files",
        data={"csrf_token": token},
        files={"file": ("void.jpg", b"\xff\xd8jpeg", "image/jpeg")},
    )
    assert sent.status_code == 303, sent.text
    page = client.get(f"/quality/ncrs/{ncr_id}").text
    assert "void.jpg" in page and "사진 및 파일" in page
    empty = client.post(f"/quality/ncrs/{ncr_id}/files", data={"csrf_token": token})
    assert empty.status_code == 400
    files = api(world.users["partner_a"]).get(f"/api/v1/quality/ncrs/{ncr_id}/files").json()
    assert [f["filename"] for f in files] == ["void.jpg"]
    other = api(world.users["partner_b"]).get(f"/api/v1/quality/ncrs/{ncr_id}/files")
    assert other.status_code == 404
