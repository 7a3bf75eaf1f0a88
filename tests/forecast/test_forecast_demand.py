"""Demand forecast versions: typed or uploaded, all-or-nothing, bad rows named by row and column."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.forecast.models import DemandForecast, DemandLine


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        versions = conn.execute(select(func.count()).select_from(DemandForecast)).scalar_one()
        lines = conn.execute(select(func.count()).select_from(DemandLine)).scalar_one()
        return int(versions), int(lines)


def _products(client) -> None:  # type: ignore[no-untyped-def]
    for code, family in (("P1", "F1"), ("P2", "F2")):
        assert (
            client.post(
                "/api/v1/forecast/products", json={"code": code, "family": family}
            ).status_code
            == 200
        )


def test_upload_makes_numbered_versions(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["manager"])
    _products(client)
    csv = b"product,market,period,qty\nP1,KR,2027-01,100\nP2,KR,2027-W05,40.5\n"
    first = client.post(
        "/api/v1/forecast/demand/upload",
        files={"file": ("demand.csv", csv)},
        data={"name": "January"},
    )
    assert first.status_code == 201, first.text
    assert (first.json()["version"], first.json()["line_count"]) == (1, 2)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["product", "market", "period", "qty"])
    sheet.append(["P1", "KR", "2027-02", 120])
    buffer = io.BytesIO()
    book.save(buffer)
    second = client.post(
        "/api/v1/forecast/demand/upload", files={"file": ("demand.xlsx", buffer.getvalue())}
    )
    assert second.status_code == 201, second.text
    assert second.json()["version"] == 2
    lines = client.get(f"/api/v1/forecast/demand/{first.json()['id']}").json()
    assert [(x["product"], x["period"], float(x["qty"])) for x in lines] == [
        ("P1", "2027-01", 100.0),
        ("P2", "2027-W05", 40.5),
    ]
    assert _counts(engine) == (2, 3)


def test_unknown_product_or_period_refuses_the_whole_file(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["manager"])
    _products(client)
    csv = (
        b"product,market,period,qty\n"
        b"P1,KR,2027-01,100\n"
        b"P9,KR,2027-01,5\n"
        b"P2,KR,2027-14,5\n"
        b"P2,KR,2027-W54,-1\n"
    )
    response = client.post("/api/v1/forecast/demand/upload", files={"file": ("d.csv", csv)})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["row 3: product", "row 4: period", "row 5: period", "row 5: qty"]
    labels = [e["label"] for e in response.json()["errors"]]
    assert labels[0].startswith("row 3") and "Product" in labels[0]
    assert _counts(engine) == (0, 0)


def test_typed_forecast_and_who_may_write(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    _products(manager)
    body = {
        "name": "Typed",
        "lines": [
            {"product": "P1", "market": "KR", "period": "2027-01", "qty": 1},
            {"product": "P1", "market": "KR", "period": "2027-01", "qty": 2},
        ],
    }
    duplicate = manager.post("/api/v1/forecast/demand", json=body)
    assert duplicate.status_code == 422
    assert [e["field"] for e in duplicate.json()["errors"]] == ["lines.1.product"]
    body["lines"] = body["lines"][:1]
    assert manager.post("/api/v1/forecast/demand", json=body).status_code == 201
    assert api(world.users["viewer"]).post("/api/v1/forecast/demand", json=body).status_code == 403
    partner = api(world.users["partner_a"])
    assert partner.post("/api/v1/forecast/demand", json=body).status_code == 404
    assert partner.get("/api/v1/forecast/demand").status_code == 404
    assert _counts(engine) == (1, 1)
