"""Technical-support requests from the owner to a partner: opened, first answered, resolved.

The two timestamps feed the support-response KPI; answering or resolving is the partner's move
(an owner admin or manager may record it on the partner's behalf, audited as such).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, scope_to_partner
from cofab.core.errors import Conflict, InvalidTransition
from cofab.core.i18n import N_
from cofab.operations import extensions, rules, schemas
from cofab.operations.models import SupportTicket


def ticket_query(
    actor: Actor, *, partner_id: int | None = None, open_only: bool = False
) -> Select[SupportTicket]:
    stmt = scope_to_partner(select(SupportTicket), actor, SupportTicket.partner_id)
    if partner_id is not None:
        stmt = stmt.where(SupportTicket.partner_id == partner_id)
    if open_only:
        stmt = stmt.where(SupportTicket.resolved_at.is_(None))
    return stmt.order_by(SupportTicket.opened_at.desc(), SupportTicket.id.desc())


def get_ticket(session: Session, *, actor: Actor, ticket_id: int) -> SupportTicket:
    ticket: SupportTicket = rules.visible_or_404(actor, session.get(SupportTicket, ticket_id))
    return ticket


def open_ticket(
    session: Session, *, actor: Actor, data: schemas.SupportTicketCreate
) -> tuple[SupportTicket, bool]:
    rules.ensure_owner_writer(actor, rules.RECEIVERS)
    rules.get_partner_checked(session, actor, data.partner_id, "partner_id")
    rules.check_site(session, data.partner_id, data.site_id, "site_id")
    if data.external_ref:
        existing = session.execute(
            select(SupportTicket).where(SupportTicket.external_ref == data.external_ref)
        ).scalar_one_or_none()
        if existing is not None:
            if existing.partner_id == data.partner_id and existing.subject == data.subject:
                return existing, False
            raise Conflict(
                N_("A ticket with reference {ref} already exists."), ref=data.external_ref
            )
    ticket = SupportTicket(
        partner_id=data.partner_id,
        site_id=data.site_id,
        product_family=data.product_family,
        external_ref=data.external_ref,
        subject=data.subject,
        body=data.body,
        priority=data.priority,
        opened_at=rules.now_utc(),
        opened_by=actor.email,
    )
    session.add(ticket)
    session.flush()
    rules.record(session, actor=actor, action="create", entity="ticket", row=ticket)
    _kpis_moved(session, ticket)
    return ticket, True


def _kpis_moved(session: Session, ticket: SupportTicket) -> None:
    """Ticket counts and response/resolution times belong to the period the ticket was opened."""
    extensions.kpi_inputs_changed(session, ticket.partner_id, [ticket.opened_at.date()])


def respond(session: Session, *, actor: Actor, ticket_id: int, note: str | None) -> SupportTicket:
    ticket = get_ticket(session, actor=actor, ticket_id=ticket_id)
    rules.ensure_partner_side(actor, ticket.partner_id)
    if ticket.resolved_at is not None:
        raise InvalidTransition(N_("This ticket is already resolved."))
    before = audit.snapshot(ticket)
    if ticket.first_response_at is None:
        ticket.first_response_at = rules.now_utc()
    if note:
        ticket.response_note = note
    session.flush()
    rules.record(session, actor=actor, action="respond", entity="ticket", row=ticket, before=before)
    _kpis_moved(session, ticket)
    return ticket


def resolve(session: Session, *, actor: Actor, ticket_id: int, note: str | None) -> SupportTicket:
    """Either side may close a ticket; a ticket resolved unanswered counts as answered then."""
    ticket = get_ticket(session, actor=actor, ticket_id=ticket_id)
    if actor.is_partner:
        rules.ensure_partner_side(actor, ticket.partner_id)
    else:
        rules.ensure_owner_writer(actor, rules.RECEIVERS)
    if ticket.resolved_at is not None:
        raise InvalidTransition(N_("This ticket is already resolved."))
    before = audit.snapshot(ticket)
    now = rules.now_utc()
    ticket.resolved_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    ticket.resolution_note = note
    session.flush()
    rules.record(session, actor=actor, action="resolve", entity="ticket", row=ticket, before=before)
    _kpis_moved(session, ticket)
    return ticket
