"""The ventures demo module on the test world: partner A plays the battery JV (A-NCP) and
partner B its German parent (A-RZW), then the display alliance's partners; loading twice
changes nothing, the second capital call is partly paid and the reserved matter passed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select
from tests.conftest import World, make_partner

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.demo import ventures_demo
from cofab.ventures import alliances, capital, jv
from cofab.ventures.models import Alliance, Resolution, Venture


def test_battery_jv_board_and_display_alliance(world: World, engine: Engine) -> None:
    today = date(2026, 12, 3)
    with unit_of_work(engine) as session:
        daejeon = make_partner(session, "Daejeon Display", "KR").id
    car = {"DEMO-A-NCP": world.partner_a, "DEMO-A-RZW": world.partner_b}
    phone = {"DEMO-E-PNG": world.partner_b, "DEMO-E-DDL": daejeon}
    for _ in range(2):
        with unit_of_work(engine) as session:
            ventures_demo.load(session, "automotive", car, today)
            ventures_demo.load(session, "electronics", phone, today)
    with unit_of_work(engine, write=False) as session:
        venture = session.execute(select(Venture)).scalar_one()
        assert sum(p.equity_pct for p in venture.parents) == 100
        equity = {p.partner_id: p.equity_pct for p in venture.parents}
        assert equity == {None: 51, world.partner_b: 49}  # the group and the German parent
        positions = capital.capital_positions(venture, capital.calls(session, venture))
        owner, partner = positions
        assert owner.outstanding == 0 and owner.called == Decimal(102_000_000)
        assert partner.outstanding == Decimal(39_200_000 - 22_000_000)
        assert partner.committed - partner.called == Decimal(29_400_000)  # CC-3 not called yet
        outcomes = {
            r.number: (r.matter_id is not None, r.passed) for r in jv.resolutions(session, venture)
        }
        assert outcomes == {"2026-01": (True, True), "2026-02": (False, False)}
        assert session.execute(select(func.count()).select_from(Resolution)).scalar_one() == 2
        alliance = session.execute(select(Alliance)).scalar_one()
        lines = alliances.statement(
            session, actor=SYSTEM_ACTOR, alliance_id=alliance.id, period="2026-Q4"
        ).lines
    # Q4 2026 entries: pilot costs 920 000 (Penang) + 310 000 (us), lab 140 000 (Daejeon),
    # licence income 250 000 (us); settlements add up to zero
    assert sum(line.settlement for line in lines) == 0
    ours = lines[0]
    assert ours.cost_share == Decimal("615000.00") + Decimal("84000.00")
    assert ours.benefit_share == Decimal("125000.00")


def test_the_demo_jv_is_korean_german() -> None:
    """The automotive case's JV has a German parent (issue 17: a Korea–Germany battery JV)."""
    from cofab.demo.cases import CASES

    partners = {p[0]: p for p in CASES["automotive"]["partners"]}
    german = partners["A-RZW"]
    assert german[6] == "DE" and german[7][0][6] == "Europe/Berlin"
    assert german[7][0][7] == []  # no production capacity: it stays out of planning's sites
    # (the test above loads the JV only when DEMO-A-RZW is given: the German one is the parent)
