"""E-mail through a real local SMTP server: the recipient's language, retries on refusal with
the state kept visible, the daily digest, and nothing at all while COFAB_SMTP_URL is unset."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from tests.conftest import World, login
from tests.notifications.conftest import Mailbox
from tests.notifications.notification_factories import user_id

from cofab.accounts.models import User
from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.notifications import service
from cofab.notifications.delivery import EMAIL_JOB, send_digests
from cofab.notifications.models import Notification, OutgoingEmail

TITLE = {"msgid": "8D action for NCR {ncr}: {text}", "params": {"ncr": 7, "text": "Jig"}}


def _set_locale(engine: Engine, email: str, locale: str) -> int:
    with unit_of_work(engine) as session:
        session.execute(update(User).where(User.email == email).values(locale=locale))
        return user_id(session, email)


def _assign(engine: Engine, uid: int, key: str | None = None) -> None:
    with unit_of_work(engine) as session:
        service.notify(
            session,
            uid,
            "assignment",
            "Assigned to you: {title}",
            {"title": TITLE},
            "/inbox",
            dedupe_key=key,
        )


def _run_mail_jobs(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={EMAIL_JOB})


def _emails(engine: Engine) -> list[OutgoingEmail]:
    with unit_of_work(engine) as session:
        rows = list(session.execute(select(OutgoingEmail).order_by(OutgoingEmail.id)).scalars())
        session.expunge_all()
        return rows


def test_each_recipient_gets_the_mail_in_their_own_language(
    world: World, engine: Engine, smtp_on: Mailbox
) -> None:
    ko = _set_locale(engine, world.users["partner_a"], "ko")
    en = _set_locale(engine, world.users["manager"], "en")
    _assign(engine, ko)
    _assign(engine, en)
    assert _run_mail_jobs(engine) == 2
    by_to = {str(m["To"]): m for m in smtp_on.messages}
    korean = by_to[world.users["partner_a"]]
    english = by_to[world.users["manager"]]
    assert korean["Subject"] == "[cofab] 배정된 일: NCR 7의 8D 조치: Jig"
    assert english["Subject"] == "[cofab] Assigned to you: 8D action for NCR 7: Jig"
    assert str(korean["From"]) == "cofab@test.example"
    body = korean.get_content()
    assert "http://cofab.test/inbox" in body
    assert "알림 설정" in body
    assert [e.status for e in _emails(engine)] == ["sent", "sent"]


def test_a_refusing_server_is_retried_then_shown_failed_with_its_reason_and_nothing_is_lost(
    world: World,
    engine: Engine,
    smtp_on: Mailbox,
    api,  # type: ignore[no-untyped-def]
    base_url: str,
) -> None:
    smtp_on.refuse = "550 5.1.1 Mailbox unavailable"
    uid = _set_locale(engine, world.users["manager"], "en")
    _assign(engine, uid)
    _run_mail_jobs(engine)
    (email,) = _emails(engine)
    assert smtp_on.refused == 3  # one try and two retries (RETRY_DELAYS_S has two pauses)
    assert email.status == "failed" and email.attempts == 3
    assert email.last_error is not None and email.last_error.startswith("550")
    with unit_of_work(engine) as session:
        job = session.get(jobs.Job, email.job_id)
        assert job is not None and job.status == "failed"
        assert "550 5.1.1 Mailbox unavailable" in (job.error or "")
    admin = api(world.users["admin"])
    outbox = admin.get("/api/v1/notifications/emails").json()
    assert outbox[0]["status"] == "failed" and "550" in outbox[0]["last_error"]
    assert api(world.users["manager"]).get("/api/v1/notifications/emails").status_code == 403
    page = login(base_url, world.users["admin"]).get("/notifications")
    assert "outbox-table" in page.text and "550 5.1.1 Mailbox unavailable" in page.text
    # the server takes mail again: the admin sends the same message once more
    smtp_on.refuse = None
    again = admin.post(f"/api/v1/notifications/emails/{email.id}/retry")
    assert again.status_code == 200 and again.json()["status"] == "queued"
    assert admin.post(f"/api/v1/notifications/emails/{email.id}/retry").status_code == 409
    _run_mail_jobs(engine)
    (email,) = _emails(engine)
    assert email.status == "sent" and email.attempts == 4
    assert [m["Subject"] for m in smtp_on.messages] == [
        "[cofab] Assigned to you: 8D action for NCR 7: Jig"
    ]


def test_daily_digest_sends_one_mail_listing_the_days_notifications(
    world: World,
    engine: Engine,
    smtp_on: Mailbox,
    api,  # type: ignore[no-untyped-def]
) -> None:
    uid = _set_locale(engine, world.users["quality"], "ko")
    client = api(world.users["quality"])
    saved = client.put("/api/v1/notifications/prefs", json={"daily_digest": True, "due_days": 3})
    assert saved.status_code == 200 and saved.json()["daily_digest"] is True
    _assign(engine, uid, key="one")
    _assign(engine, uid, key="two")
    assert _emails(engine) == []  # kept for the digest
    with unit_of_work(engine) as session:
        assert send_digests(session) == 1
    with unit_of_work(engine) as session:
        assert send_digests(session) == 0  # nothing new: no second digest
        pending = session.execute(
            select(Notification).where(Notification.digest_pending.is_(True))
        ).all()
        assert pending == []
    _run_mail_jobs(engine)
    (message,) = smtp_on.messages
    body = message.get_content()
    assert message["Subject"].startswith("[cofab] ") and "알림 모음" in message["Subject"]
    assert body.count("배정된 일: NCR 7의 8D 조치: Jig") == 2
    assert "2건" in body
    # in the app both still show
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}


def test_without_smtp_url_nothing_is_queued_and_nothing_breaks(
    world: World, engine: Engine
) -> None:
    uid = _set_locale(engine, world.users["manager"], "en")
    _assign(engine, uid)
    assert _emails(engine) == []
    with unit_of_work(engine) as session:
        assert send_digests(session) == 0
        assert session.execute(select(jobs.Job)).first() is None
        assert session.execute(select(Notification)).scalar_one().shown is True


def test_a_refused_mail_waits_for_its_retry_in_the_queue_without_holding_a_worker(
    world: World,
    engine: Engine,
    smtp_on: Mailbox,
    monkeypatch,  # type: ignore[no-untyped-def]
    base_url: str,
) -> None:
    from datetime import timedelta

    from cofab.db.base import utcnow
    from cofab.notifications import delivery

    monkeypatch.setattr(delivery, "RETRY_DELAYS_S", (600.0, 3600.0))
    smtp_on.refuse = "550 5.1.1 Mailbox unavailable"
    uid = _set_locale(engine, world.users["manager"], "en")
    _assign(engine, uid)
    before = utcnow()
    assert _run_mail_jobs(engine) == 1  # one try, then the worker is free again
    (email,) = _emails(engine)
    assert smtp_on.refused == 1 and email.status == "queued" and email.attempts == 1
    assert email.next_attempt_at is not None
    wait = email.next_attempt_at - before
    assert timedelta(seconds=599) < wait < timedelta(seconds=660)
    with unit_of_work(engine) as session:
        retry = session.get(jobs.Job, email.job_id)
        assert retry is not None and retry.status == "queued"
        assert retry.run_after == email.next_attempt_at
        assert retry.payload == {"email_id": email.id, "retry": 1}
    assert _run_mail_jobs(engine) == 0  # not due yet: nothing is claimed
    page = login(base_url, world.users["admin"]).get("/notifications")
    assert 'data-testid="next-try"' in page.text and "550 5.1.1" in page.text
    # the pause is over and the server takes mail again
    smtp_on.refuse = None
    with unit_of_work(engine) as session:
        session.execute(
            update(jobs.Job).where(jobs.Job.id == email.job_id).values(run_after=utcnow())
        )
    assert _run_mail_jobs(engine) == 1
    (email,) = _emails(engine)
    assert email.status == "sent" and email.attempts == 2 and email.next_attempt_at is None
    assert len(smtp_on.messages) == 1
