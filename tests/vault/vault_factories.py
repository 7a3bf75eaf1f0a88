"""Vault test data built through the same services users go through."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.config import Settings
from cofab.contracts.models import Contract
from cofab.core.access import SYSTEM_ACTOR, Actor
from cofab.db.base import UTC
from cofab.db.session import unit_of_work
from cofab.vault import documents, exits, schemas, sharing
from cofab.vault.documents import VaultStore, vault_store
from cofab.vault.models import VaultDocument, VaultVersion

ADMIN = Actor(0, "system", "system", "admin", None)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def actor_of(session: Session, email: str) -> Actor:
    user = session.execute(select(User).where(User.email == email)).scalar_one()
    return accounts_service.actor_for(user)


def make_agreement(
    session: Session,
    partner_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    kind: str = "nda",
    title: str = "Mutual NDA",
) -> Contract:
    """An agreement in force over ``[start, end)``, activated through the contract lifecycle."""
    from tests.contracts.contract_factories import make_active_contract, terms

    return make_active_contract(
        session,
        partner_ids,
        kind=kind,
        title=title,
        terms_doc=terms(term={"start": start.isoformat(), "end": end.isoformat()}),
    )


def terminate(session: Session, contract_id: int, when: datetime) -> None:
    from cofab.contracts import service as contracts_service

    contracts_service.transition(
        session,
        actor=SYSTEM_ACTOR,
        contract_id=contract_id,
        to="terminated",
        comment="ended in test",
        at=when,
        now=when,
    )


def make_document(
    session: Session,
    *,
    title: str = "Housing drawing",
    classification: str = "confidential",
    kind: str = "drawing",
    contract_id: int | None = None,
    actor: Actor = ADMIN,
) -> VaultDocument:
    return documents.create_document(
        session,
        actor=actor,
        data=schemas.VaultDocumentCreate.model_validate(
            {
                "title": title,
                "kind": kind,
                "classification": classification,
                "contract_id": contract_id,
            }
        ),
    )


def upload(
    session: Session,
    store: VaultStore,
    document_id: int,
    content: bytes,
    *,
    filename: str = "drawing.pdf",
    actor: Actor = ADMIN,
) -> VaultVersion:
    return documents.add_version(
        session,
        actor=actor,
        store=store,
        document_id=document_id,
        src=[content],
        filename=filename,
    )


def share(
    session: Session,
    document_id: int,
    partner_id: int,
    *,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    without_agreement: bool = True,
) -> Any:
    """Shares as the access tests need (agreements come and go around it): by default with the
    explicit override a person ticks when the partner has no agreement in force yet."""
    return sharing.share_document(
        session,
        actor=ADMIN,
        document_id=document_id,
        data=schemas.VaultShareCreate(
            partner_id=partner_id, expires_at=expires_at, without_agreement=without_agreement
        ),
        now=now,
    )


def grant(
    session: Session,
    document_id: int,
    user_id: int,
    *,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Any:
    return sharing.grant_person(
        session,
        actor=ADMIN,
        document_id=document_id,
        data=schemas.VaultGrantCreate(user_id=user_id, expires_at=expires_at),
        now=now,
    )


def scratch_store() -> VaultStore:
    return vault_store(Settings(data_dir=Path(tempfile.mkdtemp(prefix="cofab-vault-"))))


def isolation_resolvers(
    world: Any, engine: Engine, sample_bodies: dict[str, Any]
) -> dict[str, Any]:
    """Partner B's vault objects for the shared isolation sweep: a confidential drawing shared
    with B only (under an NDA in force, with a version and a grant to B's user) and an exit
    report for B after an earlier NDA ended."""
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        make_agreement(
            session, [world.partner_b], now - timedelta(days=30), now + timedelta(days=300)
        )
        ended = make_agreement(
            session,
            [world.partner_b],
            now - timedelta(days=400),
            now - timedelta(days=35),
            title="Earlier NDA",
        )
        document = make_document(session, title="Bravo Bioworks drawing")
        version = upload(session, scratch_store(), document.id, b"bravo secret geometry")
        shared = share(session, document.id, world.partner_b)
        b_user = actor_of(session, world.users["partner_b"])
        granted = grant(session, document.id, b_user.user_id)
        report = exits.issue_exit_report(
            session, actor=ADMIN, partner_id=world.partner_b, contract_id=ended.id
        )
        # the exit report closed B's share; open it again so B still holds one
        shared = share(session, document.id, world.partner_b)
        ids = {
            "vault:document_id": document.id,
            "vault:version_id": version.id,
            "vault:share_id": shared.id,
            "vault:grant_id": granted.id,
            "vault:exit_report_id": report.id,
        }
    sample_bodies["VaultShareCreate"]["partner_id"] = world.partner_b
    sample_bodies["VaultExitReportCreate"]["partner_id"] = world.partner_b
    return {key: (lambda _w, _e, value=value: value) for key, value in ids.items()}
