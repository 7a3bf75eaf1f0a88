"""``cofab quality``: ISO 2859-1 sampling plans and process capability from a CSV file."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cofab.core.cli_errors import fail
from cofab.core.i18n import N_, cli_locale, translate

app = typer.Typer(help="Quality: sampling plans and process capability.", no_args_is_help=True)
console = Console()

MSG_BAD_AQL = N_("--aql: {aql} is not in the ISO 2859-1 AQL series ({series})")
MSG_BAD_LOT = N_("--lot-size must be at least 1, got {value}")
MSG_BAD_LEVEL = N_("--level must be one of {choices}, got {value}")
MSG_BAD_SEVERITY = N_("--severity must be one of {choices}, got {value}")
MSG_BAD_CHART = N_("--chart must be one of {choices}, got {value}")
MSG_NO_FILE = N_("File not found: {path}")
MSG_NO_COLUMN = N_("Column {column} is not in the file (columns: {columns})")
MSG_NOT_NUMBER = N_("Row {row}, column {column}: {value} is not a number")
MSG_MISSING = N_("Row {row}, column {column}: the value is missing")
MSG_SUBGROUP_CHOICE = N_("Give either --subgroup-size or --subgroup-column for an X-bar chart")
MSG_SUBGROUP_SIZE = N_("--subgroup-size must be between 2 and 25, got {value}")
MSG_UNEVEN = N_("Subgroup {name} has {count} values, the first subgroup has {expected}")
MSG_SPEC = N_("--lsl ({lsl}) must be below --usl ({usl})")
MSG_TOO_FEW = N_("Need at least two values and one full subgroup, got {count} values")


@app.command("sampling-plan")
def sampling_plan(
    lot_size: Annotated[int, typer.Option("--lot-size", help="Number of units in the lot")],
    aql: Annotated[float, typer.Option("--aql", help="Acceptance quality limit (ISO 2859-1)")],
    level: Annotated[
        str, typer.Option("--level", help="Inspection level: S-1..S-4, I, II, III")
    ] = "II",
    severity: Annotated[
        str, typer.Option("--severity", help="normal, tightened or reduced")
    ] = "normal",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The single sampling plan for a lot (ISO 2859-1 Tables 1 and 2-A/2-B/2-C)."""
    from cofab.quality.engine import sampling

    if lot_size < 1:
        fail(MSG_BAD_LOT, value=lot_size)
    if level not in sampling.LEVELS:
        fail(MSG_BAD_LEVEL, choices=", ".join(sampling.LEVELS), value=level)
    if severity not in sampling.SEVERITIES:
        fail(MSG_BAD_SEVERITY, choices=", ".join(sampling.SEVERITIES), value=severity)
    try:
        plan = sampling.plan_for(lot_size, aql, level, severity)
    except ValueError:
        fail(MSG_BAD_AQL, aql=aql, series=", ".join(f"{a:g}" for a in sampling.AQL_SERIES))
    data = {
        "code_letter": plan.code_letter,
        "sample_size": plan.sample_size,
        "accept": plan.accept,
        "reject": plan.reject,
        "full_inspection": plan.full_inspection,
    }
    if as_json:
        typer.echo(json.dumps(data))
        return
    locale = cli_locale()
    table = Table(translate("Sampling plan", locale), "")
    table.add_row(translate("Code letter", locale), plan.code_letter)
    table.add_row(translate("Sample size", locale), str(plan.sample_size))
    table.add_row(translate("Accept (Ac)", locale), str(plan.accept))
    table.add_row(translate("Reject (Re)", locale), str(plan.reject))
    if plan.full_inspection:
        table.add_row(translate("100 % inspection", locale), translate("yes", locale))
    console.print(table)


def _read_column(
    path: Path, column: str, group_column: str | None
) -> tuple[list[float], list[str]]:
    if not path.is_file():
        fail(MSG_NO_FILE, path=str(path))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        for wanted in (column, group_column):
            if wanted is not None and wanted not in fields:
                fail(MSG_NO_COLUMN, column=wanted, columns=", ".join(fields))
        values: list[float] = []
        groups: list[str] = []
        for row_number, row in enumerate(reader, start=2):
            raw = (row.get(column) or "").strip()
            if not raw:
                fail(MSG_MISSING, row=row_number, column=column)
            try:
                value = float(raw)
            except ValueError:
                fail(MSG_NOT_NUMBER, row=row_number, column=column, value=raw)
            if not math.isfinite(value):
                fail(MSG_NOT_NUMBER, row=row_number, column=column, value=raw)
            values.append(value)
            if group_column is not None:
                groups.append((row.get(group_column) or "").strip())
    return values, groups


