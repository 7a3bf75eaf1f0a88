"""Threads on orders, NCRs, contracts, forecast lines and risks over the live API: a thread is
exactly as visible as its subject, mentions only reach people who may see the subject,
attachments only show to those the vault lets see them, and every post is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.discussions.discussion_factories import subjects_of

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.discussions.models import DiscussionMention, DiscussionMessage, DiscussionThread

PARTNER_KINDS = ("order", "ncr", "contract", "forecast_line", "meeting")


def _url(kind: str, object_id: int) -> str:
    return f"/api/v1/discussions/{kind}/{object_id}/messages"


def _count(engine: Engine, model: Any) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count(model.id))).scalar_one())


@pytest.fixture
def subjects(world: World, engine: Engine) -> dict[str, dict[str, int]]:
    return {"a": subjects_of(world, engine, "a"), "b": subjects_of(world, engine, "b")}


def test_partner_reads_and_posts_on_its_own_objects_and_never_on_another_partners(
    world: World, engine: Engine, api, subjects: dict[str, dict[str, int]]
) -> None:
    alpha = api(world.users["partner_a"])
    bravo = api(world.users["partner_b"])
    for kind in PARTNER_KINDS:
        mine, theirs = subjects["a"][kind], subjects["b"][kind]
        posted = alpha.post(_url(kind, mine), json={"body": f"question on {kind}"})
        assert posted.status_code == 201, (kind, posted.text)
        assert posted.json()["author"] == world.users["partner_a"]
        thread = alpha.get(_url(kind, mine)).json()
        assert [m["body"] for m in thread["messages"]] == [f"question on {kind}"]
        assert thread["subject"]["kind"] == kind and thread["subject"]["url"]
        # B answers on its own object; A can neither read nor write there, nor B on A's
        assert bravo.post(_url(kind, theirs), json={"body": "B only"}).status_code == 201
        for client, other in ((alpha, theirs), (bravo, mine)):
            read = client.get(_url(kind, other))
            assert read.status_code == 404, (kind, read.text)
            assert read.headers["content-type"].startswith("application/problem+json")
            assert client.post(_url(kind, other), json={"body": "intrude"}).status_code == 404
    # the register is the owner's: no partner reaches a risk's thread, its own or not
    for key in ("a", "b"):
        assert alpha.get(_url("risk", subjects[key]["risk"])).status_code == 404
        assert (
            alpha.post(_url("risk", subjects[key]["risk"]), json={"body": "x"}).status_code == 404
        )
    assert (
        api(world.users["manager"])
        .post(_url("risk", subjects["a"]["risk"]), json={"body": "owner note"})
        .status_code
        == 201
    )
    assert alpha.get(_url("nothing", 1)).status_code == 404
    # each partner's list holds only its own threads, each with one message
    listed = alpha.get("/api/v1/discussions").json()
    assert sorted(t["subject"]["kind"] for t in listed) == sorted(PARTNER_KINDS)
    assert {t["subject"]["id"] for t in listed} == {subjects["a"][k] for k in PARTNER_KINDS}
    assert all(t["messages"] == 1 for t in listed)
    with unit_of_work(engine) as session:
        b_threads = session.execute(
            select(DiscussionThread.partner_id, func.count(DiscussionMessage.id))
            .join(DiscussionMessage, DiscussionMessage.thread_id == DiscussionThread.id)
            .group_by(DiscussionThread.partner_id)
        ).all()
    assert dict(b_threads) == {world.partner_a: 5, world.partner_b: 5, None: 1}


def test_a_mention_reaches_only_people_who_may_see_the_subject(
    world: World, engine: Engine, api, subjects: dict[str, dict[str, int]]
) -> None:
    manager = api(world.users["manager"])
    order_a = subjects["a"]["order"]
    ok = manager.post(
        _url("order", order_a),
        json={"body": f"@{world.users['partner_a']} and @[{world.users['quality']}], see @10am"},
    )
    assert ok.status_code == 201, ok.text
    assert sorted(m["display_name"] for m in ok.json()["mentions"]) == sorted(
        [world.users["partner_a"], world.users["quality"]]
    )
    messages_before = _count(engine, DiscussionMessage)
    # partner B's user may not see A's order: refused on the body field, nothing written
    refused = manager.post(_url("order", order_a), json={"body": f"cc @{world.users['partner_b']}"})
    assert refused.status_code == 422
    problem = refused.json()
    assert any(e["field"] == "body" for e in problem["errors"]), problem
    assert world.users["partner_b"] in refused.text and "PO-A-1" in refused.text
    # a partner user may not be mentioned on a risk (owner only), nor an unknown address
    on_risk = manager.post(
        _url("risk", subjects["a"]["risk"]), json={"body": f"@{world.users['partner_a']}"}
    )
    assert on_risk.status_code == 422
    unknown = manager.post(_url("order", order_a), json={"body": "@ghost@nowhere.test"})
    assert unknown.status_code == 422 and "ghost@nowhere.test" in unknown.text
    assert _count(engine, DiscussionMessage) == messages_before
    # the mentioned partner user finds the thread in its list, flagged as a mention
    listed = api(world.users["partner_a"]).get("/api/v1/discussions").json()
    assert [(t["subject"]["id"], t["mentioned"]) for t in listed] == [(order_a, True)]
    # in Korean the refusal reads in Korean
    # a partner user learns nothing of another partner's people: B's user is "no one" to A
    from_a = api(world.users["partner_a"]).post(
        _url("order", order_a), json={"body": f"cc @{world.users['partner_b']}"}
    )
    assert from_a.status_code == 422
    assert f"No one called @{world.users['partner_b']} can be mentioned." in from_a.text
    ko = api(world.users["manager"], locale="ko").post(
        _url("order", order_a), json={"body": f"@{world.users['partner_b']}"}
    )
    assert ko.status_code == 422 and "언급할 수 없습니다" in ko.text


def test_only_the_author_edits_a_message_and_a_new_mention_is_checked_again(
    world: World, engine: Engine, api, subjects: dict[str, dict[str, int]]
) -> None:
    alpha = api(world.users["partner_a"])
    ncr = subjects["a"]["ncr"]
    message = alpha.post(_url("ncr", ncr), json={"body": "containment started"}).json()
    edited = alpha.patch(
        f"/api/v1/discussions/messages/{message['id']}",
        json={"body": f"containment done, @{world.users['quality']}"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["edited_at"] is not None
    assert [m["display_name"] for m in edited.json()["mentions"]] == [world.users["quality"]]
    # the owner's quality engineer may read it but not rewrite it
    other = api(world.users["quality"]).patch(
        f"/api/v1/discussions/messages/{message['id']}", json={"body": "rewritten"}
    )
    assert other.status_code == 403
    # partner B cannot even find it
    assert (
        api(world.users["partner_b"])
        .patch(f"/api/v1/discussions/messages/{message['id']}", json={"body": "x"})
        .status_code
        == 404
    )
    bad = alpha.patch(
        f"/api/v1/discussions/messages/{message['id']}",
        json={"body": f"@{world.users['partner_b']}"},
    )
    assert bad.status_code == 422
    with unit_of_work(engine) as session:
        assert session.get(DiscussionMessage, message["id"]).body.startswith("containment done")
        assert session.execute(select(func.count(DiscussionMention.id))).scalar_one() == 1


def test_every_post_and_edit_is_in_the_audit_chain_with_the_subjects_partner(
    world: World, engine: Engine, api, subjects: dict[str, dict[str, int]]
) -> None:
    alpha = api(world.users["partner_a"])
    posted = alpha.post(_url("contract", subjects["a"]["contract"]), json={"body": "clause 4?"})
    alpha.patch(f"/api/v1/discussions/messages/{posted.json()['id']}", json={"body": "clause 5?"})
    with unit_of_work(engine) as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.partner_id)
            .where(AuditEntry.entity.like("discussion_%"))
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("create", "discussion_thread", world.partner_a),
        ("comment", "discussion_message", world.partner_a),
        ("update", "discussion_message", world.partner_a),
    ]


def test_the_viewer_reads_but_does_not_post(
    world: World, api, subjects: dict[str, dict[str, int]]
) -> None:
    viewer = api(world.users["viewer"])
    assert viewer.get(_url("order", subjects["a"]["order"])).status_code == 200
    assert viewer.post(_url("order", subjects["a"]["order"]), json={"body": "x"}).status_code == 403
