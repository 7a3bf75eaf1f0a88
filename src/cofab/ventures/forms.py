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
OWNER = "owner"  # the select's value for our own company (partner_id None)


def _partners(session: Session) -> list[Partner]:
    return list(session.execute(select(Partner).order_by(Partner.name_en)).scalars())


def _rows(data: dict[str, Any], prefix: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """``parent_0_partner_id``, ``parent_0_equity_pct``… → one dict per filled row."""
    rows: list[dict[str, Any]] = []
    for index in range(ROWS):
        row = {key: data.pop(f"{prefix}_{index}_{key}", "") for key in keys}
        if not row["partner_id"]:
            continue
        row["partner_id"] = None if row["partner_id"] == OWNER else row["partner_id"]
        rows.append({k: v for k, v in row.items() if v != "" or k == "partner_id"})
    return rows


def _venture_rows(venture: Any) -> list[dict[str, Any]]:
    return [
        {
            "partner_id": OWNER if p.partner_id is None else str(p.partner_id),
            "equity_pct": f"{p.equity_pct.normalize():f}",
            "board_seats": str(p.board_seats),
        }
        for p in venture.parents
    ]


def _show(
    request: Request,
    session: Session,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    base = {"partners": _partners(session), "rows": ROWS, "owner": OWNER, "form": {}}
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
    for index, row in enumerate(_venture_rows(venture)):
        form |= {f"parent_{index}_{k}": v for k, v in row.items()}
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
    }
    context = {"alliance": alliance, "form": form}
    return _show(request, session, "ventures/alliance_form.html", context)


@router.post("/ventures/alliances/{alliance_id}/edit", response_model=None)
def update_alliance(
    request: Request, session: DbSession, actor: ActorDep, alliance_id: int, form: FormDep
) -> Response:
    alliance = alliances.get_alliance(session, actor=actor, alliance_id=alliance_id)
    jv.ensure_writer(actor)
    typed = fields(form)
    data = {k: v for k, v in typed.items() if k in ("name", "purpose", "started_on")}

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
