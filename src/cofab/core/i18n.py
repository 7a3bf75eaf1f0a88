"""Korean and English for every message.

English text is the message id, so a missing Korean translation degrades to English instead of
to an opaque key. Catalogs are standard gettext ``.po`` files, one per domain, read with Babel at
first use; no compile step is needed, so a fresh clone works without ``pybabel compile``.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

SUPPORTED_LOCALES = ("ko", "en")
DEFAULT_LOCALE = "en"


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message


@cache
def catalog(locale: str) -> dict[str, str]:
    """Merged msgid → msgstr of every domain's .po file for ``locale``."""
    merged: dict[str, str] = {}
    if locale == DEFAULT_LOCALE:
        return merged
    folder = resources.files("cofab") / "locales" / locale / "LC_MESSAGES"
    if not folder.is_dir():
        return merged
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and isinstance(message.id, str):
                    merged[message.id] = str(message.string)
    return merged


def normalise_locale(value: str | None) -> str:
    """Map 'ko-KR', 'ko_KR.UTF-8', 'en-US' … onto a supported locale."""
    if not value:
        return DEFAULT_LOCALE
    code = value.strip().lower().replace("_", "-").split(".")[0].split("-")[0]
    return code if code in SUPPORTED_LOCALES else DEFAULT_LOCALE


def translate(message: str, locale: str, /, **params: object) -> str:
    """Translate an English msgid and fill ``{placeholders}``."""
    text = catalog(locale).get(message, message) if locale != DEFAULT_LOCALE else message
    if params:
        params = _label_codes(params, locale)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return message.format(**params)
    return text


# Stored code (status, type, role) -> the msgid of its human label. Each part registers its own
# codes (``register_labels``: core's in ``core.labels``, a domain's in its models or pages), so
# this module, which every part imports, names none of them.
_LABELS: dict[str, str] = {}


def register_labels(labels: dict[str, str]) -> None:
    _LABELS.update(labels)


def label_msgid(code: str) -> str:
    return _LABELS.get(code, code)


def _label_codes(params: dict[str, object], locale: str) -> dict[str, object]:
    """Stored codes passed as parameters ("active", "supplier") are shown by their label."""

    def shown(value: object) -> object:
        if isinstance(value, str) and value in _LABELS:
            return translate(_LABELS[value], locale)
        return value

    return {key: shown(value) for key, value in params.items()}


def locale_from_accept_language(header: str | None) -> str:
    """Pick the best supported locale from an Accept-Language header (q-values honoured)."""
    if not header:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for piece in pieces[1:]:
            key, _, raw = piece.strip().partition("=")
            if key == "q":
                try:
                    quality = float(raw)
                except ValueError:
                    quality = 0.0
        code = tag.lower().split("-")[0]
        if code in SUPPORTED_LOCALES and quality > 0:
            ranked.append((-quality, index, code))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LOCALE


def cli_locale() -> str:
    """Language for CLI output: COFAB_LANG wins, then the POSIX locale variables."""
    for name in ("COFAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalise_locale(value)
    return DEFAULT_LOCALE
