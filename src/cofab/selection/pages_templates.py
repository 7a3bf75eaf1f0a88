"""Template pages: list, versions, the criteria/weights/checklist form and the live AHP preview."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from cofab.core.access import Actor, viewer_may_call
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, parse
from cofab.core.web import DbSession, page_actor
from cofab.selection import schemas, service
from cofab.selection.field_labels import labelled_error_context
from cofab.selection.page_helpers import form_lists, page, page_with_error, saved
from cofab.selection.permissions import WRITERS, ensure_reader, ensure_writer
from cofab.selection.templates_default import PARTNER_TYPES

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
CRITERION_FIELDS = ("key", "group", "name_en", "name_ko", "direction", "scale", "unit", "weight")
ITEM_FIELDS = (
    "key",
    "name_en",
    "name_ko",
    "description_en",
    "description_ko",
    "mandatory",
    "fields",
)
SPARE_ROWS = 3


@router.get("/selection/templates", response_class=HTMLResponse)
def template_list(request: Request, session: DbSession, actor: ActorDep) -> Response:
    views = service.list_templates(session, actor=actor)
    return page(
        request,
        "selection/templates.html",
        {"views": views, "can_write": actor.role in WRITERS},
    )


@router.get("/selection/templates/new", response_class=HTMLResponse)
def template_new(
    request: Request, session: DbSession, actor: ActorDep, copy: int | None = None
) -> Response:
    ensure_writer(actor)
    form: dict[str, Any] = {"weight_mode": "direct", "criteria": [], "checklist": None}
    if copy is not None:
        view = service.get_template(session, actor=actor, template_id=copy)
        form = _form_from_version(view.current)
        form["name_en"] = f"{form['name_en']} (copy)"
        form["partner_type"] = view.template.partner_type
    return _form_page(request, None, form)


@router.post("/selection/templates/new", response_class=HTMLResponse)
def template_create(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    ensure_writer(actor)
    data = _document_from_form(form)
    try:
        view = service.create_template(
            session, actor=actor, data=parse(schemas.SelectionTemplateIn, data)
        )
    except CofabError as exc:
        session.rollback()
        return _form_page(request, None, _redisplay(data), exc)
    return RedirectResponse(f"/selection/templates/{view.template.id}?saved=1", status_code=303)


@router.get("/selection/templates/{template_id}", response_class=HTMLResponse)
def template_detail(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    template_id: int,
    version: int | None = None,
) -> Response:
    view = service.get_template(session, actor=actor, template_id=template_id)
    shown = (
        service.get_version(session, actor=actor, template_id=template_id, version=version)
        if version is not None
        else view.current
    )
    return page(
        request,
        "selection/template_detail.html",
        {
            "view": view,
            "version": shown,
            "ahp": service.version_ahp(shown, request.state.locale),
            "can_write": actor.role in WRITERS,
            "flash": saved(request),
        },
    )


@router.get("/selection/templates/{template_id}/edit", response_class=HTMLResponse)
def template_edit(
    request: Request, session: DbSession, actor: ActorDep, template_id: int
) -> Response:
    ensure_writer(actor)
    view = service.get_template(session, actor=actor, template_id=template_id)
    form = _form_from_version(view.current) | {"partner_type": view.template.partner_type}
    return _form_page(request, view.template.id, form)


@router.post("/selection/templates/{template_id}/edit", response_class=HTMLResponse)
def template_update(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep, template_id: int
) -> Response:
    ensure_writer(actor)
    service.get_template(session, actor=actor, template_id=template_id)
    data = _document_from_form(form)
    try:
        service.update_template(
            session,
            actor=actor,
            template_id=template_id,
            data=parse(schemas.SelectionTemplateIn, data),
        )
    except CofabError as exc:
        session.rollback()
        return _form_page(request, template_id, _redisplay(data), exc)
    return RedirectResponse(f"/selection/templates/{template_id}?saved=1", status_code=303)


@router.post("/selection/ahp-preview", response_class=HTMLResponse)
@viewer_may_call
def ahp_preview(request: Request, actor: ActorDep, form: FormDep) -> Response:
    """The form's live AHP panel: weights, CR and the pair to revisit, or what is wrong."""
    ensure_reader(actor)
    locale = request.state.locale
    rows = form_lists(form, ("c_key", "c_name_en", "c_name_ko"), ("c_key", "c_name_en"))
    names = [r[f"c_name_{locale}"] or r["c_name_en"] or r["c_key"] for r in rows]
    matrix = parse_matrix_text(str(form.get("ahp_matrix") or ""))
    try:
        summary = service.ahp_summary(matrix, names, locale)
    except CofabError as exc:
        # 200 so htmx swaps the panel in; the problems are the content here.
        return page(request, "selection/ahp_preview.html", labelled_error_context(exc, locale))
    return page(
        request,
        "selection/ahp_preview.html",
        {"summary": summary, "pairs": list(zip(names, summary.weights_percent, strict=True))},
    )


