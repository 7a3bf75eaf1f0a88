"""Scheduling's public surface: who the participants are (users, sites, contacts or bare zones),
their hours and holidays from the database, and the slot finder's answer for them.

The committee/meeting half of governance (and the API, page and demo) call only this module;
the engine in ``scheduling`` stays pure. Bad input comes back as ``ValidationFailed`` with one
``FieldProblem`` per field, the same whether it came from a form, JSON or a meeting record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core import audit
from cofab.core.access import (
    SYSTEM_ACTOR,
    Actor,
    ensure_partner_visible,
    ensure_partner_writable,
    require_roles,
)
from cofab.core.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.governance import scheduling as engine
from cofab.governance.scheduling_models import (
    MONDAY_TO_FRIDAY,
    ContactWorkingHours,
    Holiday,
    SiteWorkingHours,
    UserWorkingHours,
)
from cofab.partners.models import Contact, Site

ParticipantKind = Literal["user", "site", "contact", "zone"]
HOLIDAY_EDITORS = frozenset({"admin", "manager"})


def _require_calendar_editor(actor: Actor) -> None:
    """A country's holidays are the whole group's calendar, so only group-scope admins and
    managers change it: a business unit's manager would change every other unit's meetings."""
    require_roles(actor, HOLIDAY_EDITORS)
    if actor.unit_ids is not None:
        raise Forbidden(MSG_GROUP_CALENDAR)


MSG_INVALID = N_("Some fields are not valid.")
MSG_GROUP_CALENDAR = N_("Only a group-wide administrator or manager changes the holiday calendar.")
NO_SUCH: dict[str, str] = {
    "user": N_("No such user: {id}"),
    "site": N_("No such site: {id}"),
    "contact": N_("No such contact: {id}"),
}
MSG_BAD_COUNTRY = N_("Not a two-letter country code: {country}")
MSG_BAD_WEEKDAYS = N_("Pick at least one working day.")
MSG_YEAR_RANGE = N_("Enter a year from {first} to {last} (not {value}).")
#: the years whose published holidays can be copied (the calendars behind them cover these)
HOLIDAY_YEARS = (1950, 2100)


@dataclass(frozen=True)
class ParticipantRef:
    """Who should attend, as a caller names them: a user, a partner site, a partner contact
    (by id), or a bare IANA zone with an optional name to show."""

    kind: ParticipantKind
    id: int | None = None
    zone: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SlotView:
    """A proposed slot with every participant's local clock; ``outside`` names those it leaves
    outside their working hours (empty for a common window)."""

    start: datetime
    end: datetime
    local: list[engine.LocalTime]
    outside: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        return {
            "start_utc": engine.utc_text(self.start),
            "end_utc": engine.utc_text(self.end),
            "participants": [
                {
                    "name": lt.name,
                    "zone": lt.zone,
                    "local_start": lt.start.isoformat(),
                    "local_end": lt.end.isoformat(),
                    "inside_hours": lt.inside,
                }
                for lt in self.local
            ],
        }


@dataclass
class SlotFinding:
    """The slot finder's answer: common windows, or (only when there are none) the least-bad
    slots, and the participants as resolved (zone, hours, holidays)."""

    participants: list[engine.Participant]
    windows: list[SlotView]
    least_bad: list[SlotView] = field(default_factory=list)

    def slots_document(self) -> dict[str, list[dict[str, str]]]:
        """Exactly the CLI's ``--json``."""
        return {
            "slots": [
                {"start_utc": engine.utc_text(w.start), "end_utc": engine.utc_text(w.end)}
                for w in self.windows
            ]
        }

    def detail_document(self) -> dict[str, Any]:
        return {
            **self.slots_document(),
            "windows": [w.document() for w in self.windows],
            "least_bad": [{**c.document(), "outside": list(c.outside)} for c in self.least_bad],
        }


