"""Partners' outgoing inspection results from CSV/XLSX: all rows or none, idempotent by the
external reference, problems named by row and field label; another partner's lot is not found."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.quality.quality_web_factories import make_plan, open_lot

from cofab.db.session import unit_of_work
from cofab.quality.models import Defect, Inspection

URL = "/api/v1/quality/outgoing-import"
HEADER = "lot_no,external_ref,sample_size,defect_code,defect_class,quantity,note\n"


def _outgoing(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        inspections = session.execute(
            select(func.count()).where(Inspection.kind == "outgoing")
        ).scalar_one()
        defects = session.execute(select(func.count()).select_from(Defect)).scalar_one()
        return int(inspections), int(defects)


def _lots(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        make_plan(session, world.partner_b)
        open_lot(session, world.partner_a, "A-1", 500)
        open_lot(session, world.partner_a, "A-2", 200)
        open_lot(session, world.partner_b, "B-1", 500)


def test_csv_import_is_all_or_nothing_idempotent_and_names_rows(
    world: World, engine: Engine, api
) -> None:
    _lots(world, engine)
    partner = api(world.users["partner_a"])
    good = (
        HEADER + "A-1,OUT-1,50,SOLDER,major,1,first\n"
        "A-1,OUT-1,50,SCRATCH,minor,2,\n"
        "A-2,OUT-2,32,,,,clean\n"
    )
    sent = partner.post(URL, files={"file": ("out.csv", good.encode(), "text/csv")})
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"created": 2, "unchanged": 0}
    assert _outgoing(engine) == (2, 2)
    again = partner.post(URL, files={"file": ("out.csv", good.encode(), "text/csv")})
    assert again.json() == {"created": 0, "unchanged": 2}
    assert _outgoing(engine) == (2, 2)
    # one good row and three bad ones: nothing stored, each problem on its row and field
    bad = (
        HEADER + "A-2,OUT-3,32,,,,fine\n"
        "A-2,OUT-4,abc,,,,\n"
        "A-9,OUT-5,10,,,,\n"
        "A-2,OUT-6,10,X,major,11,\n"
    )
    refused = partner.post(URL, files={"file": ("bad.csv", bad.encode(), "text/csv")})
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"row 3.sample_size", "row 4.lot_no", "row 5.quantity"}
    assert _outgoing(engine) == (2, 2)
    # partner B's lot is not partner A's: a file naming it is refused, nothing written
    other = HEADER + "B-1,OUT-7,50,,,,\n"
    stranger = partner.post(URL, files={"file": ("b.csv", other.encode(), "text/csv")})
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["field"] == "row 2.lot_no"
    assert _outgoing(engine) == (2, 2)


def test_xlsx_import_through_the_portal_page_in_korean(
    world: World, engine: Engine, base_url: str
) -> None:
    _lots(world, engine)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["lot_no", "external_ref", "sample_size", "defect_code", "defect_class", "quantity"]
    )
    sheet.append(["A-1", "X-1", 50, "VOID", "major", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(base_url, world.users["partner_a"])
    client.headers["Accept-Language"] = "ko"
    token = csrf_of(client, "/quality/outgoing-import")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sent = client.post(
        "/quality/outgoing-import",
        data={"csrf_token": token},
        files={"file": ("out.xlsx", buffer.getvalue(), xlsx)},
    )
    assert sent.status_code == 200, sent.text
    assert "검사 1건을 저장했습니다" in sent.text
    assert _outgoing(engine) == (1, 1)
    missing = client.post(
        "/quality/outgoing-import",
        data={"csrf_token": token},
        files={"file": ("e.csv", b"lot_no,external_ref\nA-1,\n", "text/csv")},
    )
    assert missing.status_code == 422
    assert "2행" in missing.text or "row 2" in missing.text


def test_cli_imports_as_the_partner_and_refuses_a_bad_row_in_one_line(
    world: World, engine: Engine, tmp_path, monkeypatch
) -> None:
    from typer.testing import CliRunner

    from cofab.core import cli_session
    from cofab.quality.cli import app

    _lots(world, engine)
    monkeypatch.setattr(cli_session, "migrated_engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    good = tmp_path / "out.csv"
    good.write_text(HEADER + "A-1,C-1,50,SOLDER,major,1,\n")
    runner = CliRunner()
    ok = runner.invoke(app, ["import-outgoing", str(good), "--as", world.users["partner_a"]])
    assert ok.exit_code == 0, ok.output
    assert "1 stored, 0 already stored" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A-1,C-2,zero,,,,\n")
    refused = runner.invoke(app, ["import-outgoing", str(bad), "--as", world.users["partner_a"]])
    assert refused.exit_code == 1
    assert "row 2" in refused.output.lower() and "Traceback" not in refused.output
    assert _outgoing(engine) == (1, 1)