# --- form <-> document -----------------------------------------------------------------------


def parse_matrix_text(text: str) -> list[list[float | str]]:
    """One row per line, judgements separated by spaces, commas or semicolons ("1/3" allowed)."""
    rows: list[list[float | str]] = []
    for line in text.strip().splitlines():
        cells = [c for c in re.split(r"[\s,;]+", line.strip()) if c]
        if cells:
            rows.append(list(cells))
    return rows


def _document_from_form(form: FormData) -> dict[str, Any]:
    criteria = []
    for row in form_lists(form, tuple(f"c_{f}" for f in CRITERION_FIELDS), ("c_key", "c_name_en")):
        entry: dict[str, Any] = {f: row[f"c_{f}"] for f in CRITERION_FIELDS if row[f"c_{f}"]}
        criteria.append(entry)
    checklist = []
    for row in form_lists(form, tuple(f"k_{f}" for f in ITEM_FIELDS), ("k_key", "k_name_en")):
        item: dict[str, Any] = {f: row[f"k_{f}"] for f in ITEM_FIELDS if row[f"k_{f}"]}
        item["mandatory"] = row["k_mandatory"] != "no"
        item["fields"] = [f.strip() for f in row["k_fields"].split(",") if f.strip()]
        checklist.append(item)
    mode = str(form.get("weight_mode") or "direct")
    data: dict[str, Any] = {
        "name_en": str(form.get("name_en") or "").strip(),
        "name_ko": str(form.get("name_ko") or "").strip(),
        "weight_mode": mode,
        "criteria": criteria,
        "checklist": checklist or None,
    }
    partner_type = str(form.get("partner_type") or "")
    if partner_type:
        data["partner_type"] = partner_type
    note = str(form.get("note") or "").strip()
    if note:
        data["note"] = note
    if mode == "ahp":
        for c in criteria:
            c.pop("weight", None)
        data["ahp_matrix"] = parse_matrix_text(str(form.get("ahp_matrix") or ""))
    return data


def _redisplay(data: dict[str, Any]) -> dict[str, Any]:
    form = dict(data)
    form["ahp_text"] = "\n".join(
        " ".join(str(v) for v in row) for row in data.get("ahp_matrix") or []
    )
    return form


def _form_from_version(version: Any) -> dict[str, Any]:
    matrix = version.ahp_matrix or []
    return {
        "name_en": version.name_en,
        "name_ko": version.name_ko,
        "weight_mode": version.weight_mode,
        "criteria": [dict(c) for c in version.criteria],
        "checklist": [dict(i) for i in version.checklist],
        "note": version.note,
        "ahp_text": "\n".join(" ".join(_judgement(v) for v in row) for row in matrix),
    }


def _judgement(value: float) -> str:
    if value >= 1:
        return f"{value:g}"
    inverse = 1 / value
    return f"1/{inverse:g}" if abs(inverse - round(inverse)) < 1e-9 else f"{value:g}"


def _form_page(
    request: Request, template_id: int | None, form: dict[str, Any], exc: CofabError | None = None
) -> Response:
    checklist = form.get("checklist")
    if checklist is None:
        checklist = service.default_checklist(form.get("partner_type"))
    ctx = {
        "template_id": template_id,
        "form": form,
        "criteria": list(form.get("criteria") or []) + [{}] * SPARE_ROWS,
        "checklist": list(checklist) + [{}] * SPARE_ROWS,
        "partner_types": PARTNER_TYPES,
    }
    if exc is not None:
        return page_with_error(request, "selection/template_form.html", ctx, exc)
    return page(request, "selection/template_form.html", ctx)
