"""Governance JSON API under /api/v1/governance: committees, meetings, decisions, action items.

Thin: parse, call one service function, return. Partner users read their own company's records
(another company's answer 404) and may report on their own side's action items."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from cofab.core.downloads import tabular_response
from cofab.core.web import ApiActor, DbSession
from cofab.governance import board_log, exports, schemas, service
from cofab.governance.api_writes import WriteRoute, add_write_routes
from cofab.governance.guards import now_utc
from cofab.governance.models import ActionItem, Committee

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


def _committee(committee: Committee) -> schemas.CommitteeDetail:
    base = schemas.CommitteeRead.model_validate(committee).model_dump()
    members = [schemas.MemberRead.model_validate(m) for m in committee.members]
    return schemas.CommitteeDetail.model_validate(base | {"members": members})


def _meeting(detail: dict[str, Any]) -> schemas.MeetingDetail:
    meeting = detail["meeting"]
    base = schemas.MeetingRead.model_validate(meeting).model_dump()
    return schemas.MeetingDetail.model_validate(
        base
        | {
            "start_local": detail["start_local"],
            "minutes_ko": meeting.minutes_ko,
            "minutes_en": meeting.minutes_en,
            "agenda": [schemas.AgendaRead.model_validate(a) for a in detail["agenda"]],
            "attendance": [schemas.AttendanceRead.model_validate(a) for a in detail["attendance"]],
            "decisions": [
                schemas.MeetingDecisionRead.model_validate(d) for d in detail["decisions"]
            ],
            "action_items": [
                schemas.MeetingActionRead.model_validate(i) for i in detail["action_items"]
            ],
        }
    )


@router.get("/committees", response_model=list[schemas.CommitteeDetail])
def list_committees(session: DbSession, actor: ApiActor, partner_id: int | None = None) -> Any:
    rows = service.list_committees(session, actor=actor, partner_id=partner_id)
    return [_committee(c) for c in rows]


@router.post("/committees", response_model=schemas.CommitteeDetail, status_code=201)
def create_committee(session: DbSession, actor: ApiActor, body: schemas.CommitteeCreate) -> Any:
    committee = service.create_committee(session, actor=actor, data=body)
    return _committee(service.get_committee(session, actor=actor, committee_id=committee.id))


@router.get("/committees/{committee_id}", response_model=schemas.CommitteeDetail)
def get_committee(session: DbSession, actor: ApiActor, committee_id: int) -> Any:
    return _committee(service.get_committee(session, actor=actor, committee_id=committee_id))


@router.patch("/committees/{committee_id}", response_model=schemas.CommitteeDetail)
def update_committee(
    session: DbSession, actor: ApiActor, committee_id: int, body: schemas.CommitteeUpdate
) -> Any:
    service.update_committee(session, actor=actor, committee_id=committee_id, data=body)
    return _committee(service.get_committee(session, actor=actor, committee_id=committee_id))


@router.delete("/committees/{committee_id}/members/{member_id}", status_code=204)
def remove_member(
    session: DbSession, actor: ApiActor, committee_id: int, member_id: int
) -> Response:
    service.remove_member(session, actor=actor, committee_id=committee_id, member_id=member_id)
    return Response(status_code=204)


@router.get("/meetings", response_model=list[schemas.MeetingRead])
def list_meetings(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    committee_id: int | None = None,
    kind: str | None = None,
    upcoming: bool = False,
) -> Any:
    flt = service.MeetingFilter(partner_id, committee_id, kind, upcoming)
    return service.list_meetings(session, actor=actor, flt=flt)


@router.post("/meetings", response_model=schemas.MeetingDetail, status_code=201)
def create_meeting(session: DbSession, actor: ApiActor, body: schemas.MeetingCreate) -> Any:
    meeting = service.create_meeting(session, actor=actor, data=body)
    return _meeting(service.meeting_detail(session, actor=actor, meeting_id=meeting.id))


@router.get("/meetings/{meeting_id}", response_model=schemas.MeetingDetail)
def get_meeting(session: DbSession, actor: ApiActor, meeting_id: int) -> Any:
    return _meeting(service.meeting_detail(session, actor=actor, meeting_id=meeting_id))


@router.get("/meetings/{meeting_id}/invitation.ics")
def meeting_invitation(
    request: Request, session: DbSession, actor: ApiActor, meeting_id: int
) -> Response:
    """The meeting as an iCalendar invitation (RFC 5545), every attendee in their own zone."""
    name, body = service.meeting_invitation(
        session, actor=actor, meeting_id=meeting_id, host=request.url.hostname or "cofab.local"
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.patch("/meetings/{meeting_id}", response_model=schemas.MeetingDetail)
def update_meeting(
    session: DbSession, actor: ApiActor, meeting_id: int, body: schemas.MeetingUpdate
) -> Any:
    service.update_meeting(session, actor=actor, meeting_id=meeting_id, data=body)
    return _meeting(service.meeting_detail(session, actor=actor, meeting_id=meeting_id))


@router.get("/decisions", response_model=list[schemas.MeetingDecisionRead])
def list_decisions(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    committee_id: int | None = None,
    meeting_id: int | None = None,
    kind: str | None = None,
) -> Any:
    flt = service.DecisionFilter(partner_id, committee_id, meeting_id, kind)
    return [d for d, _ in service.list_decisions(session, actor=actor, flt=flt)]


@router.get("/board-resolutions")
def list_board_resolutions(
    session: DbSession, actor: ApiActor, partner_id: int | None = None
) -> list[dict[str, Any]]:
    """The board-resolution log: committee decisions of kind board_resolution and the JV
    boards' resolutions with the vote per parent and whether the threshold was met."""
    rows = board_log.board_log(session, actor=actor, locale=actor.locale, partner_id=partner_id)
    return [row.as_json() for row in rows]


