"""The label a user reads for each contract field, and the fields that only exist with another.

Problems keep the machine path (``terms.cost.currency``) in ``field`` for API clients; pages and
messages show the label in the user's language instead. The ``terms.*`` labels are registered as
codes, so a message parameter holding such a path is shown as its label by ``translate``.

A dependent field cannot be stored without its anchor (price tiers need a currency, a named
place needs an Incoterm): the form used to drop the whole section silently when the anchor was
blank. ``paired_problems`` refuses instead, naming both fields.
"""

from __future__ import annotations

import re
from typing import Any

from cofab.core.errors import CofabError, FieldProblem
from cofab.core.i18n import N_, translate
from cofab.core.labels import register_labels
from cofab.core.validation import register_field_labels

FIELD_LABELS: dict[str, str] = {
    "kind": N_("Type"),
    "title": N_("Contract title"),
    "external_ref": N_("External reference"),
    "next_review_date": N_("Next review"),
    "review_interval_months": N_("Review every (months)"),
    "summary": N_("What the amendment changes"),
    "effective_from": N_("Takes effect on"),
    "partner_ids": N_("Partner parties"),
    "notes": N_("Notes"),
    "clause_codes": N_("Clauses"),
    "code": N_("Code"),
    "category": N_("Category"),
    "title_en": N_("Title (English)"),
    "title_ko": N_("Title (Korean)"),
    "text_en": N_("Text (English)"),
    "text_ko": N_("Text (Korean)"),
    "matrix": "RACI",
    "days": N_("Within days"),
    "file": N_("File"),
    "start": N_("Period from"),
    "end": N_("to"),
    "period": N_("Period from"),
    "period.end": N_("to"),
    "at": N_("Termination takes effect (UTC, optional)"),
    "comment": N_("Comment"),
    "body": N_("Comment"),
    "to": N_("Move to"),
    "on_behalf_of": N_("Approved by (partner-side person)"),
    "clauses": N_("Clauses"),
    "clauses.title_en": N_("Title (English)"),
    "clauses.title_ko": N_("Title (Korean)"),
    "clauses.text_en": N_("Text (English)"),
    "clauses.text_ko": N_("Text (Korean)"),
    "terms": N_("Terms"),
    "terms.term": N_("Term and renewal"),
    "terms.term.start": N_("First day in force"),
    "terms.term.end": N_("Last day in force"),
    "terms.term.last_day": N_("Last day in force"),
    "terms.renewal.auto": N_("Renews automatically"),
    "terms.renewal.notice_days": N_("Notice to stop renewal (days)"),
    "terms.renewal.period_months": N_("Renewal period (months)"),
    "terms.production_targets": N_("Production targets"),
    "terms.production_targets.family": N_("Production targets"),
    "terms.production_targets.period": N_("Production targets"),
    "terms.production_targets.volume": N_("Production targets"),
    "terms.production_targets.unit": N_("Production targets"),
    "terms.quality.aql": "AQL",
    "terms.quality.max_ppm": N_("Maximum PPM"),
    "terms.quality.cpk_target": N_("Cpk target"),
    "terms.quality.drill_cadence_days": N_("Contingency drill every (days)"),
    "terms.quality.required_certifications": N_("Required certifications"),
    "terms.ip.background_ip": N_("Background IP"),
    "terms.ip.foreground_ip": N_("Foreground IP (results)"),
    "terms.ip.licence_scope": N_("Licence scope"),
    "terms.ip.improvements": N_("Improvements"),
    "terms.confidentiality.scope": N_("Confidential information"),
    "terms.confidentiality.survival_months": N_("Confidentiality survives (months)"),
    "terms.cost": N_("Currency"),
    "terms.cost.currency": N_("Currency"),
    "terms.cost.payment_days": N_("Payment (days)"),
    "terms.cost.price_adjustment_index": N_("Price-adjustment index"),
    "terms.cost.adjustment_interval_months": N_("Adjust every (months)"),
    "terms.cost.price_tiers": N_("Unit price tiers"),
    "terms.cost.price_tiers.min_volume": N_("Unit price tiers"),
    "terms.cost.price_tiers.unit_price": N_("Unit price tiers"),
    "terms.raw_material_procurement": N_("Raw materials bought by"),
    "terms.logistics.incoterm": N_("Incoterm 2020"),
    "terms.logistics.named_place": N_("Named place"),
    "terms.logistics.responsible": N_("Logistics handled by"),
    "terms.penalties.late_delivery.rate_pct_per_day": N_("Late delivery: % of line value per day"),
    "terms.penalties.late_delivery.cap_pct": N_("Cap (% of line value)"),
    "terms.penalties.late_delivery.grace_days": N_("Grace days"),
    "terms.penalties.defect_chargeback.mode": N_("Defect chargeback"),
    "terms.penalties.defect_chargeback.amount": N_("Amount (per unit or per PPM)"),
    "terms.penalties.defect_chargeback.target_ppm": N_("Target PPM"),
    "terms.penalties.defect_chargeback.cap_amount": N_("Chargeback cap per period"),
    "terms.termination.for_cause": N_("For cause (material breach)"),
    "terms.termination.cure_period_days": N_("Cure period (days)"),
    "terms.termination.for_convenience_notice_days": N_("For convenience: notice (days)"),
    "terms.termination.change_of_control": N_("On change of control"),
    "terms.termination.insolvency": N_("On insolvency"),
    "terms.governing_law.law": N_("Governing law"),
    "terms.governing_law.disputes": N_("Disputes"),
    "terms.governing_law.venue": N_("Venue"),
}
# only the dotted term paths become global codes: "title" or "kind" mean other things elsewhere
register_labels({k: v for k, v in FIELD_LABELS.items() if k.startswith("terms.")})
# the API's problem entries carry a label too (core's registry); bare names stay out of it
register_field_labels(
    {k: v for k, v in FIELD_LABELS.items() if k.startswith("terms.") or k == "on_behalf_of"}
)