def _grouped(values: list[float], groups: list[str]) -> tuple[list[float], int]:
    """Values reordered subgroup by subgroup (first appearance), all subgroups equally large."""
    by_group: dict[str, list[float]] = {}
    for group, value in zip(groups, values, strict=True):
        by_group.setdefault(group, []).append(value)
    sizes = [len(v) for v in by_group.values()]
    for name, members in by_group.items():
        if len(members) != sizes[0]:
            fail(MSG_UNEVEN, name=name, count=len(members), expected=sizes[0])
    return [v for members in by_group.values() for v in members], sizes[0]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


@app.command("capability")
def capability_command(
    file: Annotated[Path, typer.Argument(help="CSV file with a header row")],
    column: Annotated[str, typer.Option("--column", help="Column with the measured values")],
    subgroup_size: Annotated[
        int | None, typer.Option("--subgroup-size", help="Consecutive values per subgroup (2-25)")
    ] = None,
    subgroup_column: Annotated[
        str | None, typer.Option("--subgroup-column", help="Column naming each value's subgroup")
    ] = None,
    lsl: Annotated[float | None, typer.Option("--lsl", help="Lower specification limit")] = None,
    usl: Annotated[float | None, typer.Option("--usl", help="Upper specification limit")] = None,
    chart: Annotated[str, typer.Option("--chart", help="xbar-r, xbar-s or i-mr")] = "xbar-r",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Control limits, run-rule violations and Cp/Cpk/Pp/Ppk of one column of a CSV file."""
    from cofab.quality.engine import analysis

    if chart not in analysis.VARIABLE_CHARTS:
        fail(MSG_BAD_CHART, choices=", ".join(analysis.VARIABLE_CHARTS), value=chart)
    if lsl is not None and usl is not None and lsl >= usl:
        fail(MSG_SPEC, lsl=lsl, usl=usl)
    if chart != "i-mr" and (subgroup_size is None) == (subgroup_column is None):
        fail(MSG_SUBGROUP_CHOICE)
    if subgroup_size is not None and not 2 <= subgroup_size <= 25:
        fail(MSG_SUBGROUP_SIZE, value=subgroup_size)
    values, groups = _read_column(file, column, subgroup_column if chart != "i-mr" else None)
    size = subgroup_size or 1
    if groups:
        values, size = _grouped(values, groups)
        if not 2 <= size <= 25:
            fail(MSG_SUBGROUP_SIZE, value=size)
    if len(values) < max(2, size):
        fail(MSG_TOO_FEW, count=len(values))
    result = analysis.analyse(values, chart=chart, subgroup_size=size, lsl=lsl, usl=usl)
    if as_json:
        typer.echo(json.dumps(result.as_json()))
        return
    _print_result(result)


def _print_result(result: Any) -> None:
    locale = cli_locale()
    cap = result.capability
    summary = Table(translate("Capability", locale), "")
    for label, value in (
        ("n", str(cap.n)),
        (translate("Mean", locale), _fmt(cap.mean)),
        (translate("Sigma (within)", locale), _fmt(cap.sigma_within)),
        (translate("Sigma (overall)", locale), _fmt(cap.sigma_overall)),
        ("Cp", _fmt(cap.cp)),
        ("Cpk", _fmt(cap.cpk)),
        ("Pp", _fmt(cap.pp)),
        ("Ppk", _fmt(cap.ppk)),
    ):
        summary.add_row(label, value)
    if cap.cpk_lower is not None:
        summary.add_row(
            translate("Cpk 95 % interval", locale), f"{_fmt(cap.cpk_lower)} – {_fmt(cap.cpk_upper)}"
        )
    console.print(summary)
    limits = Table(
        translate("Chart", locale),
        translate("Center", locale),
        "LCL",
        "UCL",
        translate("Violations", locale),
    )
    for series in result.charts:
        found = ", ".join(f"{rule}@{index}" for rule, index in series.violations) or "—"
        limits.add_row(series.name, _fmt(series.center), _fmt(series.lcl), _fmt(series.ucl), found)
    console.print(limits)


MSG_IMPORTED = N_("Outgoing inspections: {created} stored, {unchanged} already stored.")


@app.command("import-outgoing")
def import_outgoing_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX: lot_no, external_ref, sample_size, …")],
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Act as this user (a partner user files for its own lots)"),
    ] = None,
) -> None:
    """Import partners' outgoing inspection results (all rows or none, idempotent)."""
    from cofab.accounts.service import actor_by_email
    from cofab.core.cli_errors import fail_with
    from cofab.core.cli_session import acting_user, migrated_engine
    from cofab.core.errors import CofabError
    from cofab.core.tabular import read_table
    from cofab.db.session import unit_of_work
    from cofab.quality import outgoing_import

    if not file.is_file():
        fail(MSG_NO_FILE, path=str(file))
    bound = migrated_engine()
    actor = acting_user(actor_by_email)(bound, as_user)
    try:
        rows = read_table(file.read_bytes(), file.name)
        with unit_of_work(bound) as session:
            report = outgoing_import.import_rows(session, actor=actor, rows=rows)
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(MSG_IMPORTED, cli_locale(), created=report.created, unchanged=report.unchanged),
        highlight=False,
    )
