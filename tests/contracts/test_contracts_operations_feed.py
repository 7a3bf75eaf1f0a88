"""Penalties computed from receipts booked in the operations module instead of a file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from tests.conftest import World
from tests.contracts.contract_factories import make_active_contract
from tests.operations.ops_factories import deliver, line_ids, make_order, receive, ship

from cofab.db.session import unit_of_work


def test_receipts_and_rejections_become_damages_and_chargebacks(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    with unit_of_work(engine) as session:
        contract = make_active_contract(session, [world.partner_a])
        order = make_order(
            session,
            world.partner_a,
            "PO-1",
            [("Tablet", 100, 12.5, date(2026, 2, 10)), ("Tablet", 10, 12.5, date(2026, 2, 10))],
            order_date=date(2026, 1, 5),
        )
        first, second = line_ids(session, order)
        # 100 received 4 days late, 3 rejected at incoming inspection
        deliver(session, first, "ASN-1", date(2026, 2, 14), accepted=97, rejected=3)
        # received a day early: no damages
        deliver(session, second, "ASN-2", date(2026, 2, 9), accepted=10)
        other = make_order(
            session,
            world.partner_a,
            "PO-EUR",
            [("Tablet", 5, 9, date(2026, 2, 1))],
            order_date=date(2026, 1, 5),
            currency="EUR",
        )
        eur_line = line_ids(session, other)[0]
        shipment = ship(session, "ASN-3", [(eur_line, 5)], date(2026, 2, 20))
        receive(session, shipment, eur_line, date(2026, 2, 20), 5, currency="EUR")
        cid = contract.id
    client = api(world.users["manager"])
    result = client.get(
        f"/api/v1/contracts/{cid}/penalties", params={"start": "2026-02-01", "end": "2026-02-28"}
    ).json()
    # 3 chargeable days × 0.5 % × (100 × 12.50) = 18.75; 3 rejected × 4.00 = 12.00
    assert result["late_delivery_total"] == "18.75"
    assert result["chargeback_total"] == "12.00"
    assert result["total"] == "30.75"
    assert len(result["skipped"]) == 1 and "EUR" in result["skipped"][0]["reason"]
    march = client.get(
        f"/api/v1/contracts/{cid}/penalties", params={"start": "2026-03-01", "end": "2026-03-31"}
    ).json()
    assert march["lines"] == [] and march["skipped"] == []
    assert (
        api(world.users["partner_a"]).get(f"/api/v1/contracts/{cid}/penalties").status_code == 403
    )
