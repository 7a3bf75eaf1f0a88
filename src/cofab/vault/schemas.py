"""Pydantic shapes for the vault API. Unknown fields are rejected: a typo never passes silently."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cofab.vault.models import Classification, DocumentKind


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class VaultDocumentCreate(Strict):
    title: str = Field(min_length=1, max_length=300)
    kind: DocumentKind
    classification: Classification
    description: str | None = Field(default=None, max_length=10_000)
    contract_id: int | None = None
    external_ref: str | None = Field(default=None, max_length=64)
    watermark: bool = False


class VaultDocumentUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    kind: DocumentKind | None = None
    classification: Classification | None = None
    description: str | None = Field(default=None, max_length=10_000)
    contract_id: int | None = None
    watermark: bool | None = None


class VaultShareCreate(Strict):
    partner_id: int
    expires_at: AwareDatetime | None = None
    note: str | None = Field(default=None, max_length=2000)
    without_agreement: bool = Field(
        default=False,
        description="Share a confidential document although the partner has no NDA or contract "
        "in force: it opens to the partner's users only once one is (refused otherwise)",
    )


class VaultGrantCreate(Strict):
    user_id: int
    expires_at: AwareDatetime | None = None


class VaultExitReportCreate(Strict):
    partner_id: int
    contract_id: int | None = None


class VaultExitConfirmation(Strict):
    note: str | None = Field(default=None, max_length=5000)


class VersionRead(Read):
    id: int
    document_id: int
    number: int
    filename: str
    content_type: str
    size: int
    sha256: str
    note: str | None
    uploaded_by_label: str
    created_at: datetime


class DocumentRead(Read):
    id: int
    external_ref: str | None
    title: str
    kind: str
    classification: str
    description: str | None
    owner_user_id: int | None
    contract_id: int | None
    latest_version: int
    watermark: bool
    created_at: datetime
    updated_at: datetime


class ShareRead(Read):
    id: int
    document_id: int
    partner_id: int
    expires_at: datetime | None
    revoked_at: datetime | None
    note: str | None
    created_at: datetime
    waiting_for_agreement: bool = Field(
        default=False,
        description="Shared with the override, but the partner has no NDA or contract in force: "
        "its users cannot open the document until one is",
    )


class GrantRead(Read):
    id: int
    document_id: int
    user_id: int
    partner_id: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class DocumentDetail(DocumentRead):
    versions: list[VersionRead]
    shares: list[ShareRead]
    grants: list[GrantRead]


class AccessEventRead(BaseModel):
    at: datetime
    actor: str
    partner_id: int | None
    action: str
    document_id: int | None
    document_title: str | None
    version: int | None
    reason: str | None


class DocumentSummaryRead(BaseModel):
    document_id: int
    title: str
    classification: str
    views: int
    downloads: int
    refusals: int
    versions_downloaded: list[int]
    last_at: datetime | None


class AccessReportRead(BaseModel):
    events: list[AccessEventRead]
    documents: list[DocumentSummaryRead]


class ExitReportRead(Read):
    id: int
    partner_id: int
    contract_id: int | None
    status: str
    issued_at: datetime
    issued_by_label: str
    items: list[dict[str, Any]]
    confirmed_at: datetime | None
    confirmed_by_label: str | None
    confirmation_note: str | None
