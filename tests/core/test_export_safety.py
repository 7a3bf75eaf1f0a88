"""A partner's text never runs as a formula in the owner's CSV or XLSX exports, numbers stay
numbers, and an export imports back to exactly the text the partner wrote."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from tests.conftest import World

from cofab.core.cell_safety import inert, restored

FORMULA = "=cmd|' /C calc'!A0"
ORDERS = (
    "order_ref,partner_ref,site_ref,order_date,currency,incoterm,line_no,product,"
    "product_family,quantity,unit_price,requested_date\n"
    "PO-77,REF-Alpha Assembly,SITE-a,2025-01-05,USD,FOB,1,Board,PCB,100,2.50,2025-02-01\n"
)


def _upload(client, kind: str, content: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/operations/import", params={"kind": kind}, files={"file": (name, content)}
    )


def _partner_ships_a_formula(world: World, api) -> tuple:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    assert _upload(manager, "orders", ORDERS.encode(), "o.csv").status_code == 200
    partner = api(world.users["partner_a"])
    order_id = partner.get("/api/v1/orders").json()["items"][0]["id"]
    line_id = partner.get(f"/api/v1/orders/{order_id}").json()["lines"][0]["id"]
    shipped = partner.post(
        "/api/v1/shipments",
        json={
            "external_ref": "ASN-F1",
            "ship_date": "2025-01-25",
            "carrier": FORMULA,
            "tracking": "-12.5",
            "lines": [{"line_id": line_id, "quantity": "60"}],
        },
    )
    assert shipped.status_code == 201, shipped.text
    return manager, shipped.json()["id"]


def test_csv_export_holds_the_formula_inert_and_imports_back_unchanged(world: World, api) -> None:
    manager, shipment_id = _partner_ships_a_formula(world, api)
    exported = manager.get("/api/v1/operations/export", params={"kind": "shipments"})
    assert exported.status_code == 200
    records = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert records[0]["carrier"] == "'" + FORMULA
    assert records[0]["tracking"] == "-12.5"  # a plain number is data, not a formula
    assert records[0]["quantity"] == "60.0"
    again = _upload(manager, "shipments", exported.content, "s.csv")
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == 1 and again.json()["updated"] == 0
    detail = manager.get(f"/api/v1/shipments/{shipment_id}").json()
    assert detail["carrier"] == FORMULA


def test_xlsx_export_holds_the_formula_as_text_and_numbers_as_numbers(world: World, api) -> None:
    manager, shipment_id = _partner_ships_a_formula(world, api)
    exported = manager.get(
        "/api/v1/operations/export", params={"kind": "shipments", "format": "xlsx"}
    )
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    carrier = sheet.cell(row=2, column=header.index("carrier") + 1)
    assert carrier.data_type == "s" and carrier.value == "'" + FORMULA
    quantity = sheet.cell(row=2, column=header.index("quantity") + 1)
    assert quantity.data_type == "n" and quantity.value == 60
    changed = manager.post(
        "/api/v1/operations/import",
        params={"kind": "shipments"},
        files={"file": ("s.xlsx", exported.content)},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["unchanged"] == 1
    assert manager.get(f"/api/v1/shipments/{shipment_id}").json()["carrier"] == FORMULA


def test_partner_registry_exports_quote_every_trigger(world: World, api) -> None:
    manager = api(world.users["manager"])
    names = ["+1+1", "@SUM(A1)", "-x", "'=already quoted", "plain"]
    csv_in = "external_ref,name_ko,name_en,types,form,country\n" + "".join(
        f'X-{i},이름{i},"{name}",supplier,vertical,KR\n' for i, name in enumerate(names)
    )
    created = manager.post("/api/v1/partners/import", files={"file": ("p.csv", csv_in.encode())})
    assert created.status_code == 200, created.text
    exported = manager.get("/api/v1/partners/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("name_en") + 1
    cells = {sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)}
    # the importer took one quote off "'=already quoted", as it does for the exports' own quotes
    assert {"'+1+1", "'@SUM(A1)", "'-x", "'=already quoted", "plain"} <= cells
    as_csv = manager.get("/api/v1/partners/export").content.decode("utf-8-sig")
    assert ",@SUM(A1)," not in as_csv and ",'@SUM(A1)," in as_csv


def test_the_quote_rule_is_an_identity_after_restore() -> None:
    for text in [FORMULA, "-5", "+1.5e3", "'", "''-x", "\tx", "\rx", "@", "a=b", "", "-"]:
        assert restored(inert(text)) == text
    assert inert("-5") == "-5" and inert(-5) == -5 and inert("-x") == "'-x"


def test_control_characters_do_not_break_an_xlsx_export(world: World, api) -> None:
    manager = api(world.users["manager"])
    body = {"name_ko": "제어", "name_en": "Ctl\u0001\u001fCo", "types": ["supplier"]}
    body |= {"form": "vertical", "country": "KR"}
    assert manager.post("/api/v1/partners", json=body).status_code == 201
    exported = manager.get("/api/v1/partners/export", params={"format": "xlsx"})
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert "CtlCo" in {cell.value for cell in sheet["C"]}
