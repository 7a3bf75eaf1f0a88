"""Quality alerts for the dashboards: a control-chart rule fired or Cpk below target on a
characteristic, an inspection plan discontinued.

Both sides see them: owner staff every partner's, a partner user its own (every query goes
through ``scope_to_partner``). The Cpk target is the characteristic's own when its plan set
one, else the Cpk target of the partner's quality agreement in force, else 1.33. Only the most
recently created characteristics that have measurements are checked, and only their last
subgroups, so the card costs a few small queries however many measurements are stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.quality import plans
from cofab.quality.models import Characteristic, InspectionPlan, Measurement

MAX_CHARACTERISTICS = 50  # the dashboard card checks at most this many characteristics
RECENT_SUBGROUPS = 25  # a rule counts when it fires on one of these last points


@dataclass(frozen=True)
class SpcAlert:
    characteristic_id: int
    partner_id: int
    product: str
    name_en: str
    name_ko: str
    cpk: float | None
    target: float
    rules: tuple[str, ...]

    @property
    def cpk_low(self) -> bool:
        return self.cpk is not None and self.cpk < self.target


def spc_alerts(
    session: Session, actor: Actor, *, limit: int = MAX_CHARACTERISTICS
) -> list[SpcAlert]:
    """Characteristics whose recent points break a Western Electric/Nelson rule or whose Cpk is
    below its target."""
    measured = exists().where(Measurement.characteristic_id == Characteristic.id)
    stmt = (
        select(Characteristic)
        .where(Characteristic.kind == "variable", measured)
        .order_by(Characteristic.id.desc())
        .limit(limit)
    )
    scoped = scope_to_partner(stmt, actor, Characteristic.partner_id)
    chars = list(session.execute(scoped).scalars())
    if not chars:
        return []
    from cofab.quality import spc_service  # numpy: loaded by the first card, not by the app

    stats = spc_service.stats_for(
        session.connection(), [c.id for c in chars], {c.id: (c.lsl, c.usl) for c in chars}
    )
    cpk = {s.characteristic_id: s.capability.cpk for s in stats}
    agreed: dict[int, float | None] = {}
    alerts: list[SpcAlert] = []
    for char in chars:
        if char.partner_id not in agreed:
            agreed[char.partner_id] = plans.agreement_cpk_target(
                session, partner_id=char.partner_id
            )
        target, _source = plans.cpk_target_of(char, agreed[char.partner_id])
        analysis = spc_service.chart_of(
            session, actor=actor, characteristic_id=char.id, last=RECENT_SUBGROUPS
        )
        drawn = analysis.charts if analysis else []
        rules = sorted({rule for series in drawn for rule, _ in series.violations})
        alert = SpcAlert(
            characteristic_id=char.id,
            partner_id=char.partner_id,
            product=char.product,
            name_en=char.name_en,
            name_ko=char.name_ko,
            cpk=cpk.get(char.id),
            target=target,
            rules=tuple(rules),
        )
        if alert.rules or alert.cpk_low:
            alerts.append(alert)
    return alerts


def discontinued_plans(session: Session, actor: Actor) -> list[InspectionPlan]:
    """Active plans in the discontinued state: acceptance from the partner is stopped."""
    stmt = plans.plan_query(actor).where(
        InspectionPlan.switching_state == "discontinued", InspectionPlan.is_active.is_(True)
    )
    return list(session.execute(stmt).scalars())
