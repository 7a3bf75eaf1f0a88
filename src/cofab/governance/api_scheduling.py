"""Scheduling JSON API: the slot finder (same JSON as ``cofab meet slots --json``), working
hours per user/site/contact, and the holiday table (add, remove, seed from the published
calendars)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from cofab.core.access import viewer_may_call
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.web import ApiActor, DbSession
from cofab.governance import scheduling as engine
from cofab.governance import scheduling_service as svc
from cofab.governance.api_writes import renamed
from cofab.governance.scheduling_models import Holiday

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


class SlotParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["user", "site", "contact", "zone"]
    id: int | None = None
    zone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)


class SlotRequest(BaseModel):
    """``tz`` are bare zones (as the CLI's ``--tz``), ``participants`` people and sites by id;
    the first of all (zones first) organises and its calendar reads ``from``/``to``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    tz: list[str] = Field(default_factory=list, max_length=50)
    participants: list[SlotParticipantIn] = Field(default_factory=list, max_length=50)
    from_: date = Field(alias="from")
    to: date
    duration: int = 60
    hours: str | None = Field(default=None, max_length=20)
    holidays: list[str] = Field(default_factory=list, max_length=20)
    weekends: bool = False
    detail: bool = False


class HoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: str = Field(default="09:00-18:00", max_length=20)
    weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], max_length=7)
    holiday_country: str | None = Field(default=None, max_length=2)
    timezone: str | None = Field(default=None, max_length=64)


class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str = Field(max_length=2)
    day: date
    name: str = Field(default="", max_length=200)


class HolidaySeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str = Field(max_length=2)
    years: list[int] = Field(min_length=1, max_length=10)


def _request_problems(body: SlotRequest) -> list[FieldProblem]:
    """Every field's problem at once (not the first only), as the form shows them."""
    problems: list[FieldProblem] = []
    for index, name in enumerate(body.tz):
        try:
            engine.zone(name, f"tz.{index}")
        except engine.SchedulingInputError as exc:
            problems.append(FieldProblem(exc.field, exc.message, dict(exc.params)))
    for index, person in enumerate(body.participants):
        if person.kind == "zone":
            try:
                engine.zone(person.zone or "", f"participants.{index}.zone")
            except engine.SchedulingInputError as exc:
                problems.append(FieldProblem(exc.field, exc.message, dict(exc.params)))
    try:
        if body.hours:
            engine.parse_hours(body.hours)
    except engine.SchedulingInputError as exc:
        problems.append(FieldProblem(exc.field, exc.message, dict(exc.params)))
    for bad in engine.range_problems(body.from_, body.to, timedelta(minutes=body.duration)):
        problems.append(FieldProblem(bad.field, bad.message, dict(bad.params)))
    if not body.tz and not body.participants:
        problems.append(FieldProblem("tz", engine.MSG_NO_PARTICIPANTS))
    return problems


def refs_of(body: SlotRequest) -> list[svc.ParticipantRef]:
    refs = [svc.ParticipantRef("zone", zone=name, name=name) for name in body.tz]
    refs += [svc.ParticipantRef(p.kind, p.id, p.zone, p.name) for p in body.participants]
    return refs


@router.post("/slots")
@viewer_may_call
def find_slots(session: DbSession, actor: ApiActor, body: SlotRequest) -> dict[str, Any]:
    """Common windows, one per maximal window per day: ``{"slots": [{start_utc, end_utc}]}``
    exactly as the CLI prints; with ``detail`` also each participant's local time and, when no
    window exists, the least-bad slots marked with who is outside working hours."""
    problems = _request_problems(body)
    if problems:
        raise ValidationFailed(svc.MSG_INVALID, problems=problems)
    finding = svc.common_slots(
        session,
        refs_of(body),
        first_day=body.from_,
        last_day=body.to,
        duration_minutes=body.duration,
        hours=body.hours,
        holiday_countries=body.holidays,
        actor=actor,
        weekends=body.weekends,
    )
    return finding.detail_document() if body.detail else finding.slots_document()


def _hours_document(row: Any) -> dict[str, Any]:
    working = svc.hours_of(row)
    return {
        "hours": working.label,
        "weekdays": sorted(working.weekdays),
        "holiday_country": row.holiday_country if row is not None else None,
        **({"timezone": row.timezone} if hasattr(row, "timezone") else {}),
    }


def _data(body: HoursIn) -> svc.HoursInput:
    return svc.HoursInput(body.hours, tuple(body.weekdays), body.holiday_country, body.timezone)


HoursSetter = Callable[..., None]


def _hours_routes(kind: Literal["user", "site", "contact"], setter: HoursSetter) -> None:
    """GET and PUT /hours/<kind>s/{<kind>_id}: the stored hours (or the defaults) and their
    change, the same for users, sites and contacts but for who may change them (the setter)."""
    param = f"{kind}_id"

    def get_hours(session: DbSession, actor: ApiActor, owner_id: int) -> dict[str, Any]:
        return _hours_document(svc.hours_row(session, actor, kind, owner_id))

    def put_hours(
        session: DbSession, actor: ApiActor, owner_id: int, body: HoursIn
    ) -> dict[str, Any]:
        setter(session, actor=actor, data=_data(body), **{param: owner_id})
        return _hours_document(svc.hours_row(session, actor, kind, owner_id))

    get_hours.__name__, put_hours.__name__ = f"get_{kind}_hours", f"put_{kind}_hours"
    path = f"/hours/{kind}s/{{{param}}}"
    for method, handler in (("GET", get_hours), ("PUT", put_hours)):
        router.add_api_route(
            path, renamed(handler, param, "owner_id"), methods=[method], name=handler.__name__
        )


_hours_routes("user", svc.set_user_hours)
_hours_routes("site", svc.set_site_hours)
_hours_routes("contact", svc.set_contact_hours)


def _holiday(row: Holiday) -> dict[str, Any]:
    return {
        "id": row.id,
        "country": row.country,
        "day": row.day.isoformat(),
        "name": row.name,
        "source": row.source,
    }


@router.get("/holidays")
def list_holidays(
    session: DbSession,
    actor: ApiActor,
    country: str | None = None,
    year: Annotated[int | None, Query(ge=1, le=9999)] = None,
) -> dict[str, Any]:
    return {"items": [_holiday(h) for h in svc.list_holidays(session, country, year)]}


@router.post("/holidays", status_code=201)
def add_holiday(session: DbSession, actor: ApiActor, body: HolidayIn) -> dict[str, Any]:
    row = svc.add_holiday(session, actor=actor, country=body.country, day=body.day, name=body.name)
    return _holiday(row)


@router.post("/holidays/seed")
def seed_holidays(session: DbSession, actor: ApiActor, body: HolidaySeed) -> dict[str, Any]:
    added = svc.seed_holidays(session, actor=actor, country=body.country, years=body.years)
    return {"country": body.country.upper(), "added": added}


@router.delete("/holidays/{holiday_id}", status_code=204)
def remove_holiday(session: DbSession, actor: ApiActor, holiday_id: int) -> Response:
    svc.remove_holiday(session, actor=actor, holiday_id=holiday_id)
    return Response(status_code=204)
