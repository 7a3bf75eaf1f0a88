"""Who may see a vault document, decided at access time — down to the boundary second."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from tests.conftest import World
from tests.vault.vault_factories import (
    ADMIN,
    actor_of,
    at,
    grant,
    make_agreement,
    make_document,
    share,
    terminate,
)

from cofab.core.access import Actor
from cofab.db.session import unit_of_work
from cofab.vault import access, documents, sharing
from cofab.vault.models import VaultDocument

T0 = at("2026-03-01T00:00:00")
NDA_START = at("2026-01-01T00:00:00")
NDA_END = at("2027-01-01T00:00:00")
SECOND = timedelta(seconds=1)


def allowed(session, actor: Actor, document: VaultDocument, when) -> bool:  # type: ignore[no-untyped-def]
    return access.decide(session, actor=actor, document=document, at=when).allowed


def reason(session, actor: Actor, document: VaultDocument, when) -> str:  # type: ignore[no-untyped-def]
    return access.decide(session, actor=actor, document=document, at=when).reason


def test_owner_roles_see_by_classification(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        docs = {
            c: make_document(session, classification=c, title=c) for c in access.CLASSIFICATION_RANK
        }
        roles = {
            r: actor_of(session, world.users[r]) for r in ("viewer", "quality", "manager", "admin")
        }
        seen = {
            role: {c for c, d in docs.items() if allowed(session, actor, d, T0)}
            for role, actor in roles.items()
        }
    assert seen["viewer"] == {"public", "internal"}
    assert seen["quality"] == {"public", "internal", "confidential"}
    assert seen["manager"] == {"public", "internal", "confidential"}
    assert seen["admin"] == {"public", "internal", "confidential", "secret"}


def test_secret_opens_to_its_owner_and_to_a_named_grant(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        quality = actor_of(session, world.users["quality"])
        manager = actor_of(session, world.users["manager"])
        viewer = actor_of(session, world.users["viewer"])
        secret = make_document(session, classification="secret", actor=quality)
        confidential = make_document(session, classification="confidential")
        assert allowed(session, quality, secret, T0)  # the owner
        assert not allowed(session, manager, secret, T0)
        grant(session, secret.id, manager.user_id, expires_at=T0 + timedelta(days=1), now=T0)
        assert allowed(session, manager, secret, T0 + timedelta(days=1) - SECOND)
        assert not allowed(session, manager, secret, T0 + timedelta(days=1))
        # a grant lifts a viewer's ceiling for that one document only
        assert not allowed(session, viewer, confidential, T0)
        grant(session, confidential.id, viewer.user_id, now=T0)
        assert allowed(session, viewer, confidential, T0)


def test_partner_needs_share_and_agreement_in_force_to_the_second(
    engine: Engine, world: World
) -> None:
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        public = make_document(session, classification="public")
        confidential = make_document(session, classification="confidential")
        # not shared: hidden (404-type refusal) whatever the classification
        assert reason(session, partner, public, T0) == "not_shared"
        assert reason(session, partner, confidential, T0) == "not_shared"
        share(session, public.id, world.partner_a, now=T0)
        share(session, confidential.id, world.partner_a, now=T0)
        # shared, but no agreement: public opens, confidential does not
        assert allowed(session, partner, public, T0)
        assert reason(session, partner, confidential, T0) == "no_agreement"
        make_agreement(session, [world.partner_a], NDA_START, NDA_END)
        assert not allowed(session, partner, confidential, NDA_START - SECOND)
        assert allowed(session, partner, confidential, NDA_START)
        assert allowed(session, partner, confidential, NDA_END - SECOND)
        assert reason(session, partner, confidential, NDA_END) == "no_agreement"
        # another partner's agreement does not help partner A
        make_agreement(session, [world.partner_b], NDA_END, NDA_END + timedelta(days=90))
        assert not allowed(session, partner, confidential, NDA_END + SECOND)


def test_share_end_and_revocation_apply_at_access_time(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        make_agreement(session, [world.partner_a], NDA_START, NDA_END)
        document = make_document(session)
        until = at("2026-06-30T17:00:00")
        created = share(session, document.id, world.partner_a, expires_at=until, now=T0)
        assert allowed(session, partner, document, until - SECOND)
        decision = access.decide(session, actor=partner, document=document, at=until)
        assert (decision.reason, decision.params) == ("share_expired", {"until": until.isoformat()})
        with pytest.raises(access.AccessRefusedVisible):  # shared once: the reason is shown (403)
            access.require_access(
                session, actor=partner, document=document, attempt="read", at=until
            )
        sharing.revoke_share(session, actor=ADMIN, share_id=created.id, now=T0 + SECOND)
        assert reason(session, partner, document, T0 + 2 * SECOND) == "not_shared"


def test_termination_ends_access_at_the_termination_instant(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        nda = make_agreement(session, [world.partner_a], NDA_START, NDA_END)
        document = make_document(session)
        share(session, document.id, world.partner_a, now=T0)
        stop = at("2026-05-15T09:30:00")
        terminate(session, nda.id, stop)
        assert allowed(session, partner, document, stop - SECOND)
        assert reason(session, partner, document, stop) == "no_agreement"


def test_document_given_under_a_contract_follows_that_contract(
    engine: Engine, world: World
) -> None:
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        supply = make_agreement(
            session,
            [world.partner_a],
            NDA_START,
            at("2026-06-01T00:00:00"),
            kind="supply_agreement",
        )
        make_agreement(session, [world.partner_a], NDA_START, NDA_END)  # the NDA runs longer
        linked = make_document(session, contract_id=supply.id)
        unlinked = make_document(session, title="General spec")
        for doc in (linked, unlinked):
            share(session, doc.id, world.partner_a, now=T0)
        after_supply = at("2026-06-01T00:00:00")
        assert allowed(session, partner, linked, after_supply - SECOND)
        assert reason(session, partner, linked, after_supply) == "contract_not_in_force"
        assert allowed(session, partner, unlinked, after_supply)


def test_secret_needs_a_personal_grant_on_top(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        make_agreement(session, [world.partner_a], NDA_START, NDA_END)
        secret = make_document(session, classification="secret")
        share(session, secret.id, world.partner_a, now=T0)
        assert reason(session, partner, secret, T0) == "no_grant"
        until = T0 + timedelta(hours=2)
        grant(session, secret.id, partner.user_id, expires_at=until, now=T0)
        assert allowed(session, partner, secret, until - SECOND)
        assert reason(session, partner, secret, until) == "grant_expired"


def test_listing_applies_exactly_the_same_rules(engine: Engine, world: World) -> None:
    """The SQL filter behind lists agrees with ``decide`` document by document, at several
    instants around the boundaries."""
    with unit_of_work(engine) as session:
        partner = actor_of(session, world.users["partner_a"])
        supply = make_agreement(
            session,
            [world.partner_a],
            NDA_START,
            at("2026-06-01T00:00:00"),
            kind="supply_agreement",
        )
        make_agreement(session, [world.partner_a], NDA_START, at("2026-09-01T00:00:00"))
        docs = []
        for classification in access.CLASSIFICATION_RANK:
            for contract_id in (None, supply.id):
                docs.append(
                    make_document(
                        session,
                        classification=classification,
                        contract_id=contract_id,
                        title=f"{classification}-{contract_id}",
                    )
                )
        for index, doc in enumerate(docs):
            if index % 4 != 3:
                share(
                    session, doc.id, world.partner_a, expires_at=at("2026-08-01T00:00:00"), now=T0
                )
            if doc.classification == "secret" and index % 3 == 0:
                grant(session, doc.id, partner.user_id, now=T0)
        viewer = actor_of(session, world.users["viewer"])
        instants = [
            T0,
            at("2026-06-01T00:00:00") - SECOND,
            at("2026-06-01T00:00:00"),
            at("2026-08-01T00:00:00") - SECOND,
            at("2026-08-01T00:00:00"),
        ]
        for who in (partner, viewer):
            for when in instants:
                listed = set(
                    session.execute(
                        documents.document_query(who, session, at=when).with_only_columns(
                            VaultDocument.id
                        )
                    ).scalars()
                )
                expected = {d.id for d in docs if allowed(session, who, d, when)}
                assert listed == expected, (who.role, when)
        # and the rules are not vacuous: something is visible and something is not
        assert 0 < len(expected) < len(docs)
        assert session.execute(select(VaultDocument.id)).first() is not None
