"""Forecast demo data: each case's registry plan published to its partners, the loop half-run.

``demo/loader.py`` calls ``load(session, case_name, refs, today)`` after ``planning_demo.load``
(the plan must be solved). The case's "next quarter" plan is published once (default zones: two
months frozen, one firm); every partner commits its frozen lines; in the electronics case the
first contract manufacturer with a firm line counter-proposes 80 % of it (retooling), waiting
for the owner to accept; in the automotive case the cell JV declares its new cell plant's ramp
(10 % of 2.5 M cells a month in the first month, nameplate after 18 months). Loading twice
changes nothing (a published plan is not published again, a declaration not made twice).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR, Actor
from cofab.core.errors import ValidationFailed
from cofab.demo.planning_demo import TITLES
from cofab.forecast import schemas, service
from cofab.forecast.models import CapacityDeclaration, Publication, Zone
from cofab.forecast.periods import add_months, month_label
from cofab.partners.models import Site
from cofab.planning.models import Scenario

COUNTER_SHARE = Decimal("0.8")
JV_REF = "DEMO-A-NCP"
JV_FAMILY = "NMC pouch cell"


def _partner(partner_id: int) -> Actor:
    """The partner's own hand (its portal login would answer the same way)."""
    return Actor(0, f"demo-partner-{partner_id}", "Demo partner", "partner", partner_id)


def _publish_and_answer(session: Session, case_name: str) -> None:
    title = TITLES.get(case_name)
    scenario = session.execute(select(Scenario).where(Scenario.name == title)).scalar_one_or_none()
    if scenario is None or not scenario.result_doc:
        return
    if scenario.result_doc.get("status") not in ("optimal", "feasible"):
        return
    if session.execute(
        select(Publication.id).where(Publication.scenario_id == scenario.id)
    ).first():
        return
    try:
        made = service.publish(
            session, actor=SYSTEM_ACTOR, request=schemas.PublishRequest(scenario_id=scenario.id)
        )
    except ValidationFailed:  # a plan without partner sites has nothing to publish
        return
    countered = case_name != "electronics"
    for publication in made:
        partner = _partner(publication.partner_id)
        for line in service.publication_lines(
            session, actor=partner, publication_id=publication.id
        ):
            if line.zone == Zone.FROZEN.value:
                answer = schemas.LineResponse(action="commit")
            elif not countered and line.zone == Zone.FIRM.value and line.planned_qty >= 10:
                countered = True
                answer = schemas.LineResponse(
                    action="counter",
                    qty=(line.planned_qty * COUNTER_SHARE).quantize(Decimal(1)),
                    reason="SMT line 3 is retooled that month: 80 % of the volume",
                )
            else:
                continue
            service.respond(session, actor=partner, line_id=line.id, answer=answer)


def _jv_ramp(session: Session, refs: dict[str, int], today: date) -> None:
    partner_id = refs.get(JV_REF)
    if partner_id is None:
        return
    if session.execute(
        select(CapacityDeclaration.id).where(
            CapacityDeclaration.partner_id == partner_id, CapacityDeclaration.family == JV_FAMILY
        )
    ).first():
        return
    site_id = session.execute(
        select(Site.id).where(Site.partner_id == partner_id).order_by(Site.id).limit(1)
    ).scalar()
    if site_id is None:
        return
    first = add_months(date(today.year, today.month, 1), 1)
    service.create_declaration(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.DeclarationCreate(
            partner_id=partner_id,
            site_id=site_id,
            family=JV_FAMILY,
            first_period=month_label(first),
            last_period=month_label(add_months(first, 35)),
            nameplate=Decimal(2_500_000),
            ramp_start_share=Decimal("0.1"),
            ramp_months=18,
            note="New cell plant: ramp to nameplate over 18 months",
        ),
    )


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    if case_name == "automotive":
        _jv_ramp(session, refs, today)
    _publish_and_answer(session, case_name)
