"""One object of every discussion subject kind per partner, made through the subjects' own
services, for the discussions tests and the shared isolation sweeps."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work

DISCUSSION_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "MessageCreate": {"body": "hijacked"},
    "MessageUpdate": {"body": "hijacked"},
}


def order_of(engine: Engine, partner_id: int, ref: str) -> int:
    from tests.operations.ops_factories import make_order

    with unit_of_work(engine) as session:
        return make_order(session, partner_id, ref, [("P1", 10, 1.5, date(2025, 2, 1))]).id


def ncr_of(engine: Engine, partner_id: int, product: str = "PCB-1") -> int:
    from cofab.quality import ncrs, schemas

    with unit_of_work(engine) as session:
        return ncrs.create_ncr(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.NcrCreate.model_validate(
                {
                    "partner_id": partner_id,
                    "product": product,
                    "defect_code": "SOLDER",
                    "quantity": 3,
                }
            ),
        ).id


def shared_contract_of(engine: Engine, partner_id: int, title: str) -> int:
    """A contract in partner review: shared with the partner, so its users may see it."""
    from tests.contracts.contract_factories import make_contract, walk

    with unit_of_work(engine) as session:
        contract = make_contract(session, [partner_id], title=title)
        walk(session, contract.id, "internal_review", "partner_review")
        return contract.id


def forecast_line_of(engine: Engine, partner_id: int, site: str) -> int:
    from sqlalchemy import select
    from tests.forecast.forecast_factories import flow, publish, solved_scenario

    from cofab.forecast.models import ForecastLine

    scenario = solved_scenario(engine, {site: partner_id}, [flow(site, "P1", "2027-03", 5)])
    publication_id = publish(engine, scenario)[0]
    with unit_of_work(engine) as session:
        return session.execute(
            select(ForecastLine.id).where(ForecastLine.publication_id == publication_id)
        ).scalar_one()


def risk_about(engine: Engine, partner_id: int, title: str) -> int:
    from cofab.risk import register
    from cofab.risk.schemas import RiskCreate

    with unit_of_work(engine) as session:
        return register.create_risk(
            session,
            actor=SYSTEM_ACTOR,
            data=RiskCreate(
                title=title, category="supply", partner_id=partner_id, likelihood=2, impact=3
            ),
        ).id


def meeting_with(engine: Engine, partner_id: int, title: str) -> int:
    from datetime import UTC, datetime, timedelta

    from cofab.governance import schemas, service

    with unit_of_work(engine) as session:
        return service.create_meeting(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.MeetingCreate(
                partner_id=partner_id,
                title=title,
                starts_at=datetime.now(UTC) + timedelta(days=7),
                timezone="Asia/Seoul",
            ),
        ).id


def subjects_of(world: World, engine: Engine, key: str) -> dict[str, int]:
    """Partner ``key``'s ("a" or "b") order, NCR, shared contract, forecast line, meeting and
    risk."""
    partner_id = world.ids[key]["partner_id"]
    return {
        "order": order_of(engine, partner_id, f"PO-{key.upper()}-1"),
        "ncr": ncr_of(engine, partner_id),
        "contract": shared_contract_of(engine, partner_id, f"Supply {key.upper()}"),
        "forecast_line": forecast_line_of(engine, partner_id, f"S{key.upper()}"),
        "meeting": meeting_with(engine, partner_id, f"Operating committee {key.upper()}"),
        "risk": risk_about(engine, partner_id, f"Single source {key.upper()}"),
    }


def isolation_resolvers(world: World, engine: Engine) -> dict[str, Any]:
    """For the route sweep: a thread on partner B's order with one message by B's user."""
    from sqlalchemy import select

    from cofab.accounts import service as accounts_service
    from cofab.accounts.models import User
    from cofab.discussions import service
    from cofab.operations.models import Order

    made: dict[str, int] = {}

    def ids(w: World, e: Engine) -> dict[str, int]:
        if not made:
            # partner B's order the operations sweep made (its scorecard may block a new one)
            with unit_of_work(e) as session:
                existing = session.execute(
                    select(Order.id).where(Order.partner_id == w.partner_b).limit(1)
                ).scalar_one_or_none()
            made["order"] = existing or order_of(e, w.partner_b, "PO-B-THREAD")
            with unit_of_work(e) as session:
                user = session.execute(
                    select(User).where(User.email == w.users["partner_b"])
                ).scalar_one()
                message = service.post_message(
                    session,
                    actor=accounts_service.actor_for(user),
                    kind="order",
                    object_id=made["order"],
                    body="Bravo Bioworks asks about the ship date",
                )
                made["message"] = message.id
        return made

    return {
        "discussions:kind": lambda w, e: "order",  # type: ignore[return-value,misc]
        "discussions:object_id": lambda w, e: ids(w, e)["order"],
        "discussions:message_id": lambda w, e: ids(w, e)["message"],
    }
