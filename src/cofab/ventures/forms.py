"""Page forms to create and edit a joint venture or an alliance (the API and CLI already could).

A JV form carries up to ``ROWS`` parent rows (company, equity %, board seats); an alliance form
up to ``ROWS`` parties. Empty rows are dropped, "our company" is the owner side. A refused form
(equity not adding up to 100 %, a parent twice, a missing name…) is shown again with what was
typed and one message per field, in the reader's language; nothing is saved. Its router is
registered before ``pages`` so ``/ventures/new`` is not read as a venture id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import CofabError
from cofab.core.forms import FormDep, fields, parse
from cofab.core.web import DbSession, error_context, page_actor, render
from cofab.partners.models import Partner
from cofab.ventures import alliances, jv, schemas

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
ROWS = 6
MATTER_ROWS = 50  # what VentureUpdate takes
OWNER = "owner"  # the select's value for our own company (partner_id None)


def _partners(session: Session) -> list[Partner]:
    return list(session.execute(select(Partner).order_by(Partner.name_en)).scalars())


def _rows(
    data: dict[str, Any], prefix: str, keys: tuple[str, ...], count: int = ROWS
) -> list[dict[str, Any]]:
    """``parent_0_partner_id``, ``parent_0_equity_pct``… → one dict per filled row; a row is
    filled when its first key is (the company, or a reserved matter's code)."""
    rows: list[dict[str, Any]] = []
    first = keys[0]
    for index in range(count):
        row = {key: data.pop(f"{prefix}_{index}_{key}", "") for key in keys}
        if not row[first]:
            continue
        if first == "partner_id":
            row["partner_id"] = None if row["partner_id"] == OWNER else row["partner_id"]
        rows.append({k: v for k, v in row.items() if v != "" or k == first})
    return rows


def _has_rows(form: Any, prefix: str) -> bool:
    """Did the form carry the rows at all (the edit page always does, even all emptied)? A
    post without them leaves that list as it is."""
    return any(str(key).startswith(f"{prefix}_") for key in form)


def _filled(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    """Rows as the form's ``<prefix>_<i>_<key>`` fields, for an edit form shown filled in."""
    return {f"{prefix}_{i}_{k}": v for i, row in enumerate(rows) for k, v in row.items()}


def _venture_rows(venture: Any) -> list[dict[str, Any]]:
    return [
        {
            "partner_id": OWNER if p.partner_id is None else str(p.partner_id),
            "equity_pct": f"{p.equity_pct.normalize():f}",
            "board_seats": str(p.board_seats),
        }
        for p in venture.parents
    ]


def _matter_rows(venture: Any) -> list[dict[str, str]]:
    return [
        {
            "id": str(m.id),
            "code": m.code,
            "title": m.title,
            "rule": m.rule,
            "basis": m.basis,
            "threshold_pct": f"{m.threshold_pct.normalize():f}" if m.threshold_pct else "",
        }
        for m in venture.matters
    ]


def _party_rows(alliance: Any) -> list[dict[str, str]]:
    return [
        {"partner_id": OWNER if p.partner_id is None else str(p.partner_id), "role": p.role}
        for p in alliance.parties
    ]


def _show(
    request: Request,
    session: Session,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    venture = context.get("venture")
    matter_rows = max(3, len(venture.matters) + 2) if venture is not None else 3
    base = {
        "partners": _partners(session),
        "rows": ROWS,
        "matter_rows": min(matter_rows, MATTER_ROWS),
        "owner": OWNER,
        "form": {},
    }
    return render(request, template, base | context, status_code=status_code)


def _submit(
    request: Request,
    session: Session,
    template: str,
    context: dict[str, Any],
    typed: dict[str, Any],
    write: Callable[[], str],
) -> Response:
    """Run the write and go where it says; a refusal shows the form again with what was typed
    and the messages, nothing saved."""
    try:
        target = write()
    except CofabError as exc:
        session.rollback()
        error = error_context(exc, request.state.locale)
        shown = context | {"form": typed, **error}
        return _show(request, session, template, shown, status_code=exc.status)
    return RedirectResponse(target, status_code=303)


# --- joint ventures ---------------------------------------------------------------------------

PARENT_KEYS = ("partner_id", "equity_pct", "board_seats")
MATTER_KEYS = ("code", "title", "rule", "basis", "threshold_pct", "id")


@router.get("/ventures/new", response_class=HTMLResponse)
def new_venture(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    jv.ensure_writer(actor)
    return _show(request, session, "ventures/venture_form.html", {"venture": None})


@router.post("/ventures/new", response_model=None)
def create_venture(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    jv.ensure_writer(actor)
    typed = fields(form)
    data = dict(typed)
    data["parents"] = _rows(data, "parent", PARENT_KEYS)
    data["matters"] = _rows(data, "matter", MATTER_KEYS, MATTER_ROWS)

    def write() -> str:
        venture = jv.create_venture(session, actor=actor, data=parse(schemas.VentureCreate, data))
        return f"/ventures/{venture.id}"

    context = {"venture": None}
    return _submit(request, session, "ventures/venture_form.html", context, typed, write)


@router.get("/ventures/{venture_id}/edit", response_class=HTMLResponse)
def edit_venture(
    request: Request, session: DbSession, actor: ActorDep, venture_id: int
) -> HTMLResponse:
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)
    jv.ensure_writer(actor)
    form: dict[str, Any] = {
        "name": venture.name,
        "formed_on": venture.formed_on.isoformat() if venture.formed_on else "",
        "quorum_pct": f"{venture.quorum_pct.normalize():f}",
        "quorum_basis": venture.quorum_basis,
        "notes": venture.notes,
    }
    form |= _filled("parent", _venture_rows(venture)) | _filled("matter", _matter_rows(venture))
    context = {"venture": venture, "form": form}
    return _show(request, session, "ventures/venture_form.html", context)


@router.post("/ventures/{venture_id}/edit", response_model=None)
def update_venture(
    request: Request, session: DbSession, actor: ActorDep, venture_id: int, form: FormDep
) -> Response:
    venture = jv.get_venture(session, actor=actor, venture_id=venture_id)  # 404 first
    jv.ensure_writer(actor)
    typed = fields(form)
    data = dict(typed)
    parents = {"parents": _rows(data, "parent", PARENT_KEYS)}
    if _has_rows(form, "matter"):
        data["matters"] = _rows(data, "matter", MATTER_KEYS, MATTER_ROWS)
    data.pop("currency", None)
    data.pop("partner_id", None)

    def write() -> str:
        jv.update_venture(
            session,
            actor=actor,
            venture_id=venture.id,
            data=parse(schemas.VentureUpdate, data),
            parents=parse(schemas.ParentsIn, parents),
        )
        return f"/ventures/{venture.id}"

    context = {"venture": venture}
    return _submit(request, session, "ventures/venture_form.html", context, typed, write)


# --- alliances --------------------------------------------------------------------------------

PARTY_KEYS = ("partner_id", "role")


@router.get("/ventures/alliances/new", response_class=HTMLResponse)
def new_alliance(request: Request, session: DbSession, actor: ActorDep) -> HTMLResponse:
    jv.ensure_writer(actor)
    return _show(request, session, "ventures/alliance_form.html", {"alliance": None})


@router.post("/ventures/alliances/new", response_model=None)
def create_alliance(
    request: Request, session: DbSession, actor: ActorDep, form: FormDep
) -> Response:
    jv.ensure_writer(actor)
    typed = fields(form)
    data = dict(typed)
    data["parties"] = _rows(data, "party", PARTY_KEYS)

    def write() -> str:
        made = alliances.create_alliance(
            session, actor=actor, data=parse(schemas.AllianceCreate, data)
        )
        return f"/ventures/alliances/{made.id}"

    context = {"alliance": None}
    return _submit(request, session, "ventures/alliance_form.html", context, typed, write)


@router.get("/ventures/alliances/{alliance_id}/edit", response_class=HTMLResponse)
def edit_alliance(
    request: Request, session: DbSession, actor: ActorDep, alliance_id: int
) -> HTMLResponse:
    alliance = alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    jv.ensure_writer(actor)
    form = {
        "name": alliance.name,
        "purpose": alliance.purpose,
        "started_on": alliance.started_on.isoformat() if alliance.started_on else "",
    } | _filled("party", _party_rows(alliance))
    context = {"alliance": alliance, "form": form}
    return _show(request, session, "ventures/alliance_form.html", context)


@router.post("/ventures/alliances/{alliance_id}/edit", response_model=None)
def update_alliance(
    request: Request, session: DbSession, actor: ActorDep, alliance_id: int, form: FormDep
) -> Response:
    alliance = alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    jv.ensure_writer(actor)
    typed = fields(form)
    data: dict[str, Any] = dict(typed)
    if _has_rows(form, "party"):
        data["parties"] = _rows(data, "party", PARTY_KEYS)
    data = {k: v for k, v in data.items() if k in ("name", "purpose", "started_on", "parties")}

    def write() -> str:
        alliances.update_alliance(
            session,
            actor=actor,
            alliance_id=alliance.id,
            data=parse(schemas.AllianceUpdate, data),
        )
        return f"/ventures/alliances/{alliance.id}"

    context = {"alliance": alliance}
    return _submit(request, session, "ventures/alliance_form.html", context, typed, write)
