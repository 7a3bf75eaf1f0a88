"""Every registry export re-imports unchanged: CLI CSV and XLSX, and the web's export → import
(issue 13, defect 2); audit-log XLSX keeps its UTC times (defect 4)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from typer.testing import CliRunner

from cofab import cli
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.tabular import read_table
from cofab.db.session import unit_of_work
from cofab.partners import schemas, service
from cofab.partners.models import Capability, Certification, Partner, Site

runner = CliRunner()
KINDS = ("partners", "sites", "capabilities", "certifications")


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setenv("COFAB_LANG", "en")
    return engine


def registry(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored value an import could change, in a stable order."""
    with unit_of_work(engine) as session:
        return {
            "partners": [
                (
                    p.id,
                    p.external_ref,
                    p.name_ko,
                    p.name_en,
                    tuple(p.types),
                    p.form,
                    p.status,
                    p.country,
                    p.website,
                    p.notes,
                )
                for p in session.execute(select(Partner).order_by(Partner.id)).scalars()
            ],
            "sites": [
                (
                    *(s.id, s.partner_id, s.external_ref, s.name, s.address, s.country),
                    *(s.region, s.latitude, s.longitude, s.timezone),
                )
                for s in session.execute(select(Site).order_by(Site.id)).scalars()
            ],
            "capabilities": [
                (
                    *(c.id, c.site_id, c.external_ref, c.process, tuple(c.product_families)),
                    *(c.capacity, c.capacity_unit, c.capacity_period),
                )
                for c in session.execute(select(Capability).order_by(Capability.id)).scalars()
            ],
            "certifications": [
                (
                    *(c.id, c.partner_id, c.site_id, c.standard, c.number),
                    *(c.issuer, c.valid_from, c.valid_to),
                )
                for c in session.execute(select(Certification).order_by(Certification.id)).scalars()
            ],
        }


def awkward_rows(world: World, engine: Engine) -> None:
    """What exports trip over: no external reference, notes over lines, formula-like text,
    a second type, fractional capacity, a certificate at a site, another lifecycle status."""
    with unit_of_work(engine) as session:
        partner = service.create_partner(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.PartnerCreate(
                name_ko="무참조 상사",
                name_en="No Ref Trading",
                types=["supplier", "logistics"],
                form="horizontal",
                country="DE",
                website="https://noref.example",
                notes='=SUM(A1)\nline two, with "quotes"',
            ),
        )
        service.change_status(
            session, actor=SYSTEM_ACTOR, partner_id=partner.id, new_status="qualifying"
        )
        site = service.add_child(
            session,
            actor=SYSTEM_ACTOR,
            model=Site,
            partner_id=partner.id,
            values={
                "name": "Hamburg Hub",
                "country": "DE",
                "latitude": 53.5511,
                "longitude": 9.9937,
                "timezone": "Europe/Berlin",
                "address": "-Hafenstraße 1",
            },
        )
        service.add_child(
            session,
            actor=SYSTEM_ACTOR,
            model=Capability,
            partner_id=partner.id,
            site_id=site.id,
            values={
                "process": "Cold storage",
                "product_families": ["vaccine", "vial"],
                "capacity": "1234.567",
                "capacity_unit": "pallets",
                "capacity_period": "week",
            },
        )
        service.add_child(
            session,
            actor=SYSTEM_ACTOR,
            model=Certification,
            partner_id=partner.id,
            values={
                "standard": "GDP",
                "number": "GDP-7",
                "issuer": "TÜV",
                "site_id": site.id,
                "valid_from": date.today() - timedelta(days=400),
                "valid_to": date.today() - timedelta(days=5),
            },
        )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_cli_export_then_import_changes_nothing(
    world: World, cli_db: Engine, tmp_path: Path, suffix: str
) -> None:
    awkward_rows(world, cli_db)
    before = registry(cli_db)
    assert all(before[kind] for kind in KINDS)
    for kind in KINDS:
        out = tmp_path / f"{kind}.{suffix}"
        exported = runner.invoke(cli.app, ["partners", "export", str(out), "--kind", kind])
        assert exported.exit_code == 0, exported.output
        imported = runner.invoke(cli.app, ["partners", "import", str(out), "--kind", kind])
        assert imported.exit_code == 0, (kind, imported.output)
        rows = len(before[kind])
        assert f"0 created, 0 updated, {rows} unchanged" in imported.output, imported.output
    assert registry(cli_db) == before