@contextmanager
def field_errors(rename: dict[str, str] | None = None) -> Iterator[None]:
    """Engine input errors → ``ValidationFailed`` naming the field (as the caller calls it)."""
    try:
        yield
    except engine.SchedulingInputError as exc:
        name = (rename or {}).get(exc.field, exc.field)
        problem = FieldProblem(name, exc.message, dict(exc.params))
        raise ValidationFailed(MSG_INVALID, problems=[problem]) from None


def hours_of(
    row: UserWorkingHours | SiteWorkingHours | ContactWorkingHours | None,
) -> engine.WorkingHours:
    if row is None:
        return engine.WorkingHours()
    days = frozenset(d for d in range(7) if row.weekday_mask & (1 << d))
    return engine.WorkingHours(row.start_minute, row.end_minute, days)


def weekday_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def holiday_days(session: Session, country: str, first_day: date, last_day: date) -> set[date]:
    """A country's days off: the edited table once that country has any row in those years,
    otherwise the published calendar (so an unseeded country still keeps its holidays)."""
    code = country.strip().upper()
    rows = session.scalars(
        select(Holiday).where(
            Holiday.country == code,
            Holiday.day >= date(first_day.year, 1, 1),
            Holiday.day <= date(last_day.year, 12, 31),
        )
    ).all()
    if rows:
        return {r.day for r in rows if first_day <= r.day <= last_day}
    return set(engine.published_holidays(code, first_day, last_day))


def _partner_zone(session: Session, partner_id: int) -> str:
    """A contact with no zone of its own works where its company's first site is."""
    zone_name = session.scalar(
        select(Site.timezone).where(Site.partner_id == partner_id).order_by(Site.id).limit(1)
    )
    return zone_name or "UTC"


def attendee_zone(
    session: Session, *, user_id: int | None = None, contact_id: int | None = None
) -> str:
    """The zone an invitation names for a committee member: the user's, else the contact's
    (its hours row, else its company's first site), else UTC."""
    if user_id is not None:
        user = session.get(User, user_id)
        if user is not None:
            return user.timezone
    if contact_id is not None:
        row = session.scalar(
            select(ContactWorkingHours).where(ContactWorkingHours.contact_id == contact_id)
        )
        if row is not None:
            return row.timezone
        contact = session.get(Contact, contact_id)
        if contact is not None:
            return _partner_zone(session, contact.partner_id)
    return "UTC"


def _resolve_one(
    session: Session, actor: Actor, ref: ParticipantRef, where: str
) -> tuple[engine.Participant, str | None]:
    """(participant without holidays, its holiday country)."""
    if ref.kind == "zone":
        with field_errors():
            engine.zone(ref.zone or "", f"{where}.zone")
        name = ref.name or ref.zone or ""
        return engine.Participant(name, ref.zone or ""), None
    missing = ValidationFailed(
        MSG_INVALID,
        problems=[FieldProblem(f"{where}.id", NO_SUCH[ref.kind], {"id": ref.id})],
    )
    if ref.kind == "user":
        user = session.get(User, ref.id) if ref.id else None
        if user is None or (actor.is_partner and user.partner_id not in (None, actor.partner_id)):
            raise missing
        row = session.scalar(select(UserWorkingHours).where(UserWorkingHours.user_id == user.id))
        country = (row.holiday_country if row else None) or engine.zone_country(user.timezone)
        return engine.Participant(user.display_name, user.timezone, hours_of(row)), country
    if ref.kind == "site":
        site = session.get(Site, ref.id) if ref.id else None
        if site is None or (actor.is_partner and site.partner_id != actor.partner_id):
            raise missing
        site_row = session.scalar(
            select(SiteWorkingHours).where(SiteWorkingHours.site_id == site.id)
        )
        country = (site_row.holiday_country if site_row else None) or site.country
        return engine.Participant(site.name, site.timezone, hours_of(site_row)), country
    contact = session.get(Contact, ref.id) if ref.id else None
    if contact is None or (actor.is_partner and contact.partner_id != actor.partner_id):
        raise missing
    contact_row = session.scalar(
        select(ContactWorkingHours).where(ContactWorkingHours.contact_id == contact.id)
    )
    zone_name = contact_row.timezone if contact_row else _partner_zone(session, contact.partner_id)
    country = (contact_row.holiday_country if contact_row else None) or engine.zone_country(
        zone_name
    )
    return engine.Participant(contact.name, zone_name, hours_of(contact_row)), country


