"""Request and response shapes of the risk register (likelihood and impact on 1–5 scales)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels
from cofab.risk.models import RiskCategory, RiskStatus

# the contingency plan form's fields, as a refusal names them (ko in risk.po)
register_field_labels(
    {
        "alternate_site_id": N_("Alternate source"),
        "safety_stock": N_("Safety stock"),
        "communication": N_("Communication list"),
        "drill_every_days": N_("Drill every (days)"),
        "drill_scheduled_on": N_("Next drill scheduled"),
        "held_on": N_("Drill held on"),
        "gaps": N_("Gaps found"),
        "follow_up": N_("Follow-up actions"),
        "planned_days": N_("Planned days"),
        "ttr_weeks": N_("TTR (weeks)"),
        "lane_id": N_("Lane"),
        "steps.title": N_("Switch-over step"),
        "steps.owner": N_("Step owner"),
        "steps.partner_id": N_("Step partner"),
        "steps.step_id": N_("Switch-over step"),
        "steps.actual_days": N_("Actual days"),
        "steps.note": N_("Step note"),
    }
)

Scale = Annotated[int, Field(ge=1, le=5)]


class MitigationIn(BaseModel):
    action: str = Field(min_length=1, max_length=2000)
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None


class MitigationUpdate(BaseModel):
    action: str | None = Field(default=None, min_length=1, max_length=2000)
    owner: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    done_on: date | None = None


class RiskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    category: RiskCategory
    external_ref: str | None = Field(default=None, min_length=1, max_length=80)
    partner_id: int | None = None
    site_id: int | None = None
    product_family: str | None = Field(default=None, max_length=80)
    contract_id: int | None = None
    lane_id: int | None = None
    cause: str = Field(default="", max_length=4000)
    event: str = Field(default="", max_length=4000)
    consequence: str = Field(default="", max_length=4000)
    likelihood: Scale
    impact: Scale
    residual_likelihood: Scale | None = None
    residual_impact: Scale | None = None
    owner: str = Field(default="", max_length=200)
    review_every_days: int = Field(default=90, ge=1, le=3650)
    mitigations: list[MitigationIn] = Field(default_factory=list, max_length=50)


class RiskUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    category: RiskCategory | None = None
    partner_id: int | None = None
    site_id: int | None = None
    product_family: str | None = Field(default=None, max_length=80)
    contract_id: int | None = None
    lane_id: int | None = None
    cause: str | None = Field(default=None, max_length=4000)
    event: str | None = Field(default=None, max_length=4000)
    consequence: str | None = Field(default=None, max_length=4000)
    likelihood: Scale | None = None
    impact: Scale | None = None
    residual_likelihood: Scale | None = None
    residual_impact: Scale | None = None
    owner: str | None = Field(default=None, max_length=200)
    review_every_days: int | None = Field(default=None, ge=1, le=3650)


class RiskStatusIn(BaseModel):
    status: RiskStatus
    note: str = Field(default="", max_length=2000)


class MitigationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    owner: str
    due_date: date | None
    done_on: date | None


class StatusChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    note: str
    actor_label: str
    at: datetime


class RiskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_ref: str
    title: str
    category: str
    partner_id: int | None
    site_id: int | None
    product_family: str | None
    contract_id: int | None
    lane_id: int | None
    cause: str
    event: str
    consequence: str
    likelihood: int
    impact: int
    residual_likelihood: int | None
    residual_impact: int | None
    inherent_score: int
    residual_score: int | None
    owner: str
    review_every_days: int
    last_reviewed_on: date | None
    status: str
    source: str
    source_detail: str
    unit_id: int | None


class RiskDetail(RiskRead):
    mitigations: list[MitigationRead]
    history: list[StatusChangeRead]
    review_overdue: bool


HeatBasis = Literal["inherent", "residual"]


class StepIn(BaseModel):
    """A switch-over step: the days it is planned to take set its task's due date."""

    title: str = Field(min_length=1, max_length=2000)
    owner: str = Field(default="", max_length=200)
    partner_id: int | None = None
    planned_days: int = Field(default=1, ge=0, le=3650)


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    title: str
    owner: str
    partner_id: int | None
    planned_days: int


class PlanCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    partner_id: int | None = None
    site_id: int | None = None
    product_family: str | None = Field(default=None, max_length=80)
    trigger: str = Field(default="", max_length=4000)
    alternate_site_id: int
    safety_stock: int = Field(default=0, ge=0)
    communication: str = Field(default="", max_length=4000)
    # none: the partner's quality agreement's cadence, else 180 days (``risk.drill_cadence``)
    drill_every_days: int | None = Field(default=None, ge=1, le=3650)
    drill_scheduled_on: date | None = None
    # the switch-over steps, in order, saved with the plan (more can be added on its page)
    steps: list[StepIn] = Field(default_factory=list, max_length=100)


class ContingencyPlanUpdate(BaseModel):
    """Only the fields given change; the alternate source is checked again when it changes."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    partner_id: int | None = None
    site_id: int | None = None
    product_family: str | None = Field(default=None, max_length=80)
    trigger: str | None = Field(default=None, max_length=4000)
    alternate_site_id: int | None = None
    safety_stock: int | None = Field(default=None, ge=0)
    communication: str | None = Field(default=None, max_length=4000)
    drill_every_days: int | None = Field(default=None, ge=1, le=3650)
    drill_scheduled_on: date | None = None


class DrillStepIn(BaseModel):
    """The days one switch-over step of the plan actually took in the drill (blank: not
    timed; a note alone is kept)."""

    step_id: int
    actual_days: float | None = Field(default=None, ge=0, le=3650, allow_inf_nan=False)
    note: str = Field(default="", max_length=2000)


class DrillIn(BaseModel):
    held_on: date
    gaps: str = Field(default="", max_length=4000)
    follow_up: str = Field(default="", max_length=4000)
    steps: list[DrillStepIn] = Field(default_factory=list, max_length=100)


class DrillStepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step_id: int | None
    position: int
    title: str
    planned_days: int
    actual_days: float | None
    gap_days: float | None
    note: str


class DrillRead(BaseModel):
    """A drill held, with each timed step's gap (actual − planned days) and the totals over
    the steps it timed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    held_on: date
    gaps: str
    follow_up: str
    recorded_by: str
    steps: list[DrillStepRead]
    planned_days_total: float | None
    actual_days_total: float | None
    gap_days_total: float | None


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    partner_id: int | None
    site_id: int | None
    product_family: str | None
    trigger: str
    alternate_site_id: int
    safety_stock: int
    communication: str
    drill_every_days: int | None
    last_drill_on: date | None
    drill_scheduled_on: date | None
    untested: bool = False
    # the cadence in effect and where it comes from (``risk.drill_cadence``)
    drill_cadence_days: int = 180
    drill_cadence_source: str = "default"
    next_drill_due: date | None = None
    steps: list[StepRead] = Field(default_factory=list)


class TtsWhatIf(BaseModel):
    """Weeks of demand added as stock at a site, and/or a site or partner qualified for a
    family (``tts_what_if``)."""

    inventory_site: str | None = Field(default=None, max_length=200)
    inventory_weeks: float | None = Field(default=None, gt=0, le=520)
    qualify_node: str | None = Field(default=None, max_length=200)
    qualify_family: str | None = Field(default=None, max_length=200)


class TtsRequest(BaseModel):
    """A planner input document plus ``inventory``, ``ttr_weeks`` and ``partner`` per site."""

    network: dict[str, Any]
    node: str | None = None
    what_if: TtsWhatIf | None = None


class TransitionCreate(BaseModel):
    partner_id: int
    title: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=4000)
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None


class TransitionStepUpdate(BaseModel):
    owner: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    note: str | None = Field(default=None, max_length=4000)
    done: bool | None = None


class TransitionStepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    kind: str
    ref: str
    title: str
    owner: str
    due_date: date | None
    mandatory: bool
    done_on: date | None
    done_by: str | None
    note: str


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    title: str
    reason: str
    owner: str
    created_by: str
    created_at: datetime
    steps: list[TransitionStepRead]
    open_mandatory: int = 0


class SiteRecoveryIn(BaseModel):
    """A site's time to recover in weeks (the service refuses a negative or absurd one by
    field, so the page and the API give the same message)."""

    site_id: int
    ttr_weeks: float
    note: str = Field(default="", max_length=2000)


class SiteRecoveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    site_id: int
    site: str
    partner_id: int
    partner: str
    ttr_weeks: float | None


class ActivateIn(BaseModel):
    """Activate a plan: the planner's what-if with the plan's partner or site out, on a solved
    scenario given here, or (none given) on a new scenario built from the registry."""

    scenario_id: int | None = None


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    step_id: int | None
    title: str
    owner: str
    partner_id: int | None
    due_date: date
    done_on: date | None
    done_by: str | None
