"""The logistics demo module on the test world: partner A plays the pharma CDMO (P-IBL) and a
cold-chain carrier plays P-CCL; loading twice changes nothing, and the carried shipment shows
exactly one excursion (9.4 °C on a 2–8 °C lane) among five readings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.logistics.logistics_factories import make_carrier
from tests.operations.ops_factories import line_ids, make_order, ship

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.demo import logistics_demo
from cofab.logistics import service
from cofab.logistics.models import Lane, TemperatureReading
from cofab.performance.models import Scorecard, ScorecardTemplate


def test_pharma_cold_chain_lane_with_one_excursion(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        carrier = make_carrier(session, "Cold Carrier", "ops@cold.test")
        order = make_order(session, world.partner_a, "PH-1", [("Vial", 500, 3.0, date(2025, 6, 1))])
        ship(session, "PH-ASN", [(line_ids(session, order)[0], 500)], date(2025, 6, 1))
    refs = {"P-CCL": carrier, "P-IBL": world.partner_a}
    for _ in range(2):
        with unit_of_work(engine) as session:
            logistics_demo.load(session, "pharma", refs, date(2025, 7, 1))
    with unit_of_work(engine, write=False) as session:
        lane = session.execute(select(Lane)).scalar_one()
        assert (lane.code, lane.origin_site_id) == ("IBL-EU-COLD", world.ids["a"]["site_id"])
        count = session.execute(select(func.count()).select_from(TemperatureReading)).scalar_one()
        assert count == 5
        kpis = service.carrier_kpis(
            session,
            actor=SYSTEM_ACTOR,
            partner_id=carrier,
            start=date(2025, 6, 1),
            end=date(2025, 6, 30),
        )
    assert [(k.shipments, k.excursions, k.shipments_with_excursion) for k in kpis] == [(1, 1, 1)]
    # the carrier's stored scorecard for Q2: not yet received → no adherence or damage value;
    # 1 of 1 shipment out of range = 100 % → 0 points on the excursion metric, the only one
    with unit_of_work(engine, write=False) as session:
        (card,) = session.execute(
            select(Scorecard).where(Scorecard.partner_id == carrier)
        ).scalars()
        template = session.get(ScorecardTemplate, card.template_id)
        assert template is not None and template.applies_to == "logistics"
        assert card.period_start == date(2025, 4, 1)
        assert card.kpis["values"]["excursion_pct"] == 100
        assert card.kpis["values"]["adherence_pct"] is None
        assert card.score == 0 and card.grade == "D"