def resolve_participants(
    session: Session,
    participants: Sequence[ParticipantRef],
    first_day: date,
    last_day: date,
    *,
    actor: Actor = SYSTEM_ACTOR,
    hours: str | None = None,
    holiday_countries: Sequence[str] = (),
    field_name: str = "participants",
    weekends: bool = False,
) -> list[engine.Participant]:
    """Participants with their zone, hours (``hours`` overrides everyone's; ``weekends`` makes
    every day a working day) and holidays: each one's own holiday country (site country, or the
    zone's) plus ``holiday_countries``."""
    if not participants:
        raise ValidationFailed(
            MSG_INVALID, problems=[FieldProblem(field_name, engine.MSG_NO_PARTICIPANTS)]
        )
    with field_errors():
        override = engine.parse_hours(hours) if hours else None
    margin = timedelta(days=3)
    resolved: list[engine.Participant] = []
    for index, ref in enumerate(participants):
        person, country = _resolve_one(session, actor, ref, f"{field_name}.{index}")
        with field_errors():
            engine.zone(person.zone, f"{field_name}.{index}.zone")
        days: set[date] = set()
        if country:
            with field_errors():
                days = holiday_days(session, country, first_day - margin, last_day + margin)
        working = override or person.hours
        if weekends:
            working = replace(working, weekdays=engine.EVERY_DAY)
        resolved.append(engine.Participant(person.name, person.zone, working, frozenset(days)))
    if holiday_countries:

        def calendar(code: str, first: date, last: date) -> set[date]:
            return holiday_days(session, code, first, last)

        with field_errors():
            resolved = engine.with_holidays(
                resolved, holiday_countries, first_day, last_day, calendar
            )
    return resolved


def find_slots(
    participants: Sequence[engine.Participant],
    first_day: date,
    last_day: date,
    duration_minutes: int,
    least_bad_limit: int = 5,
) -> SlotFinding:
    """The engine on resolved participants, with each slot's local clocks attached."""
    length = timedelta(minutes=duration_minutes)
    with field_errors():
        windows = engine.common_windows(participants, first_day, last_day, length)
        fallback = (
            []
            if windows
            else engine.least_bad_slots(participants, first_day, last_day, length, least_bad_limit)
        )
        views = [
            SlotView(w.start, w.end, engine.local_times(participants, w.start, w.end))
            for w in windows
        ]
        worst = [
            SlotView(c.start, c.end, engine.local_times(participants, c.start, c.end), c.outside)
            for c in fallback
        ]
    return SlotFinding(list(participants), views, worst)


def common_slots(
    session: Session,
    participants: Sequence[ParticipantRef],
    *,
    first_day: date,
    last_day: date,
    duration_minutes: int = 60,
    hours: str | None = None,
    holiday_countries: Sequence[str] = (),
    actor: Actor = SYSTEM_ACTOR,
    weekends: bool = False,
) -> SlotFinding:
    """Common windows (or the least-bad slots) for users, sites, contacts or zones over
    ``first_day..last_day`` in the first participant's calendar. ``SlotFinding.slots_document()``
    is the CLI's JSON; each ``SlotView.local`` is every participant's local time."""
    with field_errors():
        engine.check_range(first_day, last_day, timedelta(minutes=duration_minutes))
    people = resolve_participants(
        session,
        participants,
        first_day,
        last_day,
        actor=actor,
        hours=hours,
        holiday_countries=holiday_countries,
        weekends=weekends,
    )
    return find_slots(people, first_day, last_day, duration_minutes)


