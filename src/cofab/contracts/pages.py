"""Contract pages: thin routes that parse a form, call the service and render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts import attention, clauses, penalty_runs, raci, schemas, service
from cofab.contracts.field_labels import labelled_error_context
from cofab.contracts.lifecycle import MANAGERS, allowed_targets, approved_partners, editors
from cofab.contracts.models import ContractKind, ContractStatus
from cofab.contracts.penalties import explain
from cofab.contracts.penalty_input import KIND_LABELS
from cofab.contracts.queries import ContractFilters, get_contract, open_version, party_names
from cofab.contracts.term_forms import default_form, form_from_terms, terms_from_form
from cofab.core.access import REGISTRY_WRITERS, Actor, viewer_may_call
from cofab.core.dashboard import register_dashboard_widget
from cofab.core.errors import CofabError, FieldProblem, Forbidden, ValidationFailed
from cofab.core.forms import FormDep, fields, parse
from cofab.core.i18n import N_, translate
from cofab.core.pagination import Page, paginate
from cofab.core.web import DbSession, PageActor, render
from cofab.db.base import utcnow
from cofab.partners.models import Partner

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
KINDS = [k.value for k in ContractKind]
STATUSES = [s.value for s in ContractStatus if s != ContractStatus.SUPERSEDED]
CHOICES: dict[str, Any] = {
    "kinds": KINDS,
    "statuses": STATUSES,
    "incoterms": ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"],
    "ip_background": ["each_party_keeps", "owner", "partner"],
    "ip_foreground": ["owner", "partner", "joint"],
    "ip_improvements": ["owner", "partner", "joint", "grant_back"],
    "responsibles": ["owner", "partner", "shared", "third_party"],
    "periods": ["week", "month", "quarter", "year"],
}
ATTENTION_WINDOW_DAYS = 90


def _choices_ctx(session: Session, actor: Actor) -> dict[str, Any]:
    partners = session.execute(select(Partner).order_by(Partner.name_en)).scalars().all()
    library = clauses.list_clauses(session, actor=actor) if not actor.is_partner else []
    return CHOICES | {"partners": partners, "library": library}


def _flash(request: Request, saved: int) -> dict[str, Any]:
    return {"flash": translate(N_("Saved."), request.state.locale)} if saved else {}


# --- list, attention, dashboard --------------------------------------------------------------


@router.get("/contracts", response_class=HTMLResponse)
def contract_list(
    request: Request, session: DbSession, actor: PageActor, page: int = 1
) -> Response:
    q = request.query_params
    partner_raw = q.get("partner_id") or ""
    filters = ContractFilters(
        q=q.get("q") or None,
        kind=q.get("kind") or None,
        status=q.get("status") or None,
        partner_id=int(partner_raw) if partner_raw.isdigit() else None,
    )
    now = utcnow()
    items, total = paginate(
        session, service.contract_query(actor, filters, now), page=page, size=PAGE_SIZE
    )
    rows = [
        service.contract_read(c, now, internal=not actor.is_partner)
        | {"parties": party_names(session, c)}
        for c in items
    ]
    query = urlencode([(k, v) for k, v in q.multi_items() if k != "page" and v])
    return render(
        request,
        "contracts/list.html",
        CHOICES
        | {
            "result": Page[Any](items=rows, total=total, page=max(page, 1), size=PAGE_SIZE),
            "filters": filters,
            "query": query,
            "can_create": not actor.is_partner and actor.role in MANAGERS | {"quality"},
        },
    )


@router.get("/contracts/attention", response_class=HTMLResponse)
def contract_attention(
    request: Request, session: DbSession, actor: PageActor, days: str = ""
) -> Response:
    days_n = attention.window_days(days, ATTENTION_WINDOW_DAYS)
    items = attention.attention_items(session, actor=actor, now=utcnow(), within_days=days_n)
    return render(
        request,
        "contracts/attention.html",
        {"items": items, "days": days_n, "reasons": attention.REASONS},
    )


def attention_widget(session: Session, actor: Actor) -> tuple[str, dict[str, Any]] | None:
    items = attention.attention_items(
        session, actor=actor, now=utcnow(), within_days=ATTENTION_WINDOW_DAYS
    )
    return "contracts/widget.html", {
        "contract_items": items[:8],
        "contract_total": len(items),
        "contract_reasons": attention.REASONS,
        "contract_days": ATTENTION_WINDOW_DAYS,
    }


register_dashboard_widget(attention_widget)


# --- create / edit / amend -------------------------------------------------------------------


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    mode: str,
    form: dict[str, Any],
    contract: Any = None,
    error: CofabError | None = None,
) -> Response:
    ctx = _choices_ctx(session, actor) | {"mode": mode, "form": form, "contract": contract}
    if error is not None:
        ctx |= labelled_error_context(error, request.state.locale)
    return render(request, "contracts/form.html", ctx, status_code=error.status if error else 200)


def _custom_clause(data: dict[str, Any]) -> list[dict[str, str]]:
    keys = ("title_en", "title_ko", "text_en", "text_ko")
    clause = {k: str(data.get(f"clause.{k}", "")) for k in keys}
    return [clause] if any(clause.values()) else []


def _require_owner_staff(actor: Actor) -> None:
    if actor.is_partner:
        raise Forbidden()


@router.get("/contracts/new", response_class=HTMLResponse)
def contract_new(request: Request, session: DbSession, actor: PageActor) -> Response:
    _require_owner_staff(actor)
    return _form_page(request, session, actor, mode="new", form=default_form())


@router.post("/contracts/new", response_class=HTMLResponse)
def contract_create(
    request: Request, session: DbSession, actor: PageActor, form: FormDep
) -> Response:
    _require_owner_staff(actor)
    data = fields(form, lists=("partner_ids", "clause_codes"))
    try:
        body = {
            k: data[k]
            for k in ("kind", "title", "external_ref", "next_review_date", "notes")
            if k in data
        } | {
            "review_interval_months": data.get("review_interval_months"),
            "partner_ids": data["partner_ids"],
            "clause_codes": data["clause_codes"],
            "clauses": _custom_clause(data),
            "terms": terms_from_form(data),
        }
        body = {k: v for k, v in body.items() if v is not None}
        contract = service.create_contract(
            session, actor=actor, data=parse(schemas.ContractCreate, body)
        )
    except CofabError as exc:
        session.rollback()
        return _form_page(request, session, actor, mode="new", form=data, error=exc)
    return RedirectResponse(f"/contracts/{contract.id}?saved=1", status_code=303)


@router.get("/contracts/{contract_id}/edit", response_class=HTMLResponse)
def contract_edit(
    request: Request, session: DbSession, actor: PageActor, contract_id: int
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    service.require_editor(actor, contract.kind)
    version = open_version(session, contract) or service.latest_version(session, contract)
    form = form_from_terms(version.terms) | {
        "title": contract.title,
        "next_review_date": contract.next_review_date,
        "review_interval_months": contract.review_interval_months,
        "notes": contract.notes,
        "summary": version.summary,
        "effective_from": version.effective_from.date().isoformat(),
    }
    return _form_page(request, session, actor, mode="edit", form=form, contract=contract)


@router.post("/contracts/{contract_id}/edit", response_class=HTMLResponse)
def contract_update(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    data = fields(form, lists=("clause_codes",))
    try:
        header = {
            k: data.get(k) for k in ("title", "next_review_date", "review_interval_months", "notes")
        }
        service.update_contract(
            session,
            actor=actor,
            contract_id=contract_id,
            data=parse(schemas.ContractUpdate, {k: v for k, v in header.items() if v}),
        )
        draft: dict[str, Any] = {
            "terms": terms_from_form(data),
            "clause_codes": data["clause_codes"],
            "summary": data.get("summary"),
            "effective_from": data.get("effective_from"),
        }
        extra = _custom_clause(data)
        if extra:
            version = open_version(session, contract)
            draft["clauses"] = (list(version.clauses) if version else []) + extra
        service.update_draft(
            session,
            actor=actor,
            contract_id=contract_id,
            data=parse(schemas.DraftUpdate, {k: v for k, v in draft.items() if v is not None}),
        )
    except CofabError as exc:
        session.rollback()
        contract = get_contract(session, actor=actor, contract_id=contract_id)
        return _form_page(
            request, session, actor, mode="edit", form=data, contract=contract, error=exc
        )
    return RedirectResponse(f"/contracts/{contract_id}?saved=1", status_code=303)


@router.get("/contracts/{contract_id}/amend", response_class=HTMLResponse)
def contract_amend_form(
    request: Request, session: DbSession, actor: PageActor, contract_id: int
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    service.require_editor(actor, contract.kind)
    current = service.governing_version(session, contract) or service.latest_version(
        session, contract
    )
    form = form_from_terms(current.terms) | {"effective_from": date.today().isoformat()}
    return _form_page(request, session, actor, mode="amend", form=form, contract=contract)


@router.post("/contracts/{contract_id}/amend", response_class=HTMLResponse)
def contract_amend(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    data = fields(form, lists=("clause_codes",))
    try:
        body: dict[str, Any] = {
            "summary": data.get("summary", ""),
            "effective_from": data.get("effective_from"),
            "terms": terms_from_form(data),
            "clause_codes": data["clause_codes"],
        }
        extra = _custom_clause(data)
        if extra:
            previous = service.latest_version(session, contract)
            body["clauses"] = list(previous.clauses) + extra
        service.create_amendment(
            session,
            actor=actor,
            contract_id=contract_id,
            data=parse(schemas.AmendmentCreate, {k: v for k, v in body.items() if v is not None}),
        )
    except CofabError as exc:
        session.rollback()
        contract = get_contract(session, actor=actor, contract_id=contract_id)
        return _form_page(
            request, session, actor, mode="amend", form=data, contract=contract, error=exc
        )
    return RedirectResponse(f"/contracts/{contract_id}?saved=1", status_code=303)


# --- detail and actions ----------------------------------------------------------------------


def _detail_ctx(session: Session, actor: Actor, contract_id: int) -> dict[str, Any]:
    detail = service.contract_detail(session, actor=actor, contract_id=contract_id)
    contract = detail["contract"]
    pending = detail["open_version"]
    now = utcnow()
    return detail | {
        "transitions": allowed_targets(contract, pending, actor)
        if detail["status"] not in (ContractStatus.EXPIRED, ContractStatus.TERMINATED)
        else [],
        "comments": service.comments_of(session, actor=actor, contract_id=contract_id),
        "can_edit": not actor.is_partner and actor.role in editors(contract.kind),
        "can_manage": not actor.is_partner and actor.role in MANAGERS,
        "can_comment": (
            (actor.is_partner and pending is not None and pending.status == "partner_review")
            or (not actor.is_partner and actor.role in service.COMMENTERS)
        ),
        "party_labels": {str(p["partner_id"]): p for p in detail["parties"]},
        "is_partner": actor.is_partner,
        "partner_may_approve": actor.is_partner
        and pending is not None
        and pending.status == ContractStatus.PARTNER_REVIEW
        and actor.partner_id not in approved_partners(session, pending),
        "now": now,
        "today": now.date(),
    }


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
def contract_detail(
    request: Request, session: DbSession, actor: PageActor, contract_id: int, saved: int = 0
) -> Response:
    ctx = _detail_ctx(session, actor, contract_id) | _flash(request, saved)
    return render(request, "contracts/detail.html", ctx)


def _act(
    request: Request, session: Session, actor: Actor, contract_id: int, action: Callable[[], Any]
) -> Response:
    """Run a change on a contract the actor can see (404 before the form is read); on a broken
    rule re-render the contract page with the reason."""
    get_contract(session, actor=actor, contract_id=contract_id)
    try:
        action()
    except CofabError as exc:
        session.rollback()
        ctx = _detail_ctx(session, actor, contract_id) | labelled_error_context(
            exc, request.state.locale
        )
        return render(request, "contracts/detail.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/contracts/{contract_id}?saved=1", status_code=303)


@router.post("/contracts/{contract_id}/transitions", response_class=HTMLResponse)
def contract_transition(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    data = fields(form)

    def move() -> None:
        parsed = parse(
            schemas.TransitionRequest,
            {k: data[k] for k in ("to", "comment", "at", "on_behalf_of") if k in data},
        )
        service.transition(
            session,
            actor=actor,
            contract_id=contract_id,
            to=parsed.to.value,
            comment=parsed.comment,
            at=parsed.at,
            on_behalf_of=parsed.on_behalf_of,
        )

    return _act(request, session, actor, contract_id, move)


@router.post("/contracts/{contract_id}/non-renewal", response_class=HTMLResponse)
def contract_non_renewal(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    comment = fields(form).get("comment")

    def notice() -> None:
        service.give_non_renewal_notice(
            session, actor=actor, contract_id=contract_id, comment=comment
        )

    return _act(request, session, actor, contract_id, notice)


@router.post("/contracts/{contract_id}/reviews", response_class=HTMLResponse)
def contract_reviewed(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    data = fields(form)

    def review() -> None:
        parsed = parse(
            schemas.ReviewDone,
            {k: data[k] for k in ("comment", "next_review_date") if k in data},
        )
        service.mark_reviewed(
            session,
            actor=actor,
            contract_id=contract_id,
            comment=parsed.comment,
            next_review_date=parsed.next_review_date,
        )

    return _act(request, session, actor, contract_id, review)


@router.post("/contracts/{contract_id}/comments", response_class=HTMLResponse)
def contract_comment(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    data = fields(form)

    def comment() -> None:
        body = parse(schemas.CommentCreate, {"body": data.get("body", "")}).body
        service.add_comment(session, actor=actor, contract_id=contract_id, body=body)

    return _act(request, session, actor, contract_id, comment)


@router.post("/contracts/{contract_id}/delete")
def contract_delete(
    request: Request, session: DbSession, actor: PageActor, contract_id: int
) -> Response:
    get_contract(session, actor=actor, contract_id=contract_id)
    try:
        service.delete_contract(session, actor=actor, contract_id=contract_id)
    except CofabError as exc:
        session.rollback()
        ctx = _detail_ctx(session, actor, contract_id) | labelled_error_context(
            exc, request.state.locale
        )
        return render(request, "contracts/detail.html", ctx, status_code=exc.status)
    return RedirectResponse("/contracts", status_code=303)


@router.get("/contracts/{contract_id}/compare", response_class=HTMLResponse)
def contract_compare(
    request: Request,
    session: DbSession,
    actor: PageActor,
    contract_id: int,
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    versions = service.versions_of(session, actor=actor, contract=contract)
    numbers = [v.number for v in versions]
    q = request.query_params
    old = (
        int(q["from"])
        if q.get("from", "").isdigit()
        else (numbers[-2] if len(numbers) > 1 else numbers[0])
    )
    new = int(q["to"]) if q.get("to", "").isdigit() else numbers[-1]
    changes, text = service.compare_versions(
        session,
        actor=actor,
        contract_id=contract_id,
        from_number=old,
        to_number=new,
        locale=request.state.locale,
    )
    return render(
        request,
        "contracts/compare.html",
        {
            "contract": contract,
            "numbers": numbers,
            "old": old,
            "new": new,
            "changes": changes,
            "text_diff": text,
        },
    )


# --- RACI ------------------------------------------------------------------------------------


def _raci_ctx(session: Session, actor: Actor, contract_id: int) -> dict[str, Any]:
    contract, matrix = raci.get_raci(session, actor=actor, contract_id=contract_id)
    parties = party_names(session, contract)
    activities = list(matrix) or list(raci.DEFAULT_ACTIVITIES)
    return {
        "contract": contract,
        "matrix": matrix,
        "activities": activities,
        "party_keys": raci.party_keys(contract),
        "party_labels": {str(p.id): p for p in parties},
        "can_edit": not actor.is_partner and actor.role in editors(contract.kind),
    }


@router.get("/contracts/{contract_id}/raci", response_class=HTMLResponse)
def contract_raci(
    request: Request, session: DbSession, actor: PageActor, contract_id: int, saved: int = 0
) -> Response:
    ctx = _raci_ctx(session, actor, contract_id) | _flash(request, saved)
    return render(request, "contracts/raci.html", ctx)


@router.post("/contracts/{contract_id}/raci", response_class=HTMLResponse)
def contract_raci_save(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, contract_id: int
) -> Response:
    """Cells arrive as ``cell.<row>.<party>`` with the activity name in ``activity.<row>``."""
    get_contract(session, actor=actor, contract_id=contract_id)
    data = fields(form)
    matrix: dict[str, dict[str, str]] = {}
    rows = sorted(
        {int(k.split(".")[1]) for k in data if k.startswith("activity.") and k[9:].isdigit()}
    )
    for row in rows:
        activity = str(data.get(f"activity.{row}", "")).strip()
        if not activity:
            continue
        prefix = f"cell.{row}."
        matrix[activity] = {
            k[len(prefix) :]: str(v) for k, v in data.items() if k.startswith(prefix)
        }
    try:
        raci.set_raci(session, actor=actor, contract_id=contract_id, matrix=matrix)
    except CofabError as exc:
        session.rollback()
        ctx = _raci_ctx(session, actor, contract_id) | labelled_error_context(
            exc, request.state.locale
        )
        ctx |= {"matrix": matrix, "activities": list(matrix) or ctx["activities"]}
        return render(request, "contracts/raci.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/contracts/{contract_id}/raci?saved=1", status_code=303)


# --- penalties -------------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/penalties", response_class=HTMLResponse)
def contract_penalties(
    request: Request,
    session: DbSession,
    actor: PageActor,
    contract_id: int,
    source: str = "",
    start: str = "",
    end: str = "",
    format: str = "html",
) -> Response:
    """The upload form; with ``source=operations`` the period's booked receipts are used."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    _require_owner_staff(actor)
    first, last = penalty_runs.previous_month(date.today())
    ctx: dict[str, Any] = {"contract": contract, "start": start or first, "end": end or last}
    if source != "operations":
        return render(request, "contracts/penalties.html", ctx)
    try:
        report = penalty_runs.run_from_operations(
            session,
            actor=actor,
            contract_id=contract_id,
            start=_date_field("start", start) or first,
            end=_date_field("end", end) or last,
        )
    except CofabError as exc:
        return render(
            request,
            "contracts/penalties.html",
            ctx | labelled_error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return _penalty_result(request, ctx, report, format, contract_id)


def _penalty_result(
    request: Request, ctx: dict[str, Any], report: Any, format: str, contract_id: int
) -> Response:
    locale = request.state.locale
    if format in ("csv", "xlsx"):
        return penalty_runs.report_response(report, format, locale, contract_id)
    return render(
        request,
        "contracts/penalties.html",
        ctx
        | {
            "report": report,
            "explain": lambda line: explain(line, locale),
            "kind_labels": KIND_LABELS,
            "skipped": [
                (ref, translate(msg, locale, **params)) for ref, msg, params in report.skipped
            ],
        },
    )


@router.post("/contracts/{contract_id}/penalties", response_class=HTMLResponse)
@viewer_may_call
def contract_penalties_run(
    request: Request,
    session: DbSession,
    actor: PageActor,
    contract_id: int,
    file: Annotated[UploadFile | None, File()] = None,
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    format: Annotated[str, Form()] = "html",
) -> Response:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    _require_owner_staff(actor)
    locale = request.state.locale
    ctx: dict[str, Any] = {"contract": contract, "start": start, "end": end}
    try:
        if file is None:
            raise ValidationFailed(problems=[FieldProblem("file", N_("This field is required."))])
        first = _date_field("start", start)
        last = _date_field("end", end)
        report = penalty_runs.run_for_upload(
            session,
            actor=actor,
            contract_id=contract.id,
            file=file,
            max_upload_mb=request.app.state.settings.max_upload_mb,
            start=first,
            end=last,
        )
    except CofabError as exc:
        return render(
            request,
            "contracts/penalties.html",
            ctx | labelled_error_context(exc, locale),
            status_code=exc.status,
        )
    return _penalty_result(request, ctx, report, format, contract_id)


def _date_field(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed(
            problems=[FieldProblem(name, N_("Must be a date (YYYY-MM-DD)."))]
        ) from exc


# --- clause library --------------------------------------------------------------------------


@router.get("/contract-clauses", response_class=HTMLResponse)
def clause_library(
    request: Request, session: DbSession, actor: PageActor, saved: int = 0
) -> Response:
    q = request.query_params
    rows = clauses.list_clauses(
        session, actor=actor, category=q.get("category") or None, q=q.get("q") or None
    )
    return render(
        request,
        "contracts/clauses.html",
        {
            "clauses": rows,
            "kinds": KINDS,
            "form": {},
            "can_write": actor.role in REGISTRY_WRITERS,
        }
        | _flash(request, saved),
    )


@router.post("/contract-clauses", response_class=HTMLResponse)
def clause_create(
    request: Request, session: DbSession, actor: PageActor, form: FormDep
) -> Response:
    data = fields(form)
    try:
        clauses.create_clause(session, actor=actor, data=parse(schemas.ClauseCreate, data))
    except CofabError as exc:
        session.rollback()
        rows = clauses.list_clauses(session, actor=actor)
        return render(
            request,
            "contracts/clauses.html",
            {"clauses": rows, "kinds": KINDS, "form": data, "can_write": True}
            | labelled_error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse("/contract-clauses?saved=1", status_code=303)


@router.get("/contract-clauses/{clause_id}/edit", response_class=HTMLResponse)
def clause_edit(request: Request, session: DbSession, actor: PageActor, clause_id: int) -> Response:
    clause = clauses.get_clause(session, actor=actor, clause_id=clause_id)
    form = schemas.ClauseRead.model_validate(clause).model_dump()
    return render(
        request, "contracts/clause_form.html", {"clause": clause, "form": form, "kinds": KINDS}
    )


@router.post("/contract-clauses/{clause_id}/edit", response_class=HTMLResponse)
def clause_update(
    request: Request, session: DbSession, actor: PageActor, form: FormDep, clause_id: int
) -> Response:
    clause = clauses.get_clause(session, actor=actor, clause_id=clause_id)
    data = fields(form)
    data.pop("code", None)
    try:
        clauses.update_clause(
            session, actor=actor, clause_id=clause_id, data=parse(schemas.ClauseUpdate, data)
        )
    except CofabError as exc:
        session.rollback()
        return render(
            request,
            "contracts/clause_form.html",
            {"clause": clause, "form": data, "kinds": KINDS}
            | labelled_error_context(exc, request.state.locale),
            status_code=exc.status,
        )
    return RedirectResponse("/contract-clauses?saved=1", status_code=303)
