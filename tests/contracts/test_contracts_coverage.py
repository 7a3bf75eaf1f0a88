"""What the vault asks: is partner P covered by an agreement in force at instant T?"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from tests.conftest import World
from tests.contracts.contract_factories import activate, make_contract, terms, walk

from cofab.contracts import schemas, service
from cofab.core.access import SYSTEM_ACTOR

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def covered(db: Session, partner_id: int, at: datetime, kinds: list[str] | None = None) -> bool:
    return service.partner_has_active_agreement(db, partner_id=partner_id, at=at, kinds=kinds)


def test_coverage_starts_and_ends_at_the_exact_second(db: Session, world: World) -> None:
    nda = make_contract(db, [world.partner_a], kind="nda", title="NDA")
    assert not covered(db, world.partner_a, START)  # drafted, not in force
    walk(db, nda.id, "internal_review", "partner_review", "approved")
    assert not covered(db, world.partner_a, START)  # approved is not yet in force
    walk(db, nda.id, "active")
    assert not covered(db, world.partner_a, START - SECOND)
    assert covered(db, world.partner_a, START)
    assert covered(db, world.partner_a, END - SECOND)
    assert not covered(db, world.partner_a, END)
    assert not covered(db, world.partner_b, START + SECOND)  # not a party
    # naive datetimes are read as UTC; other offsets are converted
    assert covered(db, world.partner_a, (END - SECOND).replace(tzinfo=None))
    kst = (END - SECOND).astimezone(ZoneInfo("Asia/Seoul"))
    assert covered(db, world.partner_a, kst)


def test_kinds_filter(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a], kind="supply_agreement")
    activate(db, contract.id)
    at = START + timedelta(days=10)
    assert covered(db, world.partner_a, at)
    assert covered(db, world.partner_a, at, kinds=["nda", "supply_agreement"])
    assert not covered(db, world.partner_a, at, kinds=["nda"])


def test_termination_ends_coverage_at_its_instant(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a, world.partner_b], kind="jv_alliance")
    activate(db, contract.id)
    stop = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    service.transition(
        db,
        actor=SYSTEM_ACTOR,
        contract_id=contract.id,
        to="terminated",
        comment="Breach",
        at=stop,
        now=stop - timedelta(days=1),
    )
    for partner_id in (world.partner_a, world.partner_b):
        assert covered(db, partner_id, stop - SECOND)
        assert not covered(db, partner_id, stop)
    ended = service.agreements_ended_for_partner(db, partner_id=world.partner_a, at=stop)
    assert [(w.contract_id, w.end_reason, w.ends_at) for w in ended] == [
        (contract.id, "terminated", stop)
    ]
    assert ended[0].confidentiality_until == datetime(2031, 6, 15, 12, 0, tzinfo=UTC)  # 60 months
    assert (
        service.agreements_ended_for_partner(db, partner_id=world.partner_a, at=stop - SECOND) == []
    )


def test_expired_agreements_are_listed_for_the_exit_report(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a])
    activate(db, contract.id)
    assert (
        service.agreements_ended_for_partner(db, partner_id=world.partner_a, at=END - SECOND) == []
    )
    ended = service.agreements_ended_for_partner(db, partner_id=world.partner_a, at=END)
    assert [(w.end_reason, w.ends_at) for w in ended] == [("expired", END)]
    active = service.active_agreements_for_partner(db, partner_id=world.partner_a, at=START)
    assert [w.contract_id for w in active] == [contract.id]


def test_amendments_keep_coverage_continuous_and_extend_it(db: Session, world: World) -> None:
    contract = make_contract(db, [world.partner_a])
    activate(db, contract.id)
    extended = terms(term={"start": "2026-01-01", "end": "2028-01-01"})
    service.create_amendment(
        db,
        actor=SYSTEM_ACTOR,
        contract_id=contract.id,
        data=schemas.AmendmentCreate.model_validate(
            {"summary": "Extension", "effective_from": "2026-07-01", "terms": extended}
        ),
    )
    assert not covered(db, world.partner_a, END)  # the draft amendment is not in force yet
    activate(db, contract.id)
    switch = datetime(2026, 7, 1, tzinfo=UTC)
    assert covered(db, world.partner_a, switch - SECOND)  # version 1
    assert covered(db, world.partner_a, switch)  # version 2
    assert covered(db, world.partner_a, END)
    assert not covered(db, world.partner_a, datetime(2028, 1, 1, tzinfo=UTC))


def test_auto_renewal_covers_until_notice_ends_it(db: Session, world: World) -> None:
    auto = terms(renewal={"auto": True, "notice_days": 30, "period_months": 12})
    contract = make_contract(db, [world.partner_a], terms_doc=auto)
    activate(db, contract.id)
    far = datetime(2031, 3, 1, tzinfo=UTC)
    assert covered(db, world.partner_a, far)
    service.give_non_renewal_notice(
        db, actor=SYSTEM_ACTOR, contract_id=contract.id, now=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert covered(db, world.partner_a, END - SECOND)
    assert not covered(db, world.partner_a, END)
