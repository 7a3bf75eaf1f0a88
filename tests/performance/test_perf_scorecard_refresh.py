"""A computed scorecard follows its inputs: receipts, line answers and tickets queue a background
recompute (one per partner and period however many changes arrive while it waits), the worker
runs it, and the grade changes without anyone pressing "Compute" again."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from tests.conftest import World
from tests.operations.ops_factories import line_ids, make_order, make_ticket, ship

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.domains import JOB_MODULES
from cofab.operations import orders, schemas, tickets
from cofab.operations.models import ShipmentLine
from cofab.performance import schemas as performance_schemas
from cofab.performance import scorecard_refresh, scorecards
from cofab.performance.models import Scorecard

DUE = date(2025, 2, 10)
Q1 = date(2025, 1, 1)


def refresh_jobs(engine) -> list[jobs.Job]:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        stmt = select(jobs.Job).where(jobs.Job.kind == scorecard_refresh.REFRESH_JOB)
        found = list(session.execute(stmt.order_by(jobs.Job.id)).scalars())
        session.expunge_all()
        return found


def card_of(engine, partner_id: int) -> tuple[float | None, dict]:  # type: ignore[no-untyped-def,type-arg]
    with unit_of_work(engine) as session:
        card = session.execute(
            select(Scorecard).where(Scorecard.partner_id == partner_id)
        ).scalar_one()
        return (None if card.score is None else float(card.score)), dict(card.kpis)


def test_the_worker_knows_the_job() -> None:
    assert "cofab.performance.scorecard_refresh" in JOB_MODULES


def test_receipts_queue_one_recompute_and_the_worker_updates_the_grade(
    world: World, api, engine
) -> None:
    a, b = world.partner_a, world.partner_b
    with unit_of_work(engine) as session:
        order = make_order(
            session, a, "SC-1", [("P1", 100, 1, DUE), ("P2", 100, 1, DUE), ("P3", 100, 1, DUE)]
        )
        ids = line_ids(session, order)
        asn = ship(session, "SC-ASN", [(i, 100) for i in ids], DUE)
        shipment_lines = {
            sl.line_id: sl.id
            for sl in session.execute(
                select(ShipmentLine).where(ShipmentLine.shipment_id == asn.id)
            ).scalars()
        }
        make_order(session, b, "SC-B", [("X", 5, 1, DUE)])
        scorecards.compute_scorecards(
            session, actor=SYSTEM_ACTOR, period_start=Q1, partner_id=a, as_of=date(2025, 4, 1)
        )
    before_score, before = card_of(engine, a)
    assert before["counts"]["receipts"] == 0 and before["counts"]["lines_due"] == 3
    assert refresh_jobs(engine) == []

    manager = api(world.users["manager"])
    # three receipts in three requests: on time, all accepted, the last one with rejects
    for line_id, rejected in zip(ids, (0, 0, 50), strict=True):
        posted = manager.post(
            f"/api/v1/shipments/{asn.id}/receipts",
            json={
                "received_date": DUE.isoformat(),
                "lines": [
                    {
                        "shipment_line_id": shipment_lines[line_id],
                        "accepted_qty": str(100 - rejected),
                        "rejected_qty": str(rejected),
                        "reject_reason": "scratched" if rejected else None,
                        "currency": "USD",
                    }
                ],
            },
        )
        assert posted.status_code == 201, posted.text
    queued = refresh_jobs(engine)
    assert len(queued) == 1, [j.payload for j in queued]
    assert queued[0].payload["partner_id"] == a and queued[0].payload["start"] == "2025-01-01"
    assert queued[0].status == jobs.QUEUED and queued[0].created_by is None

    assert jobs.work(engine, once=True, kinds={scorecard_refresh.REFRESH_JOB}) == 1
    after_score, after = card_of(engine, a)
    assert refresh_jobs(engine)[0].status == jobs.SUCCEEDED
    # 300 received, 50 rejected: 166,667 ppm; every line complete on its due date
    assert after["counts"]["receipts"] == 3
    assert round(after["values"]["defect_ppm"]) == 166_667
    assert after["values"]["otd_lines"] == 100.0
    assert after_score != before_score

    # partner B has no scorecard: its changes queue nothing
    with unit_of_work(engine) as session:
        make_ticket(session, b, "2025-02-03T08:00:00")
    assert len(refresh_jobs(engine)) == 1


def test_tickets_and_answers_queue_a_recompute_while_none_waits(world: World, engine) -> None:
    a = world.partner_a
    with unit_of_work(engine) as session:
        order = make_order(session, a, "SC-2", [("P1", 10, 1, DUE)])
        scorecards.compute_scorecards(session, actor=SYSTEM_ACTOR, period_start=Q1, partner_id=a)
        line_id = line_ids(session, order)[0]
    assert refresh_jobs(engine) == []
    with unit_of_work(engine) as session:
        orders.acknowledge(
            session,
            actor=SYSTEM_ACTOR,
            line_id=line_id,
            data=schemas.AckAction(action="propose", proposed_date=date(2025, 4, 2)),
        )
    queued = refresh_jobs(engine)
    # the promise moved from Q1 to Q2; only Q1 has a card, so one job
    assert [j.payload["start"] for j in queued] == ["2025-01-01"]
    with unit_of_work(engine) as session:
        ticket = make_ticket(session, a, "2025-03-03T08:00:00")
        tickets.resolve(session, actor=SYSTEM_ACTOR, ticket_id=ticket.id, note="done")
    assert len(refresh_jobs(engine)) == 1  # the first job still waits: nothing added
    jobs.work(engine, once=True, kinds={scorecard_refresh.REFRESH_JOB})
    with unit_of_work(engine) as session:
        early = make_ticket(session, a, "2025-01-05T00:00:00")
        tickets.respond(session, actor=SYSTEM_ACTOR, ticket_id=early.id, note=None)
    assert len(refresh_jobs(engine)) == 2


def test_grade_warning_links_to_the_partners_own_scorecards(
    world: World, base_url: str, engine
) -> None:
    from tests.conftest import login

    a, b = world.partner_a, world.partner_b
    with unit_of_work(engine) as session:
        scorecards.save_template(
            session,
            actor=SYSTEM_ACTOR,
            data=performance_schemas.ScorecardTemplateIn.model_validate(
                {
                    "name": "Everyone is watched",
                    "period": "quarter",
                    "metrics": [{"kpi": "otd_lines", "weight": 1, "full_at": 100, "zero_at": 0}],
                    "bands": [{"grade": "B", "min_score": 0, "action": "warning"}],
                    "is_default": True,
                }
            ),
        )
        order = make_order(session, a, "SC-W", [("P1", 10, 1, DUE)])
        make_order(session, b, "SC-WB", [("P1", 10, 1, DUE)])
        for partner in (a, b):
            scorecards.compute_scorecards(
                session, actor=SYSTEM_ACTOR, period_start=Q1, partner_id=partner
            )
    manager = login(base_url, world.users["manager"])
    page = manager.get(f"/orders/{order.id}").text
    assert 'data-testid="grade-warning"' in page
    link = page.split('data-testid="grade-warning-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link == f"/scorecards?partner_id={a}"
    listed = manager.get(link).text
    table = listed[listed.index('data-testid="scorecard-table"') :]
    assert "Alpha Assembly" in table and "Bravo Bioworks" not in table
    everyone = manager.get("/scorecards").text
    table = everyone[everyone.index('data-testid="scorecard-table"') :]
    assert "Alpha Assembly" in table and "Bravo Bioworks" in table


def test_a_receipts_import_queues_one_job_per_period(world: World, api, engine) -> None:
    a = world.partner_a
    with unit_of_work(engine) as session:
        order = make_order(
            session, a, "SC-IMP", [("P1", 10, 1, DUE), ("P2", 10, 1, date(2025, 4, 10))]
        )
        ids = line_ids(session, order)
        ship(session, "SC-IMP-ASN", [(i, 10) for i in ids], DUE)
        for start in (Q1, date(2025, 4, 1)):
            scorecards.compute_scorecards(
                session, actor=SYSTEM_ACTOR, period_start=start, partner_id=a
            )
    rows = "".join(
        f"GR-{n},SC-IMP-ASN,SC-IMP,{line_no},{day},{qty},0,,,USD\n"
        for n, (line_no, day, qty) in enumerate(
            [(1, "2025-02-10", 4), (1, "2025-02-11", 6), (2, "2025-02-12", 5), (2, "2025-04-02", 5)]
        )
    )
    header = (
        "receipt_ref,asn_ref,order_ref,line_no,received_date,accepted_qty,rejected_qty,"
        "reject_reason,landed_unit_cost,currency\n"
    )
    booked = api(world.users["manager"]).post(
        "/api/v1/operations/import",
        params={"kind": "receipts"},
        files={"file": ("r.csv", (header + rows).encode())},
    )
    assert booked.status_code == 200 and booked.json()["created"] == 4, booked.text
    # four receipts touch Q1 (receipt dates, line 1 due) and Q2 (line 2 due, last receipt)
    assert sorted(j.payload["start"] for j in refresh_jobs(engine)) == ["2025-01-01", "2025-04-01"]
