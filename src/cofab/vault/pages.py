"""Vault pages: thin routes that parse a form, call one service function and render.

Every route carries ``LOG_REFUSALS``, so a refused view or download is written to the audit
chain even though the page answers 403/404. The upload route reads its multipart body as a
stream (``StreamedForm``) and checks the CSRF token itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.contracts.models import Contract
from cofab.core.access import Actor, require_roles
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.pagination import Page, paginate
from cofab.core.web import DbSession, PageActor, check_csrf, render
from cofab.db.base import utcnow
from cofab.partners.models import Partner
from cofab.vault import deletion, documents, pages_reports, schemas, sharing
from cofab.vault.access import (
    REPORT_READERS,
    WRITERS,
    AccessRefused,
    shown_contract_id,
    signed_contracts,
)
from cofab.vault.downloads import prepare_download
from cofab.vault.field_labels import labelled_error_context
from cofab.vault.models import Classification, DocumentKind, VaultShare
from cofab.vault.streaming import StreamedForm, refuse_declared_oversize, stream_upload
from cofab.vault.web import (
    LOG_REFUSALS,
    flash,
    local_to_utc,
    names,
    page_actor_keep_body,
    partner_label,
    store_of,
    streaming_response,
)

router = APIRouter(include_in_schema=False, dependencies=[LOG_REFUSALS])
StreamActor = Annotated[Actor, Depends(page_actor_keep_body)]
PAGE_SIZE = 25
CHOICES = {
    "kinds": [k.value for k in DocumentKind],
    "classifications": [c.value for c in Classification],
}


# --- list and create ------------------------------------------------------------------------


@router.get("/vault", response_class=HTMLResponse)
def document_list(
    request: Request,
    session: DbSession,
    actor: PageActor,
    page: int = 1,
    q: str = "",
    classification: str = "",
    done: int = 0,
) -> Response:
    stmt = documents.document_query(
        actor, session, q=q or None, classification=classification or None
    )
    items, total = paginate(session, stmt, page=page, size=PAGE_SIZE)
    documents.log_listing(session, actor=actor, documents=items)
    signed = signed_contracts(session, actor)
    shown = {c for d in items if (c := shown_contract_id(d.contract_id, signed)) is not None}
    contracts = names(session, Contract, shown, lambda c: c.title)
    return render(
        request,
        "vault/list.html",
        {
            "result": Page[Any](items=items, total=total, page=max(page, 1), size=PAGE_SIZE),
            "q": q,
            "classification": classification,
            "query": f"q={q}&classification={classification}",
            "contracts": contracts,
            "can_write": actor.role in WRITERS,
            "contract_choices": _contract_choices(session, actor),
            **CHOICES,
        }
        | flash(request, done),
    )


def _contract_choices(session: Session, actor: Actor) -> list[Contract]:
    if actor.is_partner:
        return []
    return list(session.execute(select(Contract).order_by(Contract.title).limit(500)).scalars())


@router.get("/vault/new", response_class=HTMLResponse)
def document_new(request: Request, session: DbSession, actor: PageActor) -> Response:
    require_roles(actor, WRITERS)
    return render(
        request,
        "vault/new.html",
        {"form": {}, "contract_choices": _contract_choices(session, actor), **CHOICES},
    )


@router.post("/vault/documents", response_class=HTMLResponse)
def document_create(
    request: Request, session: DbSession, actor: PageActor, form: FormDep
) -> Response:
    data = fields(form)
    try:
        document = documents.create_document(
            session, actor=actor, data=parse(schemas.VaultDocumentCreate, data)
        )
    except AccessRefused:
        raise
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "vault/new.html",
            {"form": data, "contract_choices": _contract_choices(session, actor), **CHOICES}
            | labelled_error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse(f"/vault/documents/{document.id}?done=1", status_code=303)


# --- one document ---------------------------------------------------------------------------


def _detail_ctx(session: Session, actor: Actor, document_id: int, locale: str) -> dict[str, Any]:
    view = documents.view_document(session, actor=actor, document_id=document_id)
    document = view.document
    contract_id = shown_contract_id(document.contract_id, signed_contracts(session, actor))
    partner_ids = {s.partner_id for s in view.shares} | {
        g.partner_id for g in view.grants if g.partner_id
    }
    ctx: dict[str, Any] = {
        "view": view,
        "document": document,
        "now": utcnow(),
        "partners": names(session, Partner, partner_ids, partner_label(locale)),
        "users": names(session, User, {g.user_id for g in view.grants}, lambda u: u.email),
        "contract": session.get(Contract, contract_id) if contract_id else None,
        "owner": session.get(User, document.owner_user_id) if document.owner_user_id else None,
        "can_write": actor.role in WRITERS,
        "can_report": actor.role in REPORT_READERS,
        "contract_choices": _contract_choices(session, actor),
        **CHOICES,
    }
    if actor.role in WRITERS:
        now = ctx["now"]
        ctx["waiting"] = {
            s.partner_id: gap
            for s in view.shares
            if s.revoked_at is None
            and (s.expires_at is None or s.expires_at > now)
            and (gap := sharing.agreement_gap(session, document, s.partner_id, now))
        }
    share_id = view.decision.basis.get("share_id")
    ctx["my_share"] = session.get(VaultShare, share_id) if actor.is_partner and share_id else None
    if actor.role in WRITERS:
        ctx["partner_choices"] = list(
            session.execute(select(Partner).order_by(Partner.name_en)).scalars()
        )
        ctx["user_choices"] = sharing.grant_candidates(session)
    return ctx


@router.get("/vault/documents/{document_id}", response_class=HTMLResponse)
def document_detail(
    request: Request, session: DbSession, actor: PageActor, document_id: int, done: int = 0
) -> Response:
    ctx = _detail_ctx(session, actor, document_id, request.state.locale)
    return render(request, "vault/detail.html", ctx | flash(request, done))


def _change_or_error(
    request: Request,
    session: Session,
    actor: Actor,
    document_id: int,
    action: Callable[[], Any],
    extra: dict[str, Any] | None = None,
) -> Response:
    """Run a change; on a broken rule re-render the document with the reason and ``extra`` (what
    a form held); access refusals propagate so they are logged."""
    try:
        action()
    except AccessRefused:
        raise
    except CofabError as exc:
        return _refused(request, session, actor, document_id, exc, extra)
    return RedirectResponse(f"/vault/documents/{document_id}?done=1", status_code=303)


@router.post("/vault/documents/{document_id}/edit", response_class=HTMLResponse)
def document_edit(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, document_id: int
) -> Response:
    data = fields(form)
    if "contract_id" not in data:
        data["contract_id"] = None
    data["watermark"] = "watermark" in data  # an unticked checkbox is not sent at all
    return _change_or_error(
        request,
        session,
        actor,
        document_id,
        lambda: documents.update_document(
            session,
            actor=actor,
            document_id=document_id,
            data=parse(schemas.VaultDocumentUpdate, data),
        ),
    )


@router.post("/vault/documents/{document_id}/versions", response_class=HTMLResponse)
async def version_upload(
    request: Request, session: DbSession, actor: StreamActor, document_id: int
) -> Response:
    """``async`` so the form streams into the encryptor; every database call goes through the
    threadpool (a blocked loop would stop every other request from committing)."""
    store = await run_in_threadpool(store_of, request)  # reads key files
    pending = await run_in_threadpool(
        documents.begin_version, session, actor=actor, document_id=document_id
    )
    refuse_declared_oversize(request, store.max_bytes, overhead=MAX_FORM_OVERHEAD)
    form = StreamedForm(request)
    await form.read_fields()
    check_csrf(request, form.fields.get("csrf_token"))
    try:
        await stream_upload(
            session,
            actor=actor,
            store=store,
            pending=pending,
            source=form.file_chunks(),
            filename=form.filename,
            content_type=form.content_type,
            note=form.fields.get("note"),
        )
        await form.drain()
    except AccessRefused:
        raise
    except CofabError as exc:
        return await run_in_threadpool(_refused, request, session, actor, document_id, exc)
    return RedirectResponse(f"/vault/documents/{document_id}?done=1", status_code=303)


def _refused(
    request: Request,
    session: Session,
    actor: Actor,
    document_id: int,
    exc: CofabError,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The document page again, nothing saved, with the reason (and ``extra``)."""
    session.rollback()
    ctx = _detail_ctx(session, actor, document_id, request.state.locale)
    ctx |= labelled_error_context(exc, request.state.locale) | (extra or {})
    return render(request, "vault/detail.html", ctx, status_code=exc.status)


