"""Who may move a contract version from which state to which, and what each move records.

draft → internal_review → partner_review → approved → active → (expired | terminated).
``expired`` is never a move: it follows from the end date. Every version (the original and each
amendment) walks the same path; putting an amendment in force supersedes the version before it.
Every move appends a ``ContractEvent`` (who, when, comment) and an audit entry in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts.models import (
    Contract,
    ContractEvent,
    ContractKind,
    ContractStatus,
    ContractVersion,
)
from cofab.contracts.queries import add_months as _add_months
from cofab.contracts.queries import (
    current_period_end,
    effective_status,
    get_contract,
    governing_version,
    open_version,
    party_partner_ids,
)
from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import Conflict, FieldProblem, Forbidden, InvalidTransition, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import utcnow

S = ContractStatus
MANAGERS = frozenset({"admin", "manager"})
register_labels(
    {
        "event_created": N_("Contract created"),
        "event_submitted": N_("Submitted for internal review"),
        "event_internal_approval": N_("Approved internally, sent to the partner"),
        "event_returned": N_("Returned to draft"),
        "event_changes_requested": N_("Changes requested"),
        "event_partner_approved": N_("Partner approved"),
        "event_approved": N_("Approved by all parties"),
        "event_activated": N_("Put in force"),
        "event_terminated": N_("Terminated"),
        "event_non_renewal_notice": N_("Notice of non-renewal"),
        "event_amendment": N_("Amendment drafted"),
        "event_reviewed": N_("Periodic review done"),
    }
)


MSG_NAME_SIGNATORY = N_(
    "Name the partner-side person who approved (from the signed copy or their e-mail): an owner "
    "user can only record a partner's approval on that person's behalf. Partner users approve "
    "in the portal themselves."
)


def editors(kind: str) -> frozenset[str]:
    """Who drafts and edits terms: procurement/legal, plus quality for quality agreements."""
    return MANAGERS | ({"quality"} if kind == ContractKind.QUALITY else frozenset())


# (from, to) → (event action, roles allowed for owner staff). Partner approval is special-cased.
MOVES: dict[tuple[str, str], tuple[str, Callable[[str], frozenset[str]]]] = {
    (S.DRAFT, S.INTERNAL_REVIEW): ("submitted", editors),
    (S.INTERNAL_REVIEW, S.PARTNER_REVIEW): ("internal_approval", lambda _k: MANAGERS),
    (S.INTERNAL_REVIEW, S.DRAFT): ("returned", lambda _k: MANAGERS),
    (S.PARTNER_REVIEW, S.DRAFT): ("changes_requested", lambda _k: MANAGERS),
    (S.PARTNER_REVIEW, S.APPROVED): ("approved", lambda _k: frozenset({"admin"})),
    (S.APPROVED, S.ACTIVE): ("activated", lambda _k: MANAGERS),
}


def allowed_targets(contract: Contract, version: ContractVersion | None, actor: Actor) -> list[str]:
    """The moves this actor could make now (for the page's buttons)."""
    if contract.status == S.TERMINATED:
        return []
    targets: list[str] = []
    if version is not None:
        for (source, target), (_action, roles) in MOVES.items():
            if source != version.status:
                continue
            if actor.is_partner:
                if (source, target) == (S.PARTNER_REVIEW, S.APPROVED):
                    targets.append(target)
            elif actor.role in roles(contract.kind):
                targets.append(target)
    if not actor.is_partner and actor.role in MANAGERS:
        targets.append(S.TERMINATED.value)
    return [str(t) for t in targets]


def record_event(
    session: Session,
    contract: Contract,
    version: ContractVersion | None,
    actor: Actor,
    action: str,
    source: str | None,
    target: str | None,
    comment: str | None,
    now: datetime,
    approving_partner_id: int | None = None,
    on_behalf_of: str | None = None,
) -> ContractEvent:
    event = ContractEvent(
        on_behalf_of=on_behalf_of,
        contract_id=contract.id,
        version_id=version.id if version else None,
        partner_id=contract.partner_id,
        approving_partner_id=approving_partner_id,
        action=action,
        from_status=source,
        to_status=target,
        review_round=version.review_round if version else 0,
        actor_user_id=actor.user_id or None,
        actor_label=actor.email,
        comment=comment,
        at=now,
    )
    session.add(event)
    return event


def audit_contract(
    session: Session, actor: Actor, action: str, contract: Contract, before: dict[str, object]
) -> None:
    """The audit entry of a change to the contract row itself: its snapshot before and after."""
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="contract",
        entity_id=contract.id,
        partner_id=contract.partner_id,
        before=before,
        after=audit.snapshot(contract),
    )


