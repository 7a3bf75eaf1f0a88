"""Who accessed what: per document and per partner, read back from the audit chain.

The audit chain is the record of truth (it is what ``cofab audit verify`` protects), so the
reports are queries over it rather than a second log that could disagree with it. Access
entries are ``read`` / ``download`` / ``deny`` on entity ``vault_document``; a partner user's
entries carry their company in ``partner_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, ensure_partner_visible, require_roles
from cofab.core.audit import AuditEntry
from cofab.core.errors import NotFound
from cofab.partners.models import Partner
from cofab.vault.access import ENTITY, REPORT_READERS, require_access
from cofab.vault.models import VaultDocument
from cofab.vault.schemas import AccessEventRead

ACCESS_ACTIONS = ("read", "download", "deny")
MAX_EVENTS = 500


AccessEvent = AccessEventRead  # one read of a document, as the report's API shows it


@dataclass
class DocumentSummary:
    document_id: int
    title: str
    classification: str
    views: int = 0
    downloads: int = 0
    refusals: int = 0
    versions_downloaded: list[int] = field(default_factory=list)
    last_at: datetime | None = None
    last_download_at: datetime | None = None


@dataclass(frozen=True)
class AccessReport:
    events: list[AccessEvent]
    documents: list[DocumentSummary]
    total_events: int


def _events(session: Session, *conditions: Any) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == ENTITY, AuditEntry.action.in_(ACCESS_ACTIONS), *conditions)
        .order_by(AuditEntry.id.desc())
    )
    return list(session.execute(stmt).scalars())


def _document_id(entry: AuditEntry) -> int | None:
    return int(entry.entity_id) if entry.entity_id.isdigit() else None


def summarise(session: Session, entries: list[AuditEntry]) -> AccessReport:
    ids = {i for e in entries if (i := _document_id(e)) is not None}
    documents = {
        d.id: d
        for d in session.execute(select(VaultDocument).where(VaultDocument.id.in_(ids))).scalars()
    }
    summaries: dict[int, DocumentSummary] = {}
    events: list[AccessEvent] = []
    for entry in entries:  # newest first
        after = entry.after or {}
        doc_id = _document_id(entry)
        document = documents.get(doc_id) if doc_id is not None else None
        title = document.title if document else after.get("title")
        version = after.get("version")
        if len(events) < MAX_EVENTS:
            events.append(
                AccessEvent(
                    at=entry.at,
                    actor=entry.actor_label,
                    partner_id=entry.partner_id,
                    action=entry.action,
                    document_id=doc_id,
                    document_title=title,
                    version=version if isinstance(version, int) else None,
                    reason=after.get("reason"),
                )
            )
        if document is None:
            continue
        summary = summaries.setdefault(
            document.id, DocumentSummary(document.id, document.title, document.classification)
        )
        summary.last_at = summary.last_at or entry.at
        if entry.action == "read":
            summary.views += 1
        elif entry.action == "deny":
            summary.refusals += 1
        else:
            summary.downloads += 1
            summary.last_download_at = summary.last_download_at or entry.at
            if isinstance(version, int) and version not in summary.versions_downloaded:
                summary.versions_downloaded.append(version)
    for summary in summaries.values():
        summary.versions_downloaded.sort()
    ordered = sorted(summaries.values(), key=lambda s: (s.title.lower(), s.document_id))
    return AccessReport(events=events, documents=ordered, total_events=len(entries))


def document_report(session: Session, *, actor: Actor, document_id: int) -> AccessReport:
    require_roles(actor, REPORT_READERS)
    document = session.get(VaultDocument, document_id)
    require_access(session, actor=actor, document=document, attempt="report")
    return summarise(session, _events(session, AuditEntry.entity_id == str(document_id)))


def partner_report(session: Session, *, actor: Actor, partner_id: int) -> AccessReport:
    ensure_partner_visible(actor, partner_id)
    require_roles(actor, REPORT_READERS)
    if session.get(Partner, partner_id) is None:
        raise NotFound()
    return summarise(session, partner_entries(session, partner_id))


def partner_entries(session: Session, partner_id: int) -> list[AuditEntry]:
    return _events(session, AuditEntry.partner_id == partner_id)
