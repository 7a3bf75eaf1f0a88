"""Run the penalties engine for a stored contract (or for terms given in the file) and render
the result as JSON, CSV or XLSX. A run only reads: nothing is written, so it can be repeated."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from fastapi import UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract, ContractVersion
from cofab.contracts.ncr_feed import ncr_costs_of
from cofab.contracts.penalties import PenaltyReport, Period, compute_penalties
from cofab.contracts.penalty_input import (
    engine_lines,
    ncr_cost_lines,
    read_penalty_input,
    report_json,
    report_table,
    resolve_period,
)
from cofab.contracts.queries import IN_FORCE_STATES, get_contract, versions_of
from cofab.contracts.terms import ContractTerms
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, Forbidden, InvalidTransition, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, write_csv, write_xlsx
from cofab.core.uploads import read_limited


def terms_in_force(
    session: Session, *, actor: Actor, contract: Contract, day: date
) -> ContractTerms:
    """The terms of the version that governed on ``day`` (else the latest one put in force)."""
    moment = datetime.combine(day, time.max, tzinfo=UTC)
    in_force = [
        v
        for v in versions_of(session, actor=actor, contract=contract)
        if v.status in IN_FORCE_STATES
    ]
    if not in_force:
        raise InvalidTransition(
            N_("Penalties apply only to a contract that has been put in force.")
        )
    chosen: ContractVersion = in_force[-1]
    for version in in_force:
        if version.effective_from <= moment < version.effective_to:
            chosen = version
    return ContractTerms.model_validate(chosen.terms)


def run_for_contract(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    content: bytes,
    filename: str,
    start: date | None = None,
    end: date | None = None,
) -> PenaltyReport:
    """Receipts and inspections from the file, terms from the contract (terms in the file are
    ignored: the stored, agreed terms are what counts)."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    if actor.is_partner:
        raise Forbidden()
    parsed = read_penalty_input(content, filename)
    period = resolve_period(parsed, start, end)
    terms = terms_in_force(session, actor=actor, contract=contract, day=period.end)
    receipts, inspections = engine_lines(parsed)
    return compute_penalties(terms, receipts, inspections, period, ncr_cost_lines(parsed))


def run_for_upload(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    file: UploadFile,
    max_upload_mb: int,
    start: date | None = None,
    end: date | None = None,
) -> PenaltyReport:
    """The API's and the page's run of an uploaded file (read within the upload limit)."""
    return run_for_contract(
        session,
        actor=actor,
        contract_id=contract_id,
        content=read_limited(file, max_upload_mb),
        filename=file.filename or "input.json",
        start=start,
        end=end,
    )


def run_from_operations(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    start: date,
    end: date,
) -> PenaltyReport:
    """Receipts and inspection results booked in the operations module for the period, and the
    cost of poor quality of the NCRs quality raised against the contract's partners in it."""
    from cofab.contracts.operations_feed import lines_from_operations

    contract = get_contract(session, actor=actor, contract_id=contract_id)
    if actor.is_partner:
        raise Forbidden()
    if end < start:
        raise ValidationFailed(
            problems=[FieldProblem("end", N_("Must not be before the start date."))]
        )
    period = Period(start, end)
    terms = terms_in_force(session, actor=actor, contract=contract, day=end)
    currency = terms.cost.currency if terms.cost is not None else "XXX"
    receipts, inspections, skipped = lines_from_operations(
        session, actor=actor, contract=contract, period=period, currency=currency
    )
    costs, off_currency = ncr_costs_of(session, contract=contract, period=period, currency=currency)
    report = compute_penalties(terms, receipts, inspections, period, costs)
    return replace(report, skipped=report.skipped + skipped + off_currency)


def previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def run_file(
    content: bytes,
    filename: str,
    *,
    start: date | None = None,
    end: date | None = None,
    terms: ContractTerms | None = None,
) -> PenaltyReport:
    """A stand-alone run: the file brings its own ``terms`` unless ``terms`` is given."""
    parsed = read_penalty_input(content, filename)
    period = resolve_period(parsed, start, end)
    chosen = terms or parsed.terms
    if chosen is None:
        raise ValidationFailed(problems=[FieldProblem("terms", N_("This field is required."))])
    receipts, inspections = engine_lines(parsed)
    return compute_penalties(chosen, receipts, inspections, period, ncr_cost_lines(parsed))


def contract_id_in_file(content: bytes, filename: str) -> int | None:
    return read_penalty_input(content, filename).contract_id


def report_response(
    report: PenaltyReport, format: str, locale: str, contract_id: int | None
) -> Response:
    name = f"penalties-{contract_id or 'file'}-{report.period.start}-{report.period.end}"
    if format == "json":
        return JSONResponse(report_json(report, locale))
    headers, rows = report_table(report, locale)
    if format == "xlsx":
        content, media = write_xlsx(headers, rows, title="penalties"), XLSX_MEDIA_TYPE
    else:
        content, media = write_csv(headers, rows), CSV_MEDIA_TYPE
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )
