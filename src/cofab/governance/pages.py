"""Governance pages: the overview (committees, upcoming meetings, open action items), a committee
with its members and series, and a meeting with its agenda, attendance, minutes, decisions and
action items. Partner users see their company's records and mark their own items done.

Every form route looks the record up first (another partner's id answers 404 before any field
is read), then parses the form; a refused form re-renders its page with the field messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError, NotFound
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.governance import board_log, guards, models, schemas, service
from cofab.governance.cadence import zone_or_none
from cofab.governance.models import ActionItem, AgendaItem, Decision
from cofab.partners.models import Contact, Partner

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
ZONES = ("Asia/Seoul", "Europe/Berlin", "Asia/Shanghai", "America/New_York", "Asia/Tokyo", "UTC")


def _partners(session: Session) -> dict[int, Partner]:
    return {p.id: p for p in session.execute(select(Partner).order_by(Partner.name_en)).scalars()}


def _common(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "partners": _partners(session),
        "can_write": not actor.is_partner and actor.role in guards.WRITERS,
        "zones": ZONES,
        "today": guards.now_utc().date(),
        "in_zone": in_zone,
    }


def in_zone(moment: datetime, zone_name: str) -> str:
    """A UTC instant as wall-clock time in the named zone, with the zone's abbreviation."""
    zone = zone_or_none(zone_name)
    local = moment.astimezone(zone) if zone else moment
    return local.strftime("%Y-%m-%d %H:%M %Z")


def _may_mark_done(actor: Actor, item: Any) -> bool:
    closed = (models.ItemStatus.DONE, models.ItemStatus.CANCELLED)
    if item.status in closed or item.source_action_item_id:
        return False  # a review's item is closed on the review
    if actor.is_partner:
        return item.side == "partner" and item.owner_user_id in (None, actor.user_id)
    return actor.role in guards.WRITERS


