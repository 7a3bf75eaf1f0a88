"""Ventures demo data: the automotive case's battery-cell joint venture and the electronics
case's display alliance.

- automotive: the Korea–Germany battery JV: Nordic Cell Power JV (the case's JV partner, the
  partner login's company) owned 51/49 by the group (Seoul) and its German parent Rhein
  Zellwerk GmbH (Ludwigshafen, Berlin time), two board seats each, a 75 % seat quorum;
  reserved matters (budget unanimous, new lines and capital calls by 75 % of equity, offtake
  changes unanimous); a capital schedule whose second call is partly paid by the German parent
  and whose third is not called yet; two board resolutions (the budget, a reserved matter
  passed unanimously; the plant manager's appointment, which fails on an abstention); cell
  offtake commitments for the last two quarters, the group's measured by its receipts of the
  JV's orders, the German parent's as it reported them.
- electronics: a micro-LED module alliance with Penang Microsystems and Daejeon Display Labs:
  two shared goals with KPIs, two co-investments with cost-sharing keys, and this and the
  last quarter's costs and licence income, so the statement page has figures to share.

Loading twice changes nothing (a case whose venture or alliance exists is skipped).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import SYSTEM_ACTOR
from cofab.ventures import alliances, capital, jv, offtake, schemas
from cofab.ventures.models import Alliance, Venture

D = Decimal
ALLIANCE_NAME = "Micro-LED display module alliance"


def _quarter(day: date, back: int = 0) -> str:
    index = (day.year * 4 + (day.month - 1) // 3) - back
    return f"{index // 4}-Q{index % 4 + 1}"


def _month(day: date, back: int = 0) -> str:
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12}-{index % 12 + 1:02d}"


def _ref(refs: dict[str, int], code: str) -> int | None:
    """The loader keys its partners ``DEMO-<code>``."""
    return refs.get(f"DEMO-{code}", refs.get(code))


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    if case_name == "automotive":
        _battery_jv(session, refs, today)
    elif case_name == "electronics":
        _display_alliance(session, refs, today)


def _battery_jv(session: Session, refs: dict[str, int], today: date) -> None:
    jv_partner, co_investor = _ref(refs, "A-NCP"), _ref(refs, "A-RZW")
    if jv_partner is None or co_investor is None:
        return
    if session.execute(select(Venture.id).where(Venture.partner_id == jv_partner)).first():
        return
    matters = [
        ("BUDGET", "Annual budget and business plan", "unanimous", None),
        ("NEW-LINE", "A new cell line or capex above EUR 25 m", "qualified", D(75)),
        ("CAPITAL", "Capital calls beyond the agreed schedule", "qualified", D(75)),
        ("OFFTAKE", "Changes to the parents' offtake volumes", "unanimous", None),
    ]
    venture = jv.create_venture(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.VentureCreate(
            partner_id=jv_partner,
            name="Nordic Cell Power JV",
            currency="EUR",
            formed_on=today - timedelta(days=540),
            quorum_pct=D(75),
            quorum_basis="seats",
            notes="Korea–Germany battery JV: Hanul Motors (Seoul) 51 %, Rhein Zellwerk GmbH "
            "(Ludwigshafen) 49 %; the board meets quarterly by Seoul–Berlin video conference.",
            parents=[
                schemas.ParentIn(partner_id=None, equity_pct=D(51), board_seats=2),
                schemas.ParentIn(partner_id=co_investor, equity_pct=D(49), board_seats=2),
            ],
            matters=[
                schemas.MatterIn(code=c, title=t, rule=r, basis="equity", threshold_pct=th)  # type: ignore[arg-type]
                for c, t, r, th in matters
            ],
        ),
    )
    owner, partner = venture.parents
    schedule = [  # (reference, parent, days from today due, amount in EUR m, called days ago)
        ("CC-1", owner, -400, D("61.2"), 430),
        ("CC-1", partner, -400, D("58.8"), 430),
        ("CC-2", owner, -20, D("40.8"), 50),
        ("CC-2", partner, -20, D("39.2"), 50),
        ("CC-3", owner, 160, D("30.6"), None),
        ("CC-3", partner, 160, D("29.4"), None),
    ]
    for reference, parent, due, amount, called_ago in schedule:
        call = capital.add_call(
            session,
            actor=SYSTEM_ACTOR,
            venture_id=venture.id,
            data=schemas.CapitalCallIn(
                parent_id=parent.id,
                reference=reference,
                due_on=today + timedelta(days=due),
                amount=amount * 1_000_000,
                currency="EUR",
                called_on=today - timedelta(days=called_ago) if called_ago else None,
            ),
        )
        if called_ago is None:
            continue
        # the German parent has paid EUR 22 m of its EUR 39.2 m second call so far
        paid = D(22_000_000) if (reference, parent) == ("CC-2", partner) else call.amount
        capital.record_payment(
            session,
            actor=SYSTEM_ACTOR,
            venture_id=venture.id,
            call_id=call.id,
            data=schemas.PaymentIn(
                paid_on=today - timedelta(days=called_ago - 25),
                amount=paid,
                currency="EUR",
                reference=f"SWIFT {reference}-{parent.id}",
            ),
        )
    matter_ids = {m.code: m.id for m in venture.matters}
    resolutions = [
        ("2026-01", 120, "Budget and business plan for next year", "BUDGET", ("for", "for")),
        ("2026-02", 45, "Appointment of the Skellefteå plant manager", None, ("for", "abstain")),
    ]
    for number, days_ago, title, matter, votes in resolutions:
        jv.record_resolution(
            session,
            actor=SYSTEM_ACTOR,
            venture_id=venture.id,
            data=schemas.ResolutionIn(
                number=number,
                resolved_on=today - timedelta(days=days_ago),
                title=title,
                matter_id=matter_ids[matter] if matter else None,
                votes=[
                    schemas.VoteIn(parent_id=owner.id, vote=votes[0]),  # type: ignore[arg-type]
                    schemas.VoteIn(parent_id=partner.id, vote=votes[1]),  # type: ignore[arg-type]
                ],
            ),
        )
    for back in (1, 0):
        period = _quarter(today, back)
        received = offtake.received_from_jv(session, jv_partner, "NMC pouch cell", period)
        # the group committed to a little more than it has taken (so the page shows the gap)
        committed = max(D(1000), (received * D("1.08")).quantize(D(1000)))
        for parent, volume, reported in (
            (owner, committed, None),
            (partner, (committed * 49 / 51).quantize(D(1000)), committed * D("0.41")),
        ):
            offtake.add_offtake(
                session,
                actor=SYSTEM_ACTOR,
                venture_id=venture.id,
                data=schemas.OfftakeIn(
                    parent_id=parent.id,
                    period=period,
                    product_family="NMC pouch cell",
                    volume=volume,
                    uom="cells",
                    reported_actual=reported.quantize(D(1)) if reported is not None else None,
                ),
            )


def _display_alliance(session: Session, refs: dict[str, int], today: date) -> None:
    penang, daejeon = _ref(refs, "E-PNG"), _ref(refs, "E-DDL")
    if penang is None or daejeon is None:
        return
    if session.execute(select(Alliance.id).where(Alliance.name == ALLIANCE_NAME)).first():
        return
    alliance = alliances.create_alliance(
        session,
        actor=SYSTEM_ACTOR,
        data=schemas.AllianceCreate(
            name=ALLIANCE_NAME,
            purpose="Develop and industrialise micro-LED modules for the next phone generation: "
            "the group designs and sells, Penang builds the pilot line, Daejeon brings the "
            "transfer process.",
            currency="USD",
            started_on=today - timedelta(days=300),
            parties=[
                schemas.PartyIn(partner_id=None, role="Design, market, programme lead"),
                schemas.PartyIn(partner_id=penang, role="Pilot line and volume assembly"),
                schemas.PartyIn(partner_id=daejeon, role="Mass-transfer process"),
            ],
        ),
    )
    us, pen, dae = (p.id for p in alliance.parties)
    for title, kpi, uom, target, actual, due in (
        ("Pilot line yield", "First-pass yield", "%", D(92), D("87.5"), 180),
        ("Joint patent filings", "Applications filed", "", D(6), D(4), 365),
    ):
        alliances.add_goal(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.GoalIn(
                title=title,
                kpi=kpi,
                uom=uom,
                target=target,
                actual=actual,
                due_on=today + timedelta(days=due),
            ),
        )
    pilot = alliances.add_coinvestment(
        session,
        actor=SYSTEM_ACTOR,
        alliance_id=alliance.id,
        data=schemas.CoInvestmentIn(
            title="Micro-LED pilot line, Penang",
            budget=D(12_000_000),
            keys=[
                schemas.KeyIn(party_id=us, share_pct=D(50)),
                schemas.KeyIn(party_id=pen, share_pct=D(35)),
                schemas.KeyIn(party_id=dae, share_pct=D(15)),
            ],
        ),
    )
    lab = alliances.add_coinvestment(
        session,
        actor=SYSTEM_ACTOR,
        alliance_id=alliance.id,
        data=schemas.CoInvestmentIn(
            title="Reliability lab, Daejeon",
            budget=D(2_000_000),
            keys=[
                schemas.KeyIn(party_id=us, share_pct=D(60)),
                schemas.KeyIn(party_id=dae, share_pct=D(40)),
            ],
        ),
    )
    entries = [  # (co-investment, who paid or received, months back, kind, USD, note)
        (pilot.id, pen, 3, "cost", D(1_450_000), "Pick-and-place and bonder, deposit"),
        (pilot.id, us, 4, "cost", D(600_000), "Process engineering support"),
        (lab.id, dae, 3, "cost", D(380_000), "Thermal shock chamber"),
        (pilot.id, pen, 1, "cost", D(920_000), "Clean-room fit-out"),
        (pilot.id, us, 0, "cost", D(310_000), "Design-for-assembly workshop"),
        (lab.id, dae, 1, "cost", D(140_000), "Lab staff, two months"),
        (pilot.id, us, 0, "benefit", D(250_000), "Licence income, transfer process"),
    ]
    for coinvestment, party, back, kind, amount, note in entries:
        alliances.add_entry(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.EntryIn(
                coinvestment_id=coinvestment,
                party_id=party,
                period=_month(today, back),
                kind=kind,  # type: ignore[arg-type]
                amount=amount,
                currency="USD",
                note=note,
            ),
        )
