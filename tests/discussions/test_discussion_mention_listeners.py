"""Mentioned people are told through the registered mention listeners, in the post's own
transaction: once per person, never the author, and again on an edit only for someone new."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.conftest import World
from tests.discussions.discussion_factories import order_of

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.discussions import service

# the app wires every domain's hooks (the subjects' resolvers among them)
pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def heard() -> Iterator[list[service.Mentioned]]:
    events: list[service.Mentioned] = []

    def listener(session: Session, event: service.Mentioned) -> None:
        events.append(event)

    service.register_mention_listener(listener)
    yield events
    service.unregister_mention_listener(listener)


def _actor(session: Session, email: str):  # type: ignore[no-untyped-def]
    user = session.execute(select(User).where(User.email == email)).scalar_one()
    return accounts_service.actor_for(user), user.id


def test_each_mentioned_person_is_told_once_and_the_author_never(
    world: World, engine: Engine, heard: list[service.Mentioned]
) -> None:
    order = order_of(engine, world.partner_a, "PO-NOTE-1")
    users = world.users
    with unit_of_work(engine) as session:
        manager, manager_id = _actor(session, users["manager"])
        _partner, partner_id = _actor(session, users["partner_a"])
        _quality, quality_id = _actor(session, users["quality"])
        message = service.post_message(
            session,
            actor=manager,
            kind="order",
            object_id=order,
            body=f"@{users['partner_a']} @{users['partner_a']} and me @{users['manager']}",
        )
        assert [(e.user_id, e.subject_kind, e.subject_id, e.url) for e in heard] == [
            (partner_id, "order", order, f"/orders/{order}")
        ]
        assert heard[0].subject_title == "PO-NOTE-1" and heard[0].partner_id == world.partner_a
        service.edit_message(
            session,
            actor=manager,
            message_id=message.id,
            body=f"@{users['partner_a']} and @{users['quality']}",
        )
    assert [e.user_id for e in heard] == [partner_id, quality_id]
    assert manager_id not in [e.user_id for e in heard]


def test_a_refused_mention_tells_no_one(
    world: World, engine: Engine, heard: list[service.Mentioned]
) -> None:
    order = order_of(engine, world.partner_a, "PO-NOTE-2")
    with unit_of_work(engine) as session:
        manager, _ = _actor(session, world.users["manager"])
        with pytest.raises(service.ValidationFailed):
            service.post_message(
                session,
                actor=manager,
                kind="order",
                object_id=order,
                body=f"@{world.users['partner_a']} @{world.users['partner_b']}",
            )
    assert heard == []


def test_a_mention_reaches_the_persons_notifications_in_their_language(
    world: World, engine: Engine, api
) -> None:
    order = order_of(engine, world.partner_a, "PO-NOTE-3")
    manager = api(world.users["manager"])
    posted = manager.post(
        f"/api/v1/discussions/order/{order}/messages",
        json={"body": f"@{world.users['partner_a']} please confirm the ship date"},
    )
    assert posted.status_code == 201
    notes = api(world.users["partner_a"], locale="ko").get("/api/v1/notifications").json()
    assert [(n["kind"], n["link"]) for n in notes] == [
        ("mention", f"/discussions/order/{order}#message-{posted.json()['id']}")
    ]
    assert notes[0]["title"] == (
        f"{world.users['manager']} 님이 주문 PO-NOTE-3에서 회원님을 언급했습니다: "
        f"@{world.users['partner_a']} please confirm the ship date"
    )
    # the author is not told, and nobody else was mentioned
    assert manager.get("/api/v1/notifications").json() == []
    assert api(world.users["quality"]).get("/api/v1/notifications").json() == []


def test_two_first_messages_at_once_share_one_thread(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = order_of(engine, world.partner_a, "PO-RACE-1")
    with unit_of_work(engine) as session:
        manager, _ = _actor(session, world.users["manager"])
        first = service.post_message(
            session, actor=manager, kind="order", object_id=order, body="first"
        )
    # the second writer looked before the first committed: it saw no thread yet
    real = service._thread_of
    calls: list[int] = []

    def late(session: Session, kind: str, object_id: int):  # type: ignore[no-untyped-def]
        calls.append(1)
        return None if len(calls) == 1 else real(session, kind, object_id)

    monkeypatch.setattr(service, "_thread_of", late)
    with unit_of_work(engine) as session:
        quality, _ = _actor(session, world.users["quality"])
        second = service.post_message(
            session, actor=quality, kind="order", object_id=order, body="second"
        )
        assert second.thread_id == first.thread_id
    monkeypatch.undo()
    with unit_of_work(engine) as session:
        view = service.read_thread(session, actor=manager, kind="order", object_id=order)
        assert [m.message.body for m in view.messages] == ["first", "second"]
