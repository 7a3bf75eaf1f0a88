"""A plan's rows keep their site's partner and their period's index and lie in partner order
(migration 0043), so publication writes them as they are read; rows stored before 0043 are given
both by the migration, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine, select
from tests.conftest import World, filled_row
from tests.forecast.forecast_factories import flow, solved_scenario

from cofab.db.migrate import upgrade
from cofab.db.session import unit_of_work
from cofab.planning.models import PlanFlow, PlanPartnerOutput

MONTHS = ["2025-01", "2025-02", "2025-03"]


def test_plan_rows_carry_partner_and_period_index_in_partner_order(
    world: World, engine: Engine
) -> None:
    # sites named so that their own order is not their partners' order
    a, b = sorted((world.partner_a, world.partner_b))
    scenario = solved_scenario(
        engine,
        {"Z-first": a, "A-second": b},
        [
            flow("A-second", "P1", "2025-01", 5),
            flow("OWN", "P1", "2025-02", 1),  # an own plant: no partner
            flow("Z-first", "P2", "2025-03", 2),
            flow("Z-first", "P1", "2025-02", 3),
            flow("Z-first", "P1", "2099-12", 4),  # a period the input does not list
        ],
        periods=MONTHS,
    )
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(PlanFlow.partner_id, PlanFlow.site, PlanFlow.product, PlanFlow.period_index)
            .where(PlanFlow.scenario_id == scenario)
            .order_by(PlanFlow.n)
        ).all()
        totals = session.execute(
            select(
                PlanPartnerOutput.partner_id,
                PlanPartnerOutput.family,
                PlanPartnerOutput.period_index,
                PlanPartnerOutput.flows,
                PlanPartnerOutput.qty,
            ).where(PlanPartnerOutput.scenario_id == scenario)
        ).all()
    # a partner's totals per family and period: the own plant and the unlisted period left out
    assert sorted(tuple(t) for t in totals) == [
        (a, "F1", 1, 1, 3),
        (a, "F2", 2, 1, 2),
        (b, "F1", 0, 1, 5),
    ]
    assert [tuple(r) for r in rows] == [
        (a, "Z-first", "P1", 1),
        (a, "Z-first", "P1", None),
        (a, "Z-first", "P2", 2),
        (b, "A-second", "P1", 0),
        (None, "OWN", "P1", 1),
    ]


def test_rows_stored_before_0043_get_partner_and_period_index(empty_database: Engine) -> None:
    upgrade(empty_database, "0042_forecast_counted")
    old = sa.MetaData()
    old.reflect(empty_database, only=("plan_scenarios", "plan_flows"))
    scenarios, flows = old.tables["plan_scenarios"], old.tables["plan_flows"]
    with empty_database.begin() as connection:
        connection.execute(
            scenarios.insert().values(
                filled_row(
                    scenarios,
                    id=1,
                    input_doc={"periods": MONTHS},
                    site_partners={"A1": 7, "B1": 9},
                )
            )
        )
        connection.execute(
            flows.insert(),
            [
                {"scenario_id": 1, "n": n, "site": s, "product": "P1", "period": p, "qty": 1}
                for n, (s, p) in enumerate(
                    (("B1", "2025-03"), ("A1", "2025-01"), ("OWN", "2025-02"), ("A1", "2030-01")),
                    start=1,
                )
            ],
        )
    upgrade(empty_database)
    with empty_database.connect() as connection:
        found = connection.execute(
            sa.text("SELECT n, partner_id, period_index FROM plan_flows ORDER BY n")
        ).all()
        totals = connection.execute(
            sa.text(
                "SELECT partner_id, family, period_index, flows, qty FROM plan_partner_output"
                " ORDER BY partner_id"
            )
        ).all()
    assert [tuple(r) for r in found] == [(1, 9, 2), (2, 7, 0), (3, None, 1), (4, 7, None)]
    # no family in the rows: a product is its own family
    assert [tuple(t) for t in totals] == [(7, "P1", 0, 1, 1), (9, "P1", 2, 1, 1)]
