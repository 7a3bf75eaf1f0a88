"""Watermarked downloads: every PDF page and the PNG carry the downloader's stamp, the headers
describe the stamped bytes, the audit says so, and documents without the option are untouched."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.vault.vault_factories import make_agreement

from cofab.core.access import Actor
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.vault import watermark
from cofab.vault.watermark import apply_watermark, stamp_text, watermark_kind


def two_page_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.drawString(72, 760, "Gearbox housing, sheet 1")
    canvas.showPage()
    canvas.setPageSize((842, 595))  # a landscape second sheet gets its own overlay size
    canvas.drawString(72, 520, "Gearbox housing, sheet 2")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def small_png() -> bytes:
    image = Image.new("RGB", (320, 200), (250, 250, 250))
    for x in range(0, 320, 40):
        image.paste((30, 90, 160), (x, 0, x + 20, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def new_document(client: httpx.Client, *, watermark_on: bool, title: str = "Housing") -> int:
    response = client.post(
        "/api/v1/vault/documents",
        json={
            "title": title,
            "kind": "drawing",
            "classification": "confidential",
            "watermark": watermark_on,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["watermark"] is watermark_on
    return int(response.json()["id"])


def upload(
    client: httpx.Client, document_id: int, content: bytes, name: str, content_type: str
) -> dict[str, object]:
    response = client.post(
        f"/api/v1/vault/documents/{document_id}/versions",
        params={"filename": name},
        content=content,
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def download_entries(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(AuditEntry.actor_label, AuditEntry.after)
            .where(AuditEntry.action == "download")
            .order_by(AuditEntry.id)
        ).all()
    return [(label, dict(after)) for label, after in rows]


def test_every_pdf_page_names_the_downloader_and_headers_describe_the_stamped_file(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager, watermark_on=True)
    original = two_page_pdf()
    version = upload(manager, document_id, original, "housing.pdf", "application/pdf")
    assert version["sha256"] == hashlib.sha256(original).hexdigest()

    before = datetime.now(UTC).replace(microsecond=0)
    response = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    assert response.status_code == 200, response.text
    sent = response.content
    assert sent != original
    assert response.headers["content-length"] == str(len(sent))
    assert response.headers["x-content-sha256"] == hashlib.sha256(sent).hexdigest()
    assert response.headers["x-cofab-watermark"] == "applied"

    pages = PdfReader(io.BytesIO(sent)).pages
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Gearbox housing, sheet {number}" in text  # the drawing itself is kept
        assert world.users["manager"] in text  # test users' display name is their e-mail
        assert "cofab" in text
    stamp_time = pages[0].extract_text().split(" \u00b7 ")[1]
    stamped_at = datetime.strptime(stamp_time, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
    assert before <= stamped_at <= datetime.now(UTC)
    entries = download_entries(engine)
    assert [(label, after["watermarked"], after["version"]) for label, after in entries] == [
        (world.users["manager"], True, 1)
    ]


def test_a_partner_gets_its_own_stamp_on_the_png_through_the_page(
    world: World,
    api,
    base_url: str,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager, watermark_on=True, title="Panel layout")
    original = small_png()
    version = upload(manager, document_id, original, "panel.png", "image/png")
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(session, [world.partner_a], now - timedelta(days=1), now + timedelta(days=9))
    shared = manager.post(
        f"/api/v1/vault/documents/{document_id}/shares", json={"partner_id": world.partner_a}
    )
    assert shared.status_code == 201

    partner = login(base_url, world.users["partner_a"])
    assert "stamped with the downloader" in partner.get(f"/vault/documents/{document_id}").text
    response = partner.get(f"/vault/versions/{version['id']}/download")
    assert response.status_code == 200
    assert response.headers["x-content-sha256"] == hashlib.sha256(response.content).hexdigest()
    stamped = Image.open(io.BytesIO(response.content))
    plain = Image.open(io.BytesIO(original))
    assert stamped.format == "PNG" and stamped.size == plain.size == (320, 200)
    changed = ImageChops.difference(stamped.convert("RGB"), plain.convert("RGB")).getbbox()
    assert changed is not None  # some pixels differ
    differing = int(
        np.any(np.asarray(stamped.convert("RGB")) != np.asarray(plain.convert("RGB")), axis=2).sum()
    )
    assert differing > 320 * 200 // 50  # a visible stamp, not one stray pixel
    entries = download_entries(engine)
    assert [(label, after["watermarked"]) for label, after in entries] == [
        (world.users["partner_a"], True)
    ]


def test_documents_without_the_option_and_other_file_types_download_byte_identical(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    plain_doc = new_document(manager, watermark_on=False)
    original = two_page_pdf()
    version = upload(manager, plain_doc, original, "housing.pdf", "application/pdf")
    response = manager.get(f"/api/v1/vault/versions/{version['id']}/download")
    assert response.content == original
    assert response.headers["x-content-sha256"] == version["sha256"]
    assert "x-cofab-watermark" not in response.headers

    stamped_doc = new_document(manager, watermark_on=True, title="Spec")
    step = b"ISO-10303-21; HEADER; ... a STEP model, not stampable" * 100
    other = upload(manager, stamped_doc, step, "housing.step", "application/step")
    response = manager.get(f"/api/v1/vault/versions/{other['id']}/download")
    assert response.content == step
    assert [after["watermarked"] for _label, after in download_entries(engine)] == [False, False]


def test_the_option_is_switched_through_the_api_and_the_edit_form(
    world: World,
    api,
    base_url: str,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager, watermark_on=False)
    version = upload(manager, document_id, small_png(), "p.png", "image/png")
    patched = manager.patch(f"/api/v1/vault/documents/{document_id}", json={"watermark": True})
    assert patched.status_code == 200 and patched.json()["watermark"] is True
    url = f"/api/v1/vault/versions/{version['id']}/download"
    assert manager.get(url).headers.get("x-cofab-watermark") == "applied"

    owner = login(base_url, world.users["manager"])
    csrf = csrf_of(owner, f"/vault/documents/{document_id}")
    detail = owner.get(f"/vault/documents/{document_id}").text
    assert 'name="watermark" value="on" data-testid="watermark" checked' in detail
    edited = owner.post(
        f"/vault/documents/{document_id}/edit",
        data={
            "csrf_token": csrf,
            "title": "Housing",
            "kind": "drawing",
            "classification": "confidential",
        },  # the unticked box is simply absent
    )
    assert edited.status_code == 303
    assert manager.get(f"/api/v1/vault/documents/{document_id}").json()["watermark"] is False
    assert "x-cofab-watermark" not in manager.get(url).headers
    owner.cookies.set("cofab_lang", "ko")
    form = owner.get("/vault/new")
    assert "받는 사람의 이름과 시각을 워터마크로 표시" in form.text


def test_oversized_or_unreadable_files_are_refused_not_delivered_unstamped(
    world: World,
    api,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    manager = api(world.users["manager"])
    document_id = new_document(manager, watermark_on=True)
    big = upload(manager, document_id, two_page_pdf(), "big.pdf", "application/pdf")
    fake = upload(manager, document_id, b"not really a pdf", "fake.pdf", "application/pdf")
    monkeypatch.setattr("cofab.vault.downloads.WATERMARK_MAX_BYTES", 100)
    too_large = manager.get(f"/api/v1/vault/versions/{big['id']}/download")
    assert too_large.status_code == 422
    assert too_large.json()["code"] == "vault_watermark_too_large"
    assert b"%PDF" not in too_large.content
    monkeypatch.undo()
    unreadable = manager.get(
        f"/api/v1/vault/versions/{fake['id']}/download", headers={"Accept-Language": "ko"}
    )
    assert unreadable.status_code == 422
    assert unreadable.json()["code"] == "vault_watermark_failed"
    assert "워터마크" in unreadable.json()["detail"]
    assert download_entries(engine) == []  # nothing delivered, nothing logged as delivered


def test_stamp_text_and_kind_detection() -> None:
    at = datetime(2026, 11, 27, 9, 30, 5, tzinfo=UTC)
    latin = Actor(7, "kim@example.com", "Kim Chul-soo", "manager", None)
    hangul = Actor(7, "kim@example.com", "김철수", "manager", None)
    assert stamp_text(latin, at) == "Kim Chul-soo \u00b7 2026-11-27 09:30:05 UTC \u00b7 cofab"
    assert stamp_text(hangul, at, "pdf").startswith("김철수 \u00b7 ")  # the Korean CID font
    png_label = "김철수" if watermark.cjk_font_file() else "kim@example.com"
    assert stamp_text(hangul, at, "png").startswith(f"{png_label} \u00b7 ")
    thai = Actor(7, "som@example.com", "สมชาย", "manager", None)  # no stamp font draws it
    assert stamp_text(thai, at, "pdf").startswith("som@example.com \u00b7 ")
    assert watermark_kind("application/octet-stream", b"%PDF-1.7\n") == "pdf"
    assert watermark_kind("application/octet-stream", small_png()[:16]) == "png"
    assert watermark_kind("image/png; charset=x", b"GIF89a") == "png"  # declared: refused later
    assert watermark_kind("image/jpeg", b"\xff\xd8\xff") is None
    assert watermark.WATERMARK_MAX_BYTES == 64 << 20
    stamped = apply_watermark("png", small_png(), "x \u00b7 y \u00b7 cofab")
    assert stamped.sha256 == hashlib.sha256(stamped.content).hexdigest()


def test_korean_names_are_stamped_in_korean() -> None:
    at = datetime(2026, 11, 27, 9, 30, 5, tzinfo=UTC)
    hangul = Actor(7, "kim@example.com", "김철수", "manager", None)
    stamped = apply_watermark("pdf", two_page_pdf(), stamp_text(hangul, at, "pdf"))
    pages = PdfReader(io.BytesIO(stamped.content)).pages
    assert len(pages) == 2
    assert all("김철수" in page.extract_text() for page in pages)
    if watermark.cjk_font_file() is None:
        pytest.skip("no CJK font on this machine (fonts-noto-cjk): PNG stamps use the e-mail")
    original = Image.open(io.BytesIO(small_png())).convert("RGB")
    korean = apply_watermark("png", small_png(), stamp_text(hangul, at, "png"))
    korean_image = Image.open(io.BytesIO(korean.content)).convert("RGB")
    assert korean_image.size == original.size
    assert ImageChops.difference(korean_image, original).getbbox() is not None
    font = watermark._png_font("김철수", 20)  # Hangul glyphs, not the built-in Latin font's boxes
    assert getattr(font, "path", None) == watermark.cjk_font_file()
    assert font.getbbox("김")[2] > 0
