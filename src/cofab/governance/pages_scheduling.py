"""Scheduling pages: the slot finder (``/governance/slots``), one's own working hours
(``/governance/hours``) and the holiday calendars (``/governance/holidays``).

The slot finder is a GET form, so a result is a link that can be shared and re-opened. Each
proposed slot links to ``/governance/meetings/new?start=…&end=…&duration_minutes=…&timezone=…``
(the meeting form of the committee half) with the asked length and the organiser's zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem, ValidationFailed
from cofab.core.forms import FormDep, fields
from cofab.core.i18n import N_
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.governance import scheduling as engine
from cofab.governance import scheduling_service as svc
from cofab.governance.api_writes import renamed
from cofab.partners.models import Contact, Partner

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
MSG_NOT_A_NUMBER = N_("Not a whole number: {value}")
MSG_NOT_A_DATE = N_("Not a date (YYYY-MM-DD): {value}")
MSG_NOT_A_YEAR = N_("Not a year: {value}")
WEEKDAY_NAMES = (
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
)


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _day(value: str, field_name: str, problems: list[FieldProblem]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(FieldProblem(field_name, MSG_NOT_A_DATE, {"value": value}))
        return None


def _refs(picked: list[str], zones_text: str) -> list[svc.ParticipantRef]:
    """``user:3``/``site:5``/``contact:2`` choices, then one zone per line (or comma)."""
    refs: list[svc.ParticipantRef] = []
    for name in zones_text.replace(",", "\n").splitlines():
        if name.strip():
            refs.append(svc.ParticipantRef("zone", zone=name.strip(), name=name.strip()))
    for value in picked:
        kind, _, number = value.partition(":")
        if kind in ("user", "site", "contact") and number.isdigit():
            refs.append(svc.ParticipantRef(kind, int(number)))  # type: ignore[arg-type]
    return refs


def _choices(session: Session, actor: Actor) -> dict[str, list[tuple[str, str, str]]]:
    """What the form offers, as (value, label, zone): people and sites the actor may see."""
    users = [
        (f"user:{u.id}", u.display_name, u.timezone) for u in svc.visible_users(session, actor)
    ]
    visible = svc.visible_sites(session, actor)
    sites = [(f"site:{s.id}", s.name, s.timezone) for s in visible]
    stmt = select(Contact, Partner.name_en).join(Partner, Partner.id == Contact.partner_id)
    if actor.is_partner:
        stmt = stmt.where(Contact.partner_id == actor.partner_id)
    zones = svc.contact_zones(session)
    first_site_zone: dict[int, str] = {}  # a contact without a zone works at the first site
    for site in sorted(visible, key=lambda s: s.id):
        first_site_zone.setdefault(site.partner_id, site.timezone)
    contacts = [
        (
            f"contact:{c.id}",
            f"{c.name} ({partner})",
            zones.get(c.id) or first_site_zone.get(c.partner_id, "UTC"),
        )
        for c, partner in session.execute(stmt.order_by(Contact.name)).all()
    ]
    return {"users": users, "sites": sites, "contacts": contacts}


@router.get("/governance/slots", response_class=HTMLResponse)
def slots_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    query = request.query_params
    monday = _next_monday(date.today())
    form: dict[str, Any] = {
        "picked": query.getlist("p"),
        "zones": query.get("zones", ""),
        "from": query.get("from", monday.isoformat()),
        "to": query.get("to", (monday + timedelta(days=11)).isoformat()),
        "duration": query.get("duration", "60"),
        "hours": query.get("hours", ""),
        "holidays": query.get("holidays", ""),
        "weekends": query.get("weekends") == "1",
    }
    context: dict[str, Any] = {
        "form": form,
        "choices": _choices(session, actor),
        "weekday": lambda moment: WEEKDAY_NAMES[moment.weekday()],
    }
    status = 200
    if "from" in query:
        try:
            context["finding"] = _find(session, actor, form)
        except CofabError as exc:
            session.rollback()
            context.update(error_context(exc, request.state.locale))
            status = exc.status
    return render(request, "governance/slots.html", context, status_code=status)


def _find(session: Session, actor: Actor, form: dict[str, Any]) -> svc.SlotFinding:
    problems: list[FieldProblem] = []
    first = _day(form["from"], "from", problems)
    last = _day(form["to"], "to", problems)
    duration = 0
    if form["duration"].strip().isdigit():
        duration = int(form["duration"])
    else:
        problems.append(FieldProblem("duration", MSG_NOT_A_NUMBER, {"value": form["duration"]}))
    refs = _refs(form["picked"], form["zones"])
    for ref in refs:
        if ref.kind == "zone":
            try:
                engine.zone(ref.zone or "", "zones")
            except engine.SchedulingInputError as exc:
                problems.append(FieldProblem(exc.field, exc.message, dict(exc.params)))
    if form["hours"].strip():
        try:
            engine.parse_hours(form["hours"])
        except engine.SchedulingInputError as exc:
            problems.append(FieldProblem(exc.field, exc.message, dict(exc.params)))
    if first and last:
        for bad in engine.range_problems(first, last, timedelta(minutes=duration)):
            problems.append(FieldProblem(bad.field, bad.message, dict(bad.params)))
    if not refs:
        problems.append(FieldProblem("participants", engine.MSG_NO_PARTICIPANTS))
    if problems or first is None or last is None:
        raise ValidationFailed(svc.MSG_INVALID, problems=problems)
    countries = [c for c in form["holidays"].replace(",", " ").split() if c]
    return svc.common_slots(
        session,
        refs,
        first_day=first,
        last_day=last,
        duration_minutes=duration,
        hours=form["hours"].strip() or None,
        holiday_countries=countries,
        actor=actor,
        weekends=form["weekends"],
    )


# ---- working hours: one's own, a site's, a contact's ---------------------------------------

HoursKind = Literal["user", "site", "contact"]


def _target(session: Session, actor: Actor, kind: HoursKind, owner_id: int) -> dict[str, Any]:
    """Heading, form action and zone of whose hours these are (visibility checked)."""
    if kind == "user":
        return {
            "heading": N_("My working hours"),
            "name": actor.display_name,
            "action": "/governance/hours",
            "zone": actor.timezone,
        }
    if kind == "site":
        site = svc.ensure_site_visible(session, actor, owner_id)
        return {
            "heading": N_("Working hours of a site"),
            "name": site.name,
            "action": f"/governance/hours/sites/{owner_id}",
            "zone": site.timezone,
        }
    contact = svc.ensure_contact_visible(session, actor, owner_id)
    return {
        "heading": N_("Working hours of a partner contact"),
        "name": contact.name,
        "action": f"/governance/hours/contacts/{owner_id}",
        "zone": svc.attendee_zone(session, contact_id=owner_id),
    }


def _hours_page(
    request: Request,
    session: Session,
    actor: Actor,
    kind: HoursKind,
    owner_id: int,
    *,
    form: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    target = _target(session, actor, kind, owner_id)
    row = svc.hours_row(session, actor, kind, owner_id)
    working = svc.hours_of(row)
    current = {
        "hours": working.label,
        "weekdays": [str(d) for d in sorted(working.weekdays)],
        "holiday_country": (row.holiday_country if row else None) or "",
        "timezone": target["zone"],
    }
    context = {
        **target,
        "kind": kind,
        "form": form or current,
        "weekday_names": WEEKDAY_NAMES,
        "zone_country": engine.zone_country(target["zone"]) or "",
        "saved": request.query_params.get("saved") == "1",
        "others": _others(session, actor) if kind == "user" else [],
        **(error or {}),
    }
    return render(request, "governance/slots_hours.html", context, status_code=status_code)


def _others(session: Session, actor: Actor) -> list[tuple[str, str, str, str]]:
    """Sites and contacts the actor may see, with their hours: (link, name, zone, hours)."""
    site_rows, contact_rows = svc.stored_hours(session)
    rows: list[tuple[str, str, str, str]] = []
    for site in svc.visible_sites(session, actor):
        hours = svc.hours_of(site_rows.get(site.id)).label
        rows.append((f"/governance/hours/sites/{site.id}", site.name, site.timezone, hours))
    first_site_zone = {
        s.partner_id: s.timezone for s in reversed(svc.visible_sites(session, actor))
    }
    for contact in svc.visible_contacts(session, actor):
        row = contact_rows.get(contact.id)
        zone_name = row.timezone if row else first_site_zone.get(contact.partner_id, "UTC")
        hours = svc.hours_of(row).label
        rows.append((f"/governance/hours/contacts/{contact.id}", contact.name, zone_name, hours))
    return rows


def _save_hours(
    request: Request,
    session: Session,
    actor: Actor,
    form: FormData,
    kind: HoursKind,
    owner_id: int,
) -> Response:
    data = fields(form, lists=("weekdays",))
    days = [int(d) for d in data.get("weekdays", []) if str(d).isdigit()]
    hours = svc.HoursInput(
        str(data.get("hours") or ""),
        tuple(days),
        str(data.get("holiday_country") or ""),
        str(data.get("timezone") or "") or None,
    )
    target = _target(session, actor, kind, owner_id)
    try:
        if kind == "user":
            svc.set_user_hours(session, actor=actor, user_id=owner_id, data=hours)
        elif kind == "site":
            svc.set_site_hours(session, actor=actor, site_id=owner_id, data=hours)
        else:
            svc.set_contact_hours(session, actor=actor, contact_id=owner_id, data=hours)
    except CofabError as exc:
        session.rollback()
        shown = {**data, "weekdays": [str(d) for d in days]}
        context = error_context(exc, request.state.locale)
        return _hours_page(
            request,
            session,
            actor,
            kind,
            owner_id,
            form=shown,
            error=context,
            status_code=exc.status,
        )
    return RedirectResponse(f"{target['action']}?saved=1", status_code=303)


@router.get("/governance/hours", response_class=HTMLResponse)
def hours_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _hours_page(request, session, actor, "user", actor.user_id)


@router.post("/governance/hours", response_model=None)
def save_hours(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    return _save_hours(request, session, actor, form, "user", actor.user_id)


def _owner_hours_routes(kind: Literal["site", "contact"]) -> None:
    """GET/POST /governance/hours/<kind>s/{<kind>_id}: a site's or a contact's hours form (the
    same page as one's own, for another owner of hours)."""
    param = f"{kind}_id"

    def page(request: Request, session: DbSession, actor: ActorDep, owner_id: int) -> Response:
        return _hours_page(request, session, actor, kind, owner_id)

    def save(
        request: Request, session: DbSession, actor: ActorDep, form: FormDep, owner_id: int
    ) -> Response:
        return _save_hours(request, session, actor, form, kind, owner_id)

    page.__name__, save.__name__ = f"{kind}_hours_page", f"save_{kind}_hours"
    path = f"/governance/hours/{kind}s/{{{param}}}"
    router.add_api_route(
        path, renamed(page, param, "owner_id"), methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route(
        path, renamed(save, param, "owner_id"), methods=["POST"], response_model=None
    )


_owner_hours_routes("site")
_owner_hours_routes("contact")


# ---- holidays --------------------------------------------------------------------------------


def _holidays_page(
    request: Request,
    session: Session,
    actor: Actor,
    refused: tuple[dict[str, Any], dict[str, Any], int] | None = None,
) -> HTMLResponse:
    """The holiday calendar; ``refused`` = (what was typed, the messages, the status)."""
    form, error, status_code = refused or ({}, {}, 200)
    country = (request.query_params.get("country") or "").strip().upper()
    year_text = (request.query_params.get("year") or "").strip()
    # a year no date can hold (0, 99999) shows this year's calendar, as an empty filter does
    year = int(year_text) if year_text.isdigit() and 1 <= int(year_text) <= 9999 else 0
    year = year or date.today().year
    rows = svc.list_holidays(session, country if len(country) == 2 else None, year)
    context = {
        "rows": rows,
        "country": country,
        "year": year,
        "can_edit": actor.role in svc.HOLIDAY_EDITORS,
        "form": form,
        **error,
    }
    return render(request, "governance/slots_holidays.html", context, status_code=status_code)


@router.get("/governance/holidays", response_class=HTMLResponse)
def holidays_page(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _holidays_page(request, session, actor)


def _back(country: str, year: int | str) -> str:
    return f"/governance/holidays?country={country.strip().upper()}&year={year}"


@router.post("/governance/holidays", response_model=None)
def add_holiday(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    problems: list[FieldProblem] = []
    day = _day(str(data.get("day") or ""), "day", problems)
    try:
        if problems or day is None:
            raise ValidationFailed(svc.MSG_INVALID, problems=problems)
        row = svc.add_holiday(
            session,
            actor=actor,
            country=str(data.get("country") or ""),
            day=day,
            name=str(data.get("name") or ""),
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _holidays_page(request, session, actor, (data, context, exc.status))
    return RedirectResponse(_back(row.country, row.day.year), status_code=303)


@router.post("/governance/holidays/seed", response_model=None)
def seed_holidays(request: Request, session: DbSession, actor: ActorDep, form: FormDep) -> Response:
    data = fields(form)
    country, year_text = str(data.get("country") or ""), str(data.get("year") or "").strip()
    try:
        if not year_text.isdigit():
            raise ValidationFailed(
                svc.MSG_INVALID,
                problems=[FieldProblem("year", MSG_NOT_A_YEAR, {"value": year_text})],
            )
        svc.seed_holidays(
            session, actor=actor, country=country, years=[int(year_text)], field="year"
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _holidays_page(request, session, actor, (data, context, exc.status))
    return RedirectResponse(_back(country, year_text), status_code=303)


@router.post("/governance/holidays/{holiday_id}/delete", response_model=None)
def remove_holiday(
    request: Request, session: DbSession, actor: ActorDep, holiday_id: int
) -> Response:
    row = svc.get_holiday(session, holiday_id)
    back = _back(row.country, row.day.year)
    svc.remove_holiday(session, actor=actor, holiday_id=holiday_id)
    return RedirectResponse(back, status_code=303)
