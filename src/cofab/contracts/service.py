"""Contract business rules: creating, editing drafts, amending, comparing, commenting.

The lifecycle moves live in ``lifecycle``, the RACI matrix in ``raci``, the clause library in
``clauses`` and the vault-facing coverage questions in ``coverage``; this module re-exports the
functions other domains call, so they import one place:

    from cofab.contracts import service as contracts_service
    contracts_service.partner_has_active_agreement(session, partner_id=7, at=now)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts import schemas
from cofab.contracts.coverage import (
    AgreementWindow,
    active_agreements_for_partner,
    agreement_windows,
    agreements_ended_for_partner,
    partner_has_active_agreement,
)
from cofab.contracts.diff import TermChange, term_changes, text_diff
from cofab.contracts.lifecycle import (
    audit_contract,
    editors,
    give_non_renewal_notice,
    record_event,
    transition,
)
from cofab.contracts.models import (
    Clause,
    Contract,
    ContractComment,
    ContractEvent,
    ContractParty,
    ContractStatus,
    ContractVersion,
)
from cofab.contracts.operations_feed import DeliveredLot, ReceiptFeed, register_receipt_feed
from cofab.contracts.queries import (
    ContractFilters,
    add_months,
    contract_query,
    current_period_end,
    effective_status,
    get_contract,
    get_version,
    governing_version,
    latest_version,
    open_version,
    party_names,
    versions_of,
)
from cofab.contracts.terms import ContractTerms, check_terms, terms_document
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, Forbidden, InvalidTransition, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.partners.models import Partner

__all__ = [
    "COMMENTERS",
    "AgreementWindow",
    "ContractFilters",
    "DeliveredLot",
    "ReceiptFeed",
    "active_agreements_for_partner",
    "add_comment",
    "agreement_windows",
    "agreements_ended_for_partner",
    "comments_of",
    "compare_versions",
    "contract_detail",
    "contract_query",
    "contract_read",
    "create_amendment",
    "create_contract",
    "default_comparison",
    "delete_contract",
    "events_of",
    "get_contract",
    "get_version",
    "give_non_renewal_notice",
    "governing_version",
    "latest_version",
    "mark_reviewed",
    "open_version",
    "partner_has_active_agreement",
    "register_receipt_feed",
    "require_editor",
    "transition",
    "update_contract",
    "update_draft",
    "versions_of",
]

COMMENTERS = frozenset({"admin", "manager", "quality"})


def require_editor(actor: Actor, kind: str) -> None:
    if actor.is_partner or actor.role not in editors(kind):
        raise Forbidden()


def _resolve_clauses(
    session: Session,
    codes: list[str],
    texts: list[schemas.ClauseText],
    field: str = "clause_codes",
) -> list[dict[str, Any]]:
    """Library clauses by code (copied, so later library edits never change a signed text),
    followed by ad-hoc clause texts."""
    problems: list[FieldProblem] = []
    found: list[dict[str, Any]] = []
    if codes:
        rows = session.execute(select(Clause).where(Clause.code.in_(codes))).scalars().all()
        by_code = {c.code: c for c in rows}
        for index, code in enumerate(codes):
            clause = by_code.get(code)
            if clause is None:
                problems.append(
                    FieldProblem(f"{field}.{index}", N_("Unknown clause {code}."), {"code": code})
                )
                continue
            found.append(
                {
                    "code": clause.code,
                    "title_en": clause.title_en,
                    "title_ko": clause.title_ko,
                    "text_en": clause.text_en,
                    "text_ko": clause.text_ko,
                }
            )
    if problems:
        raise ValidationFailed(problems=problems)
    return found + [t.model_dump() for t in texts]


def _merged_clauses(
    session: Session,
    current: list[dict[str, Any]],
    replacement: list[schemas.ClauseText] | None,
    codes: list[str],
) -> list[dict[str, Any]]:
    """``replacement`` given: exactly those texts plus the library ``codes``. Otherwise keep the
    current clauses and append the library clauses not already there."""
    if replacement is not None:
        return _resolve_clauses(session, codes, replacement)
    present = {c.get("code") for c in current if c.get("code")}
    return list(current) + _resolve_clauses(session, [c for c in codes if c not in present], [])


def _check(terms: ContractTerms) -> None:
    problems = check_terms(terms)
    if problems:
        raise ValidationFailed(problems=problems)


def create_contract(
    session: Session, *, actor: Actor, data: schemas.ContractCreate, now: datetime | None = None
) -> Contract:
    require_editor(actor, data.kind)
    _check(data.terms)
    problems: list[FieldProblem] = []
    known = set(
        session.execute(select(Partner.id).where(Partner.id.in_(data.partner_ids))).scalars()
    )
    for index, partner_id in enumerate(data.partner_ids):
        if partner_id not in known:
            problems.append(
                FieldProblem(
                    f"partner_ids.{index}",
                    N_("Partner {partner_id} does not exist."),
                    {"partner_id": partner_id},
                )
            )
    if (
        data.external_ref
        and session.execute(
            select(Contract.id).where(Contract.external_ref == data.external_ref)
        ).first()
    ):
        raise Conflict(N_("A contract with reference {ref} already exists."), ref=data.external_ref)
    if problems:
        raise ValidationFailed(problems=problems)
    clauses = _resolve_clauses(session, data.clause_codes, data.clauses)
    now = now or utcnow()
    contract = Contract(
        external_ref=data.external_ref,
        kind=data.kind.value,
        title=data.title,
        status=ContractStatus.DRAFT.value,
        partner_id=data.partner_ids[0],
        # an interval alone would never bring the contract up for review: it sets the first date
        next_review_date=data.next_review_date
        or (
            add_months(now, data.review_interval_months).date()
            if data.review_interval_months
            else None
        ),
        review_interval_months=data.review_interval_months,
        notes=data.notes,
        created_by_user_id=actor.user_id or None,
        renews_automatically=False,
        renewal_period_months=data.terms.renewal.period_months,
        renewal_notice_days=data.terms.renewal.notice_days,
    )
    contract.parties = [
        ContractParty(partner_id=pid, position=i) for i, pid in enumerate(data.partner_ids)
    ]
    session.add(contract)
    session.flush()
    version = ContractVersion(
        contract_id=contract.id,
        partner_id=contract.partner_id,
        number=1,
        status=ContractStatus.DRAFT.value,
        effective_from=data.terms.term.start,
        effective_to=data.terms.term.end,
        terms=terms_document(data.terms),
        clauses=clauses,
        summary=None,
        created_by_user_id=actor.user_id or None,
    )
    session.add(version)
    session.flush()
    record_event(
        session, contract, version, actor, "created", None, ContractStatus.DRAFT.value, None, now
    )
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="contract",
        entity_id=contract.id,
        partner_id=contract.partner_id,
        after=audit.snapshot(contract) | {"version": audit.snapshot(version)},
    )
    return contract


def update_contract(
    session: Session, *, actor: Actor, contract_id: int, data: schemas.ContractUpdate
) -> Contract:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    require_editor(actor, contract.kind)
    before = audit.snapshot(contract)
    for key, value in data.model_dump(exclude_unset=True).items():
        if key == "title" and value is None:
            continue
        setattr(contract, key, value)
    session.flush()
    audit_contract(session, actor, "update", contract, before)
    return contract


def _check_amendment_start(
    session: Session, contract: Contract, effective_from: datetime, terms: ContractTerms
) -> None:
    """An amendment takes effect strictly after the version it amends, inside its own term:
    two versions never claim the same instant."""
    governing = governing_version(session, contract)
    problems: list[FieldProblem] = []
    if governing is not None and effective_from <= governing.effective_from:
        problems.append(
            FieldProblem(
                "effective_from",
                N_(
                    "Overlaps version {number}, which applies from {start}: an amendment must "
                    "take effect after it."
                ),
                {
                    "number": governing.number,
                    "start": f"{governing.effective_from:%Y-%m-%d %H:%M} UTC",
                },
            )
        )
    if not terms.term.start <= effective_from < terms.term.end:
        problems.append(
            FieldProblem(
                "effective_from",
                N_("Must lie within the contract term ({start} – {end})."),
                {
                    "start": terms.term.start.date().isoformat(),
                    "end": (terms.term.end - timedelta(microseconds=1)).date().isoformat(),
                },
            )
        )
    if problems:
        raise ValidationFailed(problems=problems)


def update_draft(
    session: Session, *, actor: Actor, contract_id: int, data: schemas.DraftUpdate
) -> ContractVersion:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    require_editor(actor, contract.kind)
    version = open_version(session, contract)
    if version is None or version.status != ContractStatus.DRAFT:
        raise InvalidTransition(N_("Only a draft can be edited; amend the contract instead."))
    _check(data.terms)
    if version.number == 1:
        effective_from = data.terms.term.start
    else:
        effective_from = data.effective_from or version.effective_from
        _check_amendment_start(session, contract, effective_from, data.terms)
    before = audit.snapshot(version)
    version.clauses = _merged_clauses(session, version.clauses, data.clauses, data.clause_codes)
    version.terms = terms_document(data.terms)
    version.effective_from = effective_from
    version.effective_to = data.terms.term.end
    if data.summary is not None:
        version.summary = data.summary
    if version.number == 1:
        contract.renewal_period_months = data.terms.renewal.period_months
        contract.renewal_notice_days = data.terms.renewal.notice_days
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        entity="contract_version",
        entity_id=version.id,
        partner_id=contract.partner_id,
        before=before,
        after=audit.snapshot(version),
    )
    return version


def create_amendment(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    data: schemas.AmendmentCreate,
    now: datetime | None = None,
) -> ContractVersion:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    require_editor(actor, contract.kind)
    if contract.status != ContractStatus.ACTIVE:
        raise InvalidTransition(
            N_("Only a contract in force can be amended; edit the draft instead.")
        )
    pending = open_version(session, contract)
    if pending is not None:
        raise Conflict(
            N_("Version {number} is still open ({status}): finish it first."),
            number=pending.number,
            status=pending.status,
        )
    _check(data.terms)
    _check_amendment_start(session, contract, data.effective_from, data.terms)
    previous = latest_version(session, contract)
    clauses = _merged_clauses(session, previous.clauses, data.clauses, data.clause_codes)
    version = ContractVersion(
        contract_id=contract.id,
        partner_id=contract.partner_id,
        number=previous.number + 1,
        status=ContractStatus.DRAFT.value,
        effective_from=data.effective_from,
        effective_to=data.terms.term.end,
        terms=terms_document(data.terms),
        clauses=clauses,
        summary=data.summary,
        created_by_user_id=actor.user_id or None,
    )
    session.add(version)
    session.flush()
    record_event(
        session,
        contract,
        version,
        actor,
        "amendment",
        None,
        ContractStatus.DRAFT.value,
        data.summary,
        now or utcnow(),
    )
    audit.record(
        session,
        actor=actor,
        action="amend",
        entity="contract_version",
        entity_id=version.id,
        partner_id=contract.partner_id,
        after=audit.snapshot(version),
    )
    return version


def mark_reviewed(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    comment: str | None = None,
    next_review_date: date | None = None,
    now: datetime | None = None,
) -> Contract:
    """Record that the periodic review took place and set the next one (by default the review
    interval from today): the contract stays a living document (domain text §3.2)."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    require_editor(actor, contract.kind)
    if contract.status == ContractStatus.TERMINATED:
        raise InvalidTransition(N_("A terminated contract cannot be changed."))
    now = now or utcnow()
    if next_review_date is None and contract.review_interval_months:
        next_review_date = add_months(now, contract.review_interval_months).date()
    if next_review_date is not None and next_review_date <= now.date():
        raise ValidationFailed(
            problems=[FieldProblem("next_review_date", N_("Must be a date in the future."))]
        )
    before = audit.snapshot(contract)
    contract.next_review_date = next_review_date
    record_event(session, contract, None, actor, "reviewed", None, None, comment, now)
    session.flush()
    audit_contract(session, actor, "reviewed", contract, before)
    return contract


