"""One row per KPI: every row names a SQL source both cofab and the DuckDB reference run, a
drill-down family, Korean text, and turns its sums into the value its definition describes."""

from __future__ import annotations

import pytest
from tests.file_modules import load_file_module

from cofab.core.i18n import translate
from cofab.performance import drilldown, kpis
from cofab.performance.kpi_definitions import KPI_TABLE, KPIS, NUMBER_KPIS


def test_codes_are_unique_and_the_views_follow_the_table() -> None:
    codes = [kpi.code for kpi in KPI_TABLE]
    assert len(codes) == len(set(codes))
    assert tuple(c for c in codes if c != "price_variance") == kpis.KPI_CODES
    assert set(kpis.KPI_NAMES) == set(kpis.DEFINITIONS) == set(codes)
    assert set(kpis.KPI_UNITS) == set(kpis.KPI_CODES)
    assert "ack_rate" not in kpis.LOWER_IS_BETTER and "defect_ppm" in kpis.LOWER_IS_BETTER


def test_every_row_has_a_source_query_here_and_in_the_duckdb_reference() -> None:
    bench = load_file_module("bench/kpis.py", "bench_kpis_table")
    sources = {kpi.source for kpi in KPI_TABLE}
    assert sources <= set(kpis.SOURCE_QUERIES)
    assert sources <= set(bench.DUCK_SQL)
    assert {kpi.family for kpi in KPI_TABLE} <= set(drilldown.FAMILIES)


def test_every_name_and_definition_reads_in_korean() -> None:
    for kpi in KPI_TABLE:
        assert kpi.name_in("ko") != kpi.name, kpi.code
        assert kpi.definition_in("ko") != kpi.definition, kpi.code
        assert kpi.name_in("en") == translate(kpi.name, "en") == kpi.name


@pytest.mark.parametrize(
    ("code", "sums", "expected"),
    [
        ("otd_lines", {"n_on_time": 3, "n_eval": 4}, 75.0),
        ("otd_lines", {"n_on_time": 0, "n_eval": 0}, None),
        ("defect_ppm", {"rejected": 2, "received": 500}, 4000.0),
        ("avg_days_late", {"n_eval": 0}, None),
        ("avg_days_late", {"n_eval": 3, "n_late": 0, "late_days": 0}, 0.0),
        ("avg_days_late", {"n_eval": 3, "n_late": 2, "late_days": 5}, 2.5),
        ("response_p90_h", {"p90": 1.234567}, 1.2346),
        ("response_p90_h", {}, None),
        ("ack_hours", {"ack_hours": 9, "answered": 4}, 2.25),
    ],
)
def test_a_row_turns_its_sums_into_the_value(
    code: str, sums: dict[str, float], expected: float | None
) -> None:
    assert KPIS[code].value_from(sums) == expected


def test_values_of_reads_each_kpi_from_its_own_source() -> None:
    values = kpis.values_of(
        {"delivery": {"n_on_time": 1, "n_eval": 2}, "receipts": {"landed": 99, "contract": 90}}
    )
    assert list(values) == [kpi.code for kpi in NUMBER_KPIS]
    assert values["otd_lines"] == 50.0
    assert values["cost_index"] == 110.0
    assert values["lead_time_days"] is None  # its source (lead) returned nothing
