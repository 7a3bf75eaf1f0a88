"""Quality files and certificates under /api/v1/quality: multipart uploads, listing, download.

The lot or NCR is fetched (and scoped to the caller) before the form is read, so another
partner's record is a 404 whatever the form holds.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from cofab.core.access import Actor
from cofab.core.errors import BadRequest, FieldProblem
from cofab.core.forms import FormDep, fields, parse, upload_in
from cofab.core.i18n import N_
from cofab.core.tabular import TableLimits, read_table
from cofab.core.uploads import read_limited
from cofab.core.web import ApiActor, DbSession
from cofab.quality import files, lots, ncrs, outgoing_import, schemas
from cofab.quality.rules import raise_if

router = APIRouter(prefix="/api/v1/quality", tags=["quality"])
NOT_JSON = N_("Give the values as a JSON list.")
NO_FILE = N_("Choose a file to upload.")


def read_upload(request: Request, form: FormData) -> tuple[bytes, str | None, str | None]:
    """The form's ``file`` (empty bytes when none was sent), read within the upload limit."""
    upload = upload_in(form)
    if upload is None or not upload.filename:
        return b"", None, None
    content = read_limited(upload, request.app.state.settings.max_upload_mb)
    return content, upload.filename, upload.content_type


def store_certificate(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    lot_id: int,
    form: FormData,
    values: list[Any],
) -> tuple[Any, bool]:
    """The form's certificate fields with ``values`` already read (JSON on the API, lines on the
    page), the file sealed through the vault."""
    data = fields(form)
    data["values"] = values
    body = parse(schemas.CertificateIn, data)
    content, filename, media = read_upload(request, form)
    return files.add_certificate(
        session,
        actor=actor,
        store=files.file_store(request.app.state.settings),
        lot_id=lot_id,
        data=body,
        content=content,
        filename=filename,
        content_type=media,
    )


@router.get("/lots/{lot_id}/certificates", response_model=list[schemas.CertificateRead])
def list_certificates(session: DbSession, actor: ApiActor, lot_id: int) -> Any:
    return files.certificates_of(session, lots.get_lot(session, actor=actor, lot_id=lot_id))


@router.post("/lots/{lot_id}/certificates", response_model=schemas.CertificateRead)
def add_certificate(
    request: Request, session: DbSession, actor: ApiActor, lot_id: int, form: FormDep
) -> Any:
    """Multipart: ``kind`` (coc|coa), ``external_ref``, ``issued_on``, ``values`` (a JSON list of
    ``{name, value, unit?, lsl?, usl?}``) and ``file``; 201 when stored, 200 when the same
    reference was sent before."""
    lots.get_lot(session, actor=actor, lot_id=lot_id)
    raw = str(form.get("values") or "[]")
    try:
        values = json.loads(raw)
    except ValueError:
        values = None
    if not isinstance(values, list):
        raise_if([FieldProblem("values", NOT_JSON)])
    certificate, created = store_certificate(
        request, session, actor, lot_id=lot_id, form=form, values=values
    )
    body = schemas.CertificateRead.model_validate(certificate).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/ncrs/{ncr_id}/files", response_model=list[schemas.QualityFileRead])
def list_ncr_files(session: DbSession, actor: ApiActor, ncr_id: int) -> Any:
    return files.files_of_ncr(session, ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id))


@router.post("/ncrs/{ncr_id}/files", response_model=schemas.QualityFileRead, status_code=201)
def attach_ncr_file(
    request: Request, session: DbSession, actor: ApiActor, ncr_id: int, form: FormDep
) -> Any:
    ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id)
    return attach_upload(request, session, actor, ncr_id, form)


def attach_upload(
    request: Request, session: Session, actor: Actor, ncr_id: int, form: FormData
) -> Any:
    """The form's ``file`` sealed onto the NCR (a form without a file: 400)."""
    content, filename, media = read_upload(request, form)
    if filename is None:
        raise BadRequest(NO_FILE)
    return files.attach_to_ncr(
        session,
        actor=actor,
        store=files.file_store(request.app.state.settings),
        ncr_id=ncr_id,
        content=content,
        filename=filename,
        content_type=media,
    )


def file_response(request: Request, session: Session, actor: Actor, file_id: int) -> Response:
    row, chunks = files.open_file(
        session,
        actor=actor,
        store=files.file_store(request.app.state.settings),
        file_id=file_id,
    )
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename)}"
    return StreamingResponse(
        chunks,
        media_type=row.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/files/{file_id}")
def download_file(request: Request, session: DbSession, actor: ApiActor, file_id: int) -> Response:
    return file_response(request, session, actor, file_id)


def import_outgoing(
    request: Request, session: Session, actor: Actor, form: FormData
) -> schemas.OutgoingImportReport:
    """The form's file read as a table (CSV or XLSX, within the upload and table limits) and
    imported all or nothing."""
    settings = request.app.state.settings
    content, filename, _media = read_upload(request, form)
    if filename is None:
        raise BadRequest(NO_FILE)
    rows = read_table(content, filename, TableLimits.of(settings))
    return outgoing_import.import_rows(session, actor=actor, rows=rows)


@router.post("/outgoing-import", response_model=schemas.OutgoingImportReport)
def outgoing_import_file(
    request: Request, session: DbSession, actor: ApiActor, form: FormDep
) -> Any:
    """Multipart ``file``: a partner's outgoing inspection results (see ``outgoing_import``)."""
    return import_outgoing(request, session, actor, form)
