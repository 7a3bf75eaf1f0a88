"""The risk register: what could go wrong, with whom, how likely, how bad, and who acts.

A risk belongs to the owner's business (``unit_id``); it may name the partner, site, product
family or contract it is about, but a partner user never sees the register (every route 404s),
so ``partner_id`` here is a link, not an access key. Mitigations and the status history hang off
the risk and are scoped through it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class RiskCategory(enum.StrEnum):
    SUPPLY = "supply"
    QUALITY = "quality"
    FINANCIAL = "financial"
    GEOPOLITICAL = "geopolitical"
    NATURAL_HAZARD = "natural_hazard"
    CYBER_IP = "cyber_ip"
    LOGISTICS = "logistics"
    REGULATORY = "regulatory"


class RiskStatus(enum.StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    ACCEPTED = "accepted"
    CLOSED = "closed"


register_labels(
    {
        "risk_supply": N_("Supply"),
        "risk_quality": N_("Quality"),
        "risk_financial": N_("Financial"),
        "risk_geopolitical": N_("Geopolitical"),
        "risk_natural_hazard": N_("Natural hazard"),
        "risk_cyber_ip": N_("Cyber / IP"),
        "risk_logistics": N_("Logistics"),
        "risk_regulatory": N_("Regulatory"),
        "risk_open": N_("Open"),
        "risk_mitigating": N_("Mitigating"),
        "risk_accepted": N_("Accepted"),
        "risk_closed": N_("Closed"),
    }
)


class Risk(Timestamped, Base):
    __tablename__ = "risk_register"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    # the key an import matches on, and the signal's key ("signal:cert:12") so a signal
    # opens its risk once
    external_ref: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    product_family: Mapped[str | None] = mapped_column(String(80))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    # the logistics lane the risk is about (a port, a carrier, a crossing); checked when set,
    # without a foreign key so risk's migrations do not depend on logistics' branch (a lane
    # deleted later leaves the id, shown as no lane)
    lane_id: Mapped[int | None] = mapped_column(Integer)
    cause: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[str] = mapped_column(Text, default="")
    consequence: Mapped[str] = mapped_column(Text, default="")
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    residual_likelihood: Mapped[int | None] = mapped_column(Integer)
    residual_impact: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(200), default="")
    review_every_days: Mapped[int] = mapped_column(Integer, default=90)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=RiskStatus.OPEN)
    # where the risk came from: "manual", or the signal that opened it ("certificate", …)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    source_detail: Mapped[str] = mapped_column(Text, default="")

    mitigations: Mapped[list[RiskMitigation]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskMitigation.id"
    )
    history: Mapped[list[RiskStatusChange]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskStatusChange.id"
    )

    @property
    def inherent_score(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact

    def review_due(self, today: date) -> date:
        from datetime import timedelta

        start = self.last_reviewed_on or self.created_at.date()
        return start + timedelta(days=self.review_every_days)

    def review_overdue(self, today: date) -> bool:
        return self.status != RiskStatus.CLOSED and self.review_due(today) < today


class RiskMitigation(Base):
    __tablename__ = "risk_mitigations"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(
        ForeignKey("risk_register.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    risk: Mapped[Risk] = relationship(back_populates="mitigations")


class RiskStatusChange(Base):
    __tablename__ = "risk_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(
        ForeignKey("risk_register.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    risk: Mapped[Risk] = relationship(back_populates="history")


DEFAULT_DRILL_EVERY_DAYS = 180  # neither the plan nor a quality agreement says otherwise


class ContingencyPlan(Timestamped, Base):
    """What we do when a partner or site stops: the alternate source (an active or approved
    partner's site, checked when saved), safety stock and a drill cadence."""

    __tablename__ = "risk_contingency_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    title: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    product_family: Mapped[str | None] = mapped_column(String(80))
    trigger: Mapped[str] = mapped_column(Text, default="")
    alternate_site_id: Mapped[int] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="RESTRICT")
    )
    safety_stock: Mapped[int] = mapped_column(Integer, default=0)
    # who is told when the plan is triggered: one name, role or address per line
    communication: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the plan's own cadence; None: its partner's quality agreement's (``risk.drill_cadence``)
    drill_every_days: Mapped[int | None] = mapped_column(Integer)
    last_drill_on: Mapped[date | None] = mapped_column(Date)
    # the next drill as scheduled on the plan page (the cadence alone gives ``drill_due``)
    drill_scheduled_on: Mapped[date | None] = mapped_column(Date)

    def drill_due(self, every_days: int | None = None) -> date:
        """``every_days``: the cadence in effect (``risk.drill_cadence``), else the plan's own,
        else the default."""
        from datetime import timedelta

        start = self.last_drill_on or self.created_at.date()
        days = every_days or self.drill_every_days or DEFAULT_DRILL_EVERY_DAYS
        return start + timedelta(days=days)

    def is_untested(self, today: date, every_days: int | None = None) -> bool:
        """Never drilled, or the last drill is older than the cadence."""
        return self.last_drill_on is None or self.drill_due(every_days) < today


