"""Password-reset links are e-mailed by a background job, not inside the admin's request: the
request only queues the job; a worker sends the message (a real SMTP server, aiosmtpd, on a
loopback port), retries after a refusal, and the link in the mail is the one that works."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select
from tests.accounts.user_admin_helpers import user_id
from tests.conftest import World

from cofab.accounts import reset_mail
from cofab.config import get_settings
from cofab.core import jobs
from cofab.db.session import unit_of_work


@dataclass
class ResetMailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def reset_mailbox(app, set_app_state, monkeypatch: pytest.MonkeyPatch) -> Iterator[ResetMailbox]:  # type: ignore[no-untyped-def]
    """The app (for the request) and the worker (from the environment) both point at the
    server; retries are due at once."""
    box, port = ResetMailbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    set_app_state(
        "settings",
        app.state.settings.model_copy(update={**smtp, "smtp_from": "cofab@factory.test"}),
    )
    for name, value in {**smtp, "smtp_from": "cofab@factory.test"}.items():
        monkeypatch.setenv(f"COFAB_{name.upper()}", str(value))
    monkeypatch.setattr(reset_mail, "RETRY_DELAYS_S", (0.0, 0.0))
    get_settings.cache_clear()
    try:
        yield box
    finally:
        controller.stop()
        get_settings.cache_clear()


def _work(engine: Engine) -> int:
    return jobs.work(engine, once=True, kinds={reset_mail.RESET_MAIL_JOB})


def _reset_jobs(engine: Engine) -> list[jobs.Job]:
    with unit_of_work(engine) as session:
        rows = list(
            session.execute(
                select(jobs.Job)
                .where(jobs.Job.kind == reset_mail.RESET_MAIL_JOB)
                .order_by(jobs.Job.id)
            ).scalars()
        )
        session.expunge_all()
        return rows


def _link(message: EmailMessage, base_url: str) -> str:
    text = message.get_content()
    return next(word for word in text.split() if word.startswith(base_url + "/password-reset/"))


def test_the_request_queues_and_the_worker_sends(
    world: World, api, base_url: str, engine: Engine, reset_mailbox: ResetMailbox
) -> None:  # type: ignore[no-untyped-def]
    address = world.users["quality"]
    uid = user_id(engine, address)
    before = len(_reset_jobs(engine))
    response = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset")
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["emailed"] is True and issued["url"] is None and issued["job_id"]
    assert reset_mailbox.messages == []  # the request sent nothing itself
    queued = _reset_jobs(engine)[before:]
    assert [job.id for job in queued] == [issued["job_id"]] and queued[0].status == jobs.QUEUED
    # the secret is not in the queue: ids, the base URL and the language only
    assert set(queued[0].payload) == {"reset_id", "base_url", "locale", "retry"}

    assert _work(engine) == 1
    (message,) = reset_mailbox.messages
    assert message["To"] == address and message["From"] == "cofab@factory.test"
    assert message["Subject"] == "Set a new cofab password"
    (done,) = [job for job in _reset_jobs(engine) if job.id == issued["job_id"]]
    assert done.status == jobs.SUCCEEDED and done.result == {
        "reset_id": done.payload["reset_id"],
        "status": "sent",
        "tries": 1,
    }
    anon = httpx.Client(base_url=base_url, timeout=30)
    form = anon.get(_link(message, base_url))
    assert form.status_code == 200 and address in form.text


def test_a_dead_server_does_not_hold_the_request(
    world: World, app, api, engine: Engine, set_app_state
) -> None:  # type: ignore[no-untyped-def]
    """Nobody listens and the timeout is long: the request still answers at once."""
    settings = app.state.settings.model_copy(
        update={"smtp_host": "10.255.255.1", "smtp_port": 25, "smtp_timeout_s": 30.0}
    )
    set_app_state("settings", settings)
    uid = user_id(engine, world.users["viewer"])
    started = time.perf_counter()
    issued = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset").json()
    assert time.perf_counter() - started < 10
    assert issued["emailed"] is True and issued["job_id"]


def test_a_refusal_is_retried_and_only_the_mailed_link_works(
    world: World, api, base_url: str, engine: Engine, reset_mailbox: ResetMailbox
) -> None:  # type: ignore[no-untyped-def]
    uid = user_id(engine, world.users["viewer"])
    job_id = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset").json()["job_id"]
    reset_mailbox.refuse = True
    jobs.run_job(engine, _claim(engine, job_id))
    first = next(job for job in _reset_jobs(engine) if job.id == job_id)
    assert first.status == jobs.SUCCEEDED and first.result is not None
    assert first.result["status"] == "retry" and first.result["last_error"]
    retry_id = first.result["next_job"]
    reset_mailbox.refuse = False
    assert _work(engine) == 1
    (message,) = reset_mailbox.messages
    retry = next(job for job in _reset_jobs(engine) if job.id == retry_id)
    assert retry.status == jobs.SUCCEEDED and retry.result is not None
    assert retry.result["tries"] == 2
    anon = httpx.Client(base_url=base_url, timeout=30)
    assert anon.get(_link(message, base_url)).status_code == 200


def test_every_try_refused_fails_the_last_job(
    world: World, api, engine: Engine, reset_mailbox: ResetMailbox
) -> None:  # type: ignore[no-untyped-def]
    uid = user_id(engine, world.users["manager"])
    job_id = api(world.users["admin"]).post(f"/api/v1/users/{uid}/password-reset").json()["job_id"]
    reset_mailbox.refuse = True
    assert _work(engine) == 3  # the try and RETRY_DELAYS_S's two retries
    ours = [job for job in _reset_jobs(engine) if job.id >= job_id]
    assert [job.status for job in ours] == [jobs.SUCCEEDED, jobs.SUCCEEDED, jobs.FAILED]
    assert ours[-1].error is not None and "ResetMailNotSent" in ours[-1].error
    assert "reset_" not in ours[-1].error and reset_mailbox.messages == []


def test_a_newer_link_makes_the_queued_mail_moot_and_show_link_skips_mail(
    world: World, api, base_url: str, engine: Engine, reset_mailbox: ResetMailbox
) -> None:  # type: ignore[no-untyped-def]
    admin = api(world.users["admin"])
    uid = user_id(engine, world.users["quality"])
    job_id = admin.post(f"/api/v1/users/{uid}/password-reset").json()["job_id"]
    shown = admin.post(f"/api/v1/users/{uid}/password-reset?show_link=true").json()
    assert shown["emailed"] is False and shown["job_id"] is None
    assert shown["url"].startswith(base_url + "/password-reset/reset_")
    assert _work(engine) == 1  # only the first link's job: show_link queued none
    (done,) = [job for job in _reset_jobs(engine) if job.id == job_id]
    assert done.result is not None and done.result["status"] == "skipped"
    assert reset_mailbox.messages == []
    anon = httpx.Client(base_url=base_url, timeout=30)
    assert anon.get(shown["url"]).status_code == 200


def _claim(engine: Engine, job_id: int) -> int:
    claimed = jobs.claim_next(engine, "test", {reset_mail.RESET_MAIL_JOB})
    assert claimed == job_id
    return claimed
