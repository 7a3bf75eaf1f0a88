"""A receipt's accepted/rejected quantities follow its lot's verdict and disposition, and so does
the defect-PPM KPI (rejected ÷ received × 10⁶ over receipts dated in the period).

Lot 500, AQL 1.0 major → n=50, Ac 1, Re 2 (ISO 2859-1 Table 2-A, letter H): two major defects
reject it. Rejected and not yet disposed: all 500 rejected (PPM 1,000,000). A 100 % sort that
finds 40 bad: 460 accepted, 40 rejected (PPM 40/500·10⁶ = 80,000). Use as is: 0 rejected.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, select
from tests.conftest import World
from tests.operations.ops_factories import deliver, line_ids, make_order
from tests.quality.quality_web_factories import make_plan

from cofab.db.session import unit_of_work
from cofab.operations.models import OrderLine, Receipt
from cofab.quality.lots import disposed_rejected
from cofab.quality.models import Inspection


def _receipt(engine: Engine) -> tuple[Decimal, Decimal, Decimal]:
    with unit_of_work(engine) as session:
        r = session.execute(select(Receipt)).scalar_one()
        line = session.get(OrderLine, r.line_id)
        assert line is not None
        return Decimal(r.accepted_qty), Decimal(r.rejected_qty), Decimal(line.accepted_total)


def test_disposition_decides_what_stays_rejected() -> None:
    assert disposed_rejected("use_as_is", None, 500) == 0
    assert disposed_rejected("scrap", 3, 500) == 500
    assert disposed_rejected("return", None, 500) == 500
    assert disposed_rejected("sort", 40, 500) == 40
    assert disposed_rejected("rework", None, 500) == 500


def test_receipt_quantities_and_ppm_follow_verdict_and_disposition(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        make_plan(session, world.partner_a)
        order = make_order(
            session, world.partner_a, "PO-RQ", [("PCB-1", 500, 2.0, date(2026, 3, 1))]
        )
        deliver(session, line_ids(session, order)[0], "ASN-RQ", date(2026, 3, 2), 500)
        inspection = session.execute(select(Inspection)).scalar_one()
        inspection_id, lot_id = inspection.id, inspection.lot_id
    assert _receipt(engine) == (500, 0, 500)
    quality = api(world.users["quality"])
    params = {"start": "2026-03-01", "end": "2026-03-31", "partner_id": world.partner_a}

    def ppm() -> float:
        report = quality.get("/api/v1/kpis", params=params).json()
        return float(report["groups"][0]["values"]["defect_ppm"])

    assert ppm() == 0
    result = quality.post(
        f"/api/v1/quality/inspections/{inspection_id}/result",
        json={"defects": [{"defect_code": "SOLDER", "defect_class": "major", "quantity": 2}]},
    )
    assert result.json()["status"] == "rejected"
    assert _receipt(engine) == (0, 500, 0)
    assert ppm() == 1_000_000
    too_many = quality.post(
        f"/api/v1/quality/lots/{lot_id}/disposition",
        json={"disposition": "sort", "rejected_qty": 501},
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "rejected_qty"
    assert _receipt(engine) == (0, 500, 0)
    sorted_ = quality.post(
        f"/api/v1/quality/lots/{lot_id}/disposition",
        json={"disposition": "sort", "rejected_qty": 40},
    )
    assert sorted_.status_code == 200, sorted_.text
    assert _receipt(engine) == (460, 40, 460)
    assert ppm() == 80_000
    quality.post(f"/api/v1/quality/lots/{lot_id}/disposition", json={"disposition": "use_as_is"})
    assert _receipt(engine) == (500, 0, 500)
    assert ppm() == 0
