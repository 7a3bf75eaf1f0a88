"""Vault tables: documents, their encrypted versions, who they are shared with, exit reports.

A document belongs to the owner company, so it has no ``partner_id``; what a partner may reach
is decided by its rows in ``vault_shares`` (one per partner) and, for secret documents, by
named-person rows in ``vault_grants``. Both carry ``partner_id`` so ``core.access`` can scope
them like any partner-owned table. A version row keeps everything needed to open its file
(object key, wrapped data key, master-key id) and never any plaintext.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class Classification(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"


CLASSIFICATION_RANK = {c.value: rank for rank, c in enumerate(Classification)}


class DocumentKind(enum.StrEnum):
    DRAWING = "drawing"
    SPECIFICATION = "specification"
    PROCESS_SHEET = "process_sheet"
    BOM = "bom"
    OTHER = "other_document"


class ExitStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"


register_labels(
    {
        "public": N_("Public"),
        "internal": N_("Internal"),
        "confidential": N_("Confidential"),
        "secret": N_("Secret"),
        "drawing": N_("Design drawing"),
        "specification": N_("Specification"),
        "process_sheet": N_("Process sheet"),
        "bom": N_("Bill of materials"),
        "other_document": N_("Other document"),
        "open": N_("Open"),
        "confirmed": N_("Confirmed"),
        "read": N_("Viewed"),
        "download": N_("Downloaded"),
        "deny": N_("Refused"),
    }
)


class SealedFileColumns:
    """The columns a key holder's file row keeps about one sealed upload (what
    ``vault.service.seal_upload`` returns): its name and type, and what opens it. Another
    domain's file table mixes them in, so every holder stores a sealed file the same way."""

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    object_key: Mapped[str] = mapped_column(String(32), unique=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(32))


class VaultDocument(Timestamped, Base):
    __tablename__ = "vault_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    classification: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    # highest number ever given to a version: a deleted version's number is never reused, so
    # "version 3" in the audit log and access reports always means the same file
    versions_issued: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # PDF and PNG downloads carry a visible stamp naming the downloader (see vault/watermark.py)
    watermark: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class VaultVersion(Base):
    """One uploaded file; ``uid`` is bound into the ciphertext, so a row cannot point at another
    row's object without the decryption failing."""

    __tablename__ = "vault_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(32), unique=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(64))
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    chunks: Mapped[int] = mapped_column(Integer)
    ciphertext_size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_by_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VaultShare(Base):
    """A document made available to one partner company, optionally until ``expires_at``."""

    __tablename__ = "vault_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    shared_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VaultGrant(Base):
    """A named person's permission; required on top of a share for secret documents.

    ``partner_id`` is the person's company (None for owner staff), copied so the grant is
    scoped like every partner-owned row.
    """

    __tablename__ = "vault_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("vault_documents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    granted_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VaultExitReport(Base):
    """What a partner held when its agreement ended, and its confirmation of return/destruction.

    ``items`` is a snapshot taken at issue time, so the report stays what was signed off even if
    documents are edited later.
    """

    __tablename__ = "vault_exit_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ExitStatus.OPEN.value, index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    issued_by_label: Mapped[str] = mapped_column(String(254))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_by_label: Mapped[str | None] = mapped_column(String(254))
    confirmation_note: Mapped[str | None] = mapped_column(Text)
