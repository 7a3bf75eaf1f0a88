"""``cofab contracts …``: penalties from a file or from booked receipts, attention list, coverage.

Bad input prints one readable line per problem on stderr and exits 1, never a traceback.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cofab.contracts import attention, penalty_runs
from cofab.contracts import service as contracts_service
from cofab.contracts.penalties import PenaltyReport, explain
from cofab.contracts.penalty_input import KIND_LABELS, report_json, report_table
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail, fail_with
from cofab.core.cli_session import migrated_engine as _engine
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.core.tabular import write_csv, write_xlsx
from cofab.db.session import unit_of_work

app = typer.Typer(
    help="Contracts: penalties, contracts needing attention, agreement coverage.",
    no_args_is_help=True,
)
console = Console()


def _print_report(report: PenaltyReport, locale: str) -> None:
    table = Table(
        title=translate(
            N_("Result for {start} – {end}"),
            locale,
            start=report.period.start,
            end=report.period.end,
        )
    )
    for header in (N_("Type"), N_("Reference"), N_("Amount"), N_("Explanation")):
        table.add_column(translate(header, locale), overflow="fold")
    for line in report.lines:
        table.add_row(
            translate(KIND_LABELS[line.kind], locale),
            line.ref,
            f"{line.amount} {report.currency}",
            explain(line, locale),
        )
    console.print(table)
    for ref, message, params in report.skipped:
        console.print(f"  {ref}: {translate(message, locale, **params)}", highlight=False)
    for label, amount in (
        (N_("Late-delivery damages total"), report.late_delivery_total),
        (N_("Chargebacks total"), report.chargeback_total),
        (N_("Total"), report.total),
    ):
        console.print(f"{translate(label, locale)}: {amount} {report.currency}", highlight=False)


def _write(report: PenaltyReport, out: Path, locale: str) -> None:
    suffix = out.suffix.lower()
    if suffix == ".json":
        import json

        out.write_text(
            json.dumps(report_json(report, locale), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return
    headers, rows = report_table(report, locale)
    out.write_bytes(
        write_xlsx(headers, rows, "penalties") if suffix == ".xlsx" else write_csv(headers, rows)
    )


@app.command("penalties")
def penalties(
    input_file: Annotated[
        Path | None,
        typer.Argument(help="Receipts and inspections: .json, .csv or .xlsx (docs/contracts.md)"),
    ] = None,
    contract: Annotated[
        int | None,
        typer.Option(help="Apply this stored contract's terms (else the file's own 'terms')"),
    ] = None,
    from_operations: Annotated[
        bool,
        typer.Option(
            "--from-operations", help="Use receipts booked in operations instead of a file"
        ),
    ] = False,
    start: Annotated[
        str | None, typer.Option("--from", help="First day of the period (YYYY-MM-DD)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day of the period (YYYY-MM-DD)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the result to .csv, .xlsx or .json")
    ] = None,
) -> None:
    """Compute late-delivery damages and defect chargebacks, line by line, with explanations."""
    locale = cli_locale()
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError:
        fail(N_("Must be a date (YYYY-MM-DD)."))
    try:
        if from_operations:
            if contract is None:
                fail(N_("--from-operations needs --contract."))
            default_first, default_last = penalty_runs.previous_month(date.today())
            with unit_of_work(_engine()) as session:
                report = penalty_runs.run_from_operations(
                    session,
                    actor=SYSTEM_ACTOR,
                    contract_id=contract,
                    start=first or default_first,
                    end=last or default_last,
                )
        else:
            if input_file is None or not input_file.is_file():
                fail(N_("File not found: {path}"), path=str(input_file or ""))
            content = input_file.read_bytes()
            chosen = contract or penalty_runs.contract_id_in_file(content, input_file.name)
            if chosen is None:
                report = penalty_runs.run_file(content, input_file.name, start=first, end=last)
            else:
                with unit_of_work(_engine()) as session:
                    report = penalty_runs.run_for_contract(
                        session,
                        actor=SYSTEM_ACTOR,
                        contract_id=chosen,
                        content=content,
                        filename=input_file.name,
                        start=first,
                        end=last,
                    )
    except CofabError as exc:
        fail_with(exc)
    _print_report(report, locale)
    if out is not None:
        _write(report, out, locale)
        console.print(translate(N_("Wrote {path}."), locale, path=str(out)), highlight=False)


@app.command("attention")
def attention_list(
    days: Annotated[int, typer.Option(help="Look this many days ahead", min=1, max=3650)] = 90,
) -> None:
    """List contracts with a review due, an end date, or a renewal notice deadline ahead."""
    locale = cli_locale()
    with unit_of_work(_engine()) as session:
        items = attention.attention_items(
            session, actor=SYSTEM_ACTOR, now=datetime.now(UTC), within_days=days
        )
        rows = [
            (str(i.contract.id), i.contract.title, i.reason, i.due.isoformat(), str(i.days_left))
            for i in items
        ]
    table = Table(title=translate(N_("Contracts needing attention"), locale))
    for header in (N_("Contract"), N_("Contract title"), N_("What"), N_("Date"), N_("Days left")):
        table.add_column(translate(header, locale))
    for cid, title, reason, due, left in rows:
        table.add_row(cid, title, translate(attention.REASONS[reason], locale), due, left)
    console.print(table)


@app.command("coverage")
def coverage(
    partner_id: Annotated[int, typer.Argument(help="Partner id")],
    at: Annotated[
        str | None, typer.Option(help="Instant to check, ISO 8601 (default: now, UTC)")
    ] = None,
) -> None:
    """Say whether a partner is covered by an agreement in force (what the vault checks)."""
    locale = cli_locale()
    try:
        moment = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        fail(N_("Must be a date and time (ISO 8601)."))
    with unit_of_work(_engine()) as session:
        covered = contracts_service.partner_has_active_agreement(
            session, partner_id=partner_id, at=moment
        )
        windows = contracts_service.agreement_windows(session, partner_id=partner_id)
        lines = [
            f"  #{w.contract_id} {w.title} ({w.kind}): {w.starts_at.isoformat()} – "
            f"{w.ends_at.isoformat() if w.ends_at else '…'}"
            for w in windows
        ]
    message = (
        N_("Partner {partner} is covered at {at}.")
        if covered
        else N_("Partner {partner} is not covered at {at}.")
    )
    console.print(translate(message, locale, partner=partner_id, at=moment.isoformat()))
    for line in lines:
        console.print(line, highlight=False)
    if not covered:
        raise typer.Exit(2)
