"""Every operations KPI in one row: what it is called, its unit, which way is better, the
definition shown beside every number, which records its drill-down lists, and how its value
follows from the sums of one SQL query.

One row per KPI keeps the KPI list, the pages, the drill-down and the DuckDB cross-check from
drifting apart: adding a KPI is one row here plus the SQL sum it reads (a column in the family
query in ``kpi_delivery``/``kpi_other`` and in the benchmark's DuckDB query). Names and
definitions are English msgids; the Korean text is in operations.po, so both languages come from
one place (``name_in``/``definition_in``) and the i18n check sees every string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cofab.core.i18n import N_, translate
from cofab.performance.kpi_sql import ratio

# The SQL query (one per family of sums) a KPI reads; kpis.SOURCE_QUERIES runs them.
Source = Literal["delivery", "lead", "receipts", "response", "resolution", "ack"]
# The records the drill-down lists behind a KPI's number.
Family = Literal["lines", "receipts", "tickets", "ordered"]
Sums = Mapping[str, Any]


@dataclass(frozen=True)
class KpiDef:
    code: str
    name: str  # English msgid
    unit: str
    definition: str  # English msgid
    lower_is_better: bool
    family: Family
    source: Source
    # From the source's sums for one group to the value; None when the KPI is not one number
    # (price variance is an amount per currency, reported beside the numbers).
    value: Callable[[Sums], float | None] | None

    def value_from(self, sums: Sums) -> float | None:
        return None if self.value is None else self.value(sums)

    def name_in(self, locale: str) -> str:
        return translate(self.name, locale)

    def definition_in(self, locale: str) -> str:
        return translate(self.definition, locale)


def share(numerator: str, denominator: str, scale: float = 1.0) -> Callable[[Sums], float | None]:
    """``numerator / denominator * scale`` over two sums; no data when the denominator is 0."""
    return lambda sums: ratio(sums.get(numerator), sums.get(denominator), scale)


def hours(column: str) -> Callable[[Sums], float | None]:
    """A percentile the query already computed, in hours."""

    def read(sums: Sums) -> float | None:
        value = sums.get(column)
        return None if value is None else round(float(value), 4)

    return read


def _days_late(sums: Sums) -> float | None:
    # 0 (not "no data") when lines were evaluated and none was late
    if not int(sums.get("n_eval") or 0):
        return None
    return ratio(sums.get("late_days"), sums.get("n_late")) if sums.get("n_late") else 0.0


KPI_TABLE: tuple[KpiDef, ...] = (
    KpiDef(
        "otd_lines",
        N_("On-time delivery (lines)"),
        "%",
        N_(
            "Share of order lines due in the period (promised date inside it) whose full promised "
            "quantity was received no later than the promised date plus the tolerance days. Lines "
            "still open whose promised date plus tolerance has not passed yet are left out, as are "
            "cancelled and rejected lines."
        ),
        False,
        "lines",
        "delivery",
        share("n_on_time", "n_eval", 100),
    ),
    KpiDef(
        "otd_qty",
        N_("On-time delivery (quantity)"),
        "%",
        N_(
            "Quantity received no later than the promised date plus tolerance (at most the "
            "promised quantity per line), divided by the promised quantity of the same lines."
        ),
        False,
        "lines",
        "delivery",
        share("qty_on_time", "qty_eval", 100),
    ),
    KpiDef(
        "otif",
        N_("On time in full (OTIF)"),
        "%",
        N_(
            "Share of the same lines whose accepted quantity (received minus rejected) reached the "
            "promised quantity no later than the promised date plus tolerance."
        ),
        False,
        "lines",
        "delivery",
        share("n_otif", "n_eval", 100),
    ),
    KpiDef(
        "avg_days_late",
        N_("Average days late"),
        "d",
        N_(
            "For the lines that were not on time: mean days from the promised date to the receipt "
            "that completed the line, or to the evaluation date while still open. 0 when no line "
            "was late."
        ),
        True,
        "lines",
        "delivery",
        _days_late,
    ),
    KpiDef(
        "fill_rate",
        N_("Fill rate"),
        "%",
        N_(
            "Accepted quantity received so far (at most the promised quantity per line) divided "
            "by the promised quantity of the lines due in the period."
        ),
        False,
        "lines",
        "delivery",
        share("qty_filled", "qty_eval", 100),
    ),
    KpiDef(
        "defect_ppm",
        N_("Defect rate (PPM)"),
        "ppm",
        N_(
            "Rejected quantity divided by received quantity, times 1,000,000, over receipts dated "
            "in the period."
        ),
        True,
        "receipts",
        "receipts",
        share("rejected", "received", 1_000_000),
    ),
    KpiDef(
        "cost_index",
        N_("Cost index"),
        "%",
        N_(
            "Landed unit cost times received quantity divided by contract unit price times "
            "received quantity, in percent, over receipts in the period that carry a landed cost. "
            "100 means exactly the contract price; lower is better."
        ),
        True,
        "receipts",
        "receipts",
        share("landed", "contract", 100),
    ),
    KpiDef(
        "price_variance",
        N_("Price variance"),
        "",
        N_(
            "Sum of (landed unit cost minus contract unit price) times received quantity, per "
            "currency, over receipts in the period."
        ),
        True,
        "receipts",
        "receipts",
        None,
    ),
    KpiDef(
        "lead_time_days",
        N_("Lead time (days)"),
        "d",
        N_(
            "Mean days from the order date to the receipt that completed the line, over lines "
            "completed in the period."
        ),
        True,
        "receipts",
        "lead",
        share("lead_days", "completed"),
    ),
    KpiDef(
        "response_median_h",
        N_("First response, median (h)"),
        "h",
        N_(
            "Median hours from opening a support ticket to the partner's first response, over "
            "tickets opened in the period and answered (nearest-rank percentile)."
        ),
        True,
        "tickets",
        "response",
        hours("median"),
    ),
    KpiDef(
        "response_p90_h",
        N_("First response, 90th percentile (h)"),
        "h",
        N_(
            "90th percentile of the hours from opening a support ticket to the first response "
            "(nearest rank: the value at rank ⌈0.9·n⌉)."
        ),
        True,
        "tickets",
        "response",
        hours("p90"),
    ),
    KpiDef(
        "resolution_median_h",
        N_("Resolution, median (h)"),
        "h",
        N_(
            "Median hours from opening a support ticket to its resolution, over tickets opened in "
            "the period and resolved."
        ),
        True,
        "tickets",
        "resolution",
        hours("median"),
    ),
    KpiDef(
        "resolution_p90_h",
        N_("Resolution, 90th percentile (h)"),
        "h",
        N_("90th percentile of the hours from opening a support ticket to its resolution."),
        True,
        "tickets",
        "resolution",
        hours("p90"),
    ),
    KpiDef(
        "ack_rate",
        N_("Acknowledgement rate"),
        "%",
        N_(
            "Share of the lines of orders placed in the period that the partner has answered "
            "(accepted, rejected or proposed another date or quantity)."
        ),
        False,
        "ordered",
        "ack",
        share("answered", "ordered", 100),
    ),
    KpiDef(
        "ack_hours",
        N_("Acknowledgement time (h)"),
        "h",
        N_(
            "Mean hours from the creation of an order line to the partner's first answer, over the "
            "answered lines of orders placed in the period."
        ),
        True,
        "ordered",
        "ack",
        share("ack_hours", "answered"),
    ),
)

KPIS: dict[str, KpiDef] = {kpi.code: kpi for kpi in KPI_TABLE}
# The KPIs that are one number per group, in display order (tables, CSV columns, scorecards).
NUMBER_KPIS: tuple[KpiDef, ...] = tuple(kpi for kpi in KPI_TABLE if kpi.value is not None)

# Views of the table under the names the pages, the API and the CLI read.
KPI_CODES: tuple[str, ...] = tuple(kpi.code for kpi in NUMBER_KPIS)
LOWER_IS_BETTER = frozenset(kpi.code for kpi in NUMBER_KPIS if kpi.lower_is_better)
KPI_NAMES: dict[str, str] = {kpi.code: kpi.name for kpi in KPI_TABLE}
KPI_UNITS: dict[str, str] = {kpi.code: kpi.unit for kpi in NUMBER_KPIS}
DEFINITIONS: dict[str, str] = {kpi.code: kpi.definition for kpi in KPI_TABLE}


def values_of(sums_by_source: Mapping[str, Sums]) -> dict[str, float | None]:
    """Every number KPI of one group from the sums each source query returned for it."""
    return {kpi.code: kpi.value_from(sums_by_source.get(kpi.source, {})) for kpi in NUMBER_KPIS}