def test_an_edited_export_updates_just_what_changed(
    world: World, cli_db: Engine, tmp_path: Path
) -> None:
    awkward_rows(world, cli_db)
    out = tmp_path / "partners.csv"
    assert runner.invoke(cli.app, ["partners", "export", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    # the partner without a reference went out as P<id> and moves one lifecycle step
    edited = text.replace(",horizontal,qualifying,DE,", ",horizontal,approved,DE,")
    assert edited != text
    out.write_text(edited, encoding="utf-8")
    result = runner.invoke(cli.app, ["partners", "import", str(out)])
    assert result.exit_code == 0 and "0 created, 1 updated, 2 unchanged" in result.output
    with unit_of_work(cli_db) as session:
        moved = session.execute(
            select(Partner).where(Partner.name_en == "No Ref Trading")
        ).scalar_one()
        assert moved.status == "approved" and moved.external_ref is None
    # a jump the lifecycle does not allow is refused, naming row and field by label
    out.write_text(edited.replace(",horizontal,approved,DE,", ",horizontal,prospect,DE,"), "utf-8")
    refused = runner.invoke(cli.app, ["partners", "import", str(out)])
    assert refused.exit_code == 1
    assert re.search(
        r"row \d, Status \(status\): A partner cannot move from Approved", refused.output
    )


def test_certificates_import_by_partner_standard_and_number(
    world: World, cli_db: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "certs.csv"
    source.write_text(
        "partner_ref,standard,number,site_ref,valid_from,valid_to\n"
        "REF-Alpha Assembly,ISO 14001,ENV-1,SITE-a,2026-01-01,2028-12-31\n"
        "REF-Alpha Assembly,ISO 9001,CERT-a,,2026-01-01,2029-01-01\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["partners", "import", str(source), "--kind", "certifications"])
    assert "1 created, 1 updated, 0 unchanged" in result.output, result.output
    with unit_of_work(cli_db) as session:
        certs = {
            c.number: c
            for c in session.execute(
                select(Certification).where(Certification.partner_id == world.partner_a)
            ).scalars()
        }
        assert certs["ENV-1"].site_id == world.ids["a"]["site_id"]
        assert certs["CERT-a"].valid_to == date(2029, 1, 1)
    wrong_site = source.read_text("utf-8").replace("SITE-a", "SITE-b")
    source.write_text(wrong_site, encoding="utf-8")
    refused = runner.invoke(
        cli.app, ["partners", "import", str(source), "--kind", "certifications"]
    )
    assert refused.exit_code == 1 and "belongs to another partner" in refused.output


def test_web_export_then_web_import_changes_nothing(
    world: World, engine: Engine, base_url: str
) -> None:
    awkward_rows(world, engine)
    before = registry(engine)
    browser = login(base_url, world.users["manager"])
    for fmt in ("csv", "xlsx"):
        exported = browser.get("/partners/export", params={"format": fmt})
        assert exported.status_code == 200
        token = csrf_of(browser, "/partners")
        imported = browser.post(
            "/partners/import",
            data={"csrf_token": token, "kind": "partners"},
            files={"file": (f"partners.{fmt}", exported.content)},
        )
        assert imported.status_code == 200, imported.text[-2000:]
        stats = re.findall(r'<div class="stat"[^>]*>(\d+)</div>', imported.text)
        assert stats == ["0", "0", str(len(before["partners"]))]
    assert registry(engine) == before


def test_audit_log_xlsx_export_keeps_utc_times(world: World, base_url: str) -> None:
    browser = login(base_url, world.users["admin"])
    response = browser.get("/audit/export", params={"format": "xlsx"})
    assert response.status_code == 200, response.text[:500]
    rows = read_table(response.content, "audit.xlsx")
    assert rows and all(row.values["at"].endswith("+00:00") for row in rows)
    csv_rows = read_table(browser.get("/audit/export").content, "audit.csv")
    # the same entries, at the same instants (Excel keeps milliseconds, CSV microseconds)
    from datetime import datetime

    def instant(text: str) -> datetime:
        return datetime.fromisoformat(text.replace(" ", "T"))

    by_id = {row.values["id"]: instant(row.values["at"]) for row in csv_rows}
    for row in rows:
        delta = abs(instant(row.values["at"]) - by_id[row.values["id"]])
        assert delta < timedelta(milliseconds=1)
    assert io.BytesIO(response.content).getbuffer().nbytes > 0
