"""The board-resolution log: every decision of kind ``board_resolution`` — those recorded in a
committee's meetings and the JV boards' resolutions kept by ventures (a vote per parent and
whether the threshold was met) — in one list, newest first.

Ventures keeps its resolutions (it counts the votes against the reserved matters); this module
reads them through ``ventures.service.board_resolutions`` and copies nothing, so the log never
drifts from the JV page and no data moves between the domains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_, translate
from cofab.governance import records
from cofab.governance.models import DecisionKind
from cofab.partners.models import Partner
from cofab.ventures import service as ventures_service

OWNER_COMPANY = N_("Our company")


@dataclass(frozen=True)
class VoteLine:
    parent: str
    partner_id: int | None  # None: the owner company
    vote: str
    equity_pct: Decimal
    board_seats: int


@dataclass(frozen=True)
class BoardLogRow:
    """One line of the log. ``source`` is ``venture`` (a JV board's resolution, with its votes
    and outcome) or ``meeting`` (a committee decision of kind board_resolution: no votes are
    kept there, so ``passed`` is None)."""

    source: str
    anchor: str  # the row's id on the log page: jv-<id> or gov-<id>
    record_id: int
    number: str
    resolved_on: date | None
    body: str  # the venture's name, or the meeting's title
    title: str
    link: str
    partner_id: int | None
    rule: str | None = None
    basis: str | None = None
    matter: str | None = None
    required_pct: Decimal | None = None
    present_pct: Decimal | None = None
    for_pct: Decimal | None = None
    passed: bool | None = None
    votes: tuple[VoteLine, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.record_id,
            "number": self.number,
            "resolved_on": self.resolved_on.isoformat() if self.resolved_on else None,
            "body": self.body,
            "title": self.title,
            "link": self.link,
            "partner_id": self.partner_id,
            "rule": self.rule,
            "basis": self.basis,
            "matter": self.matter,
            "required_pct": None if self.required_pct is None else str(self.required_pct),
            "present_pct": None if self.present_pct is None else str(self.present_pct),
            "for_pct": None if self.for_pct is None else str(self.for_pct),
            "threshold_met": self.passed,
            "votes": [
                {
                    "parent": v.parent,
                    "partner_id": v.partner_id,
                    "vote": v.vote,
                    "equity_pct": str(v.equity_pct),
                    "board_seats": v.board_seats,
                }
                for v in self.votes
            ],
        }


def _names(session: Session, ids: set[int], locale: str) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: translate(OWNER_COMPANY, locale)}
    if ids:
        for partner in session.execute(select(Partner).where(Partner.id.in_(ids))).scalars():
            names[partner.id] = partner.name_ko if locale == "ko" else partner.name_en
    return names


def board_log(
    session: Session, *, actor: Actor, locale: str = "en", partner_id: int | None = None
) -> list[BoardLogRow]:
    """What the actor may see: its own company's records for a partner user (ventures it is
    party to, its committees' decisions), the owner's units for owner staff."""
    jv_rows = ventures_service.board_resolutions(session, actor=actor, partner_id=partner_id)
    ids = {v.parent_partner_id for r in jv_rows for v in r.votes if v.parent_partner_id}
    names = _names(session, ids, locale)
    rows = [
        BoardLogRow(
            source="venture",
            anchor=f"jv-{r.resolution_id}",
            record_id=r.resolution_id,
            number=r.number,
            resolved_on=r.resolved_on,
            body=r.venture_name,
            title=r.title,
            link=f"/ventures/{r.venture_id}#resolution-{r.resolution_id}",
            partner_id=r.jv_partner_id,
            rule=r.rule,
            basis=r.basis,
            matter=f"{r.matter_code} · {r.matter_title}" if r.matter_code else None,
            required_pct=r.required_pct,
            present_pct=r.present_pct,
            for_pct=r.for_pct,
            passed=r.passed,
            votes=tuple(
                VoteLine(
                    parent=names.get(v.parent_partner_id, str(v.parent_partner_id)),
                    partner_id=v.parent_partner_id,
                    vote=v.vote,
                    equity_pct=v.equity_pct,
                    board_seats=v.board_seats,
                )
                for v in r.votes
            ),
        )
        for r in jv_rows
    ]
    flt = records.DecisionFilter(partner_id=partner_id, kind=DecisionKind.BOARD_RESOLUTION.value)
    for decision, meeting in records.list_decisions(session, actor=actor, flt=flt):
        rows.append(
            BoardLogRow(
                source="meeting",
                anchor=f"gov-{decision.id}",
                record_id=decision.id,
                number=str(decision.number),
                resolved_on=decision.effective_on or meeting.starts_at.date(),
                body=meeting.title,
                title=decision.text,
                link=f"/governance/meetings/{meeting.id}",
                partner_id=decision.partner_id,
            )
        )
    rows.sort(key=lambda r: (r.resolved_on or date.min, r.anchor), reverse=True)
    return rows
