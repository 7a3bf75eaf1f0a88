"""Governance demo data per case: the committee each story needs, its members from both sides,
the next meetings of its cadence, and one meeting already held with minutes in both languages,
numbered decisions and action items (one of the partner's still open, one overdue).

- automotive: the Korea–Germany battery JV's board (the Korean parent in Seoul, the German
  parent Rhein Zellwerk in Berlin time), quarterly, with board resolutions and the capital call;
- electronics: the operating committee with the Shenzhen EMS partner, monthly, Seoul time;
- pharma: the quality council with the CDMO, quarterly.

Loading twice changes nothing (a case whose committee exists is skipped).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.governance import schemas, service
from cofab.governance.models import (
    Committee,
    MeetingKind,
    MeetingStatus,
    MemberRole,
    Side,
)
from cofab.partners.models import Contact

STORIES: dict[str, dict[str, Any]] = {
    "automotive": {
        "partner": "DEMO-A-NCP",
        "kind": "jv_board",
        "name": "Nordic Cell Power JV board",
        "code": "JVB",
        "cadence": "quarterly",
        "timezone": "Europe/Berlin",
        "charter": "Board of the Korea–Germany battery cell joint venture: Hanul Motors (Seoul) "
        "and Rhein Zellwerk GmbH (Ludwigshafen) hold two seats each; reserved matters (budget, "
        "capital calls, new lines, offtake changes) need both parents' consent.",
        "held": ("JV board Q-1 (held)", "Seoul–Berlin video conference"),
        "minutes_ko": "2라인 증설 검토. 2차 자본금 납입 요청(CC-2)을 지분율대로 승인"
        "(한울모터스·라인 첼베르크). 오프테이크 물량 재확인.",
        "minutes_en": "Line 2 expansion reviewed. Capital call CC-2 approved (Hanul Motors and "
        "Rhein Zellwerk pro rata). Offtake volumes reconfirmed.",
        "decisions": [
            (
                "board_resolution",
                "Capital call CC-2 of EUR 80 M from both parents, pro rata 51/49 (Hanul Motors "
                "EUR 40.8 M, Rhein Zellwerk EUR 39.2 M)",
                14,
            ),
            ("board_resolution", "Approve cell line 2 expansion (8 GWh)", 30),
            ("decision", "Offtake for next year stays at 70 % / 30 %", 0),
        ],
        "items": [
            ("partner", "Line 2 capex plan with supplier quotes", 10),
            ("owner", "Transfer capital contribution (Korean parent)", -5),
            ("partner", "Ramp-up staffing plan for line 2", -3),
        ],
    },
    "electronics": {
        "partner": "DEMO-E-SZE",
        "kind": "operating",
        "name": "Seoul–Shenzhen operating committee",
        "code": "OPS",
        "cadence": "monthly",
        "timezone": "Asia/Seoul",
        "charter": "Monthly joint operating committee: delivery, quality escapes, capacity for "
        "the next quarter, engineering changes.",
        "held": ("Operating committee (held)", "Video conference Seoul / Shenzhen"),
        "minutes_ko": "납기 준수율 96%. SMT 2라인 불량률 개선 계획 합의.",
        "minutes_en": "On-time delivery 96 %. Improvement plan for SMT line 2 defects agreed.",
        "decisions": [
            ("decision", "Move phone mainboard rev C to SMT line 2 from next month", 7),
            ("decision", "Weekly quality call until line 2 yield is above 98 %", 0),
        ],
        "items": [
            ("partner", "SMT line 2 yield improvement plan", 12),
            ("owner", "Release rev C drawings to Shenzhen", -4),
        ],
    },
    "pharma": {
        "partner": "DEMO-P-IBL",
        "kind": "quality_council",
        "name": "CDMO quality council",
        "code": "QC",
        "cadence": "quarterly",
        "timezone": "Asia/Seoul",
        "charter": "Joint quality council under the quality agreement: deviations, CAPA, change "
        "control and the tech-transfer readiness of each process.",
        "held": ("Quality council (held)", "Incheon site"),
        "minutes_ko": "역가 OOS 조사 결과 검토. 공정 이전 준비도 점검.",
        "minutes_en": "Assay OOS investigation reviewed. Process transfer readiness checked.",
        "decisions": [
            ("decision", "Close deviation DEV-104 after CAPA effectiveness check", 21),
            ("decision", "Start PPQ batches only after method transfer report sign-off", 0),
        ],
        "items": [
            ("partner", "Method transfer report for assay potency", 14),
            ("owner", "Approve change control CC-22", -2),
        ],
    },
}


def _users(session: Session, partner_id: int, domain: str) -> tuple[User | None, User | None]:
    owner = session.execute(
        select(User).where(User.email == f"manager@{domain}")
    ).scalar_one_or_none()
    partner = (
        session.execute(select(User).where(User.partner_id == partner_id).order_by(User.id))
        .scalars()
        .first()
    )
    return owner, partner


def _members(session: Session, partner_id: int, domain: str) -> list[schemas.MemberIn]:
    owner, partner_user = _users(session, partner_id, domain)
    members: list[schemas.MemberIn] = []
    if owner is not None:
        members.append(schemas.MemberIn(side=Side.OWNER, user_id=owner.id, role=MemberRole.CHAIR))
    quality = session.execute(
        select(User).where(User.email == f"quality@{domain}")
    ).scalar_one_or_none()
    if quality is not None:
        members.append(
            schemas.MemberIn(side=Side.OWNER, user_id=quality.id, role=MemberRole.SECRETARY)
        )
    if partner_user is not None:
        members.append(
            schemas.MemberIn(side=Side.PARTNER, user_id=partner_user.id, role=MemberRole.CO_CHAIR)
        )
    contacts = session.execute(
        select(Contact).where(Contact.partner_id == partner_id).order_by(Contact.id).limit(2)
    ).scalars()
    for contact in contacts:
        members.append(
            schemas.MemberIn(side=Side.PARTNER, contact_id=contact.id, role=MemberRole.MEMBER)
        )
    return members


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    from cofab.demo.cases import CASES

    story = STORIES.get(case_name, {})
    partner_id = refs.get(story.get("partner", ""))
    if partner_id is None:
        return
    exists = session.execute(
        select(Committee.id).where(
            Committee.partner_id == partner_id, Committee.name == story["name"]
        )
    ).first()
    if exists is not None:
        return
    domain = CASES[case_name]["domain"]
    committee = service.create_committee(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.CommitteeCreate(
            partner_id=partner_id,
            kind=story["kind"],
            name=story["name"],
            code=story["code"],
            charter=story["charter"],
            cadence=story["cadence"],
            timezone=story["timezone"],
            members=_members(session, partner_id, domain),
        ),
    )
    first = today.replace(day=1) + timedelta(days=40)
    service.generate_series(
        session,
        actor=SYSTEM_ACTOR,
        committee_id=committee.id,
        data=schemas.SeriesIn(
            first_start=datetime.combine(first.replace(day=10), time(10, 0)), count=4
        ),
        now=datetime.combine(today, time(0, 0), tzinfo=UTC),  # the demo's today, not the clock's
    )
    _held_meeting(session, committee, story, today)


def _held_meeting(
    session: Session, committee: Committee, story: dict[str, Any], today: date
) -> None:
    """The last meeting, a month before the demo's today, already held."""
    title, location = story["held"]
    held_at = datetime.combine(today - timedelta(days=30), time(8, 0), tzinfo=UTC)
    meeting = service.create_meeting(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.MeetingCreate(
            committee_id=committee.id,
            kind=MeetingKind(committee.kind),
            title=title,
            starts_at=held_at,
            timezone=committee.timezone,
            location=location,
            agenda=[
                schemas.AgendaIn(title="Performance and delivery", minutes=20),
                schemas.AgendaIn(title="Capacity and investments", minutes=30),
                schemas.AgendaIn(title="Quality escalations", minutes=15, owner_side=Side.PARTNER),
            ],
            duration_minutes=120,
        ),
        now=held_at,  # planned back then; the service refuses a start before its "now"
    )
    service.update_meeting(
        session,
        actor=SYSTEM_ACTOR,
        meeting_id=meeting.id,
        data=schemas.MeetingUpdate(
            status=MeetingStatus.HELD,
            minutes_ko=story["minutes_ko"],
            minutes_en=story["minutes_en"],
        ),
    )
    # an ordinary decision is owned by the chair's account (shown as a link); a resolution by
    # the board as a body
    chair = next((m.user_id for m in committee.members if m.role == "chair" and m.user_id), None)
    for kind, text, effective_in in story["decisions"]:
        board = kind == "board_resolution"
        service.add_decision(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=meeting.id,
            data=schemas.DecisionIn(
                text=text,
                kind=kind,
                owner_name="Board" if board else "",
                owner_user_id=None if board else chair,
                effective_on=today - timedelta(days=30) + timedelta(days=effective_in),
            ),
        )
    for side, text, due_in in story["items"]:
        item = service.add_action_item(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=meeting.id,
            data=schemas.ActionItemCreate(
                title=text, side=side, due_date=today + timedelta(days=due_in)
            ),
        )
        if side == "owner":  # our side's homework is done; the partner's is open or overdue
            service.mark_action_item_done(session, SYSTEM_ACTOR, item.id)