def compare_versions(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    from_number: int,
    to_number: int,
    locale: str = "en",
) -> tuple[list[TermChange], str]:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    old = get_version(session, actor=actor, contract=contract, number=from_number)
    new = get_version(session, actor=actor, contract=contract, number=to_number)
    return term_changes(old.terms, new.terms), text_diff(
        old.clauses,
        new.clauses,
        locale=locale,
        old_label=f"v{old.number}",
        new_label=f"v{new.number}",
    )


def default_comparison(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    old: int | None = None,
    new: int | None = None,
) -> tuple[int, int]:
    """Fill in a missing side of a comparison: the latest version, and the one before it."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    numbers = [v.number for v in versions_of(session, actor=actor, contract=contract)]
    latest = new if new is not None else numbers[-1]
    earlier = [n for n in numbers if n < latest]
    return (old if old is not None else (earlier[-1] if earlier else latest)), latest


def add_comment(
    session: Session, *, actor: Actor, contract_id: int, body: str, now: datetime | None = None
) -> ContractComment:
    """Owner staff comment at any time; partner users only while their review is open."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    version = open_version(session, contract)
    if actor.is_partner:
        if version is None or version.status != ContractStatus.PARTNER_REVIEW:
            raise Forbidden(N_("Partner users can only approve or comment during partner review."))
    elif actor.role not in COMMENTERS:
        raise Forbidden()
    target = version or latest_version(session, contract)
    comment = ContractComment(
        contract_id=contract.id,
        version_id=target.id,
        partner_id=contract.partner_id,
        author_user_id=actor.user_id or None,
        author_label=actor.email,
        author_partner_id=actor.partner_id,
        body=body,
        internal=not actor.is_partner
        and (version is None or version.status != ContractStatus.PARTNER_REVIEW),
        created_at=now or utcnow(),
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="comment",
        entity="contract_comment",
        entity_id=comment.id,
        partner_id=contract.partner_id,
        after=audit.snapshot(comment),
    )
    return comment


