"""The conversion tables' page (/planning/settings/conversions): exchange rates and freight
units edited as lines of text, both tables replaced in one transaction (``conversion_tables``).
A separate router so the path never meets ``/planning/{scenario_id}``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.form_actions import Redo, flash, form_action
from cofab.core.forms import FormDep
from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels
from cofab.core.web import DbSession, PageActor, render
from cofab.planning import conversion_tables as tables
from cofab.planning import service

router = APIRouter(include_in_schema=False)
PATH = "/planning/settings/conversions"
BAD_RATE_LINE = N_(
    "Line {line}: write a currency code and its value in US dollars, e.g. KRW 0.00075"
)
BAD_FREIGHT_LINE = N_(
    "Line {line}: write product or family; kg a unit; units a container, e.g. P-A; 2.5; 400"
)
register_field_labels({"rates_text": N_("Exchange rates"), "freight_text": N_("Freight units")})


def _number(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _rates(text: str) -> list[tables.RateRow]:
    rows, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("=", " ").split()
        if not parts:
            continue
        try:
            value = _number(parts[1]) if len(parts) == 2 else None
        except InvalidOperation:
            value = None
        if value is None:
            problems.append(FieldProblem("rates_text", BAD_RATE_LINE, {"line": number}))
            continue
        rows.append(tables.RateRow(parts[0], value))
    if problems:
        raise ValidationFailed(problems=problems)
    return rows


def _freight(text: str) -> list[tables.FreightRow]:
    rows, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        try:
            kg, per = (_number(parts[1]), _number(parts[2])) if len(parts) == 3 else (None, None)
        except InvalidOperation:
            kg, per = None, None
        if len(parts) != 3 or (kg is None and per is None):
            problems.append(FieldProblem("freight_text", BAD_FREIGHT_LINE, {"line": number}))
            continue
        rows.append(tables.FreightRow(parts[0], kg, per))
    if problems:
        raise ValidationFailed(problems=problems)
    return rows


def _shown(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _context(session: Session, actor: Actor, form: dict[str, Any] | None) -> dict[str, Any]:
    rates = tables.list_rates(session, actor=actor)
    units = tables.list_freight(session, actor=actor)
    stored = {
        "rates_text": "\n".join(f"{r.currency} {_shown(r.usd_value)}" for r in rates),
        "freight_text": "\n".join(
            f"{u.product}; {_shown(u.unit_kg)}; {_shown(u.units_per_container)}" for u in units
        ),
    }
    return {
        "form": stored | (form or {}),
        "can_write": actor.role in service.WRITERS,
    }


@router.get(PATH, response_class=HTMLResponse)
def conversions(request: Request, session: DbSession, actor: PageActor) -> Response:
    ctx = _context(session, actor, None) | flash(request)
    return render(request, "planning/conversions.html", ctx)


@router.post(PATH, response_class=HTMLResponse)
def save_conversions(
    request: Request, session: DbSession, actor: PageActor, form: FormDep
) -> Response:
    service.ensure_writer(actor)

    def run(data: dict[str, Any]) -> None:
        rates = _rates(str(data.get("rates_text") or ""))
        units = _freight(str(data.get("freight_text") or ""))
        tables.replace_rates(session, actor=actor, rows=rates)
        tables.replace_freight(session, actor=actor, rows=units)

    posted = {k: str(form.get(k) or "") for k in ("rates_text", "freight_text")}
    redo = Redo(PATH, lambda: ("planning/conversions.html", _context(session, actor, posted)))
    return form_action(request, session, form, run, redo)
