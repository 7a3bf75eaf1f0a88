"""Vault JSON API under /api/v1/vault: parse, call one service function, return.

Uploads take the file as the raw request body (any content type), streamed into the encryptor:
``POST /api/v1/vault/documents/{id}/versions?filename=drawing.pdf`` with
``--data-binary @drawing.pdf``. Downloads stream the decrypted file with its Content-Length.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from cofab.core.pagination import Page, paginate
from cofab.core.web import ApiActor, DbSession
from cofab.db.base import utcnow
from cofab.vault import deletion, documents, exits, reports, schemas, sharing
from cofab.vault.access import shown_contract_id, signed_contracts
from cofab.vault.downloads import prepare_download
from cofab.vault.models import VaultDocument
from cofab.vault.streaming import raw_chunks, refuse_declared_oversize, stream_upload
from cofab.vault.web import LOG_REFUSALS, store_of, streaming_response

router = APIRouter(prefix="/api/v1/vault", tags=["vault"], dependencies=[LOG_REFUSALS])


def _read(document: VaultDocument, signed: frozenset[int] | None) -> schemas.DocumentRead:
    read = schemas.DocumentRead.model_validate(document)
    read.contract_id = shown_contract_id(document.contract_id, signed)
    return read


def _detail(view: documents.DocumentView, signed: frozenset[int] | None) -> schemas.DocumentDetail:
    base = _read(view.document, signed).model_dump()
    return schemas.DocumentDetail.model_validate(
        base
        | {
            "versions": [schemas.VersionRead.model_validate(v) for v in view.versions],
            "shares": [schemas.ShareRead.model_validate(s) for s in view.shares],
            "grants": [schemas.GrantRead.model_validate(g) for g in view.grants],
        }
    )


def _report(report: reports.AccessReport) -> schemas.AccessReportRead:
    return schemas.AccessReportRead.model_validate(
        {
            "events": report.events,
            "documents": [d.__dict__ for d in report.documents],
        }
    )


@router.get("/documents", response_model=Page[schemas.DocumentRead])
def list_documents(
    session: DbSession,
    actor: ApiActor,
    q: str | None = None,
    classification: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 25,
) -> Page[schemas.DocumentRead]:
    stmt = documents.document_query(actor, session, q=q, classification=classification)
    items, total = paginate(session, stmt, page=page, size=size)
    documents.log_listing(session, actor=actor, documents=items)
    signed = signed_contracts(session, actor)
    return Page[schemas.DocumentRead](
        items=[_read(d, signed) for d in items],
        total=total,
        page=page,
        size=size,
    )


@router.post("/documents", response_model=schemas.DocumentRead, status_code=201)
def create_document(session: DbSession, actor: ApiActor, body: schemas.VaultDocumentCreate) -> Any:
    return documents.create_document(session, actor=actor, data=body)


@router.get("/documents/{document_id}", response_model=schemas.DocumentDetail)
def get_document(session: DbSession, actor: ApiActor, document_id: int) -> Any:
    view = documents.view_document(session, actor=actor, document_id=document_id)
    return _detail(view, signed_contracts(session, actor))


@router.patch("/documents/{document_id}", response_model=schemas.DocumentRead)
def update_document(
    session: DbSession, actor: ApiActor, document_id: int, body: schemas.VaultDocumentUpdate
) -> Any:
    return documents.update_document(session, actor=actor, document_id=document_id, data=body)


@router.post(
    "/documents/{document_id}/versions", response_model=schemas.VersionRead, status_code=201
)
async def upload_version(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    document_id: int,
    filename: Annotated[str | None, Query(max_length=255)] = None,
    note: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """The request body is the file itself, streamed (never buffered whole).

    ``async`` so the body can stream into the encryptor; every database call goes through the
    threadpool (a blocked loop would stop every other request from committing)."""
    store = await run_in_threadpool(store_of, request)  # reads key files
    pending = await run_in_threadpool(
        documents.begin_version, session, actor=actor, document_id=document_id
    )
    refuse_declared_oversize(request, store.max_bytes)
    return await stream_upload(
        session,
        actor=actor,
        store=store,
        pending=pending,
        source=raw_chunks(request),
        filename=filename,
        content_type=request.headers.get("content-type"),
        note=note,
    )


@router.get("/versions/{version_id}/download", response_class=StreamingResponse)
def download_version(
    request: Request, session: DbSession, actor: ApiActor, version_id: int
) -> Response:
    prepared = prepare_download(
        session, actor=actor, store=store_of(request), version_id=version_id
    )
    return streaming_response(prepared)


@router.delete("/versions/{version_id}", status_code=204)
def delete_version(
    request: Request, session: DbSession, actor: ApiActor, version_id: int
) -> Response:
    """Deleting the only version answers 409: delete the document instead."""
    removal = deletion.delete_version(session, actor=actor, version_id=version_id)
    deletion.commit_then_remove(session, store_of(request), removal)
    return Response(status_code=204)


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(
    request: Request, session: DbSession, actor: ApiActor, document_id: int
) -> Response:
    """The document with every version, share and grant; the files go after the commit."""
    removal = deletion.delete_document(session, actor=actor, document_id=document_id)
    deletion.commit_then_remove(session, store_of(request), removal)
    return Response(status_code=204)


@router.post("/documents/{document_id}/shares", response_model=schemas.ShareRead, status_code=201)
def share_document(
    session: DbSession, actor: ApiActor, document_id: int, body: schemas.VaultShareCreate
) -> Any:
    share = sharing.share_document(session, actor=actor, document_id=document_id, data=body)
    read = schemas.ShareRead.model_validate(share)
    document = session.get(VaultDocument, share.document_id)
    read.waiting_for_agreement = document is not None and (
        sharing.agreement_gap(session, document, share.partner_id, utcnow()) is not None
    )
    return read


@router.delete("/shares/{share_id}", response_model=schemas.ShareRead)
def revoke_share(session: DbSession, actor: ApiActor, share_id: int) -> Any:
    return sharing.revoke_share(session, actor=actor, share_id=share_id)


@router.post("/documents/{document_id}/grants", response_model=schemas.GrantRead, status_code=201)
def grant_person(
    session: DbSession, actor: ApiActor, document_id: int, body: schemas.VaultGrantCreate
) -> Any:
    return sharing.grant_person(session, actor=actor, document_id=document_id, data=body)


@router.delete("/grants/{grant_id}", response_model=schemas.GrantRead)
def revoke_grant(session: DbSession, actor: ApiActor, grant_id: int) -> Any:
    return sharing.revoke_grant(session, actor=actor, grant_id=grant_id)


@router.get("/documents/{document_id}/access-report", response_model=schemas.AccessReportRead)
def document_access_report(session: DbSession, actor: ApiActor, document_id: int) -> Any:
    return _report(reports.document_report(session, actor=actor, document_id=document_id))


@router.get("/partners/{partner_id}/access-report", response_model=schemas.AccessReportRead)
def partner_access_report(session: DbSession, actor: ApiActor, partner_id: int) -> Any:
    return _report(reports.partner_report(session, actor=actor, partner_id=partner_id))


@router.get("/exit-reports", response_model=list[schemas.ExitReportRead])
def list_exit_reports(session: DbSession, actor: ApiActor) -> Any:
    return exits.list_exit_reports(session, actor=actor)


@router.post("/exit-reports", response_model=schemas.ExitReportRead, status_code=201)
def issue_exit_report(
    session: DbSession, actor: ApiActor, body: schemas.VaultExitReportCreate
) -> Any:
    return exits.issue_exit_report(
        session, actor=actor, partner_id=body.partner_id, contract_id=body.contract_id
    )


@router.get("/exit-reports/{exit_report_id}", response_model=schemas.ExitReportRead)
def get_exit_report(session: DbSession, actor: ApiActor, exit_report_id: int) -> Any:
    return exits.get_exit_report(session, actor=actor, report_id=exit_report_id)


@router.post("/exit-reports/{exit_report_id}/confirm", response_model=schemas.ExitReportRead)
def confirm_exit_report(
    session: DbSession, actor: ApiActor, exit_report_id: int, body: schemas.VaultExitConfirmation
) -> Any:
    return exits.confirm_exit_report(session, actor=actor, report_id=exit_report_id, note=body.note)
