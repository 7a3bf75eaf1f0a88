"""Publication writes the same rows on both databases: PostgreSQL makes them in one statement
(``publish_in_database``), SQLite in Python. Quantities round to 0.001 with ties to even,
repeated flows add up, unknown products are their own family, capacity pools replace the
derived reservations; one audit record per release; deleting a publication (or its partner)
deletes its lines and reservations although they carry no foreign key."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, func, select, text
from tests.conftest import World
from tests.forecast.forecast_factories import flow, publish, solved_scenario

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.forecast.models import CapacityReservation, ForecastLine, Publication
from cofab.partners import schemas as partner_schemas
from cofab.partners import service as partners_service


def _plan(world: World, engine: Engine) -> int:
    flows = [
        flow("A1", "P1", "2027-01", 1.0005),  # a tie: 1.000
        flow("A1", "P1", "2027-01", 1.0015),  # the same line again, a tie: 1.002
        flow("A1", "P2", "2027-02", 2.0025),  # 2.002
        flow("A1", "P2", "2027-03", 0.0035),  # 0.004
        flow("A2", "P3", "2027-02", 7.12349),  # not a product of the plan: family "P3"
        {"site": "A2", "market": "M1", "product": "P1", "period": "2027-02", "qty": None},
        flow("A1", "P1", "2030-01", 5),  # not a period of the plan
        flow("X9", "P1", "2027-01", 5),  # a site of no partner
        flow("B1", "P1", "2027-01", 4),
    ]
    pools = [
        {"site": "B1", "family": "F1", "period": "2027-01", "used": 3.0005},
        {"site": "B1", "family": "F1", "period": "2027-01", "used": 3.0005},
        {"site": "B1", "family": "F1", "period": "2030-01", "used": 9},
    ]
    sites = {"A1": world.partner_a, "A2": world.partner_a, "B1": world.partner_b}
    return solved_scenario(engine, sites, flows, pools=pools)


def _rows(engine: Engine, model: type, publication_id: int, columns: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    with engine.connect() as conn:
        stmt = select(*(getattr(model, c) for c in columns)).where(
            model.publication_id == publication_id  # type: ignore[attr-defined]
        )
        return sorted(tuple(r) for r in conn.execute(stmt))


def test_lines_reservations_and_audit_are_the_same_on_every_database(
    world: World, engine: Engine
) -> None:
    ids = publish(engine, _plan(world, engine), frozen_periods=1, firm_periods=1)
    with engine.connect() as conn:
        partner_of = {
            pub_id: partner
            for pub_id, partner in conn.execute(
                select(Publication.id, Publication.partner_id).where(Publication.id.in_(ids))
            )
        }
    a, b = sorted(ids, key=lambda i: partner_of[i] != world.partner_a)
    line_columns = ("product", "family", "site", "period", "period_index", "zone", "planned_qty")
    assert _rows(engine, ForecastLine, a, line_columns) == [
        ("P1", "F1", "A1", "2027-01", 0, "frozen", Decimal("2.002")),
        ("P1", "F1", "A2", "2027-02", 1, "firm", Decimal("0.000")),
        ("P2", "F2", "A1", "2027-02", 1, "firm", Decimal("2.002")),
        ("P2", "F2", "A1", "2027-03", 2, "flexible", Decimal("0.004")),
        ("P3", "P3", "A2", "2027-02", 1, "firm", Decimal("7.123")),
    ]
    assert _rows(engine, ForecastLine, b, line_columns) == [
        ("P1", "F1", "B1", "2027-01", 0, "frozen", Decimal("4.000")),
    ]
    reservation_columns = ("family", "period", "qty")
    assert _rows(engine, CapacityReservation, a, reservation_columns) == [
        ("F1", "2027-01", Decimal("2.002")),
        ("F1", "2027-02", Decimal("0.000")),
        ("F2", "2027-02", Decimal("2.002")),
        ("F2", "2027-03", Decimal("0.004")),
        ("P3", "2027-02", Decimal("7.123")),
    ]
    # B's plan has capacity pools: they are its reservations (3.000 twice), not its lines
    assert _rows(engine, CapacityReservation, b, reservation_columns) == [
        ("F1", "2027-01", Decimal("6.000")),
    ]
    with engine.connect() as conn:
        entries = list(
            conn.execute(
                select(AuditEntry.entity_id, AuditEntry.after).where(AuditEntry.action == "publish")
            )
        )
    assert len(entries) == 1
    release, after = entries[0]
    assert release == "1"
    assert after["lines"] == 6 and after["reservations"] == 6
    assert {(p["partner_id"], p["lines"], p["reservations"]) for p in after["publications"]} == {
        (world.partner_a, 5, 5),
        (world.partner_b, 1, 1),
    }


def _counts(engine: Engine, publication_ids: list[int]) -> tuple[int, int]:
    with engine.connect() as conn:
        lines = conn.execute(
            select(func.count())
            .select_from(ForecastLine)
            .where(ForecastLine.publication_id.in_(publication_ids))
        ).scalar_one()
        reserved = conn.execute(
            select(func.count())
            .select_from(CapacityReservation)
            .where(CapacityReservation.publication_id.in_(publication_ids))
        ).scalar_one()
    return lines, reserved


def test_deleting_a_publication_or_its_partner_deletes_its_rows(
    world: World, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        gone = partners_service.create_partner(
            session,
            actor=SYSTEM_ACTOR,
            data=partner_schemas.PartnerCreate(
                name_ko="삭제될 협력사",
                name_en="Partner to delete",
                types=["contract_manufacturer"],
                form="vertical",
                country="KR",
            ),
        ).id
    sites = {"A1": world.partner_a, "G1": gone}
    flows = [flow("A1", "P1", "2027-01", 3), flow("G1", "P1", "2027-01", 2)]
    ids = publish(engine, solved_scenario(engine, sites, flows))
    with engine.connect() as conn:
        partner_of = {
            pub_id: partner
            for pub_id, partner in conn.execute(
                select(Publication.id, Publication.partner_id).where(Publication.id.in_(ids))
            )
        }
    of_a = [i for i in ids if partner_of[i] == world.partner_a]
    of_gone = [i for i in ids if partner_of[i] == gone]
    assert _counts(engine, of_a) == (1, 1) and _counts(engine, of_gone) == (1, 1)
    with unit_of_work(engine) as session:
        session.execute(text("DELETE FROM fc_publications WHERE id = :id"), {"id": of_a[0]})
    assert _counts(engine, of_a) == (0, 0)
    assert _counts(engine, of_gone) == (1, 1)
    with unit_of_work(engine) as session:  # the partner's cascade reaches its publications
        session.execute(text("DELETE FROM partners WHERE id = :id"), {"id": gone})
    assert _counts(engine, of_gone) == (0, 0)