def _overview(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    flt = service.MeetingFilter(upcoming_only=True)
    items = service.list_action_items(session, actor, open_only=True)
    context = _common(session, actor) | {
        "committees": service.list_committees(session, actor=actor),
        "meetings": service.list_meetings(session, actor=actor, flt=flt)[:20],
        "items": items,
        "may_done": {i.id for i, _ in items if _may_mark_done(actor, i)},
        "committee_kinds": list(models.CommitteeKind),
        "cadences": list(models.Cadence),
        "meeting_kinds": list(models.MeetingKind),
        "form": {},
        "meeting_form": dict(request.query_params),
        **(extra or {}),
    }
    return render(request, "governance/overview.html", context, status_code=status_code)


@router.get("/governance", response_class=HTMLResponse)
def overview(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    return _overview(request, session, actor)


@router.get("/governance/board-resolutions", response_class=HTMLResponse)
def board_resolutions(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    """The board-resolution log (JV boards' votes per parent and committee resolutions)."""
    rows = board_log.board_log(session, actor=actor, locale=request.state.locale)
    return render(request, "governance/board_log.html", {"rows": rows})


@router.get("/governance/meetings/new", response_class=HTMLResponse)
def new_meeting(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    """The overview with the meeting form filled from the query (a proposed slot links here:
    ``?starts_at=2027-03-22T08:00:00Z&duration_minutes=60&timezone=Asia/Seoul``)."""
    guards.ensure_writer(actor)
    query = dict(request.query_params)
    form = {k: v for k, v in query.items() if k not in ("start", "end")}
    if query.get("start"):  # the slot finder's link: a common window from start to end (UTC)
        form.setdefault("starts_at", query["start"])
        form.setdefault("duration_minutes", str(_window_minutes(query["start"], query.get("end"))))
    extra = {"open_meeting_form": True, "meeting_form": form}
    return _overview(request, session, actor, extra=extra)


def _window_minutes(start: str, end: str | None, default: int = 60) -> int:
    """An hour, or less when the proposed common window is shorter."""
    try:
        first = datetime.fromisoformat(start.replace("Z", "+00:00"))
        last = datetime.fromisoformat((end or "").replace("Z", "+00:00"))
    except ValueError:
        return default
    minutes = int((last - first).total_seconds() // 60)
    return min(default, minutes) if minutes >= 5 else default


def _attempt(
    session: Session, request: Request, write: Callable[[], str], again: Callable[..., HTMLResponse]
) -> Response:
    """Run one write; on a refusal roll back and show the page again with the messages."""
    try:
        target = write()
    except CofabError as exc:
        session.rollback()
        return again(error_context(exc, request.state.locale), exc.status)
    return RedirectResponse(target, status_code=303)


@router.post("/governance/committees", response_model=None)
def create_committee(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    guards.ensure_writer(actor)
    data = fields(form)

    def write() -> str:
        body = parse(schemas.CommitteeCreate, data)
        return (
            f"/governance/committees/{service.create_committee(session, actor=actor, data=body).id}"
        )

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        extra = {"form": data, **error}
        return _overview(request, session, actor, extra=extra, status_code=status)

    return _attempt(session, request, write, again)


@router.post("/governance/meetings", response_model=None)
def create_meeting(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    guards.ensure_writer(actor)
    data = fields(form)

    def write() -> str:
        body = parse(schemas.MeetingCreate, data)
        return f"/governance/meetings/{service.create_meeting(session, actor=actor, data=body).id}"

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        extra = {"meeting_form": data, "open_meeting_form": True, **error}
        return _overview(request, session, actor, extra=extra, status_code=status)

    return _attempt(session, request, write, again)


def _committee_page(
    request: Request,
    session: Session,
    actor: Actor,
    committee_id: int,
    *,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    committee = service.get_committee(session, actor=actor, committee_id=committee_id)
    flt = service.MeetingFilter(committee_id=committee.id)
    context = _common(session, actor) | {
        "committee": committee,
        "meetings": sorted(
            service.list_meetings(session, actor=actor, flt=flt), key=lambda m: m.starts_at
        ),
        "decisions": service.list_decisions(
            session, actor=actor, flt=service.DecisionFilter(committee_id=committee.id)
        ),
        "roles": list(models.MemberRole),
        "sides": list(models.Side),
        "users": [] if actor.is_partner else _people(session, committee.partner_id),
        "contacts": []
        if actor.is_partner
        else list(
            session.execute(
                select(Contact).where(Contact.partner_id == committee.partner_id)
            ).scalars()
        ),
        "form": {},
        **(extra or {}),
    }
    return render(request, "governance/committee.html", context, status_code=status_code)


def _people(session: Session, partner_id: int) -> list[User]:
    """Owner staff and the partner's users: who may sit on the committee or own an item."""
    stmt = select(User).where((User.partner_id.is_(None)) | (User.partner_id == partner_id))
    return list(session.execute(stmt.order_by(User.display_name)).scalars())


def _owner_users(session: Session, decisions: list[Any]) -> dict[int, User]:
    """The decisions' owner accounts (ours or the meeting's partner's: nobody else's can be set)."""
    ids = sorted({d.owner_user_id for d in decisions if d.owner_user_id is not None})
    if not ids:
        return {}
    return {u.id: u for u in session.execute(select(User).where(User.id.in_(ids))).scalars()}


@router.get("/governance/committees/{committee_id}", response_class=HTMLResponse)
def committee_page(
    request: Request, session: DbSession, actor: ActorDep, committee_id: int
) -> HTMLResponse:
    return _committee_page(request, session, actor, committee_id)


def _form_write(
    request: Request,
    session: Session,
    actor: Actor,
    form: Any,
    *,
    lookup: Callable[[], object],
    back: str,
    page: Callable[[dict[str, Any], int], HTMLResponse],
    act: Callable[[dict[str, Any]], object],
    form_name: str = "",
) -> Response:
    """One page form on a committee or a meeting: the record first (another partner's answers
    404 before any field is read), then the write; a refusal shows the page again with what
    was typed and the field messages."""
    lookup()
    guards.ensure_writer(actor)
    data = fields(form)

    def write() -> str:
        act(data)
        return back

    def again(error: dict[str, Any], status: int) -> HTMLResponse:
        return page({"form": data, "form_name": form_name, **error}, status)

    return _attempt(session, request, write, again)


def _record_write(
    request: Request,
    session: Session,
    actor: Actor,
    form: Any,
    act: Callable[[dict[str, Any]], object],
    *,
    committee_id: int | None = None,
    meeting_id: int | None = None,
    name: str = "",
) -> Response:
    """A form on a committee's page or (with ``meeting_id``) a meeting's: that record looked
    up first, back to its page (at the form's anchor ``name``) or the page again."""
    show: Callable[..., HTMLResponse]
    if meeting_id is not None:
        record_id, show = meeting_id, _meeting_page
        back = f"/governance/meetings/{meeting_id}#{name}"

        def lookup() -> object:
            return service.get_meeting(session, actor=actor, meeting_id=record_id)
    else:
        assert committee_id is not None
        record_id, show = committee_id, _committee_page
        back = f"/governance/committees/{committee_id}"

        def lookup() -> object:
            return service.get_committee(session, actor=actor, committee_id=record_id)

    def page(extra: dict[str, Any], status: int) -> HTMLResponse:
        return show(request, session, actor, record_id, extra=extra, status_code=status)

    return _form_write(
        request, session, actor, form, lookup=lookup, back=back, page=page, act=act, form_name=name
    )


@router.post("/governance/committees/{committee_id}/members", response_model=None)
def add_member(
    request: Request, session: DbSession, actor: ActorDep, committee_id: int, form: FormDep
) -> Response:
    def act(data: dict[str, Any]) -> object:
        body = parse(schemas.MemberIn, data)
        return service.add_member(session, actor=actor, committee_id=committee_id, data=body)

    return _record_write(request, session, actor, form, act, committee_id=committee_id)


@router.post("/governance/committees/{committee_id}/series", response_model=None)
def generate_series(
    request: Request, session: DbSession, actor: ActorDep, committee_id: int, form: FormDep
) -> Response:
    def act(data: dict[str, Any]) -> object:
        body = parse(schemas.SeriesIn, data)
        return service.generate_series(session, actor=actor, committee_id=committee_id, data=body)

    return _record_write(request, session, actor, form, act, committee_id=committee_id)


def _meeting_page(
    request: Request,
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    detail = service.meeting_detail(session, actor=actor, meeting_id=meeting_id)
    meeting = detail["meeting"]
    committee = (
        service.get_committee(session, actor=actor, committee_id=meeting.committee_id)
        if meeting.committee_id
        else None
    )
    context = (
        _common(session, actor)
        | detail
        | {
            "committee": committee,
            "may_done": {i.id for i in detail["action_items"] if _may_mark_done(actor, i)},
            "item_rows": [(i, None) for i in detail["action_items"]],
            "users": [] if actor.is_partner else _people(session, meeting.partner_id),
            "owner_users": _owner_users(session, detail["decisions"]),
            "sides": list(models.Side),
            "attendance_states": list(models.Attendance),
            "decision_kinds": list(models.DecisionKind),
            "meeting_statuses": list(models.MeetingStatus),
            "form": {},
            "form_name": "",
            **(extra or {}),
        }
    )
    return render(request, "governance/meeting.html", context, status_code=status_code)


@router.get("/governance/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(
    request: Request, session: DbSession, actor: ActorDep, meeting_id: int
) -> HTMLResponse:
    return _meeting_page(request, session, actor, meeting_id)


@router.get("/governance/meetings/{meeting_id}/invite.ics", response_model=None)
def meeting_invitation(
    request: Request, session: DbSession, actor: ActorDep, meeting_id: int
) -> Response:
    name, body = service.meeting_invitation(
        session, actor=actor, meeting_id=meeting_id, host=request.url.hostname or "cofab.local"
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


MEETING_FORMS: dict[str, tuple[type[Any], Callable[..., object]]] = {
    "edit": (schemas.MeetingUpdate, service.update_meeting),
    "minutes": (schemas.MeetingUpdate, service.update_meeting),
    "agenda": (schemas.AgendaIn, service.add_agenda_item),
    "attendance": (schemas.AttendanceIn, service.set_attendance),
    "decisions": (schemas.DecisionIn, service.add_decision),
    "action-items": (schemas.ActionItemCreate, service.add_action_item),
}


def _meeting_form_route(part: str) -> Callable[..., Response]:
    """One POST route per part of the meeting page (edit, minutes, agenda, attendance,
    decisions, action-items): the same lookup, parse and re-render for each."""
    model, call = MEETING_FORMS[part]

    def endpoint(
        request: Request, session: DbSession, actor: ActorDep, meeting_id: int, form: FormDep
    ) -> Response:
        def act(data: dict[str, Any]) -> object:
            if part == "minutes":
                data = {k: data.get(k, "") for k in ("minutes_ko", "minutes_en")}
            return call(session, actor=actor, meeting_id=meeting_id, data=parse(model, data))

        return _record_write(request, session, actor, form, act, meeting_id=meeting_id, name=part)

    endpoint.__name__ = f"meeting_{part.replace('-', '_')}"
    return endpoint


for _part in MEETING_FORMS:
    router.add_api_route(
        f"/governance/meetings/{{meeting_id}}/{_part}",
        _meeting_form_route(_part),
        methods=["POST"],
        response_model=None,
    )


def _meeting_row_route(
    part: str,
    model: type[Any],
    get: Callable[..., Any],
    change: Callable[..., object],
    blanks: dict[str, Any] | None = None,
) -> Callable[..., Response]:
    """POST /governance/meetings/{meeting_id}/<part>/{row_id}: correct one agenda item,
    decision or action item from its row's form; a row of another meeting answers 404.

    The row's form shows every field filled in, so a field in ``blanks`` sent empty means
    "none" (no owner account, no owner name, no effective date), as ``null`` does on the API,
    and not "keep" as an absent field does."""

    def endpoint(
        request: Request,
        session: DbSession,
        actor: ActorDep,
        meeting_id: int,
        row_id: int,
        form: FormDep,
    ) -> Response:
        emptied = {
            key: value
            for key, value in (blanks or {}).items()
            if key in form and not str(form.get(key) or "").strip()
        }

        def act(data: dict[str, Any]) -> object:
            if get(session, row_id).meeting_id != meeting_id:
                raise NotFound()
            return change(session, actor, row_id, parse(model, emptied | data))

        name = f"{part}-{row_id}"
        return _record_write(request, session, actor, form, act, meeting_id=meeting_id, name=name)

    endpoint.__name__ = f"meeting_{part.replace('-', '_')}_row"
    return endpoint


def _agenda_of(session: Session, row_id: int) -> Any:
    return session.get(AgendaItem, row_id) or _missing()


def _decision_of(session: Session, row_id: int) -> Any:
    return session.get(Decision, row_id) or _missing()


def _item_of(session: Session, row_id: int) -> Any:
    return session.get(ActionItem, row_id) or _missing()


def _missing() -> Any:
    raise NotFound()


router.add_api_route(
    "/governance/meetings/{meeting_id}/agenda/{row_id}",
    _meeting_row_route(
        "agenda",
        schemas.AgendaChange,
        _agenda_of,
        lambda s, a, i, d: service.update_agenda_item(s, actor=a, agenda_id=i, data=d),
        {"owner_name": "", "vault_document_id": None},
    ),
    methods=["POST"],
    response_model=None,
)
router.add_api_route(
    "/governance/meetings/{meeting_id}/decisions/{row_id}",
    _meeting_row_route(
        "decisions",
        schemas.DecisionChange,
        _decision_of,
        lambda s, a, i, d: service.update_decision(s, actor=a, decision_id=i, data=d),
        {"owner_user_id": None, "owner_name": "", "effective_on": None},
    ),
    methods=["POST"],
    response_model=None,
)
router.add_api_route(
    "/governance/meetings/{meeting_id}/action-items/{row_id}",
    _meeting_row_route(
        "action-items",
        schemas.ActionItemChange,
        _item_of,
        lambda s, a, i, d: service.update_action_item(s, actor=a, item_id=i, data=d),
        {"owner_user_id": None, "owner_name": ""},
    ),
    methods=["POST"],
    response_model=None,
)


@router.post("/governance/action-items/{item_id}/done", response_model=None)
def mark_done(request: Request, session: DbSession, actor: ActorDep, item_id: int) -> Response:
    item = service.mark_action_item_done(session, actor, item_id)
    back = request.headers.get("referer", "")
    if "/governance/meetings/" in back:
        return RedirectResponse(f"/governance/meetings/{item.meeting_id}", status_code=303)
    return RedirectResponse("/governance", status_code=303)


def governance_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    """Dashboard card: the next meeting and the meetings' open and overdue action items (the
    reviews' own items are on the performance card, so mirrored ones are left out here)."""
    upcoming = service.list_meetings(
        session, actor=actor, flt=service.MeetingFilter(upcoming_only=True)
    )
    items = service.list_action_items(session, actor, open_only=True, include_mirrored=False)
    if not upcoming and not items:
        return None
    today = guards.now_utc().date()
    return "governance/widget.html", {
        "g_next": upcoming[0] if upcoming else None,
        "g_next_local": in_zone(upcoming[0].starts_at, upcoming[0].timezone) if upcoming else "",
        "g_open": len(items),
        "g_overdue": sum(1 for item, _ in items if service.is_overdue(item, today)),
    }


register_dashboard_widget(governance_widget)
