"""Every operations export re-imports unchanged — CSV and XLSX, through the API, the pages and the
CLI — including records made on the pages: receipts booked without a reference, a partner and a
site that have no external reference (written as ``#<id>``), partly and fully received lines."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login, make_partner
from tests.operations.ops_factories import line_ids, make_order, receive, ship
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.domains import load_all_models
from cofab.operations import cli as ops_cli
from cofab.operations import exporting, inventory, progress, schemas
from cofab.partners import service as partner_service
from cofab.partners.models import Partner, Site

KINDS = exporting.EXPORT_KINDS
OPS_TABLES = ("ops_orders", "ops_order_lines", "ops_progress", "ops_shipments", "ops_receipts")
DUE = date(2025, 2, 10)
REPORT = re.compile(r'data-testid="import-(\w+)">(\d+)<')


def table_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _site(session, partner_id: int, name: str) -> int:  # type: ignore[no-untyped-def]
    site = partner_service.add_child(
        session,
        actor=SYSTEM_ACTOR,
        model=Site,
        partner_id=partner_id,
        values={"name": name, "country": "KR", "timezone": "UTC"},
    )
    return int(site.id)


def build(engine: Engine, world: World) -> dict[str, int]:
    with unit_of_work(engine) as session:
        bare = make_partner(session, "Charlie Castings", "KR")
        bare.external_ref = None  # made on the pages: no reference
        bare_site = _site(session, bare.id, "Charlie Plant")
        plain_site = _site(session, world.partner_a, "Alpha Annex")  # no reference either
        order = make_order(
            session,
            world.partner_a,
            "RT-1",
            [("Board", 100, 2.5, DUE), ("Case", 50, 1.2, DUE)],
            site_id=plain_site,
        )
        board, case = line_ids(session, order)
        progress.post_progress(
            session,
            actor=SYSTEM_ACTOR,
            line_id=board,
            data=schemas.ProgressIn(stage="packed", quantity=Decimal(100)),
        )
        asn = ship(session, "RT-ASN", [(board, 100), (case, 50)], DUE)
        receive(session, asn, board, DUE, 100)  # no receipt reference: booked on a page
        receive(session, asn, case, DUE, 20, rejected=5)
        make_order(session, bare.id, "RT-2", [("Ingot", 7, 9.5, DUE)], site_id=bare_site)
        for site_id, item in ((plain_site, "Board"), (bare_site, "Ingot")):
            inventory.post_snapshot(
                session,
                actor=SYSTEM_ACTOR,
                data=schemas.InventorySnapshotIn(site_id=site_id, item=item, on_hand=Decimal(12)),
            )
        return {"bare": bare.id, "bare_site": bare_site, "plain_site": plain_site}


def fingerprint(engine: Engine) -> str:
    """Every operations row, so "unchanged" means unchanged, not merely "no error"."""
    tables = load_all_models().tables
    parts = []
    with engine.connect() as conn:
        for name in (*OPS_TABLES, "ops_inventory", "ops_shipment_lines", "ops_line_versions"):
            table = tables[name]
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            parts.append(f"{name}:{[tuple(map(str, r)) for r in rows]}")
    return "\n".join(parts)


def test_exports_name_unreferenced_partners_and_sites_and_show_states(
    world: World, api, engine: Engine
) -> None:
    ids = build(engine, world)
    manager = api(world.users["manager"])
    text = manager.get("/api/v1/operations/export", params={"kind": "orders"}).text
    rows = {r["order_ref"] + "/" + r["line_no"]: r for r in table_of(text)}
    assert rows["RT-2/1"]["partner_ref"] == f"#{ids['bare']}"
    assert rows["RT-2/1"]["site_ref"] == f"#{ids['bare_site']}"
    assert rows["RT-1/1"]["site_ref"] == f"#{ids['plain_site']}"
    assert rows["RT-1/1"]["line_state"] == "received"
    assert rows["RT-1/2"]["line_state"] == "partially_received"
    assert Decimal(rows["RT-1/1"]["line_total"]) == Decimal(250)
    receipts = manager.get("/api/v1/operations/export", params={"kind": "receipts"}).text
    assert all(r["receipt_ref"] for r in table_of(receipts))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_export_reimports_unchanged(world: World, api, engine: Engine, fmt: str) -> None:
    build(engine, world)
    manager = api(world.users["manager"])
    before = fingerprint(engine)
    for kind in KINDS:
        exported = manager.get("/api/v1/operations/export", params={"kind": kind, "format": fmt})
        assert exported.status_code == 200, (kind, exported.text[:300])
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(exported.content)).active
            assert sheet is not None and sheet.max_row > 1, kind
        again = manager.post(
            "/api/v1/operations/import",
            params={"kind": kind},
            files={"file": (f"{kind}.{fmt}", exported.content)},
        )
        assert again.status_code == 200, (kind, again.text)
        report = again.json()
        assert report["created"] == 0 and report["updated"] == 0 and report["unchanged"] > 0, (
            kind,
            report,
        )
    assert fingerprint(engine) == before


def test_page_export_reimports_unchanged(world: World, base_url: str, engine: Engine) -> None:
    build(engine, world)
    client = login(base_url, world.users["manager"])
    token = csrf_of(client, "/orders")
    before = fingerprint(engine)
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            exported = client.get("/operations/export", params={"kind": kind, "format": fmt})
            assert exported.status_code == 200
            page = client.post(
                "/operations/import",
                data={"csrf_token": token, "kind": kind},
                files={"file": (f"{kind}.{fmt}", exported.content)},
            )
            assert page.status_code == 200, (kind, fmt, page.text[:500])
            counts = {
                name: int(n)
                for name, n in re.findall(r'data-testid="import-(\w+)">(\d+)<', page.text)
            }
            assert counts["created"] == 0 and counts["updated"] == 0, (kind, fmt, counts)
            assert counts["unchanged"] > 0, (kind, fmt, counts)
    assert fingerprint(engine) == before


def test_cli_export_reimports_unchanged(
    world: World, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(engine, world)
    monkeypatch.setattr(ops_cli, "engine", lambda: engine)
    monkeypatch.setenv("COFAB_LANG", "en")
    runner = CliRunner()
    before = fingerprint(engine)
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{kind}.{fmt}"
            exported = runner.invoke(cli_app, ["ops", "export", str(out), "--kind", kind])
            assert exported.exit_code == 0, exported.output
            again = runner.invoke(cli_app, ["ops", "import", str(out), "--kind", kind])
            assert again.exit_code == 0, (kind, fmt, again.output)
            assert "0 created, 0 updated" in again.output, (kind, fmt, again.output)
    assert fingerprint(engine) == before
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(Partner)).scalar_one() == 3
