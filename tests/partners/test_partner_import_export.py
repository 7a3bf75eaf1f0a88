"""CSV/XLSX import is all-or-nothing and idempotent; exports open in a spreadsheet."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from tests.conftest import World

PARTNERS_CSV = (
    "external_ref,name_ko,name_en,types,form,country,website\n"
    "IMP-1,하노이 전자,Hanoi Electronics,contract_manufacturer;supplier,vertical,VN,https://hanoi.example\n"
    "IMP-2,부산 물류,Busan Logistics,logistics,horizontal,KR,\n"
)


def upload(client, content: bytes, name: str, kind: str = "partners"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/partners/import", params={"kind": kind}, files={"file": (name, content)}
    )


def test_import_twice_changes_nothing_the_second_time(world: World, api) -> None:
    client = api(world.users["manager"])
    first = upload(client, PARTNERS_CSV.encode(), "p.csv")
    assert first.status_code == 200, first.text
    assert first.json() == {"kind": "partners", "created": 2, "updated": 0, "unchanged": 0}
    second = upload(client, PARTNERS_CSV.encode(), "p.csv")
    assert second.json() == {"kind": "partners", "created": 0, "updated": 0, "unchanged": 2}
    changed = PARTNERS_CSV.replace(
        "Busan Logistics,logistics,horizontal,KR", "Busan Logistics,logistics,horizontal,JP"
    )
    third = upload(client, changed.encode(), "p.csv")
    assert third.json() == {"kind": "partners", "created": 0, "updated": 1, "unchanged": 1}


def test_one_bad_row_writes_nothing_and_names_every_problem(world: World, api) -> None:
    client = api(world.users["manager"])
    bad = (
        PARTNERS_CSV
        + "IMP-3,,Broken Co,spaceship,vertical,Korea,\nIMP-1,중복,Dup,supplier,vertical,KR,\n"
    )
    response = upload(client, bad.encode(), "p.csv")
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert "row 4: name_ko" in fields and "row 4: country" in fields
    assert any(f.startswith("row 4: types") for f in fields)
    assert "row 5: external_ref" in fields
    assert client.get("/api/v1/partners", params={"q": "hanoi"}).json()["total"] == 0


def test_sites_and_capabilities_import_from_xlsx(world: World, api) -> None:
    client = api(world.users["manager"])
    upload(client, PARTNERS_CSV.encode(), "p.csv")
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["external_ref", "partner_ref", "name", "country", "latitude", "longitude", "timezone"]
    )
    sheet.append(["IMP-S1", "IMP-1", "Hanoi Plant", "VN", 21.0, 105.8, "Asia/Ho_Chi_Minh"])
    buffer = io.BytesIO()
    book.save(buffer)
    sites = upload(client, buffer.getvalue(), "sites.xlsx", kind="sites")
    assert sites.status_code == 200, sites.text
    assert sites.json()["created"] == 1
    caps_csv = (
        "external_ref,site_ref,process,product_families,capacity,capacity_unit\n"
        "IMP-C1,IMP-S1,SMT,phone;tablet,5000,boards\n"
    )
    caps = upload(client, caps_csv.encode(), "caps.csv", kind="capabilities")
    assert caps.json()["created"] == 1
    again = upload(client, caps_csv.encode(), "caps.csv", kind="capabilities")
    assert again.json()["unchanged"] == 1
    unknown_site = upload(
        client, caps_csv.replace("IMP-S1", "NOPE").encode(), "caps.csv", kind="capabilities"
    )
    assert unknown_site.status_code == 422
    assert unknown_site.json()["errors"][0]["field"] == "row 2: site_ref"


def test_malformed_and_oversize_files_are_clear_errors(world: World, api, settings) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["manager"])
    assert upload(client, b"\x00\x01garbage", "p.xlsx").status_code == 400
    assert upload(client, b'name\n"unterminated', "p.csv").status_code == 400
    assert upload(client, "a,b\n".encode("utf-16"), "p.csv").status_code == 400
    assert upload(client, b"x", "p.pdf").status_code == 400
    unknown = upload(client, b"external_ref,colour\nX,red\n", "p.csv")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "column colour"
    big = b"external_ref\n" + b"x" * (settings.max_upload_mb * 1024 * 1024 + 10)
    assert upload(client, big, "p.csv").status_code == 413


def test_partner_users_cannot_import(world: World, api) -> None:
    client = api(world.users["partner_a"])
    assert upload(client, PARTNERS_CSV.encode(), "p.csv").status_code == 403


def test_export_csv_and_xlsx(world: World, api) -> None:
    client = api(world.users["viewer"])
    csv_response = client.get("/api/v1/partners/export", params={"format": "csv", "country": "KR"})
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("external_ref,name_ko,name_en")
    assert "Bravo Bioworks" in text and "Alpha Assembly" not in text
    xlsx = client.get("/api/v1/partners/export", params={"format": "xlsx", "kind": "sites"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("external_ref", "partner_ref", "name")
    assert {r[2] for r in rows[1:]} == {"Alpha Assembly Site", "Bravo Bioworks Site"}
    certs = client.get("/api/v1/partners/export", params={"kind": "certifications"}).content.decode(
        "utf-8-sig"
    )
    assert "CERT-a" in certs