def approved_partners(session: Session, version: ContractVersion) -> set[int]:
    rows = session.execute(
        select(ContractEvent.approving_partner_id).where(
            ContractEvent.version_id == version.id,
            ContractEvent.action == "partner_approved",
            ContractEvent.review_round == version.review_round,
        )
    ).scalars()
    return {r for r in rows if r is not None}


def transition(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    to: str,
    comment: str | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
    on_behalf_of: str | None = None,
) -> Contract:
    """Move the open version. An owner admin recording the partners' approval (signed outside
    cofab) must name the partner-side person: the history then reads "recorded by X on behalf
    of Y", never as if the owner had approved for the partner by himself."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    now = now or utcnow()
    target = str(to)
    if target == S.EXPIRED:
        raise InvalidTransition(N_("Expiry follows from the end date; it cannot be set by hand."))
    if target == S.TERMINATED:
        return terminate(session, actor=actor, contract=contract, reason=comment, at=at, now=now)
    version = open_version(session, contract)
    current = version.status if version else effective_status(contract, now)
    move = MOVES.get((current, target))
    if version is None or move is None:
        raise InvalidTransition(
            N_("A contract cannot move from {current} to {target}."),
            current=current,
            target=target,
        )
    action, roles = move
    before = audit.snapshot(version)
    if actor.is_partner:
        if (current, target) != (S.PARTNER_REVIEW, S.APPROVED):
            raise Forbidden(N_("Partner users can only approve or comment during partner review."))
        return _partner_approval(session, actor, contract, version, comment, now)
    if actor.role not in roles(contract.kind):
        raise Forbidden()
    signatory: str | None = None
    if (current, target) == (S.PARTNER_REVIEW, S.APPROVED):
        # The owner's admin records signatures received outside cofab (e.g. on paper).
        signatory = (on_behalf_of or "").strip() or None
        if signatory is None and actor.user_id:  # scripts (the system actor) name no person
            raise ValidationFailed(problems=[FieldProblem("on_behalf_of", MSG_NAME_SIGNATORY)])
        for partner_id in sorted(
            set(party_partner_ids(contract)) - approved_partners(session, version)
        ):
            _record_partner_approval(
                session, contract, version, actor, comment, now, partner_id, signatory
            )
    _apply(session, contract, version, target, now)
    record_event(session, contract, version, actor, action, current, target, comment, now)
    recorded: dict[str, object] | None = (
        {"partner_approval_on_behalf_of": signatory} if signatory else None
    )
    _audit(session, actor, contract, version, before, action, recorded)
    return contract


def _partner_approval(
    session: Session,
    actor: Actor,
    contract: Contract,
    version: ContractVersion,
    comment: str | None,
    now: datetime,
) -> Contract:
    assert actor.partner_id is not None
    before = audit.snapshot(version)
    if actor.partner_id in approved_partners(session, version):
        raise Conflict(N_("Your company has already approved this version."))
    _record_partner_approval(session, contract, version, actor, comment, now, actor.partner_id)
    session.flush()
    if set(party_partner_ids(contract)) <= approved_partners(session, version):
        _apply(session, contract, version, S.APPROVED, now)
        record_event(
            session, contract, version, actor, "approved", S.PARTNER_REVIEW, S.APPROVED, None, now
        )
    _audit(session, actor, contract, version, before, "partner_approved")
    return contract


def _record_partner_approval(
    session: Session,
    contract: Contract,
    version: ContractVersion,
    actor: Actor,
    comment: str | None,
    now: datetime,
    partner_id: int,
    on_behalf_of: str | None = None,
) -> None:
    """One partner's approval of the version under review (its status does not move)."""
    record_event(
        session,
        contract,
        version,
        actor,
        "partner_approved",
        version.status,
        version.status,
        comment,
        now,
        approving_partner_id=partner_id,
        on_behalf_of=on_behalf_of,
    )


def _apply(
    session: Session, contract: Contract, version: ContractVersion, target: str, now: datetime
) -> None:
    if target == S.PARTNER_REVIEW:
        version.review_round += 1
        version.shared_at = version.shared_at or now
        contract.shared_at = contract.shared_at or now
    if target == S.ACTIVE:
        _activate(session, contract, version, now)
        return
    version.status = target
    if governing_version(session, contract) is None:
        contract.status = target
    session.flush()