MAX_FORM_OVERHEAD = 128 * 1024  # the form's other fields and multipart framing


@router.get("/vault/versions/{version_id}/download")
def version_download(
    request: Request, session: DbSession, actor: PageActor, version_id: int
) -> Response:
    prepared = prepare_download(
        session, actor=actor, store=store_of(request), version_id=version_id
    )
    return streaming_response(prepared)


@router.post("/vault/versions/{version_id}/delete", response_class=HTMLResponse)
def version_delete(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, version_id: int
) -> Response:
    data = fields(form)
    _version, document = deletion.deletable_version(session, actor=actor, version_id=version_id)
    document_id = document.id

    def action() -> deletion.Removal:
        deletion.require_confirmation(data)
        return deletion.delete_version(session, actor=actor, version_id=version_id)

    return _delete_or_error(request, session, actor, document_id, action)


@router.post("/vault/documents/{document_id}/delete", response_class=HTMLResponse)
def document_delete(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, document_id: int
) -> Response:
    data = fields(form)
    documents.writable_document(session, actor=actor, document_id=document_id)

    def action() -> deletion.Removal:
        deletion.require_confirmation(data)
        return deletion.delete_document(session, actor=actor, document_id=document_id)

    return _delete_or_error(request, session, actor, document_id, action, to="/vault?done=1")