def participant_local_times(
    session: Session,
    participants: Sequence[ParticipantRef],
    start: datetime,
    end: datetime,
    *,
    actor: Actor = SYSTEM_ACTOR,
) -> list[engine.LocalTime]:
    """A chosen meeting time in each participant's clock, and whether it is inside their hours
    (holidays included): what a meeting page and an invitation show."""
    people = resolve_participants(session, participants, start.date(), end.date(), actor=actor)
    return engine.local_times(people, start, end)


# ---- working hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursInput:
    hours: str = "09:00-18:00"
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holiday_country: str | None = None
    timezone: str | None = None  # contacts only: they have no zone elsewhere


def _checked(data: HoursInput, needs_zone: bool) -> tuple[engine.WorkingHours, int, str | None]:
    problems: list[FieldProblem] = []
    working = engine.WorkingHours()
    try:
        working = engine.parse_hours(data.hours)
    except engine.SchedulingInputError as exc:
        problems.append(FieldProblem("hours", exc.message, dict(exc.params)))
    days = {d for d in data.weekdays if 0 <= d <= 6}
    if not days:
        problems.append(FieldProblem("weekdays", MSG_BAD_WEEKDAYS))
    country = (data.holiday_country or "").strip().upper() or None
    if country and not (len(country) == 2 and country.isalpha()):
        problems.append(FieldProblem("holiday_country", MSG_BAD_COUNTRY, {"country": country}))
    if needs_zone:
        try:
            engine.zone(data.timezone or "", "timezone")
        except engine.SchedulingInputError as exc:
            problems.append(FieldProblem("timezone", exc.message, dict(exc.params)))
    if problems:
        raise ValidationFailed(MSG_INVALID, problems=problems)
    return working, weekday_mask(days), country


def _apply(
    row: UserWorkingHours | SiteWorkingHours | ContactWorkingHours,
    working: engine.WorkingHours,
    mask: int,
    country: str | None,
) -> None:
    row.start_minute, row.end_minute = working.start_minute, working.end_minute
    row.weekday_mask, row.holiday_country = mask, country


def set_user_hours(session: Session, *, actor: Actor, user_id: int, data: HoursInput) -> None:
    """A user sets their own hours; an admin anyone's."""
    if actor.user_id != user_id:
        require_roles(actor, {"admin"})
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    _store_hours(
        session,
        actor,
        UserWorkingHours,
        {"user_id": user_id},
        data,
        entity="gov_user_hours",
        partner_id=user.partner_id,
    )


def set_site_hours(session: Session, *, actor: Actor, site_id: int, data: HoursInput) -> None:
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound()
    ensure_partner_writable(actor, site.partner_id)
    _store_hours(
        session,
        actor,
        SiteWorkingHours,
        {"site_id": site_id, "partner_id": site.partner_id},
        data,
        entity="gov_site_hours",
        partner_id=site.partner_id,
    )


