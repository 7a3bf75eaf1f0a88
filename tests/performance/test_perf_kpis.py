"""KPIs against a small data set computed by hand: tolerance days, partial deliveries,
over-delivery, rejects, costs, nearest-rank percentiles, acknowledgement, and idle periods that
give "no data" instead of 0.

February 2025, partner A, order placed 2025-01-20 (lead times count from there):

| line | qty | promised | receipts (received / rejected)      | notes                        |
|------|-----|----------|-------------------------------------|------------------------------|
| L1   | 100 | 02-10    | 02-10: 100, landed 2.2 vs price 2.0 | on time                      |
| L2   | 100 | 02-10    | 02-09: 60, 02-12: 40                | partial, complete 2 days late|
| L3   |  50 | 02-15    | 02-15: 50 of which 10 rejected      | on time, not in full         |
| L4   |  80 | 02-20    | 02-18: 100, landed 0.9 vs price 1.0 | over-delivery, family F2     |
| L5   |  40 | 02-25    | none                                | open, 35 days late on 04-01  |
| L6   |  10 | 03-05    | none                                | due outside the period       |
| L7   |  20 | 02-20    | none                                | rejected by the partner      |
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from tests.conftest import World
from tests.operations.ops_factories import AS_OF, FEB
from tests.operations.ops_factories import build_february as build

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.performance import kpis


def compute(
    engine: Engine,
    group_by: str = "partner",
    tol: int = 0,
    as_of: date = AS_OF,
    start: date = FEB[0],
    end: date = FEB[1],
) -> dict[str, kpis.KpiGroup]:
    with unit_of_work(engine) as session:
        query = kpis.KpiQuery(start, end, group_by, tol, None, as_of)
        return {g.key: g for g in kpis.compute(session, actor=SYSTEM_ACTOR, query=query)}


def test_delivery_kpis_by_hand_without_tolerance(engine: Engine, world: World) -> None:
    build(engine, world)
    a = compute(engine)[str(world.partner_a)]
    v = a.values
    assert a.counts["lines_due"] == 5 and a.counts["lines_evaluated"] == 5
    assert v["otd_lines"] == pytest.approx(60.0)  # L1, L3, L4 of 5
    assert v["otif"] == pytest.approx(40.0)  # L1, L4 (L3 short by the rejects)
    # on time by quantity: 100 + 60 + 50 + min(100, 80) + 0 of 370
    assert v["otd_qty"] == pytest.approx(290 / 370 * 100)
    # L2 two days late, L5 still open 35 days after its promise on 1 April
    assert v["avg_days_late"] == pytest.approx((2 + 35) / 2)
    # accepted, capped per line: 100 + 100 + 40 + 80 + 0 of 370
    assert v["fill_rate"] == pytest.approx(320 / 370 * 100)
    assert v["defect_ppm"] == pytest.approx(10 / 350 * 1_000_000)
    assert v["cost_index"] == pytest.approx((220 + 90) / (200 + 100) * 100)
    assert a.price_variance == {"USD": pytest.approx(10.0)}
    # L1..L4 completed in February: 21, 23, 26 and 29 days after 20 January
    assert v["lead_time_days"] == pytest.approx((21 + 23 + 26 + 29) / 4)
    # response hours 2, 4, 1, 24 → sorted 1, 2, 4, 24: median = rank 2, p90 = rank 4
    assert v["response_median_h"] == pytest.approx(2.0)
    assert v["response_p90_h"] == pytest.approx(24.0)
    # resolution hours 24, 48, 48: median rank 2, p90 rank 3
    assert v["resolution_median_h"] == pytest.approx(48.0)
    assert v["resolution_p90_h"] == pytest.approx(48.0)
    assert a.counts["tickets"] == 5
    assert v["ack_rate"] == pytest.approx(50.0) and v["ack_hours"] == pytest.approx(6.0)


def test_tolerance_days_forgive_small_delays(engine: Engine, world: World) -> None:
    build(engine, world)
    v = compute(engine, tol=2)[str(world.partner_a)].values
    assert v["otd_lines"] == pytest.approx(80.0)  # L2 now counts as on time
    assert v["otif"] == pytest.approx(60.0)
    assert v["otd_qty"] == pytest.approx(330 / 370 * 100)
    assert v["avg_days_late"] == pytest.approx(35.0)
    assert v["fill_rate"] == pytest.approx(320 / 370 * 100)  # tolerance does not change fill


def test_open_lines_count_only_once_their_promise_has_passed(engine: Engine, world: World) -> None:
    build(engine, world)
    v = compute(engine, tol=2, as_of=date(2025, 2, 26))[str(world.partner_a)].values
    # L5 (promised 02-25) is not late yet with 2 days of tolerance on 02-26
    assert v["otd_lines"] == pytest.approx(100.0)
    assert v["avg_days_late"] == 0.0
    strict = compute(engine, tol=0, as_of=date(2025, 2, 26))[str(world.partner_a)].values
    assert strict["otd_lines"] == pytest.approx(60.0)
    assert strict["avg_days_late"] == pytest.approx((2 + 1) / 2)


def test_groups_by_family_and_site(engine: Engine, world: World) -> None:
    build(engine, world)
    families = compute(engine, group_by="family")
    assert families["F2"].values["otd_lines"] == pytest.approx(100.0)
    assert families["F1"].values["otd_lines"] == pytest.approx(50.0)  # L1, L3 of L1, L2, L3, L5
    assert families["F2"].values["defect_ppm"] == 0.0
    sites = compute(engine, group_by="site")
    assert sites[str(world.ids["a"]["site_id"])].values["otd_lines"] == pytest.approx(60.0)
    assert sites[str(world.ids["a"]["site_id"])].label == "Alpha Assembly Site"
    everyone = compute(engine, group_by="all")["all"]
    assert everyone.values["otd_lines"] == pytest.approx(60.0)
    assert everyone.counts["tickets"] == 6


def test_idle_periods_are_no_data_never_zero(engine: Engine, world: World) -> None:
    build(engine, world)
    groups = compute(engine)
    b = groups[str(world.partner_b)]
    assert b.values["response_median_h"] == pytest.approx(3.0)
    for code in (
        "otd_lines",
        "otd_qty",
        "otif",
        "avg_days_late",
        "fill_rate",
        "defect_ppm",
        "cost_index",
        "lead_time_days",
        "resolution_median_h",
        "ack_rate",
    ):
        assert b.values[code] is None, code
    june = compute(engine, start=date(2025, 6, 1), end=date(2025, 6, 30))
    assert june == {}
    with unit_of_work(engine) as session:
        idle = kpis.compute_for_partner(
            session,
            actor=SYSTEM_ACTOR,
            partner_id=world.partner_a,
            start=date(2025, 6, 1),
            end=date(2025, 6, 30),
        )
    assert set(idle.values) == set(kpis.KPI_CODES)
    assert all(value is None for value in idle.values.values())


def test_partner_sees_only_its_own_kpis_over_the_api(world: World, api, engine) -> None:
    build(engine, world)
    params = {"start": "2025-02-01", "end": "2025-02-28", "tolerance_days": 2}
    own = api(world.users["partner_a"]).get("/api/v1/kpis", params=params).json()
    assert [g["key"] for g in own["groups"]] == [str(world.partner_a)]
    assert own["groups"][0]["values"]["otd_lines"] == pytest.approx(80.0)
    assert "definitions" in own and own["definitions"]["otd_lines"]
    owner = api(world.users["viewer"], locale="ko").get("/api/v1/kpis", params=params).json()
    assert len(owner["groups"]) == 2
    assert any("\uac00" <= ch <= "\ud7a3" for ch in owner["definitions"]["defect_ppm"])
    quarter = api(world.users["viewer"]).get("/api/v1/kpis", params={"period": "2025-Q1"})
    assert quarter.json()["start"] == "2025-01-01" and quarter.json()["end"] == "2025-03-31"
    bad = api(world.users["viewer"]).get("/api/v1/kpis", params={"period": "2025-13"})
    assert bad.status_code == 422


def test_kpis_see_rows_written_earlier_in_the_same_transaction(
    engine: Engine, world: World
) -> None:
    """On PostgreSQL the KPI families run on helper connections sharing one snapshot; rows the
    caller has not committed yet must still count (the helpers are not used then)."""
    from tests.operations.ops_factories import deliver, line_ids, make_order

    with unit_of_work(engine) as session:
        order = make_order(session, world.partner_b, "SAME-TX", [("X", 10, 1.0, date(2025, 2, 10))])
        deliver(session, line_ids(session, order)[0], "SAME-TX-ASN", date(2025, 2, 9), 10)
        query = kpis.KpiQuery(FEB[0], FEB[1], "partner", 0, [world.partner_b], AS_OF)
        found = kpis.compute(session, actor=SYSTEM_ACTOR, query=query)
    assert [g.values["otd_lines"] for g in found] == [100.0]
