"""Pages for certificates on lots and files on NCRs: upload forms on the lot and NCR pages,
and the download link; a refused upload shows the record's page again with the problem."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from cofab.core.access import Actor
from cofab.core.errors import CofabError, FieldProblem
from cofab.core.forms import FormDep
from cofab.core.i18n import N_
from cofab.core.web import DbSession, error_context, page_actor
from cofab.quality import lots, ncrs
from cofab.quality.api_files import (
    attach_upload,
    file_response,
    import_outgoing,
    store_certificate,
)
from cofab.quality.outgoing_import import COLUMNS
from cofab.quality.pages import _attempt, _base, _lot_page, _ncr_page, _show
from cofab.quality.rules import raise_if

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
BAD_VALUE_LINE = N_("Line {line}: write 'name | value | unit | LSL | USL'.")
VALUE_KEYS = ("name", "value", "unit", "lsl", "usl")


def values_from_lines(text: str) -> list[dict[str, Any]]:
    """One CoA value per line, ``name | value | unit | LSL | USL`` (the last three optional);
    blank parts are left out so the schema's own checks name what is wrong."""
    values: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or len(parts) > len(VALUE_KEYS):
            problems.append(FieldProblem("values", BAD_VALUE_LINE, {"line": number}))
            continue
        values.append({k: v for k, v in zip(VALUE_KEYS, parts, strict=False) if v})
    raise_if(problems)
    return values


@router.post("/quality/lots/{lot_id}/certificates", response_class=HTMLResponse)
def certificate_upload(
    request: Request, session: DbSession, actor: ActorDep, lot_id: int, form: FormDep
) -> Response:
    lots.get_lot(session, actor=actor, lot_id=lot_id)

    def act() -> str:
        values = values_from_lines(str(form.get("values") or ""))
        store_certificate(request, session, actor, lot_id=lot_id, form=form, values=values)
        return f"/quality/lots/{lot_id}?saved=1"

    return _attempt(request, session, act, lambda: _lot_page(request, session, actor, lot_id))


@router.post("/quality/ncrs/{ncr_id}/files", response_class=HTMLResponse)
def ncr_file_upload(
    request: Request, session: DbSession, actor: ActorDep, ncr_id: int, form: FormDep
) -> Response:
    ncrs.get_ncr(session, actor=actor, ncr_id=ncr_id)

    def act() -> str:
        attach_upload(request, session, actor, ncr_id, form)
        return f"/quality/ncrs/{ncr_id}?saved=1"

    return _attempt(request, session, act, lambda: _ncr_page(request, session, actor, ncr_id))


@router.get("/quality/files/{file_id}")
def file_download(request: Request, session: DbSession, actor: ActorDep, file_id: int) -> Response:
    return file_response(request, session, actor, file_id)


def _import_page(request: Request, actor: Actor, report: Any = None) -> HTMLResponse:
    ctx = _base(request, actor) | {"columns": COLUMNS, "report": report}
    return _show(request, "quality/outgoing_import.html", ctx)


@router.get("/quality/outgoing-import", response_class=HTMLResponse)
def outgoing_import_form(request: Request, actor: ActorDep) -> Response:
    return _import_page(request, actor)


@router.post("/quality/outgoing-import", response_class=HTMLResponse)
def outgoing_import_upload(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    try:
        report = import_outgoing(request, session, actor, form)
    except CofabError as exc:
        session.rollback()
        request.state.quality_error = error_context(exc, request.state.locale)
        request.state.quality_status = exc.status
        return _import_page(request, actor)
    return _import_page(request, actor, report)
