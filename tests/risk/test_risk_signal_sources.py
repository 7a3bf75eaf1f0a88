"""Signals from selection (Altman Z), quality (discontinued acceptance, repeated NCRs) and the
single-source list (orders, forecast, contracts vs. the registry's capable partners)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World, login, make_partner
from tests.operations.ops_factories import deliver, line_ids, make_order

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.partners import service as partners_service
from cofab.partners.models import Capability, Partner, Site
from cofab.quality.models import InspectionPlan, NonConformance
from cofab.selection.models import (
    Candidate,
    DueDiligenceItem,
    Evaluation,
    SelectionTemplate,
    TemplateVersion,
)


def _altman_results(engine: Engine, world: World) -> None:
    """A: distress once, then safe (the latest counts: no signal); B: distress (a signal)."""
    with unit_of_work(engine) as session:
        template = SelectionTemplate(key="risk-signals")
        session.add(template)
        session.flush()
        version = TemplateVersion(
            template_id=template.id,
            version=1,
            name_en="t",
            name_ko="t",
            weight_mode="direct",
            criteria=[],
            checklist=[],
        )
        session.add(version)
        session.flush()
        for n, (partner, zone, z) in enumerate(
            (
                (world.partner_a, "distress", 0.8),
                (world.partner_a, "safe", 3.1),
                (world.partner_b, "distress", 0.95),
            )
        ):
            evaluation = Evaluation(title=f"E{n}", template_version_id=version.id)
            session.add(evaluation)
            session.flush()
            candidate = Candidate(evaluation_id=evaluation.id, partner_id=partner)
            session.add(candidate)
            session.flush()
            session.add(
                DueDiligenceItem(
                    candidate_id=candidate.id,
                    partner_id=partner,
                    key="financial",
                    name_en="Financial review",
                    name_ko="재무 검토",
                    result={"model": "private", "z": z, "zone": zone, "ratios": []},
                    updated_at=datetime(2026, 1, 1 + n, tzinfo=UTC),
                )
            )


def _quality(engine: Engine, world: World) -> None:
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        for partner, state in ((world.partner_a, "discontinued"), (world.partner_b, "tightened")):
            session.add(
                InspectionPlan(
                    partner_id=partner,
                    product="PCB-7",
                    aql_critical=0.0,
                    aql_major=1.0,
                    aql_minor=2.5,
                    switching_state=state,
                )
            )
        # B: three NCRs on one product within 90 days → a signal; A: two in, one out → none
        for partner, product, days_ago in (
            (world.partner_b, "Cell-X", 1),
            (world.partner_b, "Cell-X", 40),
            (world.partner_b, "Cell-X", 89),
            (world.partner_a, "Lid", 5),
            (world.partner_a, "Lid", 10),
            (world.partner_a, "Lid", 120),
        ):
            session.add(
                NonConformance(
                    partner_id=partner,
                    product=product,
                    defect_code="D1",
                    quantity=1,
                    severity="major",
                    created_by="t",
                    created_at=now - timedelta(days=days_ago),
                )
            )


def _supply(engine: Engine, world: World) -> int:
    """A supplies F1 alone (B and Charlie can make it); A and B both supply F2; Delta, exited,
    supplied F3 with A — an exited partner does not count, so F3 is single-source too."""
    today = date.today()
    with unit_of_work(engine) as session:
        charlie = make_partner(session, "Charlie Cells", "DE")
        delta = make_partner(session, "Delta Devices", "CN")
        for pid, status in (
            (world.partner_a, "active"),
            (world.partner_b, "active"),
            (charlie.id, "approved"),
            (delta.id, "active"),
        ):
            session.get(Partner, pid).status = status  # type: ignore[union-attr]
        site = partners_service.add_child(
            session,
            actor=SYSTEM_ACTOR,
            model=Site,
            partner_id=charlie.id,
            values={"name": "Charlie Plant", "country": "DE", "timezone": "UTC"},
        )
        partners_service.add_child(
            session,
            actor=SYSTEM_ACTOR,
            model=Capability,
            partner_id=charlie.id,
            site_id=site.id,
            values={"process": "assembly", "product_families": ["F1", "F3"]},
        )
        recent = today - timedelta(days=30)
        a1 = make_order(session, world.partner_a, "A-1", [("P1", 10, 5, today)], order_date=recent)
        make_order(
            session, world.partner_a, "A-2", [("P2", 1, 1, today)], order_date=recent, family="F2"
        )
        make_order(
            session, world.partner_b, "B-1", [("P2", 1, 1, today)], order_date=recent, family="F2"
        )
        make_order(
            session, world.partner_a, "A-3", [("P3", 4, 2, today)], order_date=recent, family="F3"
        )
        make_order(session, delta.id, "D-1", [("P3", 4, 2, today)], order_date=recent, family="F3")
        # B's F1 order is too old to count (more than 365 days ago)
        make_order(
            session,
            world.partner_b,
            "B-old",
            [("P1", 1, 1, today)],
            order_date=today - timedelta(days=400),
        )
        deliver(session, line_ids(session, a1)[0], "S-A1", today - timedelta(days=5), 8)
        session.get(Partner, delta.id).status = "exited"  # type: ignore[union-attr]
        return int(charlie.id)


def test_altman_quality_and_single_source_signals(
    world: World, engine: Engine, api: Any, base_url: str
) -> None:
    _altman_results(engine, world)
    _quality(engine, world)
    charlie = _supply(engine, world)
    owner = api(world.users["manager"])

    sources = owner.get("/api/v1/risk/single-sources").json()
    assert [s["family"] for s in sources] == ["F1", "F3"]  # largest spend first: 8·5 = 40
    f1, f3 = sources
    assert (f1["partner_id"], f1["spend"], f1["currency"]) == (world.partner_a, 40.0, "USD")
    assert f1["evidence"] == ["orders"]
    assert [(a["partner_name"], a["site_name"]) for a in f1["alternates"]] == [
        ("Bravo Bioworks", "Bravo Bioworks Site"),
        ("Charlie Cells", "Charlie Plant"),
    ]
    assert f3["partner_id"] == world.partner_a and f3["spend"] == 0.0
    assert [a["partner_id"] for a in f3["alternates"]] == [charlie]

    opened = owner.post("/api/v1/risk/signals").json()
    got = sorted(
        (r["source"], r["partner_id"], r["likelihood"], r["impact"], r["product_family"])
        for r in opened
        if r["source"] != "certificate"
    )
    assert got == sorted(
        [
            ("altman", world.partner_b, 4, 4, None),
            ("quality_discontinued", world.partner_a, 4, 4, None),
            ("repeated_ncr", world.partner_b, 3, 3, None),
            ("single_source", world.partner_a, 3, 4, "F1"),
            ("single_source", world.partner_a, 3, 4, "F3"),
        ]
    )
    altman = next(r for r in opened if r["source"] == "altman")
    assert "Z 0.95" in altman["source_detail"] and altman["category"] == "financial"
    assert owner.post("/api/v1/risk/signals").json() == []  # idempotent

    client = login(base_url, world.users["manager"])
    page = client.get("/risk/single-sources")
    assert page.status_code == 200 and "Charlie Plant" in page.text
    register = client.get("/risk").text
    assert "Altman Z signal" in register and "Single-source signal" in register
    assert api(world.users["partner_a"]).get("/api/v1/risk/single-sources").status_code == 404
    assert login(base_url, world.users["partner_a"]).get("/risk/single-sources").status_code == 404
    with unit_of_work(engine) as session:
        assert session.execute(select(Partner.status).where(Partner.id == charlie)).scalar() == (
            "approved"
        )
