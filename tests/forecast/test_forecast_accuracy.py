"""Waterfall and accuracy (MAPE, WAPE, bias) in SQL against figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, update
from tests.conftest import World
from tests.forecast.forecast_factories import flow, publish, solved_scenario

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import service
from cofab.operations import orders, schemas
from cofab.operations.models import OrderLine


def _world(world: World, engine: Engine) -> int:
    """Release 1 forecasts Jan–Mar 2025, release 2 re-forecasts Feb–Mar; orders for Jan and Feb.

    Latest forecast per period: Jan 100 (release 1), Feb 80, Mar 120 (release 2) for P1 (F1);
    Jan 50 for P2 (F2). Ordered: P1 Jan 90 + 10, Feb 100, Mar nothing; P2 Jan 40."""
    a = {"A1": world.partner_a}
    first = solved_scenario(
        engine,
        a,
        [
            flow("A1", "P1", "2025-01", 100),
            flow("A1", "P1", "2025-02", 100),
            flow("A1", "P1", "2025-03", 100),
            flow("A1", "P2", "2025-01", 50),
        ],
        periods=["2025-01", "2025-02", "2025-03"],
    )
    publish(engine, first)
    second = solved_scenario(
        engine,
        a,
        [flow("A1", "P1", "2025-02", 80), flow("A1", "P1", "2025-03", 120)],
        periods=["2025-02", "2025-03"],
    )
    publish(engine, second)
    lines = [
        ("P1", "F1", 90, date(2025, 1, 10)),
        ("P1", "F1", 10, date(2025, 1, 20)),
        ("P1", "F1", 100, date(2025, 2, 5)),
        ("P2", "F2", 40, date(2025, 1, 31)),
    ]
    with unit_of_work(engine) as session:
        order, _ = orders.create_order(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.OrderCreate(
                partner_id=world.partner_a,
                external_ref="ACC-1",
                order_date=date(2024, 12, 15),
                currency="USD",
                incoterm="FCA",
                lines=[
                    schemas.OrderLineIn(
                        product=p,
                        product_family=f,
                        quantity=Decimal(q),
                        unit_price=Decimal(1),
                        requested_date=d,
                    )
                    for p, f, q, d in lines
                ],
            ),
        )
        return order.id


def test_waterfall_shows_each_publication(world: World, engine: Engine) -> None:
    _world(world, engine)
    with unit_of_work(engine) as session:
        rows = service.waterfall(session, actor=SYSTEM_ACTOR, product="P1")
    assert [(r.period, r.release, r.qty) for r in rows] == [
        ("2025-01", 1, Decimal(100)),
        ("2025-02", 1, Decimal(100)),
        ("2025-02", 2, Decimal(80)),
        ("2025-03", 1, Decimal(100)),
        ("2025-03", 2, Decimal(120)),
    ]


def test_accuracy_against_orders_and_receipts(world: World, engine: Engine, api) -> None:  # type: ignore[no-untyped-def]
    order_id = _world(world, engine)
    with unit_of_work(engine) as session:
        rows = service.accuracy(session, actor=SYSTEM_ACTOR)
    got = {(r.partner_id, r.family): r for r in rows}
    f1 = got[(world.partner_a, "F1")]
    # F1: (F, A) = (100, 100), (80, 100), (120, 0): |e| = 0, 20, 120; ΣA = 200
    assert (f1.points, f1.forecast, f1.actual) == (3, 300.0, 200.0)
    assert f1.wape == pytest.approx(140 / 200)
    assert f1.bias == pytest.approx((0 - 20 + 120) / 200)
    assert f1.mape == pytest.approx((0 + 20 / 100) / 2)  # the March point has A = 0: left out
    f2 = got[(world.partner_a, "F2")]
    assert (f2.wape, f2.bias, f2.mape) == (pytest.approx(0.25),) * 3
    # received: only the first January line got 90 → F1 points (100, 90), (80, 0), (120, 0)
    with unit_of_work(engine) as session:
        session.execute(
            update(OrderLine)
            .where(OrderLine.order_id == order_id, OrderLine.line_no == 1)
            .values(received_total=Decimal(90))
        )
    with unit_of_work(engine) as session:
        received = {
            r.family: r for r in service.accuracy(session, actor=SYSTEM_ACTOR, basis="received")
        }
    assert received["F1"].wape == pytest.approx(210 / 90)
    assert received["F1"].bias == pytest.approx(210 / 90)
    assert received["F1"].mape == pytest.approx(10 / 90)
    assert received["F2"].wape is None and received["F2"].mape is None
    # partner B sees no figure of partner A; partner A sees its own over HTTP
    assert api(world.users["partner_b"]).get("/api/v1/forecast/accuracy").json() == []
    mine = api(world.users["partner_a"]).get("/api/v1/forecast/accuracy").json()
    assert [(r["family"], round(r["wape"], 6)) for r in mine] == [("F1", 0.7), ("F2", 0.25)]
    # periods not ended by ``until`` are left out
    with unit_of_work(engine) as session:
        early = service.accuracy(session, actor=SYSTEM_ACTOR, until=date(2025, 2, 1))
    assert [(r.family, r.points) for r in early] == [("F1", 1), ("F2", 1)]


def test_weekly_accuracy_takes_each_order_in_its_iso_week(world: World, engine: Engine) -> None:
    """Weeks run Monday to Sunday: an order on Sunday 12 Jan 2025 is week 2's, one on Monday 13
    Jan week 3's, one on Sunday 5 Jan week 1's (PostgreSQL buckets dates, SQLite compares)."""
    weeks = ["2025-W01", "2025-W02", "2025-W03"]
    plan = [flow("A1", "P1", week, 10) for week in weeks]
    publish(engine, solved_scenario(engine, {"A1": world.partner_a}, plan, periods=weeks))
    ordered = [(5, date(2025, 1, 5)), (7, date(2025, 1, 12)), (1, date(2025, 1, 6))]
    ordered.append((20, date(2025, 1, 13)))
    with unit_of_work(engine) as session:
        orders.create_order(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.OrderCreate(
                partner_id=world.partner_a,
                external_ref="ACC-W",
                order_date=date(2024, 12, 15),
                currency="USD",
                incoterm="FCA",
                lines=[
                    schemas.OrderLineIn(
                        product="P1",
                        product_family="F1",
                        quantity=Decimal(q),
                        unit_price=Decimal(1),
                        requested_date=d,
                    )
                    for q, d in ordered
                ],
            ),
        )
    with unit_of_work(engine) as session:
        (row,) = service.accuracy(session, actor=SYSTEM_ACTOR, until=date(2025, 2, 1))
    # (F, A) per week: (10, 5), (10, 8), (10, 20); ΣA = 33, Σ|e| = 5 + 2 + 10
    assert (row.points, row.forecast, row.actual) == (3, 30.0, 33.0)
    assert row.wape == pytest.approx(17 / 33)
    assert row.bias == pytest.approx(-3 / 33)
    assert row.mape == pytest.approx((5 / 5 + 2 / 8 + 10 / 20) / 3)
