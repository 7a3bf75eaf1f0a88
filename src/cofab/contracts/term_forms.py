"""HTML form fields ↔ the structured terms document.

Input names are the terms' own dotted paths (``terms.penalties.late_delivery.cap_pct``), so a
field problem from validation names the input it belongs to. Lists are one line per item in a
textarea ("family, period, volume, unit"). A section with every field blank is left out; a
section with a field filled but its anchor (currency, Incoterm, damages rate, chargeback mode)
blank is refused with both fields named, never dropped. The end of the term is entered as the
last day in force.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from cofab.contracts.field_labels import paired_problems
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_

TARGET_COLUMNS = ("family", "period", "volume", "unit")
TIER_COLUMNS = ("min_volume", "unit_price")
CHECKBOXES = (
    "terms.renewal.auto",
    "terms.termination.for_cause",
    "terms.termination.change_of_control",
    "terms.termination.insolvency",
)


def _get(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value).strip() if value is not None else ""


def _lines(
    text: str, columns: tuple[str, ...], field: str, problems: list[FieldProblem]
) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for index, line in enumerate(row for row in text.splitlines() if row.strip()):
        cells = [c.strip() for c in line.replace(";", ",").split(",")]
        if len(cells) > len(columns) or len(cells) < 2:
            problems.append(
                FieldProblem(
                    f"{field}.{index}",
                    N_("Write one item per line as: {columns}."),
                    {"columns": ", ".join(columns)},
                )
            )
            continue
        items.append({k: v for k, v in zip(columns, cells, strict=False) if v})
    return items


def _section(data: dict[str, Any], prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: _get(data, f"{prefix}.{n}") for n in names if _get(data, f"{prefix}.{n}")}


def _any(data: dict[str, Any], prefix: str, names: tuple[str, ...]) -> bool:
    return any(_get(data, f"{prefix}.{n}") for n in names)


def terms_from_form(data: dict[str, Any]) -> dict[str, Any]:
    """A terms document (still to be validated by pydantic) from flat form fields."""
    problems: list[FieldProblem] = []
    doc: dict[str, Any] = {}
    term: dict[str, Any] = {}
    if _get(data, "terms.term.start"):
        term["start"] = _get(data, "terms.term.start")
    last_day = _get(data, "terms.term.last_day")
    if last_day:
        try:
            term["end"] = (date.fromisoformat(last_day) + timedelta(days=1)).isoformat()
        except ValueError:
            term["end"] = last_day  # pydantic reports the bad date on terms.term.end
    doc["term"] = term
    doc["renewal"] = {
        "auto": bool(data.get("terms.renewal.auto")),
        **_section(data, "terms.renewal", ("notice_days", "period_months")),
    }
    doc["production_targets"] = _lines(
        _get(data, "terms.production_targets"),
        TARGET_COLUMNS,
        "terms.production_targets",
        problems,
    )
    quality = _section(
        data, "terms.quality", ("aql", "max_ppm", "cpk_target", "drill_cadence_days")
    )
    certs = _get(data, "terms.quality.required_certifications")
    quality["required_certifications"] = [c.strip() for c in certs.split(",") if c.strip()]
    doc["quality"] = quality
    doc["ip"] = _section(
        data, "terms.ip", ("background_ip", "foreground_ip", "licence_scope", "improvements")
    )
    doc["confidentiality"] = _section(data, "terms.confidentiality", ("scope", "survival_months"))
    cost_names = (
        "currency",
        "payment_days",
        "price_adjustment_index",
        "adjustment_interval_months",
    )
    if _any(data, "terms.cost", (*cost_names, "price_tiers")):
        cost: dict[str, Any] = _section(data, "terms.cost", cost_names)
        if "currency" in cost:
            cost["currency"] = cost["currency"].upper()
        cost["price_tiers"] = _lines(
            _get(data, "terms.cost.price_tiers"), TIER_COLUMNS, "terms.cost.price_tiers", problems
        )
        doc["cost"] = cost
    if _get(data, "terms.raw_material_procurement"):
        doc["raw_material_procurement"] = _get(data, "terms.raw_material_procurement")
    if _any(data, "terms.logistics", ("incoterm", "named_place")):
        doc["logistics"] = _section(
            data, "terms.logistics", ("incoterm", "named_place", "responsible")
        )
    penalties: dict[str, Any] = {}
    late_names = ("rate_pct_per_day", "cap_pct", "grace_days")
    if _any(data, "terms.penalties.late_delivery", late_names):
        penalties["late_delivery"] = _section(data, "terms.penalties.late_delivery", late_names)
    chargeback_names = ("mode", "amount", "target_ppm", "cap_amount")
    if _any(data, "terms.penalties.defect_chargeback", chargeback_names):
        penalties["defect_chargeback"] = _section(
            data, "terms.penalties.defect_chargeback", chargeback_names
        )
    doc["penalties"] = penalties
    doc["termination"] = {
        "for_cause": bool(data.get("terms.termination.for_cause")),
        "change_of_control": bool(data.get("terms.termination.change_of_control")),
        "insolvency": bool(data.get("terms.termination.insolvency")),
        **_section(data, "terms.termination", ("cure_period_days", "for_convenience_notice_days")),
    }
    doc["governing_law"] = _section(data, "terms.governing_law", ("law", "disputes", "venue"))
    problems += paired_problems(doc)
    if problems:
        raise ValidationFailed(problems=problems)
    return doc


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def form_from_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Flat form values from a stored terms document (the inverse of ``terms_from_form``)."""
    form: dict[str, Any] = {}

    def flatten(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                flatten(item, f"{path}.{key}")
        elif not isinstance(value, list):
            form[path] = value

    flatten(terms, "terms")
    start = terms.get("term", {}).get("start")
    end = terms.get("term", {}).get("end")
    if start:
        form["terms.term.start"] = datetime.fromisoformat(str(start)).date().isoformat()
    if end:
        last = datetime.fromisoformat(str(end)) - timedelta(microseconds=1)
        form["terms.term.last_day"] = last.date().isoformat()
    form["terms.production_targets"] = "\n".join(
        ", ".join(_text(t.get(c)) for c in TARGET_COLUMNS)
        for t in terms.get("production_targets", [])
    )
    form["terms.quality.required_certifications"] = ", ".join(
        terms.get("quality", {}).get("required_certifications", [])
    )
    cost = terms.get("cost") or {}
    form["terms.cost.price_tiers"] = "\n".join(
        ", ".join(_text(t.get(c)) for c in TIER_COLUMNS) for t in cost.get("price_tiers", [])
    )
    return {k: v for k, v in form.items() if v is not None}


def default_form() -> dict[str, Any]:
    """A new contract starts with the usual checkboxes ticked."""
    return {
        "terms.termination.for_cause": True,
        "terms.termination.insolvency": True,
        "terms.renewal.notice_days": 90,
        "terms.renewal.period_months": 12,
        "terms.confidentiality.survival_months": 60,
        "terms.governing_law.law": "Republic of Korea",
        "terms.governing_law.disputes": "arbitration",
        "terms.governing_law.venue": "Korean Commercial Arbitration Board, Seoul",
    }