def _delete_or_error(
    request: Request,
    session: Session,
    actor: Actor,
    document_id: int,
    action: Callable[[], deletion.Removal],
    to: str | None = None,
) -> Response:
    """Delete, commit, then remove the files; a refusal (409, unticked box) re-renders the page."""
    try:
        removal = action()
    except AccessRefused:
        raise
    except CofabError as exc:
        return _refused(request, session, actor, document_id, exc)
    deletion.commit_then_remove(session, store_of(request), removal)
    return RedirectResponse(to or f"/vault/documents/{document_id}?done=1", status_code=303)


@router.post("/vault/documents/{document_id}/shares", response_class=HTMLResponse)
def share_add(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, document_id: int
) -> Response:
    data = fields(form)
    typed = dict(data)  # a refusal shows what was typed again, the ticked box too

    def action() -> None:
        data["expires_at"] = local_to_utc(data.get("expires_at"), actor.timezone)
        sharing.share_document(
            session,
            actor=actor,
            document_id=document_id,
            data=parse(schemas.VaultShareCreate, data),
        )

    return _change_or_error(request, session, actor, document_id, action, {"share_form": typed})


@router.post("/vault/shares/{share_id}/revoke", response_class=HTMLResponse)
def share_revoke(session: DbSession, actor: PageActor, share_id: int) -> Response:
    share = sharing.revoke_share(session, actor=actor, share_id=share_id)
    return RedirectResponse(f"/vault/documents/{share.document_id}?done=1", status_code=303)


@router.post("/vault/documents/{document_id}/grants", response_class=HTMLResponse)
def grant_add(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, document_id: int
) -> Response:
    data = fields(form)

    def action() -> Any:
        data["expires_at"] = local_to_utc(data.get("expires_at"), actor.timezone)
        return sharing.grant_person(
            session,
            actor=actor,
            document_id=document_id,
            data=parse(schemas.VaultGrantCreate, data),
        )

    return _change_or_error(request, session, actor, document_id, action)


@router.post("/vault/grants/{grant_id}/revoke", response_class=HTMLResponse)
def grant_revoke(session: DbSession, actor: PageActor, grant_id: int) -> Response:
    grant = sharing.revoke_grant(session, actor=actor, grant_id=grant_id)
    return RedirectResponse(f"/vault/documents/{grant.document_id}?done=1", status_code=303)


router.include_router(pages_reports.router)
