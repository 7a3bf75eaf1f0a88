"""Disruption profiles from the register, in the planner's ``disruption`` shape, so the
disruption Monte Carlo can take each site's probability and duration from the risks people keep
rather than from a number typed into a scenario (issue 16, "Risk register").

The mapping follows the anchors of the two scales (``register.LIKELIHOOD_ANCHORS`` /
``IMPACT_ANCHORS``):

- likelihood → events per year: 1 rare 0.05, 2 unlikely 0.15, 3 possible 0.33, 4 likely 1,
  5 almost certain 3; the probability that a period of ``period_weeks`` sees at least one event
  is 1 − exp(−rate × period_weeks / 52) (a Poisson arrival);
- impact → weeks down: 1 negligible 0.5, 2 minor 1, 3 moderate 3, 4 major 6, 5 severe 13;
  the planner draws the duration from a geometric distribution with that mean in periods (at
  least one period);
- the residual assessment is used when there is one (it is what we expect after mitigation),
  the inherent one otherwise; closed risks are left out;
- a risk on a site counts for that site, a risk on a partner without a site for every site of
  the partner; several risks on one site combine as independent events (1 − Π(1 − pᵢ)) and the
  longest outage (the conservative choice); ``capacity_loss`` is 1: the site is down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.partners.models import Partner, Site
from cofab.risk import register
from cofab.risk.models import Risk, RiskStatus

EVENTS_PER_YEAR: dict[int, float] = {1: 0.05, 2: 0.15, 3: 0.33, 4: 1.0, 5: 3.0}
WEEKS_DOWN: dict[int, float] = {1: 0.5, 2: 1.0, 3: 3.0, 4: 6.0, 5: 13.0}
MONTH_WEEKS = 52.0 / 12.0


def period_probability(likelihood: int, period_weeks: float = MONTH_WEEKS) -> float:
    return 1.0 - math.exp(-EVENTS_PER_YEAR[likelihood] * period_weeks / 52.0)


@dataclass
class SiteProfile:
    site_id: int
    site: str
    partner: str
    probability: float = 0.0
    weeks_down: float = 0.0
    risks: list[str] = field(default_factory=list)

    def disruption(self, period_weeks: float = MONTH_WEEKS) -> dict[str, Any]:
        """The planner input's ``disruption`` object for this site."""
        return {
            "probability": round(self.probability, 6),
            "capacity_loss": 1.0,
            "duration": {
                "distribution": "geometric",
                "mean": round(max(1.0, self.weeks_down / period_weeks), 4),
            },
        }


def site_profiles(
    session: Session, *, actor: Actor, period_weeks: float = MONTH_WEEKS
) -> list[SiteProfile]:
    """One profile per site that an open risk names (directly or through its partner)."""
    register.ensure_reader(actor)
    risks = session.execute(
        select(Risk)
        .where(
            Risk.status != RiskStatus.CLOSED,
            Risk.partner_id.is_not(None) | Risk.site_id.is_not(None),
        )
        .order_by(Risk.id)
    ).scalars()
    sites = {
        s.id: (s, name)
        for s, name in session.execute(
            select(Site, Partner.name_en).join(Partner, Partner.id == Site.partner_id)
        ).all()
    }
    by_partner: dict[int, list[int]] = {}
    for site_id, (site, _name) in sites.items():
        by_partner.setdefault(site.partner_id, []).append(site_id)
    profiles: dict[int, SiteProfile] = {}
    for risk in risks:
        targets = [risk.site_id] if risk.site_id else by_partner.get(risk.partner_id or 0, [])
        likelihood, impact = risk.likelihood, risk.impact
        if risk.residual_likelihood and risk.residual_impact:
            likelihood, impact = risk.residual_likelihood, risk.residual_impact
        p = period_probability(likelihood, period_weeks)
        for site_id in targets:
            if site_id not in sites:
                continue
            site, partner_name = sites[site_id]
            profile = profiles.setdefault(
                site_id, SiteProfile(site_id, site.name, str(partner_name))
            )
            profile.probability = 1.0 - (1.0 - profile.probability) * (1.0 - p)
            profile.weeks_down = max(profile.weeks_down, WEEKS_DOWN[impact])
            profile.risks.append(risk.external_ref)
    return sorted(profiles.values(), key=lambda pr: (-pr.probability, pr.site_id))
