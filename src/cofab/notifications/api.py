"""Inbox and notifications JSON API: parse, call the service, return.

``GET /api/v1/inbox`` lists the actor's action items across cofab (each source applies its own
domain's access rules); ``POST /api/v1/inbox/{kind}/{item_id}/done`` closes one through its
domain. Notifications are the caller's own: another user's answer 404.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request

from cofab.core.access import viewer_may_call
from cofab.core.web import ApiActor, DbSession
from cofab.notifications import schedule, schemas, service, views

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get("/inbox", response_model=schemas.InboxPage)
def inbox(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    kind: str | None = None,
    side: Literal["owner", "partner"] | None = None,
    status: Literal["open", "done", "all"] = "open",
    overdue: bool = False,
    due_before: date | None = None,
    owner: str | None = None,
    mine: bool = False,
) -> schemas.InboxPage:
    today = date.today()
    flt = service.InboxFilter(
        kind=kind,
        side=side,
        status=None if status == "all" else status,
        overdue_only=overdue,
        due_before=due_before,
        owner=owner,
        owners=(actor.email, actor.display_name) if mine else (),
    )
    items = service.list_inbox(session, actor=actor, flt=flt, today=today)
    locale = actor.locale
    return schemas.InboxPage(
        items=[views.item_read(i, locale, today) for i in items], total=len(items)
    )


@router.post("/inbox/{kind}/{item_id}/done")
def inbox_done(session: DbSession, actor: ApiActor, kind: str, item_id: int) -> dict[str, object]:
    service.mark_done(session, actor=actor, kind=kind, item_id=item_id)
    return {"kind": kind, "id": item_id, "status": service.DONE}


@router.get("/notifications", response_model=list[schemas.NotificationRead])
def notifications(
    request: Request, session: DbSession, actor: ApiActor, unread: bool = False
) -> list[schemas.NotificationRead]:
    locale = actor.locale
    rows = service.list_notifications(session, actor=actor, unread_only=unread)
    return [views.notification_read(n, locale) for n in rows]


@router.get("/notifications/unread-count", response_model=schemas.UnreadCount)
def unread_count(session: DbSession, actor: ApiActor) -> schemas.UnreadCount:
    return schemas.UnreadCount(unread=service.unread_count(session, actor=actor))


@router.post("/notifications/read-all", response_model=schemas.UnreadCount)
@viewer_may_call
def read_all(session: DbSession, actor: ApiActor) -> schemas.UnreadCount:
    service.mark_all_read(session, actor=actor)
    return schemas.UnreadCount(unread=0)


@router.post("/notifications/{notification_id}/read", response_model=schemas.NotificationRead)
@viewer_may_call
def read_one(
    request: Request, session: DbSession, actor: ApiActor, notification_id: int
) -> schemas.NotificationRead:
    note = service.mark_read(session, actor=actor, notification_id=notification_id)
    return views.notification_read(note, actor.locale)


@router.get("/notifications/prefs", response_model=schemas.PrefsRead)
def get_prefs(session: DbSession, actor: ApiActor) -> schemas.PrefsRead:
    return views.prefs_read(service.prefs_of(session, actor.user_id))


@router.put("/notifications/prefs", response_model=schemas.PrefsRead)
@viewer_may_call
def put_prefs(session: DbSession, actor: ApiActor, body: schemas.PrefsIn) -> schemas.PrefsRead:
    prefs = service.update_prefs(
        session,
        actor=actor,
        channels=body.channels,
        due_days=body.due_days,
        daily_digest=body.daily_digest,
    )
    return views.prefs_read(prefs)


@router.get("/notifications/emails", response_model=list[schemas.EmailRead])
def emails(session: DbSession, actor: ApiActor) -> list[schemas.EmailRead]:
    """The outbox with each message's state and the server's last refusal (admins)."""
    return [schemas.EmailRead.model_validate(e) for e in service.list_emails(session, actor=actor)]


@router.post("/notifications/emails/{email_id}/retry", response_model=schemas.EmailRead)
def retry_email(session: DbSession, actor: ApiActor, email_id: int) -> schemas.EmailRead:
    return schemas.EmailRead.model_validate(
        service.retry_email(session, actor=actor, email_id=email_id)
    )


@router.post("/notifications/daily", status_code=202)
def run_daily(session: DbSession, actor: ApiActor) -> dict[str, list[int]]:
    """Queue the daily scan and digest now (admins); cron normally runs them once a day."""
    return {"job_ids": service.enqueue_daily(session, actor=actor)}


@router.get("/notifications/schedule", response_model=schemas.NotificationScheduleRead)
def get_schedule(session: DbSession, actor: ApiActor) -> schemas.NotificationScheduleRead:
    """When the worker runs the daily scan and digest (admins; ``cofab notify schedule``)."""
    shown = schedule.show(session, actor=actor)
    return schemas.NotificationScheduleRead.model_validate(shown, from_attributes=True)


@router.put("/notifications/schedule", response_model=schemas.NotificationScheduleRead)
def put_schedule(
    session: DbSession, actor: ApiActor, body: schemas.NotificationScheduleIn
) -> schemas.NotificationScheduleRead:
    """Set the local time, the zone or on/off (admins); a bad time or zone is refused by field,
    nothing changed; the waiting job is replaced by one at the new time."""
    shown = schedule.set_schedule(
        session,
        actor=actor,
        local_time=body.local_time,
        timezone=body.timezone,
        enabled=body.enabled,
    )
    return schemas.NotificationScheduleRead.model_validate(shown, from_attributes=True)
