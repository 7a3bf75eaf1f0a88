"""Lifecycle moves, who may make them, amendments, and expiry derived from the end date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import World
from tests.contracts.contract_factories import activate, make_contract, terms, walk

from cofab.contracts import schemas, service
from cofab.contracts.models import ContractEvent, ContractVersion
from cofab.contracts.queries import effective_status
from cofab.core.access import Actor
from cofab.core.audit import AuditEntry, verify_chain
from cofab.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed


def owner(role: str) -> Actor:
    return Actor(0, f"{role}@owner.test", role, role, None)


def partner(partner_id: int) -> Actor:
    return Actor(0, f"user@{partner_id}.test", "partner", "partner", partner_id)


def test_the_full_path_records_who_did_what(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a], actor=owner("manager"))
    service.transition(db, actor=owner("manager"), contract_id=contract.id, to="internal_review")
    service.transition(db, actor=owner("admin"), contract_id=contract.id, to="partner_review")
    service.transition(
        db, actor=partner(world.partner_a), contract_id=contract.id, to="approved", comment="OK"
    )
    assert contract.status == "approved"
    service.transition(db, actor=owner("manager"), contract_id=contract.id, to="active")
    assert contract.status == "active" and contract.effective_to is not None
    events = db.execute(
        select(ContractEvent.action, ContractEvent.actor_label, ContractEvent.approving_partner_id)
        .where(ContractEvent.contract_id == contract.id)
        .order_by(ContractEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "created",
        "submitted",
        "internal_approval",
        "partner_approved",
        "approved",
        "activated",
    ]
    assert events[3].approving_partner_id == world.partner_a
    assert events[3].actor_label == f"user@{world.partner_a}.test"
    audited = db.execute(
        select(AuditEntry.action).where(AuditEntry.entity.in_(["contract", "contract_version"]))
    ).scalars()
    assert {"create", "submitted", "internal_approval", "partner_approved", "activated"} <= set(
        audited
    )
    assert verify_chain(db).ok


@pytest.mark.parametrize(
    ("role", "steps", "target"),
    [
        ("viewer", [], "internal_review"),
        ("quality", [], "internal_review"),  # quality drafts only quality agreements
        ("quality", ["internal_review"], "partner_review"),
        ("manager", ["internal_review", "partner_review"], "approved"),  # admin records only
        ("quality", ["internal_review", "partner_review", "approved"], "active"),
        ("viewer", ["internal_review", "partner_review", "approved", "active"], "terminated"),
    ],
)
def test_owner_roles_outside_a_move_are_refused(
    db: Session, world: World, role: str, steps: list[str], target: str
) -> None:
    contract = make_contract(db, [world.partner_a])
    walk(db, contract.id, *steps)
    with pytest.raises(Forbidden):
        service.transition(db, actor=owner(role), contract_id=contract.id, to=target)


def test_quality_engineers_draft_quality_agreements(db: Session, world: World) -> None:
    contract = make_contract(
        db, [world.partner_a], kind="quality_agreement", actor=owner("quality")
    )
    service.transition(db, actor=owner("quality"), contract_id=contract.id, to="internal_review")
    assert contract.status == "internal_review"


def test_partner_users_only_approve_their_own_contract_in_partner_review(
    db: Session, world: World
) -> None:
    contract = make_contract(db, [world.partner_a])
    # an internal draft is invisible to the partner
    with pytest.raises(NotFound):
        service.transition(
            db, actor=partner(world.partner_a), contract_id=contract.id, to="internal_review"
        )
    walk(db, contract.id, "internal_review", "partner_review")
    with pytest.raises(NotFound):  # another partner: as if it did not exist
        service.transition(
            db, actor=partner(world.partner_b), contract_id=contract.id, to="approved"
        )
    with pytest.raises(Forbidden):
        service.transition(db, actor=partner(world.partner_a), contract_id=contract.id, to="draft")
    service.add_comment(
        db, actor=partner(world.partner_a), contract_id=contract.id, body="Clause 3?"
    )
    service.transition(db, actor=partner(world.partner_a), contract_id=contract.id, to="approved")
    with pytest.raises(Forbidden):  # after approval the partner neither moves nor comments
        service.transition(db, actor=partner(world.partner_a), contract_id=contract.id, to="active")
    with pytest.raises(Forbidden):
        service.add_comment(db, actor=partner(world.partner_a), contract_id=contract.id, body="x")


def test_every_party_must_approve_before_the_version_is_approved(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a, world.partner_b], kind="jv_alliance")
    walk(db, contract.id, "internal_review", "partner_review")
    service.transition(db, actor=partner(world.partner_a), contract_id=contract.id, to="approved")
    assert contract.status == "partner_review"
    with pytest.raises(Conflict):
        service.transition(
            db, actor=partner(world.partner_a), contract_id=contract.id, to="approved"
        )
    service.transition(db, actor=partner(world.partner_b), contract_id=contract.id, to="approved")
    assert contract.status == "approved"


def test_changes_requested_start_a_new_review_round(db: Session, world: World) -> None:
    # an approval given in round 1 does not count after the draft was changed and sent again
    contract2 = make_contract(db, [world.partner_a, world.partner_b], kind="nda", title="NDA")
    walk(db, contract2.id, "internal_review", "partner_review")
    service.transition(db, actor=partner(world.partner_a), contract_id=contract2.id, to="approved")
    walk(db, contract2.id, "draft", "internal_review", "partner_review")
    service.transition(db, actor=partner(world.partner_b), contract_id=contract2.id, to="approved")
    assert contract2.status == "partner_review"


@pytest.mark.parametrize(
    ("steps", "target"),
    [
        ([], "partner_review"),
        ([], "active"),
        (["internal_review"], "approved"),
        (["internal_review", "partner_review", "approved", "active"], "draft"),
        ([], "expired"),
    ],
)
def test_invalid_moves_are_409_and_change_nothing(
    db: Session, world: World, steps: list[str], target: str
) -> None:
    contract = make_contract(db, [world.partner_a])
    walk(db, contract.id, *steps)
    before = contract.status
    with pytest.raises(InvalidTransition):
        service.transition(db, actor=owner("admin"), contract_id=contract.id, to=target)
    assert contract.status == before


def test_expiry_is_derived_from_the_end_date(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a])
    activate(db, contract.id)
    end = datetime(2027, 1, 1, tzinfo=UTC)
    assert effective_status(contract, end - timedelta(seconds=1)) == "active"
    assert effective_status(contract, end) == "expired"
    assert contract.status == "active"  # nothing stored changes at expiry
    with pytest.raises(InvalidTransition):
        service.transition(
            db, actor=owner("admin"), contract_id=contract.id, to="terminated", now=end
        )


def test_amendment_supersedes_and_overlap_is_refused(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a])
    with pytest.raises(InvalidTransition):  # a draft is edited, not amended
        service.create_amendment(
            db,
            actor=owner("manager"),
            contract_id=contract.id,
            data=schemas.AmendmentCreate.model_validate(
                {"summary": "x", "effective_from": "2026-06-01", "terms": terms()}
            ),
        )
    activate(db, contract.id)
    for bad_start in ("2026-01-01", "2025-12-01"):
        with pytest.raises(ValidationFailed) as caught:
            service.create_amendment(
                db,
                actor=owner("manager"),
                contract_id=contract.id,
                data=schemas.AmendmentCreate.model_validate(
                    {"summary": "x", "effective_from": bad_start, "terms": terms()}
                ),
            )
        assert {p.field for p in caught.value.problems} == {"effective_from"}
    assert (
        db.execute(select(ContractVersion).where(ContractVersion.contract_id == contract.id))
        .scalars()
        .all()
        .__len__()
        == 1
    )
    new_terms = terms(term={"start": "2026-01-01", "end": "2028-01-01"})
    version = service.create_amendment(
        db,
        actor=owner("manager"),
        contract_id=contract.id,
        data=schemas.AmendmentCreate.model_validate(
            {"summary": "Extend one year", "effective_from": "2026-07-01", "terms": new_terms}
        ),
    )
    assert version.number == 2 and version.status == "draft"
    with pytest.raises(Conflict):  # one open amendment at a time
        service.create_amendment(
            db,
            actor=owner("manager"),
            contract_id=contract.id,
            data=schemas.AmendmentCreate.model_validate(
                {"summary": "y", "effective_from": "2026-08-01", "terms": new_terms}
            ),
        )
    assert contract.status == "active"  # the contract stays in force while v2 is negotiated
    activate(db, contract.id)
    versions = (
        db.execute(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract.id)
            .order_by(ContractVersion.number)
        )
        .scalars()
        .all()
    )
    assert [v.status for v in versions] == ["superseded", "active"]
    assert versions[0].effective_to == datetime(2026, 7, 1, tzinfo=UTC)
    assert contract.effective_to == datetime(2028, 1, 1, tzinfo=UTC)


def test_non_renewal_notice_on_time_and_late(db: Session, world: World) -> None:
    auto = terms(renewal={"auto": True, "notice_days": 90, "period_months": 12})
    on_time = make_contract(db, [world.partner_a], terms_doc=auto, title="On time")
    late = make_contract(db, [world.partner_a], terms_doc=auto, title="Late")
    for c in (on_time, late):
        activate(db, c.id)
    # the first period ends 2027-01-01; the notice deadline is 90 days earlier (2026-10-03)
    service.give_non_renewal_notice(
        db, actor=owner("manager"), contract_id=on_time.id, now=datetime(2026, 9, 1, tzinfo=UTC)
    )
    assert on_time.effective_to == datetime(2027, 1, 1, tzinfo=UTC)
    service.give_non_renewal_notice(
        db, actor=owner("manager"), contract_id=late.id, now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert late.effective_to == datetime(2028, 1, 1, tzinfo=UTC)  # renews once more
    assert not late.renews_automatically
    with pytest.raises(InvalidTransition):
        service.give_non_renewal_notice(db, actor=owner("manager"), contract_id=late.id)


def test_only_unshared_drafts_can_be_deleted(db: Session, world: World) -> None:
    kept = make_contract(db, [world.partner_a])
    walk(db, kept.id, "internal_review", "partner_review")
    with pytest.raises(InvalidTransition):
        service.delete_contract(db, actor=owner("manager"), contract_id=kept.id)
    dropped = make_contract(db, [world.partner_a], title="Scratch")
    service.delete_contract(db, actor=owner("manager"), contract_id=dropped.id)
    with pytest.raises(NotFound):
        service.get_contract(db, actor=owner("manager"), contract_id=dropped.id)


def test_periodic_review_moves_the_next_review_date(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a])
    contract.review_interval_months = 6
    now = datetime(2026, 3, 31, 10, tzinfo=UTC)
    service.mark_reviewed(
        db, actor=owner("manager"), contract_id=contract.id, comment="Targets still right", now=now
    )
    assert str(contract.next_review_date) == "2026-09-30"  # 31 March + 6 months, clamped
    with pytest.raises(ValidationFailed):
        service.mark_reviewed(
            db,
            actor=owner("manager"),
            contract_id=contract.id,
            next_review_date=now.date(),
            now=now,
        )
    with pytest.raises(Forbidden):
        service.mark_reviewed(db, actor=owner("viewer"), contract_id=contract.id)
    actions = db.execute(
        select(ContractEvent.action).where(ContractEvent.contract_id == contract.id)
    ).scalars()
    assert "reviewed" in set(actions)


def test_draft_edits_keep_clauses_and_append_library_ones(db: Session, world: World) -> None:
    from cofab.contracts import clauses

    clauses.create_clause(
        db,
        actor=owner("admin"),
        data=schemas.ClauseCreate(
            code="AUDIT",
            title_en="Audit",
            title_ko="감사",
            text_en="We audit.",
            text_ko="감사한다.",
        ),
    )
    contract = make_contract(db, [world.partner_a])
    edit = {"terms": terms(), "clause_codes": ["AUDIT"]}
    version = service.update_draft(
        db,
        actor=owner("manager"),
        contract_id=contract.id,
        data=schemas.DraftUpdate.model_validate(edit),
    )
    assert [c["code"] for c in version.clauses] == ["CONF-1", "AUDIT"]
    service.update_draft(
        db,
        actor=owner("manager"),
        contract_id=contract.id,
        data=schemas.DraftUpdate.model_validate(edit),
    )
    assert [c["code"] for c in version.clauses] == ["CONF-1", "AUDIT"]  # not twice
    replaced = service.update_draft(
        db,
        actor=owner("manager"),
        contract_id=contract.id,
        data=schemas.DraftUpdate.model_validate(
            {"terms": terms(), "clauses": [{"title_en": "Only this"}]}
        ),
    )
    assert [c["title_en"] for c in replaced.clauses] == ["Only this"]