class TransitionPlan(Timestamped, Base):
    """A partner's exit (§2.1, §5.2) as a checklist: what it holds of ours (open orders,
    forecast commitments, contracts, shared documents, tooling) and where its work goes (the
    alternates of the contingency plans), each a step with an owner. While a mandatory step is
    open, the partner cannot be moved to exited (``exit_gate``)."""

    __tablename__ = "risk_transition_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(254), default="")

    steps: Mapped[list[TransitionStep]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="TransitionStep.position"
    )

    @property
    def open_mandatory(self) -> list[TransitionStep]:
        return [s for s in self.steps if s.mandatory and s.done_on is None]


class TransitionStep(Base):
    __tablename__ = "risk_transition_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("risk_transition_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    # open_order | forecast | last_time_buy | contract | document | tooling | alternate |
    # dual_running | knowledge | exit_report
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(200), default="")  # what it is about (order ref, …)
    title: Mapped[str] = mapped_column(Text)
    # {"msgid": English template, "params": {...}}: the title in the reader's language (the
    # stored ``title`` is the English text; steps made before 0038 have none)
    title_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[TransitionPlan] = relationship(back_populates="steps")


class SiteRecovery(Timestamped, Base):
    """A site's declared time to recover (weeks), kept on the risk side so the partners domain
    stays as it is; the live time-to-survive network reads it per site (one row per site, the
    typed default of the page only for sites without one). ``partner_id`` is the site's partner,
    copied so the row is scoped like the site."""

    __tablename__ = "risk_site_recovery"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="CASCADE"), unique=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    ttr_weeks: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class ContingencyDrill(Base):
    """A drill that was held: what went wrong and what follows, kept so the history of a plan's
    readiness is not only its last date."""

    __tablename__ = "risk_contingency_drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("risk_contingency_plans.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    gaps: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    steps: Mapped[list[DrillStepTime]] = relationship(
        cascade="all, delete-orphan", order_by="DrillStepTime.position"
    )

    def _timed(self) -> list[DrillStepTime]:
        return [s for s in self.steps if s.actual_days is not None]

    @property
    def planned_days_total(self) -> float | None:
        """Planned days of the steps this drill timed (the steps it did not time do not count,
        so the total gap compares like with like)."""
        timed = self._timed()
        return float(sum(s.planned_days for s in timed)) if timed else None

    @property
    def actual_days_total(self) -> float | None:
        timed = self._timed()
        return float(sum(s.actual_days or 0.0 for s in timed)) if timed else None

    @property
    def gap_days_total(self) -> float | None:
        """Actual minus planned over the timed steps: above 0, the switch-over took longer."""
        planned, actual = self.planned_days_total, self.actual_days_total
        return None if planned is None or actual is None else actual - planned


class DrillStepTime(Base):
    """How long one switch-over step took in a drill, against the days planned for it. The
    step's title and planned days are copied when the drill is recorded: a later edit of the
    plan does not rewrite what the drill measured."""

    __tablename__ = "risk_drill_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(
        ForeignKey("risk_contingency_drills.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_contingency_steps.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    planned_days: Mapped[int] = mapped_column(Integer)
    # None: the drill did not time this step (a note may still say why)
    actual_days: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def gap_days(self) -> float | None:
        return None if self.actual_days is None else self.actual_days - self.planned_days


class ContingencyStep(Base):
    """A switch-over step of a plan: who does it (an owner name, optionally a partner whose
    users then see the task) and how many days it is planned to take."""

    __tablename__ = "risk_contingency_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("risk_contingency_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    planned_days: Mapped[int] = mapped_column(Integer, default=1)


class PlanActivation(Base):
    """One activation of a contingency plan: the planner's base scenario and its what-if with the
    plan's partner or site out (both solved by planning's jobs), and the tasks it opened."""

    __tablename__ = "risk_plan_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("risk_contingency_plans.id", ondelete="CASCADE"), index=True
    )
    # planning's scenario ids, without a foreign key: planning deletes its scenarios freely
    # and risk's migrations do not depend on planning's branch
    base_scenario_id: Mapped[int | None] = mapped_column(Integer)
    what_if_scenario_id: Mapped[int | None] = mapped_column(Integer)
    sites_out: Mapped[list[str]] = mapped_column(JSON, default=list)
    activated_on: Mapped[date] = mapped_column(Date)
    activated_by: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tasks: Mapped[list[ContingencyTask]] = relationship(
        back_populates="activation", cascade="all, delete-orphan", order_by="ContingencyTask.id"
    )


class ContingencyTask(Base):
    """A switch-over step opened by an activation: an inbox item for its owner (and for the
    users of its partner, when the step names one), due after the steps before it."""

    __tablename__ = "risk_contingency_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    activation_id: Mapped[int] = mapped_column(
        ForeignKey("risk_plan_activations.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_contingency_steps.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(254))

    activation: Mapped[PlanActivation] = relationship(back_populates="tasks")