# anchor path → the fields of its section that cannot be stored without it
PAIRS: dict[str, tuple[str, ...]] = {
    "terms.cost.currency": (
        "terms.cost.price_tiers",
        "terms.cost.payment_days",
        "terms.cost.price_adjustment_index",
        "terms.cost.adjustment_interval_months",
    ),
    "terms.logistics.incoterm": ("terms.logistics.named_place",),
    "terms.penalties.late_delivery.rate_pct_per_day": (
        "terms.penalties.late_delivery.cap_pct",
        "terms.penalties.late_delivery.grace_days",
    ),
    "terms.penalties.defect_chargeback.mode": (
        "terms.penalties.defect_chargeback.amount",
        "terms.penalties.defect_chargeback.target_ppm",
        "terms.penalties.defect_chargeback.cap_amount",
    ),
}
NEEDS_ANCHOR = N_("{field} cannot be stored without {anchor}: fill in {anchor} or clear {field}.")
_INDEX = re.compile(r"\.\d+(?=\.|$)")


def _lookup(doc: Any, path: str) -> Any:
    value = doc
    for part in path.split(".")[1:]:  # paths start with "terms"
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def paired_problems(terms: Any, prefix: str = "terms") -> list[FieldProblem]:
    """Refuse a dependent field given without its anchor: one problem on each filled dependent
    (the field the user typed into), its message naming the anchor to fill in."""
    problems: list[FieldProblem] = []
    if not isinstance(terms, dict):
        return problems
    for anchor, dependents in PAIRS.items():
        if _filled(_lookup(terms, anchor)):
            continue
        for dependent in dependents:
            if _filled(_lookup(terms, dependent)):
                problems.append(
                    FieldProblem(
                        prefix + dependent.removeprefix("terms"),
                        NEEDS_ANCHOR,
                        {"field": dependent, "anchor": anchor},
                    )
                )
    return problems


def field_label(path: str, locale: str) -> str:
    """The label of a field path: list indexes become the line number ("Unit price tiers (2)"),
    a user-named key after a known field is kept ("RACI · design"), a file's "row 3.column" is
    the file's own wording and stays."""
    if path.startswith("row "):
        return path
    plain = _INDEX.sub("", path)
    known = plain
    while known and known not in FIELD_LABELS:
        known = known.rpartition(".")[0]
    if not known:
        return translate(N_("Form"), locale)
    label = translate(FIELD_LABELS[known], locale)
    rows = [int(m.group(0)[1:]) + 1 for m in _INDEX.finditer(path)]
    rest = plain[len(known) + 1 :]
    if rest and not known.startswith("terms"):
        label = f"{label} · {rest}"
    return f"{label} ({rows[0]})" if rows else label


def labelled_errors(problems: list[FieldProblem], locale: str) -> list[dict[str, str]]:
    """Page-side errors: each names its field by the label the form shows."""
    return [
        {"field": field_label(p.field, locale), "message": translate(p.message, locale, **p.params)}
        for p in problems
    ]


def labelled_error_context(exc: CofabError, locale: str) -> dict[str, Any]:
    """``core.web.error_context`` with field labels instead of paths."""
    return {
        "error": translate(exc.message, locale, **exc.params),
        "errors": labelled_errors(exc.problems, locale),
    }
