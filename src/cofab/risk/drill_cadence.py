"""The drill cadence a contingency plan is held to, and where it comes from.

Issue 16: "drills on a cadence (from the plan or the quality agreement)". A plan's own cadence
wins; a plan without one follows ``terms.quality.drill_cadence_days`` of a quality agreement in
force (its governing version's terms, read through ``contracts.service``):

1. ``plan`` — the plan's own *Drill every (days)*;
2. ``agreement`` — the agreement of the partner the plan covers (its partner, or its site's):
   the agreement binds the partner whose failure the plan is for;
3. ``alternate_agreement`` — else the agreement of the alternate site's partner, the one the
   drill switches to;
4. ``default`` — else ``DEFAULT_DRILL_EVERY_DAYS`` (180).

With two agreements in force for one partner the shorter cadence binds. Nothing is copied onto
the plan: a new approved agreement version changes the cadence at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.contracts import service as contracts_service
from cofab.contracts.models import Contract
from cofab.core.i18n import N_
from cofab.db.base import utcnow
from cofab.partners.models import Site
from cofab.risk.models import DEFAULT_DRILL_EVERY_DAYS, ContingencyPlan

PLAN, AGREEMENT, ALTERNATE, DEFAULT = "plan", "agreement", "alternate_agreement", "default"
SOURCE_LABELS = {
    PLAN: N_("Drill every {days} days: this plan's own cadence."),
    AGREEMENT: N_(
        "Drill every {days} days, from the quality agreement in force of {partner}, the partner "
        "this plan covers (the plan has no cadence of its own)."
    ),
    ALTERNATE: N_(
        "Drill every {days} days, from the quality agreement in force of {partner}, the "
        "alternate site's partner (neither the plan nor the covered partner's agreement sets one)."
    ),
    DEFAULT: N_(
        "Drill every {days} days: the default, as neither the plan nor a quality agreement in "
        "force sets a cadence."
    ),
}


@dataclass(frozen=True)
class Cadence:
    days: int
    source: str  # PLAN | AGREEMENT | ALTERNATE | DEFAULT
    partner_id: int | None = None  # whose agreement gave it


def agreement_cadence(
    session: Session, *, partner_id: int, at: datetime | None = None
) -> int | None:
    """``terms.quality.drill_cadence_days`` of the partner's quality agreements in force at
    ``at`` (the shortest of two), or None."""
    windows = contracts_service.active_agreements_for_partner(
        session, partner_id=partner_id, at=at or utcnow(), kinds=["quality_agreement"]
    )
    found: list[int] = []
    for window in windows:
        contract = session.get(Contract, window.contract_id)
        if contract is None:
            continue
        version = contracts_service.governing_version(session, contract)
        quality = ((version.terms if version else None) or {}).get("quality") or {}
        days = quality.get("drill_cadence_days")
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            found.append(days)
    return min(found) if found else None


def _site_partner(session: Session, site_id: int | None) -> int | None:
    if site_id is None:
        return None
    found = session.execute(select(Site.partner_id).where(Site.id == site_id)).scalar()
    return int(found) if found is not None else None


class CadenceReader:
    """Cadences of many plans with each partner's agreements read once (dashboards, inbox)."""

    def __init__(self, session: Session, at: datetime | None = None) -> None:
        self.session, self.at = session, at
        self._agreed: dict[int, int | None] = {}

    def _agreed_for(self, partner_id: int | None) -> int | None:
        if partner_id is None:
            return None
        if partner_id not in self._agreed:
            self._agreed[partner_id] = agreement_cadence(
                self.session, partner_id=partner_id, at=self.at
            )
        return self._agreed[partner_id]

    def of(self, plan: ContingencyPlan) -> Cadence:
        if plan.drill_every_days:
            return Cadence(plan.drill_every_days, PLAN)
        covered = plan.partner_id or _site_partner(self.session, plan.site_id)
        days = self._agreed_for(covered)
        if days is not None:
            return Cadence(days, AGREEMENT, covered)
        alternate = _site_partner(self.session, plan.alternate_site_id)
        days = self._agreed_for(alternate)
        if days is not None:
            return Cadence(days, ALTERNATE, alternate)
        return Cadence(DEFAULT_DRILL_EVERY_DAYS, DEFAULT)


def cadence_of(session: Session, plan: ContingencyPlan, at: datetime | None = None) -> Cadence:
    return CadenceReader(session, at).of(plan)
