"""The thread panel in the browser's terms: the detail pages load it, htmx gets the panel
alone (errors included, in the reader's language), a plain form post is redirected, a file
uploaded with a message lands in the vault, and /discussions lists my threads."""

from __future__ import annotations

import re

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.discussions.discussion_factories import ncr_of, order_of

from cofab.db.session import unit_of_work
from cofab.vault.models import VaultDocument, VaultVersion

HTMX = {"HX-Request": "true"}


def test_the_panel_on_an_order_in_korean_with_a_refused_mention_then_a_post(
    world: World, engine: Engine, base_url: str
) -> None:
    order = order_of(engine, world.partner_a, "PO-PAGE-1")
    client = login(base_url, world.users["partner_a"])
    client.cookies.set("cofab_lang", "ko")
    detail = client.get(f"/orders/{order}")
    assert detail.status_code == 200
    assert f'hx-get="/discussions/order/{order}"' in detail.text
    panel = client.get(f"/discussions/order/{order}", headers=HTMX)
    assert panel.status_code == 200 and "<html" not in panel.text
    assert "아직 메시지가 없습니다." in panel.text
    token = csrf_of(client, f"/discussions/order/{order}")
    refused = client.post(
        f"/discussions/order/{order}",
        data={"csrf_token": token, "body": f"@{world.users['partner_b']} 확인 부탁"},
        headers=HTMX,
    )
    assert refused.status_code == 200  # htmx swaps only 2xx: the panel carries the error
    assert "사용자를 찾을 수 없어 언급할 수 없습니다" in refused.text
    assert "확인 부탁" in refused.text  # what was typed is kept
    posted = client.post(
        f"/discussions/order/{order}",
        data={"csrf_token": token, "body": f"@{world.users['quality']} 출하일 확인 부탁합니다"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/discussions/order/{order}"
    page = client.get(f"/discussions/order/{order}")
    assert "출하일 확인 부탁합니다" in page.text and "PO-PAGE-1" in page.text
    listed = client.get("/discussions")
    assert f"/discussions/order/{order}" in listed.text
    # the thread is partner A's: partner B's browser gets 404 on it
    intruder = login(base_url, world.users["partner_b"])
    assert intruder.get(f"/discussions/order/{order}", headers=HTMX).status_code == 404


def test_a_file_posted_with_a_message_becomes_a_vault_document(
    world: World, engine: Engine, base_url: str
) -> None:
    ncr = ncr_of(engine, world.partner_a)
    client = login(base_url, world.users["quality"])
    token = csrf_of(client, f"/discussions/ncr/{ncr}")
    posted = client.post(
        f"/discussions/ncr/{ncr}",
        data={"csrf_token": token, "body": "containment photo"},
        files={"file": ("photo-1.png", b"\x89PNG fake image bytes", "image/png")},
        headers=HTMX,
    )
    assert posted.status_code == 200, posted.text
    with unit_of_work(engine) as session:
        document = session.execute(select(VaultDocument)).scalar_one()
        version = session.execute(select(VaultVersion)).scalar_one()
        assert (document.title, document.classification) == ("photo-1.png", "internal")
        assert version.size == len(b"\x89PNG fake image bytes")
    assert re.search(rf'href="/vault/documents/{document.id}">photo-1.png<', posted.text)
    # a partner user cannot upload into the vault: refused on the file field, nothing kept
    partner = login(base_url, world.users["partner_a"])
    token = csrf_of(partner, f"/discussions/ncr/{ncr}")
    refused = partner.post(
        f"/discussions/ncr/{ncr}",
        data={"csrf_token": token, "body": "our photo"},
        files={"file": ("p.png", b"bytes", "image/png")},
    )
    assert refused.status_code == 422
    assert "Only owner staff with vault rights can upload a file" in refused.text
    assert "photo-1.png" not in refused.text  # the partner may not see the internal document
    with unit_of_work(engine) as session:
        assert len(session.execute(select(VaultDocument.id)).all()) == 1


def test_the_author_edits_from_the_panel_and_no_one_else_can(
    world: World, engine: Engine, base_url: str
) -> None:
    order = order_of(engine, world.partner_a, "PO-EDIT-1")
    author = login(base_url, world.users["partner_a"])
    token = csrf_of(author, f"/discussions/order/{order}")
    author.post(
        f"/discussions/order/{order}",
        data={"csrf_token": token, "body": "ship date 3 March"},
        headers=HTMX,
    )
    panel = author.get(f"/discussions/order/{order}", headers=HTMX).text
    message_id = int(re.search(r'/discussions/messages/(\d+)/edit"', panel).group(1))  # type: ignore[union-attr]
    edited = author.post(
        f"/discussions/messages/{message_id}/edit",
        data={"csrf_token": token, "body": "ship date 5 March"},
        headers=HTMX,
    )
    assert edited.status_code == 200
    assert "ship date 5 March" in edited.text and "ship date 3 March" not in edited.text
    # the owner's manager reads it but has no edit form and is refused; partner B gets 404
    manager = login(base_url, world.users["manager"])
    assert "/edit" not in manager.get(f"/discussions/order/{order}", headers=HTMX).text
    manager_token = csrf_of(manager, f"/discussions/order/{order}")
    refused = manager.post(
        f"/discussions/messages/{message_id}/edit",
        data={"csrf_token": manager_token, "body": "rewritten"},
    )
    assert refused.status_code == 403
    intruder = login(base_url, world.users["partner_b"])
    intruder_token = csrf_of(intruder, "/discussions")
    assert (
        intruder.post(
            f"/discussions/messages/{message_id}/edit",
            data={"csrf_token": intruder_token, "body": "x"},
        ).status_code
        == 404
    )
