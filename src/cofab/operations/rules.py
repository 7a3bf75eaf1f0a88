"""Who may do what in operations, and the small shared checks every write makes.

Owner roles: admin and manager run orders, tickets, scorecards and reviews; quality may also
book receipts (incoming inspection); viewer reads. Partner users act only on their own company's
records — the scope comes from ``core.access``, so another partner's row is a 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Unpack

from babel.numbers import list_currencies
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible
from cofab.core.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.operations import change_feed
from cofab.partners.models import Partner, Site

OPS_WRITERS = frozenset({"admin", "manager"})
RECEIVERS = frozenset({"admin", "manager", "quality"})
KNOWN_CURRENCIES = frozenset(list_currencies())
# Clocks and time zones differ: a timestamp up to this far ahead is accepted as "now".
CLOCK_SKEW = timedelta(minutes=10)
# Reporting dates outside these bounds are typos (0001-01-01, 9999-12-31): refused with a field
# message, because period arithmetic (the day after the end, tolerance days before the start)
# would otherwise overflow Python's date range.
EARLIEST_REPORT_DATE = date(1900, 1, 1)
LATEST_REPORT_DATE = date(2999, 12, 31)
DATE_OUT_OF_RANGE = N_("Use a date between {earliest} and {latest}.")


def today_anywhere() -> date:
    """The latest calendar date anywhere on Earth (UTC+14): a receipt dated later is a typo."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def now_utc() -> datetime:
    return datetime.now(UTC)


def ensure_owner_writer(actor: Actor, roles: frozenset[str] = OPS_WRITERS) -> None:
    if actor.is_partner or actor.role not in roles:
        raise Forbidden()


def ensure_partner_side(actor: Actor, partner_id: int) -> None:
    """The partner's own users — or an admin/manager acting on its behalf (audited as such)."""
    ensure_partner_visible(actor, partner_id)
    if actor.is_partner:
        return
    if actor.role not in OPS_WRITERS:
        raise Forbidden()


def get_partner_checked(session: Session, actor: Actor, partner_id: int, field: str) -> Partner:
    """A partner named in a request body: unknown or invisible answers a field problem."""
    partner = session.get(Partner, partner_id)
    if partner is None or (actor.is_partner and actor.partner_id != partner_id):
        raise ValidationFailed(
            problems=[FieldProblem(field, N_("Unknown partner {id}."), {"id": partner_id})]
        )
    return partner


def check_site(session: Session, partner_id: int, site_id: int | None, field: str) -> Site | None:
    if site_id is None:
        return None
    site = session.get(Site, site_id)
    if site is None or site.partner_id != partner_id:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    field, N_("Site {id} does not belong to this partner."), {"id": site_id}
                )
            ]
        )
    return site


def check_currency(code: str, field: str, problems: list[FieldProblem]) -> None:
    if code not in KNOWN_CURRENCIES:
        problems.append(FieldProblem(field, N_("Unknown currency code {code}."), {"code": code}))


def not_in_future(value: datetime | None, field: str, problems: list[FieldProblem]) -> None:
    if value is not None and value > now_utc() + CLOCK_SKEW:
        problems.append(FieldProblem(field, N_("Must not be in the future.")))


def check_report_dates(**named: date | None) -> None:
    """Refuse reporting dates outside the supported range, one problem per field."""
    bounds = {
        "earliest": EARLIEST_REPORT_DATE.isoformat(),
        "latest": LATEST_REPORT_DATE.isoformat(),
    }
    raise_if(
        [
            FieldProblem(field, DATE_OUT_OF_RANGE, bounds)
            for field, value in named.items()
            if value is not None and not EARLIEST_REPORT_DATE <= value <= LATEST_REPORT_DATE
        ]
    )


def raise_if(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems=problems)


def visible_or_404(actor: Actor, row: Any) -> Any:
    if row is None:
        raise NotFound()
    ensure_partner_visible(actor, row.partner_id)
    return row


def record(session: Session, **entry: Unpack[audit.RowEntry]) -> None:
    """Audit entry plus a bump of the partner's live-view counter, in the caller's transaction."""
    audit.record_row(session, **entry)
    change_feed.bump(session, entry["row"].partner_id)
