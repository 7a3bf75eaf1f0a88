"""Contracts JSON API under /api/v1: parse, call one service function, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile

from cofab.contracts import attention, clauses, penalty_runs, raci, schemas, service
from cofab.contracts.field_labels import paired_problems
from cofab.contracts.queries import ContractFilters, get_contract, versions_of
from cofab.core.access import Actor, viewer_may_call
from cofab.core.errors import ValidationFailed
from cofab.core.pagination import Page, paginate
from cofab.core.web import ApiActor, DbSession
from cofab.db.base import utcnow

router = APIRouter(prefix="/api/v1", tags=["contracts"])


async def _terms_pairs_checked(request: Request) -> None:
    """Refuse a terms field sent without the field it needs (tiers without a currency …) with a
    message naming both, before the schema would only say "required" on the missing one."""
    try:
        body = await request.json()
    except ValueError:
        return  # the body model reports malformed JSON
    if isinstance(body, dict):
        problems = paired_problems(body.get("terms"))
        if problems:
            raise ValidationFailed(problems=problems)


PairsChecked = Annotated[None, Depends(_terms_pairs_checked)]


def _read(contract: Any, actor: Actor) -> schemas.ContractRead:
    return schemas.ContractRead.model_validate(
        service.contract_read(contract, utcnow(), internal=not actor.is_partner)
    )


@router.get("/contracts", response_model=Page[schemas.ContractRead])
def list_contracts(
    session: DbSession,
    actor: ApiActor,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    partner_id: int | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 25,
) -> Page[schemas.ContractRead]:
    stmt = service.contract_query(
        actor, ContractFilters(q=q, kind=kind, status=status, partner_id=partner_id), utcnow()
    )
    items, total = paginate(session, stmt, page=page, size=size)
    return Page[schemas.ContractRead](
        items=[_read(c, actor) for c in items], total=total, page=page, size=size
    )


@router.post("/contracts", response_model=schemas.ContractRead, status_code=201)
def create_contract(
    session: DbSession, actor: ApiActor, _pairs: PairsChecked, body: schemas.ContractCreate
) -> Any:
    return _read(service.create_contract(session, actor=actor, data=body), actor)


@router.get("/contracts/attention", response_model=list[schemas.AttentionItem])
def contracts_needing_attention(
    session: DbSession,
    actor: ApiActor,
    days: Annotated[
        str, Query(description="Window in days, 1–3650; blank or absent means 90")
    ] = "",
) -> Any:
    window = attention.window_days(days, 90)
    items = attention.attention_items(session, actor=actor, now=utcnow(), within_days=window)
    return [
        schemas.AttentionItem(
            contract_id=i.contract.id,
            title=i.contract.title,
            kind=i.contract.kind,
            reason=i.reason,
            due=i.due,
            days_left=i.days_left,
        )
        for i in items
    ]


@router.get("/contracts/{contract_id}", response_model=schemas.ContractDetail)
def get_contract_detail(session: DbSession, actor: ApiActor, contract_id: int) -> Any:
    detail = service.contract_detail(session, actor=actor, contract_id=contract_id)
    return schemas.ContractDetail.model_validate(
        {
            **{k: v for k, v in detail.items() if k in schemas.ContractRead.model_fields},
            "parties": detail["parties"],
            "versions": [schemas.VersionRead.model_validate(v) for v in detail["versions"]],
            "current_version": schemas.VersionDetail.model_validate(detail["current_version"]),
            "open_version_number": detail["open_version_number"],
            "events": [schemas.EventRead.model_validate(e) for e in detail["events"]],
        }
    )


@router.patch("/contracts/{contract_id}", response_model=schemas.ContractRead)
def update_contract(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.ContractUpdate
) -> Any:
    return _read(
        service.update_contract(session, actor=actor, contract_id=contract_id, data=body), actor
    )


@router.delete("/contracts/{contract_id}", status_code=204)
def delete_contract(session: DbSession, actor: ApiActor, contract_id: int) -> Response:
    service.delete_contract(session, actor=actor, contract_id=contract_id)
    return Response(status_code=204)


@router.put("/contracts/{contract_id}/draft", response_model=schemas.VersionDetail)
def update_draft(
    session: DbSession,
    actor: ApiActor,
    contract_id: int,
    _pairs: PairsChecked,
    body: schemas.DraftUpdate,
) -> Any:
    return service.update_draft(session, actor=actor, contract_id=contract_id, data=body)


@router.post(
    "/contracts/{contract_id}/amendments", response_model=schemas.VersionDetail, status_code=201
)
def create_amendment(
    session: DbSession,
    actor: ApiActor,
    contract_id: int,
    _pairs: PairsChecked,
    body: schemas.AmendmentCreate,
) -> Any:
    return service.create_amendment(session, actor=actor, contract_id=contract_id, data=body)


@router.post("/contracts/{contract_id}/transitions", response_model=schemas.ContractRead)
def transition(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.TransitionRequest
) -> Any:
    contract = service.transition(
        session,
        actor=actor,
        contract_id=contract_id,
        to=body.to.value,
        comment=body.comment,
        at=body.at,
        on_behalf_of=body.on_behalf_of,
    )
    return _read(contract, actor)


@router.post("/contracts/{contract_id}/non-renewal", response_model=schemas.ContractRead)
def non_renewal_notice(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.CommentCreate
) -> Any:
    contract = service.give_non_renewal_notice(
        session, actor=actor, contract_id=contract_id, comment=body.body
    )
    return _read(contract, actor)


@router.post("/contracts/{contract_id}/reviews", response_model=schemas.ContractRead)
def mark_reviewed(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.ReviewDone
) -> Any:
    contract = service.mark_reviewed(
        session,
        actor=actor,
        contract_id=contract_id,
        comment=body.comment,
        next_review_date=body.next_review_date,
    )
    return _read(contract, actor)


@router.get("/contracts/{contract_id}/versions", response_model=list[schemas.VersionRead])
def list_versions(session: DbSession, actor: ApiActor, contract_id: int) -> Any:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    return versions_of(session, actor=actor, contract=contract)


@router.get("/contracts/{contract_id}/versions/{version_no}", response_model=schemas.VersionDetail)
def get_version(session: DbSession, actor: ApiActor, contract_id: int, version_no: int) -> Any:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    return service.get_version(session, actor=actor, contract=contract, number=version_no)


@router.get("/contracts/{contract_id}/diff", response_model=schemas.VersionDiff)
def compare_versions(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    contract_id: int,
    from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> Any:
    """Without ``from``/``to``: the version before the latest against the latest."""
    from_version, to_version = service.default_comparison(
        session, actor=actor, contract_id=contract_id, old=from_version, new=to_version
    )
    changes, text = service.compare_versions(
        session,
        actor=actor,
        contract_id=contract_id,
        from_number=from_version,
        to_number=to_version,
        locale=request.state.locale,
    )
    return schemas.VersionDiff(
        contract_id=contract_id,
        from_version=from_version,
        to_version=to_version,
        term_changes=[
            schemas.TermChangeRead(path=c.path, kind=c.kind, old=c.old, new=c.new) for c in changes
        ],
        text_diff=text,
    )


@router.get("/contracts/{contract_id}/comments", response_model=list[schemas.CommentRead])
def list_comments(session: DbSession, actor: ApiActor, contract_id: int) -> Any:
    return service.comments_of(session, actor=actor, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/comments", response_model=schemas.CommentRead, status_code=201
)
def add_comment(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.CommentCreate
) -> Any:
    return service.add_comment(session, actor=actor, contract_id=contract_id, body=body.body)


@router.get("/contracts/{contract_id}/raci", response_model=schemas.RaciRead)
def get_raci(session: DbSession, actor: ApiActor, contract_id: int) -> Any:
    contract, matrix = raci.get_raci(session, actor=actor, contract_id=contract_id)
    return schemas.RaciRead(
        contract_id=contract.id,
        parties=raci.party_keys(contract),
        activities=list(matrix),
        matrix=matrix,
    )


@router.put("/contracts/{contract_id}/raci", response_model=schemas.RaciRead)
def put_raci(
    session: DbSession, actor: ApiActor, contract_id: int, body: schemas.RaciUpdate
) -> Any:
    matrix = raci.set_raci(session, actor=actor, contract_id=contract_id, matrix=body.matrix)
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    return schemas.RaciRead(
        contract_id=contract_id,
        parties=raci.party_keys(contract),
        activities=list(matrix),
        matrix=matrix,
    )


@router.post("/contracts/{contract_id}/penalties")
@viewer_may_call
def compute_penalties(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    contract_id: int,
    file: Annotated[UploadFile, File()],
    start: Annotated[date | None, Form()] = None,
    end: Annotated[date | None, Form()] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Response:
    get_contract(session, actor=actor, contract_id=contract_id)
    report = penalty_runs.run_for_upload(
        session,
        actor=actor,
        contract_id=contract_id,
        file=file,
        max_upload_mb=request.app.state.settings.max_upload_mb,
        start=start,
        end=end,
    )
    return penalty_runs.report_response(report, format, request.state.locale, contract_id)


@router.get("/contracts/{contract_id}/penalties")
def penalties_from_operations(
    request: Request,
    session: DbSession,
    actor: ApiActor,
    contract_id: int,
    start: date | None = None,
    end: date | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Response:
    """Receipts and inspections booked in operations (default period: last calendar month)."""
    default_start, default_end = penalty_runs.previous_month(date.today())
    report = penalty_runs.run_from_operations(
        session,
        actor=actor,
        contract_id=contract_id,
        start=start or default_start,
        end=end or default_end,
    )
    return penalty_runs.report_response(report, format, request.state.locale, contract_id)


@router.get("/contract-clauses", response_model=list[schemas.ClauseRead])
def list_clauses(
    session: DbSession, actor: ApiActor, category: str | None = None, q: str | None = None
) -> Any:
    return clauses.list_clauses(session, actor=actor, category=category, q=q)


@router.post("/contract-clauses", response_model=schemas.ClauseRead, status_code=201)
def create_clause(session: DbSession, actor: ApiActor, body: schemas.ClauseCreate) -> Any:
    return clauses.create_clause(session, actor=actor, data=body)


@router.get("/contract-clauses/{clause_id}", response_model=schemas.ClauseRead)
def get_clause(session: DbSession, actor: ApiActor, clause_id: int) -> Any:
    return clauses.get_clause(session, actor=actor, clause_id=clause_id)


@router.patch("/contract-clauses/{clause_id}", response_model=schemas.ClauseRead)
def update_clause(
    session: DbSession, actor: ApiActor, clause_id: int, body: schemas.ClauseUpdate
) -> Any:
    return clauses.update_clause(session, actor=actor, clause_id=clause_id, data=body)
