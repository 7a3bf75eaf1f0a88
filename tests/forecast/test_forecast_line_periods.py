"""The latest release per partner and period, which accuracy takes from the lines counted per
publication and period on PostgreSQL (triggers of migration 0040) and from the lines elsewhere:
the same figures after a line moves to another period and after a publication is deleted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, delete, func, select, update
from tests.conftest import World
from tests.forecast.forecast_factories import flow, publish, solved_scenario

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.forecast import periods, service
from cofab.forecast.models import ForecastLine, LinePeriod, Publication

UNTIL = date(2026, 1, 1)


def _figures(engine: Engine) -> dict[str, tuple[int, float]]:
    with unit_of_work(engine) as session:
        rows = service.accuracy(session, actor=SYSTEM_ACTOR, until=UNTIL)
    return {r.family: (r.points, r.forecast) for r in rows}


def _counted(engine: Engine) -> None:
    """On PostgreSQL the counts equal the lines grouped afresh; SQLite keeps none."""
    key = (ForecastLine.publication_id, ForecastLine.period, ForecastLine.period_end)
    with unit_of_work(engine) as session:
        counted = {
            (r.publication_id, r.period, r.period_end): (r.partner_id, r.release, r.lines)
            for r in session.scalars(select(LinePeriod))
        }
        grouped = {
            (pub, period, end): (partner, release, n)
            for pub, period, end, partner, release, n in session.execute(
                select(
                    *key,
                    func.min(ForecastLine.partner_id),
                    func.min(ForecastLine.release),
                    func.count(),
                ).group_by(*key)
            )
        }
    assert counted == (grouped if engine.dialect.name == "postgresql" else {})


def test_latest_release_follows_moved_lines_and_deleted_publications(
    world: World, engine: Engine
) -> None:
    a = {"A1": world.partner_a}
    months = ["2025-01", "2025-02", "2025-03"]
    first = solved_scenario(
        engine,
        a,
        [flow("A1", "P1", m, 100) for m in months] + [flow("A1", "P2", "2025-01", 50)],
        periods=months,
    )
    (first_pub,) = publish(engine, first)
    second = solved_scenario(
        engine,
        a,
        [flow("A1", "P1", "2025-02", 80), flow("A1", "P1", "2025-03", 120)],
        periods=months[1:],
    )
    publish(engine, second)
    _counted(engine)
    # F1: Jan 100 (release 1), Feb 80 and Mar 120 (release 2); F2: Jan 50
    assert _figures(engine) == {"F1": (3, 300.0), "F2": (1, 50.0)}
    # release 2's March line moves to February (as an accepted counter-proposal does):
    # March's latest release with lines is 1 again → Jan 100, Feb 80 + 120, Mar 100
    start, end = periods.window("2025-02") or (None, None)
    with unit_of_work(engine) as session:
        session.execute(
            update(ForecastLine)
            .where(ForecastLine.release == 2, ForecastLine.period == "2025-03")
            .values(period="2025-02", period_index=0, period_start=start, period_end=end)
        )
    _counted(engine)
    assert _figures(engine) == {"F1": (3, 400.0), "F2": (1, 50.0)}
    # release 1 deleted with its lines: only February of release 2 is left
    with unit_of_work(engine) as session:
        session.execute(delete(Publication).where(Publication.id == first_pub))
    _counted(engine)
    assert _figures(engine) == {"F1": (1, 200.0)}


def test_a_publication_counts_its_own_lines_and_other_writers_are_still_counted(
    world: World, engine: Engine
) -> None:
    """The publishing statement writes its counts and tells the insert trigger so only for
    its own statement (migration 0042): a line another writer adds later in the same
    transaction is counted by the trigger, once."""
    from cofab.forecast import schemas

    months = ["2025-04", "2025-05"]
    scenario = solved_scenario(
        engine,
        {"A1": world.partner_a, "B1": world.partner_b},
        [flow("A1", "P1", m, 10) for m in months] + [flow("B1", "P2", "2025-04", 7)],
        periods=months,
    )
    with unit_of_work(engine) as session:
        made = service.publish(
            session, actor=SYSTEM_ACTOR, request=schemas.PublishRequest(scenario_id=scenario)
        )
        mine = next(p for p in made if p.partner_id == world.partner_a)
        start, end = periods.window("2025-05") or (date.min, date.min)
        session.add(
            ForecastLine(
                publication_id=mine.id,
                partner_id=mine.partner_id,
                release=mine.release,
                product="P9",
                family="F9",
                site="A1",
                period="2025-05",
                period_index=1,
                period_start=start,
                period_end=end,
                zone="flexible",
                planned_qty=3,
                status="open",
            )
        )
    _counted(engine)
    if engine.dialect.name == "postgresql":
        with unit_of_work(engine) as session:
            may = session.execute(
                select(LinePeriod.lines).where(
                    LinePeriod.publication_id == mine.id, LinePeriod.period == "2025-05"
                )
            ).scalar_one()
        assert may == 2  # P1 published, P9 added by hand