def _activate(
    session: Session, contract: Contract, version: ContractVersion, now: datetime
) -> None:
    previous = governing_version(session, contract)
    if previous is not None:
        previous.status = S.SUPERSEDED.value
        previous.effective_to = min(previous.effective_to, version.effective_from)
    version.status = S.ACTIVE.value
    version.activated_at = now
    renewal = version.terms.get("renewal", {})
    contract.status = S.ACTIVE.value
    if contract.effective_from is None:
        contract.effective_from = version.effective_from
    contract.effective_to = version.effective_to
    contract.renewal_period_months = int(renewal.get("period_months", 12))
    contract.renewal_notice_days = int(renewal.get("notice_days", 90))
    contract.renews_automatically = (
        bool(renewal.get("auto")) and contract.non_renewal_notice_at is None
    )
    session.flush()


def terminate(
    session: Session,
    *,
    actor: Actor,
    contract: Contract,
    reason: str | None,
    at: datetime | None,
    now: datetime,
) -> Contract:
    """End a contract in force (or withdraw one never put in force) at instant ``at``."""
    if actor.is_partner:
        raise Forbidden(N_("Partner users can only approve or comment during partner review."))
    if actor.role not in MANAGERS:
        raise Forbidden()
    status = effective_status(contract, now)
    if status in (S.TERMINATED, S.EXPIRED):
        raise InvalidTransition(
            N_("A contract cannot move from {current} to {target}."),
            current=status,
            target=S.TERMINATED.value,
        )
    when = at or now
    governing = governing_version(session, contract)
    if governing is not None:
        end = (
            current_period_end(contract, now)
            if contract.renews_automatically
            else contract.effective_to
        )
        if when < governing.effective_from or (end is not None and when > end):
            raise ValidationFailed(
                problems=[
                    FieldProblem(
                        "at",
                        N_("The termination must fall within the term ({start} – {end})."),
                        {
                            "start": f"{governing.effective_from:%Y-%m-%d %H:%M} UTC",
                            "end": f"{end:%Y-%m-%d %H:%M} UTC" if end else "…",
                        },
                    )
                ]
            )
    pending = open_version(session, contract)
    before = audit.snapshot(contract)
    for version in (governing, pending):
        if version is not None:
            version.status = S.TERMINATED.value
    contract.status = S.TERMINATED.value
    contract.terminated_at = when
    contract.termination_reason = reason
    session.flush()
    record_event(
        session,
        contract,
        governing or pending,
        actor,
        "terminated",
        status,
        S.TERMINATED.value,
        reason,
        now,
    )
    audit_contract(session, actor, "terminate", contract, before)
    return contract


def give_non_renewal_notice(
    session: Session,
    *,
    actor: Actor,
    contract_id: int,
    comment: str | None = None,
    now: datetime | None = None,
) -> Contract:
    """Stop automatic renewal. Notice later than ``notice_days`` before the current period's end
    lets the contract renew once more, as renewal clauses usually say."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    if actor.is_partner or actor.role not in MANAGERS:
        raise Forbidden()
    now = now or utcnow()
    if effective_status(contract, now) != S.ACTIVE or not contract.renews_automatically:
        raise InvalidTransition(
            N_("Only an active, automatically renewing contract can be given notice.")
        )
    end = current_period_end(contract, now)
    assert end is not None and contract.effective_to is not None
    notice_deadline = end - timedelta(days=contract.renewal_notice_days)
    if now > notice_deadline:
        end = _add_months(end, contract.renewal_period_months)
    before = audit.snapshot(contract)
    contract.non_renewal_notice_at = now
    contract.renews_automatically = False
    contract.effective_to = end
    governing = governing_version(session, contract)
    if governing is not None:
        governing.effective_to = end
    session.flush()
    record_event(
        session, contract, governing, actor, "non_renewal_notice", S.ACTIVE, S.ACTIVE, comment, now
    )
    audit_contract(session, actor, "non_renewal_notice", contract, before)
    return contract


def _audit(
    session: Session,
    actor: Actor,
    contract: Contract,
    version: ContractVersion,
    before: dict[str, object],
    action: str,
    extra: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="contract_version",
        entity_id=version.id,
        partner_id=contract.partner_id,
        before=before,
        after=audit.snapshot(version) | {"contract_status": contract.status} | (extra or {}),
    )
