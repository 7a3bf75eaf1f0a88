"""Uploads: a zip bomb or an oversized body is refused early, and a big import does not stall
anyone else (issue 11 item 4)."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.config import Settings
from cofab.core.errors import PayloadTooLarge
from cofab.core.tabular import TableLimits, read_table
from cofab.db.session import unit_of_work
from cofab.partners.models import Partner

HEADER = ["external_ref", "name_ko", "name_en", "types", "form", "country"]


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose sheet is swapped for megabytes of one repeated row."""
    plain = zipfile.ZipFile(io.BytesIO(_xlsx([HEADER])))
    row = b'<row><c t="inlineStr"><is><t>BOMB</t></is></c></row>'
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * (unpacked_mb * (1 << 20) // len(row))
        + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in plain.infolist():
            data = sheet if member.filename.endswith("sheet1.xml") else plain.read(member)
            bomb.writestr(member.filename, data)
    return out.getvalue()


def _partners(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(Partner)).scalar_one())


def _import(client: httpx.Client, content: bytes, name: str) -> httpx.Response:
    return client.post("/api/v1/partners/import", files={"file": (name, content)})


# --- the reader on its own --------------------------------------------------------------------


def test_the_reader_stops_at_each_limit_and_names_it() -> None:
    csv = ("a,b\n" + "1,2\n" * 11).encode()
    assert len(read_table(csv, "t.csv", TableLimits(rows=11))) == 11
    with pytest.raises(PayloadTooLarge) as rows:
        read_table(csv, "t.csv", TableLimits(rows=10))
    assert rows.value.status == 413 and rows.value.params == {"limit": 10}
    with pytest.raises(PayloadTooLarge) as cells:
        read_table(csv, "t.csv", TableLimits(cells=2 + 2 * 5))  # header + 5 rows of 2
    assert cells.value.params == {"limit": 12}
    sheet = _xlsx([["a", "b"], *([1, 2] for _ in range(11))])
    with pytest.raises(PayloadTooLarge):
        read_table(sheet, "t.xlsx", TableLimits(rows=10))
    assert read_table(sheet, "t.xlsx")[0].values == {"a": "1", "b": "2"}


def test_a_sheet_that_unpacks_past_the_limit_is_not_opened() -> None:
    big = _xlsx(
        [
            HEADER,
            *([f"R{n}", "가" * 40, "x" * 40, "supplier", "vertical", "KR"] for n in range(30_000)),
        ]
    )
    assert len(big) < 2 << 20  # small on the wire...
    with pytest.raises(PayloadTooLarge) as refused:
        read_table(big, "p.xlsx", TableLimits(unzipped_mb=1))  # ...not once unpacked
    assert refused.value.params == {"limit_mb": 1}


def test_a_stated_dimension_of_a_whole_sheet_pads_no_row() -> None:
    plain = zipfile.ZipFile(io.BytesIO(_xlsx([["a", "b"], [1, 2]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as lying:
        for member in plain.infolist():
            data = plain.read(member)
            if member.filename.endswith("sheet1.xml"):
                data = data.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
            lying.writestr(member.filename, data)
    rows = read_table(out.getvalue(), "t.xlsx", TableLimits(cells=100))
    assert [r.values for r in rows] == [{"a": "1", "b": "2"}]


# --- over HTTP --------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_at_once_and_writes_nothing(
    world: World, api: Any, engine: Engine
) -> None:
    client = api(world.users["manager"], "ko")
    bomb = _bomb(unpacked_mb=40)
    assert len(bomb) < 1 << 20
    before = _partners(engine)
    started = time.monotonic()
    response = _import(client, bomb, "bomb.xlsx")
    assert time.monotonic() - started < 3
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "100:1" in response.json()["detail"]
    assert "압축률" in response.json()["detail"]
    assert _partners(engine) == before


def test_too_many_rows_is_a_413_naming_the_limit(
    world: World, api: Any, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_import_rows", 5)
    client = api(world.users["manager"])
    rows = [
        HEADER,
        *([f"LIM-{n}", f"한도 {n}", f"Limit {n}", "supplier", "vertical", "KR"] for n in range(6)),
    ]
    response = _import(client, _xlsx(rows), "p.xlsx")
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == (
        "The file has more than 5 rows; split it into smaller files."
    )
    assert _partners(engine) == 2
    fits = _import(client, _xlsx(rows[:6]), "p.xlsx")
    assert fits.status_code == 200, fits.text
    assert _partners(engine) == 7


def _raw_request(base_url: str, head: str, body: bytes = b"") -> str:
    """Send the head (and at most a little body), then read what the server says."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply.decode("latin-1")


def test_a_declared_oversize_body_is_refused_before_it_is_sent(
    world: World, base_url: str, engine: Engine
) -> None:
    from tests.conftest import token_for

    token = token_for(engine, world.users["manager"])
    head = (
        "POST /api/v1/partners/import HTTP/1.1\r\nHost: test\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {400 << 20}\r\n"
    )
    started = time.monotonic()
    reply = _raw_request(base_url, head, b"--xyz\r\n")  # the other 400 MB never come
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 3


def test_an_api_upload_without_credentials_is_refused_before_its_body(base_url: str) -> None:
    head = (
        "POST /api/v1/partners/import HTTP/1.1\r\nHost: test\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {5 << 20}\r\n"
    )
    reply = _raw_request(base_url, head)  # not one byte of the 5 MB is sent
    assert reply.startswith("HTTP/1.1 401"), reply[:200]
    assert "application/problem+json" in reply


def test_a_chunked_body_is_cut_off_at_the_limit(world: World, api: Any, settings: Settings) -> None:
    client = api(world.users["manager"])
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\n'
        while sent < 4 * (settings.max_upload_mb << 20):
            sent += 1 << 20
            yield b"x" * (1 << 20)

    try:
        response = client.post(
            "/api/v1/partners/import",
            content=endless(),
            headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert response.status_code == 413
    except httpx.TransportError:
        pass  # the server closed the connection while the client was still sending
    assert sent < 2 * (settings.max_upload_mb << 20)


def test_a_big_import_does_not_stall_other_clients(world: World, api: Any) -> None:
    """A partner uploads 50k rows (with a column it may not send, so after parsing the import
    is refused quickly): while the file is parsed, another client's requests still answer."""
    rows = [["product", "site_ref", "quantity", "colour"]]
    rows += [[f"Part {n}", "SITE-a", n, "red"] for n in range(50_000)]
    content = _xlsx(rows)
    partner, manager = api(world.users["partner_a"]), api(world.users["manager"])
    result: dict[str, httpx.Response] = {}

    def upload() -> None:
        result["import"] = partner.post(
            "/api/v1/operations/import",
            params={"kind": "inventory"},
            files={"file": ("inventory.xlsx", content)},
        )

    worker = threading.Thread(target=upload, daemon=True)
    worker.start()
    time.sleep(0.5)
    latencies = []
    while worker.is_alive() and len(latencies) < 20:
        started = time.monotonic()
        assert manager.get("/api/v1/me").status_code == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.1)
    worker.join(60)
    assert result["import"].status_code == 422  # parsed in full, then refused for "colour"
    assert latencies, "the import finished before the other client asked"
    assert max(latencies) < 3, latencies
