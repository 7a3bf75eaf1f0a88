"""The label a user reads for each vault form field, so page errors never show ``partner_id``.

Problems keep the machine path in ``field`` for API clients; pages show the form's label in the
user's language.
"""

from __future__ import annotations

from typing import Any

from cofab.core.errors import CofabError
from cofab.core.i18n import N_, translate

FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "kind": N_("Kind"),
    "classification": N_("Classification"),
    "description": N_("Description"),
    "contract_id": N_("Linked contract"),
    "external_ref": N_("External reference"),
    "watermark": N_("Watermark"),
    "partner_id": N_("Partner"),
    "expires_at": N_("Until (optional)"),
    "note": N_("Note"),
    "without_agreement": N_("Share anyway (opens once an NDA or contract is in force)"),
    "user_id": N_("Person"),
    "file": N_("File"),
    "confirm": N_("Confirm"),
}


def field_label(path: str, locale: str) -> str:
    head = path.split(".")[0]
    return translate(FIELD_LABELS.get(head, N_("Form")), locale)


def labelled_error_context(exc: CofabError, locale: str) -> dict[str, Any]:
    """``core.web.error_context`` with the form's labels instead of field paths."""
    return {
        "error": translate(exc.message, locale, **exc.params),
        "errors": [
            {
                "field": field_label(p.field, locale),
                "message": translate(p.message, locale, **p.params),
            }
            for p in exc.problems
        ],
    }
