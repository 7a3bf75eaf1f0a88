"""Signals open risks by themselves, once, and say where they came from."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login

from cofab.db.session import unit_of_work
from cofab.partners.models import Certification
from cofab.performance.models import Scorecard, ScorecardTemplate


def _scorecards(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        template = ScorecardTemplate(name="Signals", metrics=[], bands=[])
        session.add(template)
        session.flush()
        quarter = date(2026, 1, 1), date(2026, 3, 31)
        later = date(2026, 4, 1), date(2026, 6, 30)
        for partner, period, grade in (
            (world.partner_a, quarter, "D"),  # superseded by a later B: no signal
            (world.partner_a, later, "B"),
            (world.partner_b, later, "C"),  # the latest: a signal
        ):
            session.add(
                Scorecard(
                    partner_id=partner,
                    template_id=template.id,
                    period_start=period[0],
                    period_end=period[1],
                    score=Decimal("55"),
                    grade=grade,
                )
            )


def test_certificates_and_scorecards_open_risks_once(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    with unit_of_work(engine) as session:  # B's certificate: valid for another year, no signal
        cert = session.execute(
            select(Certification).where(Certification.partner_id == world.partner_b)
        ).scalar_one()
        cert.valid_to = date.today() + timedelta(days=365)
    _scorecards(engine, world)
    owner = api(world.users["manager"])
    opened = owner.post("/api/v1/risk/signals").json()
    got = sorted((r["source"], r["partner_id"], r["likelihood"], r["impact"]) for r in opened)
    assert got == [
        ("certificate", world.partner_a, 3, 3),  # expiring in 30 days
        ("scorecard", world.partner_b, 3, 3),  # grade C
    ]
    assert owner.post("/api/v1/risk/signals").json() == []  # idempotent
    assert len(owner.get("/api/v1/risk/risks").json()) == 2

    with unit_of_work(engine) as session:  # now expired: a new signal only if none exists
        cert = session.execute(
            select(Certification).where(Certification.partner_id == world.partner_a)
        ).scalar_one()
        cert.valid_to = date.today() - timedelta(days=1)
    assert owner.post("/api/v1/risk/signals").json() == []

    client = login(base_url, world.users["manager"])
    page = client.get("/risk")
    assert "Certificate signal" in page.text and "Scorecard signal" in page.text
    again = client.post("/risk/signals", data={"csrf_token": csrf_of(client, "/risk")})
    assert again.status_code == 303
    assert len(owner.get("/api/v1/risk/risks").json()) == 2
    assert api(world.users["partner_a"]).post("/api/v1/risk/signals").status_code == 404
    assert api(world.users["viewer"]).post("/api/v1/risk/signals").status_code == 403
