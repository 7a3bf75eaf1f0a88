"""Evidence files for candidates and checklist items, encrypted at rest through the vault.

Audit reports, financial statements and questionnaires are confidential: the bytes are sealed
by the vault (``vault.service.seal``: a fresh data key per file, wrapped by the master key)
under ``<data dir>/selection-evidence``; the row keeps the wrapped key and the object id, and the
evidence table is registered as a key holder so a master-key rotation re-wraps it. Every
download is a read of a confidential record and is audit-logged.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.config import Settings
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, NotFound
from cofab.selection.due_diligence import MSG_SIGNED
from cofab.selection.models import Candidate, DueDiligenceItem, Evidence
from cofab.selection.permissions import ensure_evaluator, ensure_reader
from cofab.vault import service as vault

CONTEXT = b"cofab.selection.evidence"
FOLDER = "selection-evidence"

EvidenceStore = vault.SealedFiles

vault.register_key_holder("selection evidence", Evidence)


def evidence_store(settings: Settings) -> EvidenceStore:
    return vault.sealed_files(settings, FOLDER)


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    store: EvidenceStore,
    candidate_id: int,
    content: bytes,
    filename: str | None,
    content_type: str | None = None,
    dd_item_id: int | None = None,
) -> Evidence:
    ensure_evaluator(actor)
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound()
    if dd_item_id is not None:
        item = session.get(DueDiligenceItem, dd_item_id)
        if item is None or item.candidate_id != candidate.id:
            raise NotFound()
        if item.signed_off_at is not None:
            raise Conflict(MSG_SIGNED)
    sealed = vault.seal_upload(
        store,
        content,
        filename=filename,
        content_type=content_type,
        context=CONTEXT,
        default_name="evidence",
    )
    row = Evidence(
        candidate_id=candidate.id,
        partner_id=candidate.partner_id,
        dd_item_id=dd_item_id,
        uploaded_by=actor.user_id or None,
        **sealed.columns(),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "create", row, after=_describe(row))
    return row


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    row: Evidence,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    """An evidence entry describes the file by ``_describe``, not by a row snapshot: the
    wrapped data key stays out of the log."""
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="selection_evidence",
        entity_id=row.id,
        partner_id=row.partner_id,
        before=before,
        after=after,
    )


def _describe(row: Evidence) -> dict[str, object]:
    return {
        "candidate_id": row.candidate_id,
        "dd_item_id": row.dd_item_id,
        "filename": row.filename,
        "size_bytes": row.size_bytes,
        "object_key": row.object_key,
    }


def get_evidence(session: Session, *, actor: Actor, evidence_id: int) -> Evidence:
    ensure_reader(actor)
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound()
    return row


def open_evidence(
    session: Session, *, actor: Actor, store: EvidenceStore, evidence_id: int
) -> tuple[Evidence, Iterator[bytes]]:
    """The file's plaintext chunks; the read itself is recorded in the audit log."""
    row = get_evidence(session, actor=actor, evidence_id=evidence_id)
    chunks = vault.open_sealed(store, row.object_key, row.wrapped_key, context=CONTEXT)
    _audit(session, actor, "read", row)
    return row, chunks


def delete_evidence(
    session: Session, *, actor: Actor, store: EvidenceStore, evidence_id: int
) -> Evidence:
    ensure_evaluator(actor)
    row = get_evidence(session, actor=actor, evidence_id=evidence_id)
    if row.dd_item_id is not None:
        item = session.get(DueDiligenceItem, row.dd_item_id)
        if item is not None and item.signed_off_at is not None:
            raise Conflict(MSG_SIGNED)
    before = _describe(row)
    session.delete(row)
    session.flush()
    _audit(session, actor, "delete", row, before=before)
    vault.delete_sealed(store, row.object_key)
    return row


def candidate_evidence(session: Session, *, actor: Actor, candidate_id: int) -> list[Evidence]:
    """Files attached to the candidate itself rather than to one checklist item."""
    ensure_reader(actor)
    return list(
        session.execute(
            select(Evidence)
            .where(Evidence.candidate_id == candidate_id, Evidence.dd_item_id.is_(None))
            .order_by(Evidence.id)
        ).scalars()
    )
