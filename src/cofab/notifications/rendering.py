"""Showing a stored msgid with its parameters in the reader's language.

Notifications keep their titles untranslated (a msgid and JSON parameters); the bell, the page,
the e-mail and the digest all show them through this one function.
"""

from __future__ import annotations

from typing import Any

from cofab.core.i18n import translate


def render_text(msgid: str, params: dict[str, Any] | None, locale: str) -> str:
    """A msgid with parameters in ``locale``; a parameter that is itself ``{"msgid": …,
    "params": …}`` (an item's title inside "Due in 3 days: {title}") is translated first."""
    shown: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if isinstance(value, dict) and "msgid" in value:
            shown[key] = render_text(str(value["msgid"]), value.get("params") or {}, locale)
        else:
            shown[key] = value
    return translate(msgid, locale, **shown)
