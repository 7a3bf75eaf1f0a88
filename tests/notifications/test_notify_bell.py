"""The bell's unread count, reading and marking read (one's own only), the pages, the
preferences' validation, and the SMTP URL (whose password never shows)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.notifications.notification_factories import user_id

from cofab.db.session import unit_of_work
from cofab.notifications import service
from cofab.notifications.mail import SmtpUrlError, parse_smtp_url


def _notify(engine: Engine, email: str, n: int, kind: str = "decision") -> list[int]:
    made = []
    with unit_of_work(engine) as session:
        uid = user_id(session, email)
        for i in range(n):
            note = service.notify(
                session, uid, kind, "Decision {number} concerns you", {"number": i + 1}, "/inbox"
            )
            assert note is not None
            made.append(note.id)
    return made


def test_unread_count_read_one_read_all_and_only_ones_own(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    mine = _notify(engine, world.users["partner_a"], 3)
    theirs = _notify(engine, world.users["partner_b"], 1)
    alpha, bravo = api(world.users["partner_a"]), api(world.users["partner_b"])
    assert alpha.get("/api/v1/notifications/unread-count").json() == {"unread": 3}
    assert bravo.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert alpha.post(f"/api/v1/notifications/{theirs[0]}/read").status_code == 404
    read = alpha.post(f"/api/v1/notifications/{mine[0]}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert alpha.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    unread_titles = [n["title"] for n in alpha.get("/api/v1/notifications?unread=true").json()]
    assert unread_titles == ["Decision 3 concerns you", "Decision 2 concerns you"]
    assert alpha.post("/api/v1/notifications/read-all").json() == {"unread": 0}
    assert alpha.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    assert bravo.get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_channel_off_hides_from_bell_and_dedupe_key_tells_once(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    client = api(world.users["manager"])
    body = {"channels": {"decision": ["email"]}, "due_days": 3}
    assert client.put("/api/v1/notifications/prefs", json=body).status_code == 200
    _notify(engine, world.users["manager"], 1)
    _notify(engine, world.users["manager"], 1, kind="meeting_invitation")
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    with unit_of_work(engine) as session:
        uid = user_id(session, world.users["manager"])
        first = service.notify(session, uid, "mention", "Hi", {}, "", dedupe_key="k")
        again = service.notify(session, uid, "mention", "Hi", {}, "", dedupe_key="k")
    assert first is not None and again is None
    prefs = client.get("/api/v1/notifications/prefs").json()
    assert prefs["channels"]["decision"] == ["email"]
    assert prefs["channels"]["overdue"] == ["in_app", "email"]
    bad = client.put(
        "/api/v1/notifications/prefs", json={"channels": {"gossip": ["pigeon"]}, "due_days": 99}
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["errors"]}
    assert fields == {"channels", "due_days"}


def test_pages_bell_inbox_notifications_and_prefs_in_korean(
    world: World, engine: Engine, base_url: str
) -> None:
    _notify(engine, world.users["partner_a"], 2)
    client = login(base_url, world.users["partner_a"])
    client.cookies.set("cofab_lang", "ko")
    home = client.get("/inbox")
    assert home.status_code == 200 and 'hx-get="/notifications/bell"' in home.text
    bell = client.get("/notifications/bell")
    assert 'data-testid="bell-count">2<' in bell.text
    page = client.get("/notifications")
    assert "모두 읽음으로 표시" in page.text and "outbox-table" not in page.text
    token = csrf_of(client, "/notifications/prefs")
    saved = client.post(
        "/notifications/prefs",
        data={"csrf_token": token, "channel": ["decision:in_app"], "due_days": "5"},
    )
    assert saved.status_code == 200 and "알림 설정을 저장했습니다" in saved.text
    bad = client.post("/notifications/prefs", data={"csrf_token": token, "due_days": "x"})
    assert bad.status_code == 422
    done = client.post("/notifications/read-all", data={"csrf_token": token})
    assert done.status_code == 303
    assert 'data-testid="bell-count"' not in client.get("/notifications/bell").text


def test_smtp_url_forms_and_the_password_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    target = parse_smtp_url(
        "smtp+starttls://mailer%40corp:s3cr%3At@mail.example.com:2525?from=noreply@corp.example",
        default_sender="cofab@localhost",
        default_base_url="http://127.0.0.1:8000/",
    )
    assert (target.host, target.port, target.security) == ("mail.example.com", 2525, "starttls")
    assert (target.username, target.password) == ("mailer@corp", "s3cr:t")
    assert target.sender == "noreply@corp.example" and target.base_url == "http://127.0.0.1:8000"
    assert "s3cr" not in target.describe() and "s3cr" not in repr(target)
    ssl_target = parse_smtp_url("smtps://h", default_sender="a@b", default_base_url="")
    assert (ssl_target.port, ssl_target.security) == (465, "ssl")
    with pytest.raises(SmtpUrlError) as error:
        parse_smtp_url("http://u:topsecret@h", default_sender="a@b", default_base_url="")
    assert "topsecret" not in str(error.value)
    assert "topsecret" not in caplog.text and "s3cr" not in caplog.text
