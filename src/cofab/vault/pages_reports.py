"""Vault report pages: who accessed what (per document, per partner) and exit reports.

Included into ``pages.router``; the router carries the same refusal-logging dependency itself
(one ``Depends`` object, so it runs once even where the parent's applies too).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.contracts.models import Contract
from cofab.core.access import Actor
from cofab.core.audit import AuditEntry
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, PageActor, render
from cofab.db.base import utcnow
from cofab.partners.models import Partner
from cofab.vault import documents, exits, reports, schemas
from cofab.vault.access import ENTITY, REPORT_READERS
from cofab.vault.exits import ISSUERS
from cofab.vault.field_labels import labelled_error_context
from cofab.vault.models import ExitStatus, VaultExitReport
from cofab.vault.web import LOG_REFUSALS, flash, names, partner_label

router = APIRouter(include_in_schema=False, dependencies=[LOG_REFUSALS])


# --- reports --------------------------------------------------------------------------------


def _report_ctx(session: Session, report: reports.AccessReport, locale: str) -> dict[str, Any]:
    partner_ids = {e.partner_id for e in report.events if e.partner_id}
    return {
        "report": report,
        "partners": names(session, Partner, partner_ids, partner_label(locale)),
    }


@router.get("/vault/documents/{document_id}/access", response_class=HTMLResponse)
def document_access(
    request: Request, session: DbSession, actor: PageActor, document_id: int
) -> Response:
    report = reports.document_report(session, actor=actor, document_id=document_id)
    document = documents.require_document(session, document_id)
    ctx = _report_ctx(session, report, request.state.locale)
    return render(request, "vault/access.html", ctx | {"document": document, "partner": None})


@router.get("/vault/partners/{partner_id}/access", response_class=HTMLResponse)
def partner_access(
    request: Request, session: DbSession, actor: PageActor, partner_id: int
) -> Response:
    report = reports.partner_report(session, actor=actor, partner_id=partner_id)
    partner = session.get(Partner, partner_id)
    ctx = _report_ctx(session, report, request.state.locale)
    ctx |= {
        "document": None,
        "partner": partner,
        "ended": exits.ended_agreements(session, partner_id=partner_id),
        "can_issue": actor.role in ISSUERS,
    }
    return render(request, "vault/access.html", ctx)


# --- exit reports ---------------------------------------------------------------------------


def _exits_ctx(session: Session, actor: Actor, locale: str) -> dict[str, Any]:
    items = exits.list_exit_reports(session, actor=actor)
    return {
        "reports": items,
        "partners": names(session, Partner, {r.partner_id for r in items}, partner_label(locale)),
        "can_issue": actor.role in ISSUERS,
        "partner_choices": (
            list(session.execute(select(Partner).order_by(Partner.name_en)).scalars())
            if actor.role in ISSUERS
            else []
        ),
    }


@router.get("/vault/exit-reports", response_class=HTMLResponse)
def exit_list(request: Request, session: DbSession, actor: PageActor, done: int = 0) -> Response:
    ctx = _exits_ctx(session, actor, request.state.locale)
    return render(request, "vault/exits.html", ctx | flash(request, done))


@router.post("/vault/exit-reports", response_class=HTMLResponse)
def exit_issue(request: Request, session: DbSession, actor: PageActor, form: FormDep) -> Response:
    data = fields(form)
    try:
        body = parse(schemas.VaultExitReportCreate, data)
        report = exits.issue_exit_report(
            session, actor=actor, partner_id=body.partner_id, contract_id=body.contract_id
        )
    except CofabError as exc:
        session.rollback()
        ctx = _exits_ctx(session, actor, request.state.locale)
        ctx |= labelled_error_context(exc, request.state.locale)
        return render(request, "vault/exits.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/vault/exit-reports/{report.id}?done=1", status_code=303)


def _exit_ctx(session: Session, actor: Actor, report_id: int, locale: str) -> dict[str, Any]:
    report = exits.get_exit_report(session, actor=actor, report_id=report_id)
    partner = session.get(Partner, report.partner_id)
    return {
        "report": report,
        "partner_name": partner_label(locale)(partner) if partner else "",
        "contract": session.get(Contract, report.contract_id) if report.contract_id else None,
        "can_confirm": report.status == "open" and (actor.is_partner or actor.role in ISSUERS),
    }


@router.get("/vault/exit-reports/{exit_report_id}", response_class=HTMLResponse)
def exit_detail(
    request: Request, session: DbSession, actor: PageActor, exit_report_id: int, done: int = 0
) -> Response:
    ctx = _exit_ctx(session, actor, exit_report_id, request.state.locale)
    return render(request, "vault/exit.html", ctx | flash(request, done))


@router.post("/vault/exit-reports/{exit_report_id}/confirm", response_class=HTMLResponse)
def exit_confirm(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, exit_report_id: int
) -> Response:
    data = fields(form)
    try:
        exits.confirm_exit_report(
            session, actor=actor, report_id=exit_report_id, note=data.get("note")
        )
    except CofabError as exc:
        session.rollback()
        ctx = _exit_ctx(session, actor, exit_report_id, request.state.locale)
        ctx |= labelled_error_context(exc, request.state.locale)
        return render(request, "vault/exit.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/vault/exit-reports/{exit_report_id}?done=1", status_code=303)


# --- dashboard card -------------------------------------------------------------------------
WIDGET_DAYS = 7


def dashboard_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Refused vault accesses of the last week and exit reports still awaiting confirmation."""
    if actor.role not in REPORT_READERS:
        return None
    since = utcnow() - timedelta(days=WIDGET_DAYS)
    denials = list(
        session.execute(
            select(AuditEntry)
            .where(AuditEntry.entity == ENTITY, AuditEntry.action == "deny", AuditEntry.at >= since)
            .order_by(AuditEntry.id.desc())
            .limit(200)
        ).scalars()
    )
    waiting = session.execute(
        select(func.count())
        .select_from(VaultExitReport)
        .where(VaultExitReport.status == ExitStatus.OPEN.value)
    ).scalar_one()
    return "vault/widget.html", {
        "denials": denials[:6],
        "denial_total": len(denials),
        "exits_waiting": int(waiting),
        "days": WIDGET_DAYS,
    }


register_dashboard_widget(dashboard_widget)
