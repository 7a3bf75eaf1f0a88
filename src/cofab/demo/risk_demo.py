"""Risk demo data that fits each case's story (issue 16, "Everywhere"):

- automotive: the Korea–Germany battery JV's cell plant (Nordic Cell Power JV) is the only
  source of NMC pouch cells for the automaker, with a 26-week time to recover — a severe supply
  risk with mitigations, and the module plant's capacity risk;
- pharma: the CDMO (Incheon BioLogics) has a qualified second site for fill-finish (Basel
  Fill-Finish, active): a contingency plan drilled within its cadence, and the regulatory risk
  of one bioreactor train;
- electronics: the brand's contract-manufacturer concentration (Shenzhen Everbright and Saigon
  Precision carry the smartphone volume): a risk, a contingency plan that moves smartphones to
  Saigon and has never been drilled (it shows as untested), and an exit transition for the
  suspended battery-pack supplier (Taoyuan Battery Pack).

Everything goes through the risk service (rules and audit run) as the system. Loading twice
changes nothing: risks are keyed by their reference, plans by title, the transition by partner.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.partners.models import Site
from cofab.risk import service
from cofab.risk.models import ContingencyPlan, Risk, TransitionPlan
from cofab.risk.plan_steps import list_steps
from cofab.risk.schemas import (
    DrillIn,
    DrillStepIn,
    MitigationIn,
    PlanCreate,
    RiskCreate,
    StepIn,
    TransitionCreate,
)
from cofab.risk.site_recovery import set_site_ttr, stored

# case -> risks: (ref, partner ref, title, category, family, cause, event, consequence,
#                 likelihood, impact, residual (l, i) or None, owner, mitigations)
RISKS: dict[str, list[tuple[Any, ...]]] = {
    "automotive": [
        (
            "DEMO-RSK-A1",
            "A-NCP",
            "Single source: NMC pouch cells from the JV cell plant (TTR 26 weeks)",
            "supply",
            "NMC pouch cell",
            "One gigafactory makes every NMC pouch cell; no second cell source is qualified.",
            "Fire or formation-line failure stops the Skellefteå plant.",
            "Module and pack lines stop after safety stock; recovery takes 26 weeks.",
            3,
            5,
            (2, 5),
            "Head of battery sourcing",
            [
                ("Qualify a second cell source for NMC pouch cells", 120),
                ("Raise cell safety stock to 6 weeks at Ulsan", 30),
            ],
        ),
        (
            "DEMO-RSK-A2",
            "A-UCW",
            "Module capacity at Ulsan runs above 90 %",
            "supply",
            "battery module",
            "Demand ramp exceeds the installed module lines.",
            "Line down-time cannot be caught up.",
            "Missed vehicle build slots.",
            3,
            3,
            None,
            "Supply planning",
            [("Bring Silesia Battery Modules through qualification", 90)],
        ),
    ],
    "pharma": [
        (
            "DEMO-RSK-P1",
            "P-IBL",
            "One bioreactor train for the monoclonal antibody",
            "regulatory",
            "monoclonal antibody",
            "The 15,000 L train is the only licensed one for this product.",
            "A contamination or a regulator's finding stops drug-substance batches.",
            "Drug-product supply stops once fill-finish stock is used.",
            2,
            5,
            (2, 4),
            "Head of external manufacturing",
            [("File the second train in the next variation", 180)],
        ),
    ],
    "electronics": [
        (
            "DEMO-RSK-E1",
            "E-SZE",
            "Smartphone volume concentrated on two contract manufacturers",
            "geopolitical",
            "smartphone",
            "Shenzhen Everbright and Saigon Precision carry nearly all smartphone assembly.",
            "Export controls or a regional shutdown stop one of them.",
            "Half the smartphone volume is lost for a quarter.",
            3,
            4,
            None,
            "VP operations",
            [("Ramp Guadalajara final assembly for smartphones", 150)],
        ),
    ],
}

# case -> contingency plans: (title, partner ref, protected site name or None, family,
#                             alternate partner ref, alternate site name, safety stock,
#                             drill cadence days or None (the agreement's), last drill
#                             days ago or None)
PLANS: dict[str, list[tuple[Any, ...]]] = {
    "pharma": [
        (
            "Fill-finish moves to Basel",
            "P-IBL",
            "송도 충전·포장 라인",
            "vial",
            "P-BFF",
            "Stein Site",
            40000,
            None,  # follows the GMP quality agreement's cadence (120 days)
            100,
        )
    ],
    "electronics": [
        (
            "Smartphones move from Shenzhen to Saigon",
            "E-SZE",
            "Longhua Campus",
            "smartphone",
            "E-SGP",
            "Binh Duong Plant 1",
            150000,
            180,
            None,
        )
    ],
}

# case -> declared times to recover: (partner ref, site name, weeks); the live TTS network
# reads them per site (the JV cell plant's 26 weeks is the automotive case's exposure)
SITE_TTR: dict[str, list[tuple[str, str, float]]] = {
    "automotive": [("A-NCP", "Skellefteå Gigafactory", 26.0)],
    "pharma": [("P-IBL", "송도 충전·포장 라인", 20.0), ("P-BFF", "Stein Site", 12.0)],
    "electronics": [("E-SZE", "Longhua Campus", 10.0), ("E-SGP", "Binh Duong Plant 1", 8.0)],
}

# plan title -> switch-over steps: (title, owner, partner ref whose users do it or None, days,
#                                   days it took in the last drill or None)
STEPS: dict[str, list[tuple[str, str, str | None, int, float | None]]] = {
    "Fill-finish moves to Basel": [
        ("Release the qualified vial batches at Stein", "QA head", "P-BFF", 5, 6.0),
        ("File the site variation with the regulator", "Regulatory affairs", None, 10, 14.0),
        ("Ship the filled vials from Stein", "Supply planning", "P-BFF", 7, 6.5),
    ],
    "Smartphones move from Shenzhen to Saigon": [
        ("Move the test fixtures to Binh Duong", "NPI lead", "E-SGP", 14, None),
        ("Run the first-article build", "Quality engineer", "E-SGP", 7, None),
        ("Re-route the carriers to Saigon", "Logistics", None, 3, None),
    ],
}

# plan title -> what its last drill found: (gaps, follow-up)
DRILL_FINDINGS: dict[str, tuple[str, str]] = {
    "Fill-finish moves to Basel": (
        "The site variation took four days longer than planned.",
        "Keep the variation dossier pre-filed with the regulator.",
    ),
}

# case -> the partner whose exit is under way (a transition plan)
EXITS: dict[str, tuple[str, str]] = {
    "electronics": ("E-TBP", "Suspended for repeated battery-pack swelling; §5.2 termination."),
}


def _site(session: Session, partner_id: int, name: str | None) -> int | None:
    if name is None:
        return None
    return session.execute(
        select(Site.id).where(Site.partner_id == partner_id, Site.name == name)
    ).scalar()


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    for row in RISKS.get(case_name, []):
        (ref, partner_ref, title, category, family, cause, event, consequence) = row[:8]
        likelihood, impact, residual, owner, mitigations = row[8:]
        partner_id = refs.get(f"DEMO-{partner_ref}")
        exists = session.execute(select(Risk.id).where(Risk.external_ref == ref)).first()
        if partner_id is None or exists is not None:
            continue
        service.create_risk(
            session,
            actor=SYSTEM_ACTOR,
            data=RiskCreate(
                title=title,
                category=category,
                external_ref=ref,
                partner_id=partner_id,
                product_family=family,
                cause=cause,
                event=event,
                consequence=consequence,
                likelihood=likelihood,
                impact=impact,
                residual_likelihood=residual[0] if residual else None,
                residual_impact=residual[1] if residual else None,
                owner=owner,
                mitigations=[
                    MitigationIn(action=action, owner=owner, due_date=today + timedelta(days=days))
                    for action, days in mitigations
                ],
            ),
        )
    for (
        title,
        partner_ref,
        site_name,
        family,
        alt_ref,
        alt_site,
        stock,
        every,
        drilled,
    ) in PLANS.get(case_name, []):
        partner_id = refs.get(f"DEMO-{partner_ref}")
        alt_partner = refs.get(f"DEMO-{alt_ref}")
        exists = session.execute(
            select(ContingencyPlan.id).where(ContingencyPlan.title == title)
        ).first()
        if partner_id is None or alt_partner is None or exists is not None:
            continue
        alternate = _site(session, alt_partner, alt_site)
        if alternate is None:
            continue
        steps = STEPS.get(title, [])
        plan = service.create_plan(
            session,
            actor=SYSTEM_ACTOR,
            data=PlanCreate(
                title=title,
                partner_id=partner_id,
                site_id=_site(session, partner_id, site_name),
                product_family=family,
                trigger="The site stops shipping for more than 5 working days.",
                alternate_site_id=alternate,
                safety_stock=stock,
                drill_every_days=every,
                steps=[
                    StepIn(
                        title=step_title,
                        owner=owner,
                        partner_id=refs.get(f"DEMO-{step_partner}") if step_partner else None,
                        planned_days=days,
                    )
                    for step_title, owner, step_partner, days, _took in steps
                ],
            ),
        )
        if drilled is not None:
            took = [row[4] for row in steps]
            timed = [
                DrillStepIn(step_id=step.id, actual_days=actual)
                for step, actual in zip(list_steps(session, plan_id=plan.id), took, strict=True)
                if actual is not None
            ]
            service.record_drill(
                session,
                actor=SYSTEM_ACTOR,
                plan_id=plan.id,
                data=DrillIn(
                    held_on=today - timedelta(days=drilled),
                    gaps=DRILL_FINDINGS.get(title, ("", ""))[0],
                    follow_up=DRILL_FINDINGS.get(title, ("", ""))[1],
                    steps=timed,
                ),
                today=today,
            )
    declared = stored(session)
    for partner_ref, site_name, weeks in SITE_TTR.get(case_name, []):
        partner_id = refs.get(f"DEMO-{partner_ref}")
        site_id = _site(session, partner_id, site_name) if partner_id is not None else None
        if site_id is not None and site_id not in declared:
            set_site_ttr(session, actor=SYSTEM_ACTOR, site_id=site_id, ttr_weeks=weeks)
    exit_case = EXITS.get(case_name)
    if exit_case is not None:
        partner_id = refs.get(f"DEMO-{exit_case[0]}")
        exists = session.execute(
            select(TransitionPlan.id).where(TransitionPlan.partner_id == partner_id)
        ).first()
        if partner_id is not None and exists is None:
            service.start_transition(
                session,
                actor=SYSTEM_ACTOR,
                data=TransitionCreate(
                    partner_id=partner_id,
                    reason=exit_case[1],
                    owner="Head of procurement",
                    due_date=today + timedelta(days=90),
                ),
                today=today,
            )