def comments_of(session: Session, *, actor: Actor, contract_id: int) -> list[ContractComment]:
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    stmt = (
        select(ContractComment)
        .where(ContractComment.contract_id == contract.id)
        .order_by(ContractComment.created_at, ContractComment.id)
    )
    if actor.is_partner:
        stmt = stmt.where(ContractComment.internal.is_(False))
    return list(session.execute(stmt).scalars())


def _without_comment(event: ContractEvent) -> ContractEvent:
    """A transient copy (never added to the session) with the internal comment left out."""
    columns = {c.key: getattr(event, c.key) for c in ContractEvent.__table__.columns}
    return ContractEvent(**(columns | {"comment": None}))


# Event comments a partner may read; the others are the owner's internal deliberation.
PARTNER_READABLE_ACTIONS = frozenset(
    {"partner_approved", "approved", "activated", "terminated", "changes_requested"}
)


def events_of(session: Session, *, actor: Actor, contract: Contract) -> list[ContractEvent]:
    stmt = (
        select(ContractEvent)
        .where(ContractEvent.contract_id == contract.id)
        .order_by(ContractEvent.at, ContractEvent.id)
    )
    if actor.is_partner:
        shared = select(ContractVersion.id).where(
            ContractVersion.contract_id == contract.id, ContractVersion.shared_at.isnot(None)
        )
        stmt = stmt.where(ContractEvent.version_id.in_(shared))
        return [
            event if event.action in PARTNER_READABLE_ACTIONS else _without_comment(event)
            for event in session.execute(stmt).scalars()
        ]
    return list(session.execute(stmt).scalars())