def set_contact_hours(session: Session, *, actor: Actor, contact_id: int, data: HoursInput) -> None:
    """A contact has no zone elsewhere in cofab, so its hours row carries one (required)."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound()
    ensure_partner_writable(actor, contact.partner_id)
    _store_hours(
        session,
        actor,
        ContactWorkingHours,
        {"contact_id": contact_id, "partner_id": contact.partner_id},
        data,
        entity="gov_contact_hours",
        partner_id=contact.partner_id,
    )


HoursRow = UserWorkingHours | SiteWorkingHours | ContactWorkingHours
HoursModel = type[UserWorkingHours] | type[SiteWorkingHours] | type[ContactWorkingHours]


def _store_hours(
    session: Session,
    actor: Actor,
    model: HoursModel,
    keys: dict[str, int],
    data: HoursInput,
    *,
    entity: str,
    partner_id: int | None,
) -> None:
    """Create or replace one owner's hours row, audited; ``keys`` name the owner and partner."""
    with_zone = model is ContactWorkingHours
    working, mask, country = _checked(data, needs_zone=with_zone)
    owner_column = next(iter(keys))
    # select() over a union of classes types as Base; the row is one of the three
    row = cast(
        "HoursRow | None",
        session.scalar(select(model).where(getattr(model, owner_column) == keys[owner_column])),
    )
    before = audit.snapshot(row) if row else None
    if row is None:
        row = model(**keys)
        session.add(row)
    _apply(row, working, mask, country)
    if isinstance(row, ContactWorkingHours):
        row.timezone = data.timezone or "UTC"
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update" if before else "create",
        entity=entity,
        entity_id=row.id,
        partner_id=partner_id,
        before=before,
        after=audit.snapshot(row),
    )


def hours_row(
    session: Session, actor: Actor, kind: Literal["user", "site", "contact"], owner_id: int
) -> UserWorkingHours | SiteWorkingHours | ContactWorkingHours | None:
    """The stored hours of a user/site/contact the actor may see (``None``: the defaults)."""
    if kind == "user":
        user = session.get(User, owner_id)
        if user is None or (
            actor.is_partner
            and actor.user_id != owner_id
            and user.partner_id not in (None, actor.partner_id)
        ):
            raise NotFound()
        return session.scalar(select(UserWorkingHours).where(UserWorkingHours.user_id == owner_id))
    if kind == "site":
        site = session.get(Site, owner_id)
        if site is None:
            raise NotFound()
        ensure_partner_visible(actor, site.partner_id)
        return session.scalar(select(SiteWorkingHours).where(SiteWorkingHours.site_id == owner_id))
    contact = session.get(Contact, owner_id)
    if contact is None:
        raise NotFound()
    ensure_partner_visible(actor, contact.partner_id)
    return session.scalar(
        select(ContactWorkingHours).where(ContactWorkingHours.contact_id == owner_id)
    )


def user_hours(session: Session, user_id: int) -> engine.WorkingHours:
    return hours_of(
        session.scalar(select(UserWorkingHours).where(UserWorkingHours.user_id == user_id))
    )


# ---- holidays --------------------------------------------------------------------------------


def _country(code: str) -> str:
    country = code.strip().upper()
    if not (len(country) == 2 and country.isalpha()):
        raise ValidationFailed(
            MSG_INVALID,
            problems=[FieldProblem("country", MSG_BAD_COUNTRY, {"country": code})],
        )
    return country


def list_holidays(
    session: Session, country: str | None = None, year: int | None = None
) -> list[Holiday]:
    stmt = select(Holiday).order_by(Holiday.country, Holiday.day)
    if country:
        stmt = stmt.where(Holiday.country == _country(country))
    if year:
        stmt = stmt.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.scalars(stmt))


def add_holiday(session: Session, *, actor: Actor, country: str, day: date, name: str) -> Holiday:
    """Add (or rename) one day off for a country: a company shutdown, a bridge day."""
    _require_calendar_editor(actor)
    code = _country(country)
    row = session.scalar(select(Holiday).where(Holiday.country == code, Holiday.day == day))
    before = audit.snapshot(row) if row else None
    if row is None:
        row = Holiday(country=code, day=day, name=name.strip() or code, source="manual")
        session.add(row)
    else:
        row.name = name.strip() or row.name
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update" if before else "create",
        entity="gov_holidays",
        entity_id=row.id,
        before=before,
        after=audit.snapshot(row),
    )
    return row


def remove_holiday(session: Session, *, actor: Actor, holiday_id: int) -> None:
    """Remove a day off (a holiday the company works through)."""
    _require_calendar_editor(actor)
    row = session.get(Holiday, holiday_id)
    if row is None:
        raise NotFound()
    before = audit.snapshot(row)
    session.execute(delete(Holiday).where(Holiday.id == holiday_id))
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="gov_holidays",
        entity_id=holiday_id,
        before=before,
    )


