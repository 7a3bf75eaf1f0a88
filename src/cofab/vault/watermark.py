"""Visible stamps on PDF and PNG downloads: who took the file, and when.

Why: a stamped copy that leaks names its downloader, which deters leaking more than any access
rule can once the file has left the vault. The stamp is drawn into the delivered copy only;
the stored ciphertext is never changed, so every download gets its own stamp.

Everything happens in memory: the decrypted file (at most ``WATERMARK_MAX_BYTES``) and the
stamped result are ``bytes``/``BytesIO``, never a temporary file, so no plaintext reaches the
server's disk. The cap bounds that memory; a PNG is additionally capped by its pixel count,
because a small compressed PNG can decode to gigabytes.

Fonts: Latin names use the PDF standard font Helvetica and Pillow's built-in font. Korean names
(most of cofab's users) use reportlab's built-in Korean CID font in PDFs and a CJK OpenType font
from the system (Noto Sans CJK, Nanum) in PNGs. A name no available font can draw is replaced by
the e-mail address, so the stamp always stays legible.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cofab.core.access import Actor
from cofab.db.base import UTC
from cofab.vault.errors import WatermarkFailed, WatermarkTooLarge

WATERMARK_MAX_BYTES = 64 << 20
PDF_KOREAN_FONT = "HYGothic-Medium"  # reportlab's Korean CID font: nothing to ship or embed
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKkr-Regular.otf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
)
WATERMARK_MAX_PIXELS = 40_000_000
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KINDS = {"application/pdf": "pdf", "application/x-pdf": "pdf", "image/png": "png"}


def watermark_kind(content_type: str, head: bytes) -> str | None:
    """``"pdf"``/``"png"`` when the bytes or the declared type say so, else None (not stamped).

    Magic bytes win; a file merely *declared* as PDF/PNG is still treated as one, so a mislabelled
    file is refused rather than slipping out unstamped.
    """
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(PNG_MAGIC):
        return "png"
    return KINDS.get(content_type.split(";")[0].strip().lower())


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def cjk_font_file() -> str | None:
    return next((path for path in CJK_FONT_FILES if Path(path).is_file()), None)


def can_draw(text: str, kind: str) -> bool:
    """Whether the stamp fonts for ``kind`` ("pdf"/"png") have a glyph for every character."""
    if _encodes(text, "latin-1"):
        return True
    if kind == "pdf":
        return _encodes(text, "euc_kr")  # what the Korean CID font covers
    return cjk_font_file() is not None


def stamp_label(actor: Actor, kind: str = "pdf") -> str:
    """The downloader as the stamp shows them: the display name if the fonts can draw it, else
    the e-mail address."""
    name = (actor.display_name or "").strip()
    return name if name and can_draw(name, kind) else actor.email


def stamp_text(actor: Actor, at: datetime, kind: str = "pdf") -> str:
    moment = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{stamp_label(actor, kind)} \u00b7 {moment} \u00b7 cofab"


@dataclass(frozen=True)
class Stamped:
    """The bytes to deliver instead of the stored file, with their own size and digest."""

    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def apply_watermark(kind: str, content: bytes, text: str, *, number: int = 0) -> Stamped:
    """Stamp ``content``; a file the library cannot open raises ``WatermarkFailed`` (422)."""
    if len(content) > WATERMARK_MAX_BYTES:
        raise WatermarkTooLarge(number=number, limit_mb=f"{WATERMARK_MAX_BYTES / (1 << 20):g}")
    stamp: Callable[[bytes, str, int], bytes] = _stamp_pdf if kind == "pdf" else _stamp_png
    result = stamp(content, text, number)
    return Stamped(result, hashlib.sha256(result).hexdigest())


# --- PDF ------------------------------------------------------------------------------------


def _overlay(width: float, height: float, text: str) -> Any:
    """One transparent page with the diagonal stamp and a footer line, via reportlab."""
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    bold, regular = _pdf_fonts(text)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    diagonal = math.hypot(width, height)
    size = max(8.0, min(48.0, 0.8 * diagonal / max(stringWidth(text, bold, 1), 1)))
    canvas.saveState()
    canvas.setFillColorRGB(0.55, 0.55, 0.55)
    canvas.setFillAlpha(0.3)
    canvas.setFont(bold, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))
    canvas.drawCentredString(0, -size / 3, text)
    canvas.restoreState()
    footer = max(5.0, min(8.0, 0.9 * width / max(stringWidth(text, regular, 1), 1)))
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    canvas.setFillAlpha(0.8)
    canvas.setFont(regular, footer)
    canvas.drawCentredString(width / 2, max(4.0, footer), text)
    canvas.showPage()
    canvas.save()
    buffer.seek(0)
    return PdfReader(buffer).pages[0]


def _pdf_fonts(text: str) -> tuple[str, str]:
    """(stamp font, footer font): Helvetica for Latin text, the Korean CID font otherwise."""
    if _encodes(text, "latin-1"):
        return "Helvetica-Bold", "Helvetica"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_KOREAN_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_KOREAN_FONT))
    return PDF_KOREAN_FONT, PDF_KOREAN_FONT


def _stamp_pdf(content: bytes, text: str, number: int) -> bytes:
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise WatermarkFailed(number=number)
        writer = PdfWriter(clone_from=reader)
        overlays: dict[tuple[float, float], Any] = {}
        for page in writer.pages:
            if page.get("/Rotate"):
                page.transfer_rotation_to_content()
            box = page.mediabox
            width, height = float(box.width), float(box.height)
            key = (round(width, 2), round(height, 2))
            if key not in overlays:
                overlays[key] = _overlay(width, height, text)
            page.merge_transformed_page(
                overlays[key],
                Transformation().translate(float(box.left), float(box.bottom)),
            )
        out = io.BytesIO()
        writer.write(out)
    except WatermarkFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise WatermarkFailed(number=number) from None
    return out.getvalue()


# --- PNG ------------------------------------------------------------------------------------


def _stamp_png(content: bytes, text: str, number: int) -> bytes:
    from PIL import Image, ImageDraw, UnidentifiedImageError

    too_large = WatermarkTooLarge(number=number, limit_mb=f"{WATERMARK_MAX_BYTES / (1 << 20):g}")
    try:
        with warnings.catch_warnings():  # our own pixel cap below is stricter than Pillow's
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(content), formats=["PNG"])
        width, height = opened.size
        if width * height > WATERMARK_MAX_PIXELS:
            raise too_large
        info = {k: v for k, v in opened.info.items() if k in ("dpi", "icc_profile")}
        has_alpha = opened.mode in ("RGBA", "LA", "PA") or "transparency" in opened.info
        image = opened.convert("RGBA" if has_alpha else "RGB")  # decodes: damage shows here
    except WatermarkTooLarge:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise WatermarkFailed(number=number) from None

    size = max(10, min(width, height) // 24)
    font = _png_font(text, size)
    left, top, right, bottom = (int(v) for v in font.getbbox(text))
    tile = Image.new("RGBA", (right - left + size, bottom - top + size), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((size // 2 - left, size // 2 - top), text, font=font, fill=_INK)
    tile = tile.rotate(30, expand=True, resample=Image.Resampling.BICUBIC)
    step_x, step_y = tile.width + size * 2, tile.height + size
    for row, y in enumerate(range(-tile.height // 2, height, step_y)):
        for x in range(-(row % 2) * step_x // 2, width, step_x):
            image.paste(tile, (x, y), tile)

    footer_size = max(8, min(size, 14))
    footer_font = _png_font(text, footer_size)
    band = Image.new("RGBA", (width, footer_size + 6), (255, 255, 255, 150))
    ImageDraw.Draw(band).text((4, 2), text, font=footer_font, fill=(40, 40, 40, 230))
    image.paste(band, (0, max(0, height - band.height)), band)

    out = io.BytesIO()
    image.save(out, format="PNG", **info)
    return out.getvalue()


_INK = (128, 128, 128, 90)


def _png_font(text: str, size: int) -> Any:
    from PIL import ImageFont

    path = None if _encodes(text, "latin-1") else cjk_font_file()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)
