"""Discussion pages: the thread panel (an htmx partial the subjects' detail pages load), the
same panel as a page of its own, and the list of threads I take part in or am mentioned in.

The panel answers an htmx request with itself (errors included, status 200, so htmx swaps it);
a plain browser post gets a redirect, or the page with the error and its status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError, Forbidden, NotFound
from cofab.core.forms import FormDep, upload_in
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.discussions import service

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _panel(
    request: Request,
    session: Session,
    actor: Actor,
    kind: str,
    object_id: int,
    *,
    form: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = service.read_thread(session, actor=actor, kind=kind, object_id=object_id)
    can_post = actor.role != "viewer"
    context = {
        "view": view,
        "kind": kind,
        "object_id": object_id,
        "subject_label": service.SUBJECT_LABELS.get(kind, kind),
        "can_post": can_post,
        "can_upload": can_post and not actor.is_partner,
        "documents": service.attachable_documents(session, actor=actor) if can_post else [],
        "form": form or {},
        **(error or {}),
    }
    if _is_htmx(request):
        return render(request, "discussions/panel.html", context)
    return render(request, "discussions/thread.html", context, status_code=status_code)


@router.get("/discussions", response_class=HTMLResponse)
def my_threads(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    rows = service.my_threads(session, actor=actor)
    return render(
        request, "discussions/mine.html", {"rows": rows, "subject_labels": service.SUBJECT_LABELS}
    )


@router.get("/discussions/{kind}/{object_id}", response_class=HTMLResponse)
def thread_panel(
    request: Request, session: DbSession, actor: ActorDep, kind: str, object_id: int
) -> HTMLResponse:
    return _panel(request, session, actor, kind, object_id)


def _document_ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values:
        for part in value.replace(",", " ").split():
            if part.isdigit():
                ids.append(int(part))
    return ids


@router.post("/discussions/{kind}/{object_id}", response_model=None)
def post_message(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    form: FormDep,
    kind: str,
    object_id: int,
) -> Response:
    # the subject first: another partner's object is 404 before the form is read
    service.resolve_subject(session, actor=actor, kind=kind, object_id=object_id)
    body = str(form.get("body") or "")
    document_ids = _document_ids([str(v) for v in form.getlist("document_ids")])
    upload: service.Upload | None = None
    try:
        file = upload_in(form)
        if file is not None and file.filename:
            content = read_limited(file, request.app.state.settings.max_upload_mb)
            upload = service.Upload(file.filename, content, file.content_type)
        service.post_message(
            session,
            actor=actor,
            kind=kind,
            object_id=object_id,
            body=body,
            document_ids=document_ids,
            upload=upload,
            settings=request.app.state.settings,
        )
    except CofabError as exc:
        session.rollback()
        context = error_context(exc, request.state.locale)
        return _panel(
            request,
            session,
            actor,
            kind,
            object_id,
            form={"body": body, "document_ids": document_ids},
            error=context,
            status_code=exc.status,
        )
    if _is_htmx(request):
        return _panel(request, session, actor, kind, object_id)
    return RedirectResponse(f"/discussions/{kind}/{object_id}", status_code=303)


@router.post("/discussions/messages/{message_id}/edit", response_model=None)
def edit_message(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, message_id: int
) -> Response:
    """The author corrects a message; the panel (or the thread page) shows it again."""
    body = str(form.get("body") or "")
    try:
        _message, thread = service.edit_message(
            session, actor=actor, message_id=message_id, body=body
        )
    except (NotFound, Forbidden):
        raise
    except CofabError as exc:
        session.rollback()
        thread = service.thread_of_message(session, actor=actor, message_id=message_id)
        context = error_context(exc, request.state.locale)
        return _panel(
            request,
            session,
            actor,
            thread.subject_kind,
            thread.subject_id,
            error=context,
            status_code=exc.status,
        )
    kind, object_id = thread.subject_kind, thread.subject_id
    if _is_htmx(request):
        return _panel(request, session, actor, kind, object_id)
    return RedirectResponse(f"/discussions/{kind}/{object_id}", status_code=303)
