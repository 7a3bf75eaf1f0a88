"""Joint development demo data: per case a project with the partner login's company, run
through the same services users go through.

- electronics: a low-void solder process developed with the Singapore CM under its CM agreement
  (foreground to us, improvements granted back): gates, both sides' contributions, two
  inventions — a foreground result (ours) and an improvement of our background IP (the
  partner's, licensed back), the first disclosed;
- pharma: the mAb-07 drug-substance process transfer to the Incheon CDMO, with the CDMO process
  transfer checklist instantiated and its first steps done.

Loading twice changes nothing (a case whose project code exists is skipped).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.contracts.models import Contract
from cofab.core.access import SYSTEM_ACTOR, Actor
from cofab.development import schemas, service
from cofab.development.models import DevProject, Side
from cofab.partners.models import Contact

STORIES: dict[str, dict[str, Any]] = {
    "electronics": {
        "code": "JDP-ELE-01",
        "partner": "DEMO-E-SGP",
        "contract": "DEMO-ELE-C1",
        "title": "SM-A2 mainboard: low-void solder process",
        "description": "Joint development of a BGA/LGA soldering process below 5 % voids.",
        "gates": [
            ("G1 Feasibility", ["Void study on 3 paste types", "X-ray report"], -40, "go"),
            ("G2 Pilot build", ["500 boards on pilot line 3", "Reliability plan"], 45, None),
            ("G3 Mass-production release", ["PPAP", "Control plan"], 120, None),
        ],
        "contributions": [
            ("owner", "hours", Decimal("320"), None, None, "Process engineering, X-ray analysis"),
            ("owner", "money", None, Decimal("180000000"), "KRW", "Paste and stencil trials"),
            ("partner", "hours", Decimal("540"), None, None, "Pilot line operation"),
            ("partner", "equipment", None, None, None, "Vacuum reflow oven, pilot line 3"),
            ("owner", "background_ip", None, None, None, "LGA land pattern design rules"),
        ],
        "inventions": [
            (
                "Step-stencil aperture pattern for low-void BGA joints",
                "foreground",
                -20,
                "disclosed",
            ),
            (
                "Reflow profile adapted to our LGA land pattern",
                "improvement_owner_background",
                -5,
                None,
            ),
        ],
        "checklist": None,
        "gate_note": "Criteria met",
    },
    "pharma": {
        "code": "JDP-PHA-01",
        "partner": "DEMO-P-IBL",
        "contract": "DEMO-PHA-C2",
        "title": "mAb-07 원료의약품 공정 기술 이전(CDMO)",
        "description": "세포배양·정제 공정의 기술 이전.",
        "gates": [
            ("G1 이전 프로토콜", ["기술 이전 프로토콜 서명"], -25, "go"),
            ("G2 엔지니어링 배치", ["엔지니어링 배치 보고서"], 50, None),
            ("G3 공정 성능 적격성(PPQ)", ["PPQ 3배치 출하 승인"], 130, None),
        ],
        "contributions": [
            ("owner", "hours", Decimal("260"), None, None, "MSAT 공정 전문가 현장 지원"),
            ("owner", "background_ip", None, None, None, "mAb-07 세포주와 공정 노하우"),
            ("partner", "hours", Decimal("410"), None, None, "격차 평가, 분석법 이전"),
            ("partner", "equipment", None, None, None, "2,000 L 일회용 생물반응기"),
            ("owner", "money", None, Decimal("350000000"), "KRW", "엔지니어링 배치 원자재"),
        ],
        "inventions": [],
        "checklist": ("cdmo_process_transfer", -30, 2),
        "gate_note": "기준 충족",
    },
}


def _actor(session: Session, email: str) -> Actor:
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return accounts_service.actor_for(user) if user is not None else SYSTEM_ACTOR


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    from cofab.demo.cases import CASES

    story = STORIES.get(case_name)
    if story is None or story["partner"] not in refs:
        return
    if session.execute(select(DevProject.id).where(DevProject.code == story["code"])).first():
        return
    partner_id = refs[story["partner"]]
    manager = _actor(session, f"manager@{CASES[case_name]['domain']}")
    contract_id = session.execute(
        select(Contract.id).where(Contract.external_ref == story["contract"])
    ).scalar_one_or_none()
    project = service.create_project(
        session,
        actor=manager,
        data=schemas.ProjectCreate(
            code=story["code"],
            title=story["title"],
            partner_id=partner_id,
            contract_id=contract_id,
            description=story["description"],
            start_date=today - timedelta(days=60),
            target_date=today + timedelta(days=150),
            milestones=[
                schemas.MilestoneIn(
                    gate=gate, deliverables=deliverables, due_date=today + timedelta(days=due)
                )
                for gate, deliverables, due, _decision in story["gates"]
            ],
        ),
    )
    for milestone, (*_rest, decision) in zip(project.milestones, story["gates"], strict=True):
        if decision:
            service.decide_gate(
                session,
                actor=manager,
                milestone_id=milestone.id,
                data=schemas.GateDecisionIn(decision=decision, note=story["gate_note"]),
            )
    for side, kind, hours, amount, currency, text in story["contributions"]:
        service.add_contribution(
            session,
            actor=manager,
            project_id=project.id,
            data=schemas.ContributionIn(
                side=side,
                kind=kind,
                hours=hours,
                amount=amount,
                currency=currency,
                description=text,
                recorded_on=today - timedelta(days=30),
            ),
        )
    contact = (
        session.execute(
            select(Contact).where(Contact.partner_id == partner_id).order_by(Contact.id)
        )
        .scalars()
        .first()
    )
    for title, kind, offset, filing in story["inventions"]:
        inventors = [schemas.InventorIn(side=Side.OWNER, user_id=manager.user_id or None)]
        if manager.user_id == 0:
            inventors = [schemas.InventorIn(side=Side.OWNER, name="Process engineering")]
        if contact is not None:
            inventors.append(schemas.InventorIn(side=Side.PARTNER, contact_id=contact.id))
        invention = service.create_invention(
            session,
            actor=manager,
            project_id=project.id,
            data=schemas.InventionCreate(
                title=title,
                conceived_on=today + timedelta(days=offset),
                result_kind=kind,
                inventors=inventors,
            ),
        )
        if filing:
            service.set_filing(
                session,
                actor=manager,
                invention_id=invention.id,
                data=schemas.FilingIn(status=filing, on=today + timedelta(days=offset + 7)),
            )
    if story["checklist"]:
        code, start, done = story["checklist"]
        items = service.instantiate_checklist(
            session,
            actor=manager,
            project_id=project.id,
            data=schemas.InstantiateIn(
                template_code=code,
                start_date=today + timedelta(days=start),
                owner_name="MSAT",
                partner_owner_name=contact.name if contact else "",
            ),
        )
        for item in items[:done]:
            service.update_checklist_item(
                session, actor=manager, item_id=item.id, data=schemas.ChecklistItemUpdate(done=True)
            )