def seed_holidays(
    session: Session, *, actor: Actor, country: str, years: Iterable[int], field: str = "years"
) -> int:
    """Copy a country's published holidays for ``years`` into the table (days already there are
    kept as edited); returns how many were added. ``field`` names the years' input in a refusal
    (the API's ``years``, the page's ``year``)."""
    _require_calendar_editor(actor)
    code = _country(country)
    year_list = sorted(set(years))
    if not year_list:
        return 0
    first, last = HOLIDAY_YEARS
    outside = next((y for y in year_list if not first <= y <= last), None)
    if outside is not None:
        params = {"first": first, "last": last, "value": outside}
        raise ValidationFailed(MSG_INVALID, problems=[FieldProblem(field, MSG_YEAR_RANGE, params)])
    with field_errors(rename={"holidays": "country"}):
        published = engine.published_holidays(
            code, date(year_list[0], 1, 1), date(year_list[-1], 12, 31)
        )
    existing = {
        r.day for r in session.scalars(select(Holiday).where(Holiday.country == code)).all()
    }
    added = 0
    for day, name in published.items():
        if day.year in year_list and day not in existing:
            session.add(Holiday(country=code, day=day, name=name[:200], source="published"))
            added += 1
    session.flush()
    if added:
        audit.record(
            session,
            actor=actor,
            action="import",
            entity="gov_holidays",
            entity_id=code,
            after={"country": code, "years": year_list, "added": added},
        )
    return added


def get_holiday(session: Session, holiday_id: int) -> Holiday:
    row = session.get(Holiday, holiday_id)
    if row is None:
        raise NotFound()
    return row


def contact_zones(session: Session) -> dict[int, str]:
    """Contact id → the zone stored with its hours (contacts have no zone elsewhere)."""
    rows = session.execute(select(ContactWorkingHours.contact_id, ContactWorkingHours.timezone))
    return {contact_id: zone_name for contact_id, zone_name in rows.all()}


def visible_sites(session: Session, actor: Actor) -> list[Site]:
    """Sites the actor may schedule with (a partner user: its own company's)."""
    stmt = select(Site).order_by(Site.name)
    if actor.is_partner:
        stmt = stmt.where(Site.partner_id == actor.partner_id)
    return list(session.scalars(stmt))


def visible_users(session: Session, actor: Actor) -> list[User]:
    """Active users the actor may schedule with (a partner user: owner staff and its own)."""
    stmt = select(User).where(User.is_active.is_(True)).order_by(User.display_name)
    users = list(session.scalars(stmt))
    if actor.is_partner:
        users = [u for u in users if u.partner_id in (None, actor.partner_id)]
    return users


def stored_hours(
    session: Session,
) -> tuple[dict[int, SiteWorkingHours], dict[int, ContactWorkingHours]]:
    """Every stored site and contact hours row by owner id (one query each, for lists)."""
    sites = {r.site_id: r for r in session.scalars(select(SiteWorkingHours))}
    contacts = {r.contact_id: r for r in session.scalars(select(ContactWorkingHours))}
    return sites, contacts


def visible_contacts(session: Session, actor: Actor) -> list[Contact]:
    stmt = select(Contact).order_by(Contact.name)
    if actor.is_partner:
        stmt = stmt.where(Contact.partner_id == actor.partner_id)
    return list(session.scalars(stmt))


def ensure_contact_visible(session: Session, actor: Actor, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound()
    ensure_partner_visible(actor, contact.partner_id)
    return contact


def ensure_site_visible(session: Session, actor: Actor, site_id: int) -> Site:
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound()
    ensure_partner_visible(actor, site.partner_id)
    return site


DEFAULT_WEEKDAY_MASK = MONDAY_TO_FRIDAY
