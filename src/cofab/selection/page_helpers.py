"""What every selection page shares: labels for stored codes, localised names, error rendering.

Labels are kept here rather than in the global registry because codes such as ``open`` or
``done`` mean different things in other domains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from cofab.core.errors import CofabError
from cofab.core.i18n import N_, translate
from cofab.core.web import render
from cofab.selection.aggregation import AGGREGATION_LABELS
from cofab.selection.altman import ZONE_LABELS
from cofab.selection.field_labels import labelled_error_context

SELECTION_LABELS: dict[str, str] = {
    "open": N_("Open"),
    "closed": N_("Closed"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "not_applicable": N_("Not applicable"),
    "benefit": N_("Benefit (higher is better)"),
    "cost": N_("Cost (lower is better)"),
    "direct": N_("Direct weights"),
    "ahp": N_("AHP pairwise comparison"),
    "1-5": N_("Scale 1–5"),
    "0-100": N_("Scale 0–100"),
    "measured": N_("Measured value"),
    "weighted_sum": N_("Weighted sum"),
    "topsis": N_("TOPSIS"),
    "public": N_("Public company (Z)"),
    "private": N_("Private company (Z'')"),
}
SELECTION_LABELS.update({str(k): v for k, v in AGGREGATION_LABELS.items()})
SELECTION_LABELS.update({str(k): v for k, v in ZONE_LABELS.items()})
ITEM_STATUSES = ("open", "in_progress", "done", "not_applicable")


def lname(row: Any, locale: str) -> str:
    """name_ko / name_en of a row or dict in the reader's language."""

    def get(key: str) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key, None)

    return str(get(f"name_{locale}") or get("name_en") or get("key") or "")


def helpers(locale: str) -> dict[str, Callable[..., str]]:
    def sl(code: object) -> str:
        return translate(SELECTION_LABELS.get(str(code), str(code)), locale)

    def local_name(row: Any) -> str:
        return lname(row, locale)

    return {"SL": sl, "lname": local_name}


def page(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    locale = request.state.locale
    return render(request, template, helpers(locale) | context, status_code=status_code)


def page_with_error(
    request: Request, template: str, context: dict[str, Any], exc: CofabError
) -> HTMLResponse:
    locale = request.state.locale
    ctx = helpers(locale) | context | labelled_error_context(exc, locale)
    return render(request, template, ctx, status_code=exc.status)


def saved(request: Request) -> str | None:
    return (
        translate(N_("Saved."), request.state.locale) if request.query_params.get("saved") else None
    )


def form_lists(
    form: FormData, names: tuple[str, ...], identity: tuple[str, ...]
) -> list[dict[str, str]]:
    """Rows of a repeated-field form (c_key, c_name_en, …) as dicts; a row whose ``identity``
    fields are all blank is an unused spare row and is dropped."""
    columns = {name: [str(v) for v in form.getlist(name)] for name in names}
    length = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(length):
        row = {
            name: (values[i].strip() if i < len(values) else "") for name, values in columns.items()
        }
        if any(row[name] for name in identity):
            rows.append(row)
    return rows
