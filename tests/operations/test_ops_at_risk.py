"""Lines at risk on the live dashboard: open and not yet fully received (by the totals receipt
booking keeps on the line), with the reason that names what is missing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine
from tests.conftest import World
from tests.operations.ops_factories import deliver, line_ids, make_order, receive, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.operations import dashboard


def test_at_risk_follows_receipts(engine: Engine, world: World) -> None:
    today = date(2025, 3, 10)
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            world.partner_a,
            "RISK-1",
            [
                ("Done", 10, 1, today - timedelta(days=3)),
                ("Partial", 10, 1, today - timedelta(days=1)),
                ("Unshipped", 5, 1, today + timedelta(days=2)),
                ("Later", 5, 1, today + timedelta(days=30)),
            ],
            order_date=date(2025, 2, 1),
        )
        done, partial, unshipped, _later = line_ids(session, order)
        deliver(session, done, "ASN-R1", today - timedelta(days=4), 10)
        shipment = ship(session, "ASN-R2", [(partial, 10)], today - timedelta(days=5))
        receive(session, shipment, partial, today - timedelta(days=2), 4)
    with unit_of_work(engine) as session:
        rows = dashboard.at_risk(session, actor=SYSTEM_ACTOR, today=today)
    by_line = {row["line"].id: row for row in rows}
    assert set(by_line) == {partial, unshipped}
    assert by_line[partial]["reason"] == "overdue"
    assert by_line[partial]["received"] == 4.0
    assert by_line[unshipped]["reason"] == "not_shipped"
    assert by_line[unshipped]["days_left"] == 2
    with unit_of_work(engine) as session:  # the rest arrives: no longer at risk
        shipment = ship(session, "ASN-R3", [(partial, 6)], today - timedelta(days=1))
        receive(session, shipment, partial, today, 6)
    with unit_of_work(engine) as session:
        rows = dashboard.at_risk(session, actor=SYSTEM_ACTOR, today=today)
    assert {row["line"].id for row in rows} == {unshipped}


def test_lines_on_track_are_left_out(engine: Engine, world: World) -> None:
    today = date(2025, 3, 10)
    soon = today + timedelta(days=5)
    with unit_of_work(engine) as session:
        order = make_order(
            session,
            world.partner_a,
            "RISK-2",
            [("OnTrack", 10, 1, soon), ("Partly", 10, 1, soon), ("LateEta", 10, 1, soon)],
            order_date=date(2025, 2, 1),
        )
        on_track, partly, late_eta = line_ids(session, order)
        ship(session, "ASN-T1", [(on_track, 10)], today, eta=soon)
        ship(session, "ASN-T2", [(partly, 4)], today, eta=soon)
        ship(session, "ASN-T3", [(late_eta, 10)], today, eta=soon + timedelta(days=3))
    with unit_of_work(engine) as session:
        rows = dashboard.at_risk(session, actor=SYSTEM_ACTOR, today=today)
    reasons = {row["line"].id: row["reason"] for row in rows}
    assert reasons == {partly: "partly_shipped", late_eta: "eta_late"}


def test_a_full_list_says_there_may_be_more() -> None:
    rows = [{}] * dashboard.MAX_AT_RISK
    assert dashboard.at_risk_count(rows) == f"{dashboard.MAX_AT_RISK}+"
    assert dashboard.at_risk_count(rows[:3]) == "3"
