"""The demo cases bring contracts in every state, through the services, and load idempotently."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from tests.conftest import sealed_chain_is_sound

from cofab.contracts import service
from cofab.contracts.models import Contract, ContractVersion, RaciAssignment
from cofab.contracts.queries import effective_status
from cofab.db.session import unit_of_work
from cofab.demo.loader import load_case


def test_demo_contracts_cover_the_lifecycle(engine: Engine, tmp_path: Path) -> None:
    today = date(2026, 11, 25)
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    with unit_of_work(engine) as session:
        load_case(session, "electronics", today=today)
    with unit_of_work(engine) as session:
        load_case(session, "electronics", today=today)  # second load adds nothing
    with unit_of_work(engine) as session:
        contracts = session.execute(select(Contract).order_by(Contract.id)).scalars().all()
        states = Counter(effective_status(c, now) for c in contracts)
        assert len(contracts) == 8  # the eighth: NDA with the second EMS partner in qualification
        assert states == Counter({"active": 5, "partner_review": 1, "draft": 1, "terminated": 1})
        amended = next(c for c in contracts if c.external_ref == "DEMO-ELE-C1")
        versions = (
            session.execute(
                select(ContractVersion.status).where(ContractVersion.contract_id == amended.id)
            )
            .scalars()
            .all()
        )
        assert sorted(versions) == ["active", "superseded"]
        assert session.execute(select(func.count()).select_from(RaciAssignment)).scalar_one() > 0
        terminated = next(c for c in contracts if c.status == "terminated")
        partner_id = terminated.partner_id
        assert not service.partner_has_active_agreement(session, partner_id=partner_id, at=now)
        ended = service.agreements_ended_for_partner(session, partner_id=partner_id, at=now)
        assert [w.end_reason for w in ended] == ["terminated"]
    assert sealed_chain_is_sound(engine, tmp_path)
