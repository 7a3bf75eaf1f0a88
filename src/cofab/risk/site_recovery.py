"""Each site's declared time to recover (TTR, weeks), kept on the risk side.

The live time-to-survive network reads it per site; the page's one number is only the default
for a site nobody has given a TTR yet. A negative, infinite or absurd TTR, or a site the actor
cannot see, is refused naming the field, with nothing written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.partners.models import Partner, PartnerStatus, Site
from cofab.risk import register
from cofab.risk.models import SiteRecovery

MAX_TTR_WEEKS = 520.0
TTR_INVALID = N_("The time to recover must be a number of weeks from 0 to {max}.")
NO_SUCH_SITE = N_("No site with id {id}.")
RECOVERY_INVALID = N_("The time to recover was not saved: {count} problem(s).")
LIVE_STATUSES = (PartnerStatus.ACTIVE.value, PartnerStatus.APPROVED.value)


@dataclass(frozen=True)
class SiteTtr:
    site_id: int
    site: str
    partner_id: int
    partner: str
    ttr_weeks: float | None


def _refuse(field: str, message: str, **params: object) -> None:
    raise ValidationFailed(
        RECOVERY_INVALID, problems=[FieldProblem(field, message, dict(params))], count=1
    )


def stored(session: Session) -> dict[int, float]:
    """Registry site id → its TTR in weeks, for the sites that have one."""
    rows = session.execute(select(SiteRecovery.site_id, SiteRecovery.ttr_weeks)).all()
    return {int(site_id): float(weeks) for site_id, weeks in rows}


def list_site_ttrs(session: Session, *, actor: Actor) -> list[SiteTtr]:
    """The sites of active and approved partners (the live network's), with their TTR or None."""
    register.ensure_reader(actor)
    known = stored(session)
    rows = session.execute(
        select(Site.id, Site.name, Partner.id, Partner.name_en)
        .join(Partner, Partner.id == Site.partner_id)
        .where(Partner.status.in_(LIVE_STATUSES))
        .order_by(Partner.name_en, Site.name)
    ).all()
    return [
        SiteTtr(int(sid), str(name), int(pid), str(pname), known.get(int(sid)))
        for sid, name, pid, pname in rows
    ]


def set_site_ttr(
    session: Session, *, actor: Actor, site_id: int, ttr_weeks: float, note: str = ""
) -> SiteTtr:
    register.ensure_writer(actor)
    if not (math.isfinite(ttr_weeks) and 0 <= ttr_weeks <= MAX_TTR_WEEKS):
        _refuse("ttr_weeks", TTR_INVALID, max=f"{MAX_TTR_WEEKS:g}")
    site = session.execute(select(Site).where(Site.id == site_id)).scalar_one_or_none()
    if site is None:
        _refuse("site_id", NO_SUCH_SITE, id=site_id)
        raise AssertionError  # unreachable: _refuse raises
    row = session.execute(
        select(SiteRecovery).where(SiteRecovery.site_id == site_id)
    ).scalar_one_or_none()
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = SiteRecovery(site_id=site.id, partner_id=site.partner_id, ttr_weeks=ttr_weeks)
        session.add(row)
    row.ttr_weeks = float(ttr_weeks)
    row.note = note
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create" if before is None else "update",
        entity="site_recovery",
        entity_id=row.id,
        partner_id=row.partner_id,
        before=before,
        after=audit.snapshot(row),
    )
    partner = session.get(Partner, site.partner_id)
    name = partner.name_en if partner is not None else ""
    return SiteTtr(site.id, site.name, site.partner_id, name, row.ttr_weeks)
