"""Files on quality records and partners' certificates of conformance/analysis for their lots.

A certificate's scan or an NCR's photo can be as confidential as a drawing, so the bytes are
sealed by the vault (``vault.service.seal``: a fresh data key per file, wrapped by the master key)
under ``<data dir>/quality-files``; the row keeps what opens them and the table is a key holder,
so a master-key rotation re-wraps it. Who may see a file is quality's own rule (the partner of
the lot or NCR, and owner staff), and every download is an audited read.

A certificate is idempotent by the partner's external reference: the same reference for the
same lot returns the stored certificate, for another lot it is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.config import Settings
from cofab.core import audit
from cofab.core.access import Actor, ensure_partner_visible
from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.quality import lots, ncrs, schemas
from cofab.quality.models import Certificate, Lot, NonConformance, QualityFile
from cofab.quality.rules import get_scoped, raise_if, record, require_owner_writer
from cofab.vault import service as vault

CONTEXT = b"cofab.quality.file"
FOLDER = "quality-files"
COA_NEEDS_VALUES = N_("A certificate of analysis needs at least one value.")
ISSUED_IN_FUTURE = N_("The issue date cannot be in the future.")
COC_NEEDS_FILE = N_("A certificate of conformance needs its file.")

FileStore = vault.SealedFiles

vault.register_key_holder("quality files", QualityFile)


def file_store(settings: Settings) -> FileStore:
    return vault.sealed_files(settings, FOLDER)


def _seal(
    session: Session,
    *,
    actor: Actor,
    store: FileStore,
    partner_id: int,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    lot_id: int | None = None,
    ncr_id: int | None = None,
) -> QualityFile:
    sealed = vault.seal_upload(
        store, content, filename=filename, content_type=content_type, context=CONTEXT
    )
    row = QualityFile(
        partner_id=partner_id,
        lot_id=lot_id,
        ncr_id=ncr_id,
        uploaded_by=actor.email,
        **sealed.columns(),
    )
    session.add(row)
    session.flush()
    audit.record(  # the description, not the row: the wrapped key stays out of the log
        session,
        actor=actor,
        action="create",
        entity="quality_file",
        entity_id=row.id,
        partner_id=row.partner_id,
        after={
            "lot_id": row.lot_id,
            "ncr_id": row.ncr_id,
            "filename": row.filename,
            "size_bytes": row.size_bytes,
            "object_key": row.object_key,
        },
    )
    return row


def attach_to_ncr(
    session: Session,
    *,
    actor: Actor,
    store: FileStore,
    ncr_id: int,
    content: bytes,
    filename: str | None,
    content_type: str | None = None,
) -> QualityFile:
    """A photo or document on an NCR: owner quality staff, or the NCR's own partner."""
    ncr = ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id)
    _ensure_can_attach(actor, ncr.partner_id)
    return _seal(
        session,
        actor=actor,
        store=store,
        partner_id=ncr.partner_id,
        content=content,
        filename=filename,
        content_type=content_type,
        ncr_id=ncr.id,
    )


def _ensure_can_attach(actor: Actor, partner_id: int) -> None:
    ensure_partner_visible(actor, partner_id)
    if not actor.is_partner:
        require_owner_writer(actor)


def add_certificate(
    session: Session,
    *,
    actor: Actor,
    store: FileStore | None,
    lot_id: int,
    data: schemas.CertificateIn,
    content: bytes | None = None,
    filename: str | None = None,
    content_type: str | None = None,
    today: date | None = None,
) -> tuple[Certificate, bool]:
    """A partner's CoC/CoA for its own lot (owner staff may file one on its behalf); returns the
    certificate and whether it was created (False: the same reference was sent again)."""
    lot = lots.get_lot(session, actor=actor, lot_id=lot_id)
    _ensure_can_attach(actor, lot.partner_id)
    existing = session.execute(
        select(Certificate).where(
            Certificate.partner_id == lot.partner_id,
            Certificate.external_ref == data.external_ref,
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.lot_id != lot.id:
            raise_if([FieldProblem("external_ref", lots.REF_ON_OTHER_LOT)])
        return existing, False
    problems = certificate_problems(data, has_file=bool(content), today=today or date.today())
    raise_if(problems)
    file_row = None
    if content:
        assert store is not None, "a certificate's file needs the file store"
        file_row = _seal(
            session,
            actor=actor,
            store=store,
            partner_id=lot.partner_id,
            content=content,
            filename=filename,
            content_type=content_type,
            lot_id=lot.id,
        )
    certificate = Certificate(
        partner_id=lot.partner_id,
        lot_id=lot.id,
        kind=data.kind,
        external_ref=data.external_ref,
        issued_on=data.issued_on,
        values=[v.model_dump(mode="json", exclude_none=True) for v in data.values],
        file_id=file_row.id if file_row else None,
        created_by=actor.email,
    )
    session.add(certificate)
    record(session, actor=actor, action="create", entity="quality_certificate", row=certificate)
    return certificate, True


def certificate_problems(
    data: schemas.CertificateIn, *, has_file: bool, today: date
) -> list[FieldProblem]:
    """What the schema cannot see: a CoA carries values, a CoC its signed file, and nothing is
    issued tomorrow."""
    problems: list[FieldProblem] = []
    if data.kind == "coa" and not data.values:
        problems.append(FieldProblem("values", COA_NEEDS_VALUES))
    if data.kind == "coc" and not has_file:
        problems.append(FieldProblem("file", COC_NEEDS_FILE))
    if data.issued_on > today:
        problems.append(FieldProblem("issued_on", ISSUED_IN_FUTURE))
    return problems


def certificates_of(session: Session, lot: Lot) -> list[Certificate]:
    return list(
        session.execute(
            select(Certificate).where(Certificate.lot_id == lot.id).order_by(Certificate.id)
        ).scalars()
    )


def files_of_ncr(session: Session, ncr: NonConformance) -> list[QualityFile]:
    return list(
        session.execute(
            select(QualityFile).where(QualityFile.ncr_id == ncr.id).order_by(QualityFile.id)
        ).scalars()
    )


def files_of_lot(session: Session, lot: Lot) -> list[QualityFile]:
    return list(
        session.execute(
            select(QualityFile).where(QualityFile.lot_id == lot.id).order_by(QualityFile.id)
        ).scalars()
    )


def open_file(
    session: Session, *, actor: Actor, store: FileStore, file_id: int
) -> tuple[QualityFile, Iterator[bytes]]:
    """The file's plaintext chunks if the actor may see its partner's records; audited read."""
    row = get_scoped(session, QualityFile, file_id, actor)
    chunks = vault.open_sealed(store, row.object_key, row.wrapped_key, context=CONTEXT)
    audit.record(
        session,
        actor=actor,
        action="read",
        entity="quality_file",
        entity_id=row.id,
        partner_id=row.partner_id,
    )
    return row, chunks
