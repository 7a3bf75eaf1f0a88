"""Attachments follow the vault's rule, read again on every view: an author attaches only what
the vault lets them see, and a reader who may not see a document sees that there is one, never
its title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.discussions.discussion_factories import order_of
from tests.vault.vault_factories import make_agreement, make_document, share

from cofab.db.session import unit_of_work
from cofab.discussions.models import DiscussionAttachment


def _docs(world: World, engine: Engine) -> tuple[int, int]:
    """A confidential drawing shared with no one, and a public sheet shared with partner A."""
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(
            session, [world.partner_a], now - timedelta(days=30), now + timedelta(days=300)
        )
        secret = make_document(
            session, title="Housing drawing rev C", classification="confidential"
        )
        sheet = make_document(session, title="Packing sheet", classification="public")
        share(session, sheet.id, world.partner_a)
        return secret.id, sheet.id


def test_attachments_show_only_to_readers_the_vault_allows(
    world: World, engine: Engine, api
) -> None:
    order = order_of(engine, world.partner_a, "PO-ATT-1")
    secret, sheet = _docs(world, engine)
    url = f"/api/v1/discussions/order/{order}/messages"
    manager, alpha = api(world.users["manager"]), api(world.users["partner_a"])
    posted = manager.post(url, json={"body": "see the drawing", "document_ids": [secret, sheet]})
    assert posted.status_code == 201, posted.text
    assert [(a["document_id"], a["title"]) for a in posted.json()["attachments"]] == [
        (secret, "Housing drawing rev C"),
        (sheet, "Packing sheet"),
    ]
    # partner A sees the thread, the shared sheet, and only that a second document exists
    seen = alpha.get(url)
    assert seen.status_code == 200
    attachments = seen.json()["messages"][0]["attachments"]
    assert [(a["document_id"], a["visible"], a["title"]) for a in attachments] == [
        (secret, False, None),
        (sheet, True, "Packing sheet"),
    ]
    assert "Housing drawing" not in seen.text
    # partner A may attach what is shared with it, not the drawing (nor a made-up id)
    assert alpha.post(url, json={"body": "sheet ok", "document_ids": [sheet]}).status_code == 201
    for wanted in (secret, 999_999):
        refused = alpha.post(url, json={"body": "and this", "document_ids": [wanted]})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "document_ids"
        assert "Housing drawing" not in refused.text
    # the viewer's ceiling is "internal": the confidential drawing is hidden from it too
    viewer_view = api(world.users["viewer"]).get(url).json()["messages"][0]["attachments"]
    assert [a["visible"] for a in viewer_view] == [False, True]
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(DiscussionAttachment.id))).scalar_one() == 3
