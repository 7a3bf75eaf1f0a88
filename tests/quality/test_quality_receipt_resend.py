"""The dock's receipt file sent again after incoming inspection decided the lot: the receipt's
split now reads 0 accepted / 100 rejected while the file still says 100 / 0. It is the same
receipt (nothing written, no conflict); a different received total is still a conflict, and a
receipt no inspection has decided still conflicts on a different split."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.operations.ops_factories import line_ids, make_order, ship, shipment_line_for

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.errors import ValidationFailed
from cofab.db.session import unit_of_work
from cofab.operations import schemas as ops_schemas
from cofab.operations import shipments
from cofab.operations.models import Receipt
from cofab.quality import lots, plans, schemas
from cofab.quality.models import Inspection, Lot

DAY = date.today() - timedelta(days=10)


@pytest.fixture(autouse=True)
def _wired() -> None:
    from cofab.domains import wire

    wire()


def _send(
    engine: Engine, shipment_id: int, sl_id: int, ref: str, accepted: int, rejected: int
) -> None:
    with unit_of_work(engine) as session:
        shipments.post_receipts(
            session,
            actor=SYSTEM_ACTOR,
            shipment_id=shipment_id,
            data=ops_schemas.ReceiptCreate(
                received_date=DAY,
                lines=[
                    ops_schemas.ReceiptLineIn(
                        shipment_line_id=sl_id,
                        accepted_qty=Decimal(accepted),
                        rejected_qty=Decimal(rejected),
                        reject_reason="damaged" if rejected else None,
                        currency="USD",
                        external_ref=ref,
                    )
                ],
            ),
        )


def _split(engine: Engine, ref: str) -> tuple[Decimal, Decimal, int]:
    with unit_of_work(engine) as session:
        receipt = session.execute(select(Receipt).where(Receipt.external_ref == ref)).scalar_one()
        count = session.execute(select(func.count()).select_from(Receipt)).scalar_one()
        return Decimal(receipt.accepted_qty), Decimal(receipt.rejected_qty), count


def test_resent_receipt_after_inspection_is_the_same_receipt(world: World, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        plans.create_plan(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.PlanCreate.model_validate(
                {
                    "partner_id": world.partner_a,
                    "product": "P1",
                    "aql_critical": 0.1,
                    "aql_major": 1.0,
                    "aql_minor": 2.5,
                    "characteristics": [
                        {"name_ko": "납땜", "name_en": "Solder", "defect_class": "major"}
                    ],
                }
            ),
        )
        order = make_order(session, world.partner_a, "RESEND", [("P1", 200, 1.0, DAY)])
        (line,) = line_ids(session, order)
        shipment = ship(session, "SR1", [(line, 200)], DAY - timedelta(days=3))
        shipment_id, sl_id = shipment.id, shipment_line_for(session, shipment, line)
    _send(engine, shipment_id, sl_id, "GR-1", 100, 0)
    _send(engine, shipment_id, sl_id, "GR-UNDECIDED", 50, 0)
    with unit_of_work(engine) as session:
        lot = session.execute(select(Lot).where(Lot.external_ref == "GR-1")).scalar_one()
        inspection_id = session.execute(
            select(Inspection.id).where(Inspection.lot_id == lot.id)
        ).scalar_one()
        lots.record_inspection(
            session,
            actor=SYSTEM_ACTOR,
            inspection_id=inspection_id,
            data=schemas.InspectionResult.model_validate(
                {"defects": [{"defect_code": "BRIDGE", "defect_class": "major", "quantity": 3}]}
            ),
        )
    assert _split(engine, "GR-1") == (Decimal(0), Decimal(100), 2)  # the verdict rejected it

    _send(engine, shipment_id, sl_id, "GR-1", 100, 0)  # the original file again: accepted
    assert _split(engine, "GR-1") == (Decimal(0), Decimal(100), 2)  # nothing written

    with pytest.raises(ValidationFailed) as refused:  # another received total is a conflict
        _send(engine, shipment_id, sl_id, "GR-1", 90, 0)
    assert [p.field for p in refused.value.problems] == ["lines.0.external_ref"]

    with pytest.raises(ValidationFailed):  # no inspection decided this one: the split counts
        _send(engine, shipment_id, sl_id, "GR-UNDECIDED", 40, 10)
    assert _split(engine, "GR-1") == (Decimal(0), Decimal(100), 2)