@router.get("/decisions/export")
def export_decisions(
    session: DbSession,
    actor: ApiActor,
    format: schemas.ExportFormat = "csv",
    partner_id: int | None = None,
    committee_id: int | None = None,
) -> Response:
    flt = service.DecisionFilter(partner_id, committee_id)
    rows = exports.decision_rows(service.list_decisions(session, actor=actor, flt=flt))
    return tabular_response(list(exports.DECISION_COLUMNS), rows, "decisions", format)


def _items(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None,
    committee_id: int | None,
    side: str | None,
    status: str | None,
    overdue: bool,
) -> list[tuple[ActionItem, Any]]:
    return service.list_action_items(
        session,
        actor,
        partner_id=partner_id,
        committee_id=committee_id,
        side=side,
        status=status,
        overdue_only=overdue,
    )


@router.get("/action-items", response_model=list[schemas.MeetingActionRead])
def list_action_items(
    session: DbSession,
    actor: ApiActor,
    partner_id: int | None = None,
    committee_id: int | None = None,
    side: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> Any:
    pairs = _items(session, actor, partner_id, committee_id, side, status, overdue)
    return [item for item, _ in pairs]


@router.get("/action-items/export")
def export_action_items(
    session: DbSession,
    actor: ApiActor,
    format: schemas.ExportFormat = "csv",
    partner_id: int | None = None,
    committee_id: int | None = None,
    side: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> Response:
    pairs = _items(session, actor, partner_id, committee_id, side, status, overdue)
    rows = exports.action_rows(pairs, now_utc().date())
    return tabular_response(list(exports.ACTION_COLUMNS), rows, "action-items", format)


@router.post("/action-items/{item_id}/done", response_model=schemas.MeetingActionRead)
def mark_done(session: DbSession, actor: ApiActor, item_id: int) -> Any:
    return service.mark_action_item_done(session, actor, item_id)


add_write_routes(
    router,
    [
        WriteRoute(
            "POST",
            "/committees/{committee_id}/members",
            schemas.MemberIn,
            schemas.MemberRead,
            service.add_member,
            "add_member",
            201,
        ),
        WriteRoute(
            "POST",
            "/committees/{committee_id}/series",
            schemas.SeriesIn,
            list[schemas.MeetingRead],
            service.generate_series,
            "generate_series",
            201,
        ),
        WriteRoute(
            "POST",
            "/meetings/{meeting_id}/agenda",
            schemas.AgendaIn,
            schemas.AgendaRead,
            service.add_agenda_item,
            "add_agenda_item",
            201,
        ),
        WriteRoute(
            "PATCH",
            "/agenda/{agenda_id}",
            schemas.AgendaChange,
            schemas.AgendaRead,
            service.update_agenda_item,
            "update_agenda_item",
        ),
        WriteRoute(
            "POST",
            "/meetings/{meeting_id}/attendance",
            schemas.AttendanceIn,
            schemas.AttendanceRead,
            service.set_attendance,
            "set_attendance",
        ),
        WriteRoute(
            "POST",
            "/meetings/{meeting_id}/decisions",
            schemas.DecisionIn,
            schemas.MeetingDecisionRead,
            service.add_decision,
            "add_decision",
            201,
        ),
        WriteRoute(
            "PATCH",
            "/decisions/{decision_id}",
            schemas.DecisionChange,
            schemas.MeetingDecisionRead,
            service.update_decision,
            "update_decision",
        ),
        WriteRoute(
            "POST",
            "/meetings/{meeting_id}/action-items",
            schemas.ActionItemCreate,
            schemas.MeetingActionRead,
            service.add_action_item,
            "add_action_item",
            201,
        ),
        WriteRoute(
            "PATCH",
            "/action-items/{item_id}",
            schemas.ActionItemChange,
            schemas.MeetingActionRead,
            service.update_action_item,
            "update_action_item",
        ),
    ],
)
