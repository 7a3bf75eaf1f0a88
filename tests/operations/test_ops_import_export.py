"""CSV/XLSX import is all-or-nothing, reports every bad row by number, and is idempotent by
external reference; an export imports back unchanged."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.operations.models import (
    InventorySnapshot,
    LineVersion,
    Order,
    OrderLine,
    ProgressEvent,
    Receipt,
    Shipment,
    ShipmentLine,
)

ORDERS = (
    "order_ref,partner_ref,site_ref,order_date,currency,incoterm,line_no,product,"
    "product_family,quantity,unit_price,requested_date\n"
    "PO-10,REF-Alpha Assembly,SITE-a,2025-01-05,USD,FOB,1,Board,PCB,100,2.50,2025-02-01\n"
    "PO-10,REF-Alpha Assembly,SITE-a,2025-01-05,USD,FOB,2,Case,Housing,50,1.20,2025-02-03\n"
    "PO-11,REF-Bravo Bioworks,,2025-01-06,EUR,DAP,1,Vial,Glass,1000,0.10,2025-02-10\n"
)


def upload(client, kind: str, content: bytes, name: str = "f.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/operations/import", params={"kind": kind}, files={"file": (name, content)}
    )


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_orders_import_is_idempotent_and_versions_changes(world: World, api, engine) -> None:
    manager = api(world.users["manager"])
    first = upload(manager, "orders", ORDERS.encode())
    assert first.status_code == 200, first.text
    assert first.json() == {"kind": "orders", "created": 2, "updated": 0, "unchanged": 0}
    assert count(engine, Order) == 2 and count(engine, OrderLine) == 3
    second = upload(manager, "orders", ORDERS.encode())
    assert second.json() == {"kind": "orders", "created": 0, "updated": 0, "unchanged": 2}
    changed = ORDERS.replace("Case,Housing,50,", "Case,Housing,60,") + (
        "PO-10,REF-Alpha Assembly,SITE-a,2025-01-05,USD,FOB,3,Screw,Fastener,500,0.01,2025-02-03\n"
    )
    third = upload(manager, "orders", changed.encode())
    assert third.json() == {"kind": "orders", "created": 0, "updated": 1, "unchanged": 1}
    with unit_of_work(engine) as session:
        case = session.execute(select(OrderLine).where(OrderLine.product == "Case")).scalar_one()
        assert float(case.quantity) == 60 and case.version == 2
        versions = session.execute(
            select(func.count()).select_from(LineVersion).where(LineVersion.line_id == case.id)
        ).scalar_one()
        assert versions == 2
    assert count(engine, OrderLine) == 4


def test_bad_orders_file_writes_nothing_and_names_every_row(world: World, api, engine) -> None:
    manager = api(world.users["manager"])
    bad = ORDERS + (
        "PO-12,REF-Nobody,,2025-01-05,USD,FOB,1,X,,1,1,2025-02-01\n"
        "PO-13,REF-Alpha Assembly,,2025-01-05,USD,FOT,1,X,,-4,1,2025-02-01\n"
        "PO-10,REF-Alpha Assembly,SITE-a,2025-01-05,EUR,FOB,3,Y,,1,1,2025-02-01\n"
        "PO-14,REF-Alpha Assembly,,2025-01-05,ABC,CIF,1,Z,,1,1,2024-12-01\n"
    )
    response = upload(manager, "orders", bad.encode())
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert "row 5: partner_ref" in fields
    assert "row 6: incoterm" in fields and "row 6: quantity" in fields
    assert "row 7: currency" in fields  # differs from row 2 of the same order
    assert "row 8: currency" in fields and "row 8: requested_date" in fields
    assert count(engine, Order) == 0 and count(engine, OrderLine) == 0
    extra = upload(manager, "orders", b"order_ref,colour\nX,red\n")
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "column colour"
    assert upload(api(world.users["partner_a"]), "orders", ORDERS.encode()).status_code == 403


def test_progress_shipments_receipts_and_inventory_round_trip(world: World, api, engine) -> None:
    manager = api(world.users["manager"])
    upload(manager, "orders", ORDERS.encode())
    partner = api(world.users["partner_a"])

    book = Workbook()
    sheet = book.active
    sheet.append(["order_ref", "line_no", "stage", "quantity", "at", "note"])
    sheet.append(["PO-10", 1, "in_production", 40, "2025-01-20T08:00:00+00:00", "shift A"])
    sheet.append(["PO-10", 2, "packed", 50, "2025-01-21T08:00:00+00:00", None])
    buffer = io.BytesIO()
    book.save(buffer)
    progress = upload(partner, "progress", buffer.getvalue(), "p.xlsx")
    assert progress.json()["created"] == 2, progress.text
    assert upload(partner, "progress", buffer.getvalue(), "p.xlsx").json()["unchanged"] == 2
    # partner A cannot report on partner B's order: the line is unknown to it
    foreign = upload(
        partner,
        "progress",
        b"order_ref,line_no,stage,quantity,at\nPO-11,1,packed,5,2025-01-21T08:00:00Z\n",
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "row 2: line_no"

    asns = (
        "asn_ref,ship_date,eta,carrier,tracking,order_ref,line_no,quantity\n"
        "ASN-9,2025-01-25,2025-01-30,DHL,1Z9,PO-10,1,60\n"
        "ASN-9,2025-01-25,2025-01-30,DHL,1Z9,PO-10,2,50\n"
    )
    shipped = upload(partner, "shipments", asns.encode())
    assert shipped.json() == {"kind": "shipments", "created": 1, "updated": 0, "unchanged": 0}
    assert upload(partner, "shipments", asns.encode()).json()["unchanged"] == 1
    assert count(engine, Shipment) == 1 and count(engine, ShipmentLine) == 2

    receipts = (
        "receipt_ref,asn_ref,order_ref,line_no,received_date,accepted_qty,rejected_qty,"
        "reject_reason,landed_unit_cost,currency\n"
        "GR-1,ASN-9,PO-10,1,2025-01-31,58,2,bent pins,2.60,USD\n"
        "GR-2,ASN-9,PO-10,2,2025-01-31,50,0,,1.25,USD\n"
    )
    over = (
        receipts
        + "GR-3,ASN-9,PO-10,1,2025-02-01,1,0,,,USD\nGR-4,ASN-9,PO-10,2,2099-01-01,0,0,,,EUR\n"
    )
    refused = upload(manager, "receipts", over.encode())
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"row 4: accepted_qty", "row 5: received_date", "row 5: currency"} <= fields
    assert count(engine, Receipt) == 0
    booked = upload(manager, "receipts", receipts.encode())
    assert booked.json()["created"] == 2, booked.text
    assert upload(manager, "receipts", receipts.encode()).json()["unchanged"] == 2
    assert count(engine, Receipt) == 2
    # with receipts booked, the ASN can no longer change
    moved = upload(partner, "shipments", asns.replace("DHL", "UPS").encode())
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "row 2: asn_ref"

    stock = (
        "site_ref,item,at,on_hand,reserved,in_transit\n"
        "SITE-a,Board,2025-01-31T00:00:00Z,500,20,0\n"
        "SITE-a,Board,2025-02-28T00:00:00Z,400,20,60\n"
    )
    assert upload(partner, "inventory", stock.encode()).json()["created"] == 2
    assert upload(partner, "inventory", stock.encode()).json()["unchanged"] == 2
    b_site = upload(
        partner, "inventory", b"site_ref,item,at,on_hand\nSITE-b,Vial,2025-01-31T00:00:00Z,5\n"
    )
    assert b_site.status_code == 422 and count(engine, InventorySnapshot) == 2
    assert count(engine, ProgressEvent) == 2

    for kind in ("orders", "progress", "shipments", "receipts", "inventory"):
        exported = manager.get("/api/v1/operations/export", params={"kind": kind})
        assert exported.status_code == 200
        again = upload(manager, kind, exported.content)
        assert again.status_code == 200, (kind, again.text)
        report = again.json()
        assert report["created"] == 0 and report["updated"] == 0, (kind, report)
    partner_orders = partner.get("/api/v1/operations/export", params={"kind": "orders"}).text
    assert "PO-10" in partner_orders and "PO-11" not in partner_orders
    xlsx = manager.get("/api/v1/operations/export", params={"kind": "receipts", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
