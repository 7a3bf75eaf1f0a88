"""Action items made through their own domains' services, for the inbox tests and for partner B's
objects in the shared isolation sweep."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.notifications import service
from cofab.quality import ncrs, schemas
from cofab.quality.models import EightD, EightDAction
from cofab.risk import register
from cofab.risk.models import RiskMitigation
from cofab.risk.schemas import MitigationIn, RiskCreate

NOTIFICATIONS_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "PrefsIn": {"due_days": 5},
    "NotificationScheduleIn": {"local_time": "06:30", "timezone": "Asia/Seoul"},
}


def eightd_with_action(
    session: Session, partner_id: int, *, owner: str, due_on: date, text: str = "Fix the jig"
) -> tuple[EightD, EightDAction]:
    ncr = ncrs.create_ncr(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.NcrCreate(
            partner_id=partner_id, product="PCB-1", defect_code="SOLDER", quantity=3
        ),
    )
    eightd = ncrs.open_eightd(
        session, actor=SYSTEM_ACTOR, ncr_id=ncr.id, data=schemas.EightDCreate()
    )
    action = ncrs.add_action(
        session,
        actor=SYSTEM_ACTOR,
        eightd_id=eightd.id,
        data=schemas.ActionIn(description=text, owner=owner, due_on=due_on),
    )
    session.flush()
    return eightd, action


def risk_with_mitigation(
    session: Session, *, owner: str, due: date, partner_id: int | None = None
) -> RiskMitigation:
    risk = register.create_risk(
        session,
        actor=SYSTEM_ACTOR,
        data=RiskCreate(
            title="Single source for cells",
            category="supply",
            partner_id=partner_id,
            likelihood=3,
            impact=4,
            mitigations=[MitigationIn(action="Qualify a second source", owner=owner, due_date=due)],
        ),
    )
    return risk.mitigations[0]


def user_id(session: Session, email: str) -> int:
    return session.execute(select(User.id).where(User.email == email)).scalar_one()


def isolation_resolvers(world: Any, engine: Engine) -> dict[str, Any]:
    """Partner B's 8D action (an inbox item) and a notification of partner B's user."""
    made: dict[str, int] = {}

    def ids() -> dict[str, int]:
        if not made:
            with unit_of_work(engine) as session:
                _, action = eightd_with_action(
                    session, world.partner_b, owner="B", due_on=date(2030, 1, 1)
                )
                made["item_id"] = action.id
                note = service.notify(
                    session,
                    user_id(session, world.users["partner_b"]),
                    "assignment",
                    "Assigned to you: {title}",
                    {"title": "Bravo Bioworks"},
                    "/inbox",
                )
                assert note is not None
                made["notification_id"] = note.id
        return made

    return {
        "inbox:kind": lambda w, e: "quality.8d_action",
        "inbox:item_id": lambda w, e: ids()["item_id"],
        "notification_id": lambda w, e: ids()["notification_id"],
        "email_id": lambda w, e: 1,
    }