def delete_contract(session: Session, *, actor: Actor, contract_id: int) -> None:
    """Only a contract that was never sent to a partner can be deleted; others are terminated."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    require_editor(actor, contract.kind)
    if contract.shared_at is not None or contract.status not in (
        ContractStatus.DRAFT,
        ContractStatus.INTERNAL_REVIEW,
    ):
        raise InvalidTransition(
            N_("A contract that was shared with a partner cannot be deleted; terminate it.")
        )
    before = audit.snapshot(contract)
    partner_id = contract.partner_id
    session.delete(contract)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="contract",
        entity_id=contract_id,
        partner_id=partner_id,
        before=before,
    )


def contract_read(contract: Contract, now: datetime, *, internal: bool = True) -> dict[str, Any]:
    """Header fields plus the read-time status (``expired`` is derived, never stored).
    ``internal=False`` (partner readers) leaves out the owner's internal notes."""
    period_end = current_period_end(contract, now)
    return {
        "id": contract.id,
        "external_ref": contract.external_ref,
        "kind": contract.kind,
        "title": contract.title,
        "status": effective_status(contract, now),
        "stored_status": contract.status,
        "partner_id": contract.partner_id,
        "effective_from": contract.effective_from,
        "effective_to": contract.effective_to,
        "renews_automatically": contract.renews_automatically,
        "current_period_end": period_end,
        "last_day_in_force": (period_end - timedelta(microseconds=1)).date()
        if period_end
        else None,
        "first_day_in_force": contract.effective_from.date() if contract.effective_from else None,
        "non_renewal_notice_at": contract.non_renewal_notice_at,
        "terminated_at": contract.terminated_at,
        "next_review_date": contract.next_review_date,
        "review_interval_months": contract.review_interval_months,
        "notes": contract.notes if internal else None,
    }


def contract_detail(
    session: Session, *, actor: Actor, contract_id: int, now: datetime | None = None
) -> dict[str, Any]:
    now = now or utcnow()
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    versions = versions_of(session, actor=actor, contract=contract)
    pending = open_version(session, contract)
    governing = governing_version(session, contract)
    current = governing or (versions[-1] if versions else latest_version(session, contract))
    if actor.is_partner and current.shared_at is None:  # pragma: no cover - shared implies one
        current = versions[-1]
    parties = party_names(session, contract)
    return contract_read(contract, now, internal=not actor.is_partner) | {
        "contract": contract,
        "parties": [
            {"partner_id": p.id, "name_en": p.name_en, "name_ko": p.name_ko} for p in parties
        ],
        "versions": versions,
        "current_version": current,
        "open_version": pending
        if not actor.is_partner or (pending and pending.shared_at)
        else None,
        "open_version_number": pending.number
        if pending is not None and (not actor.is_partner or pending.shared_at is not None)
        else None,
        "events": events_of(session, actor=actor, contract=contract),
    }
