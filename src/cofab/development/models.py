"""Joint development with a technology partner: the project, its stage gates, what each side
put in, the inventions it produced and the technology-transfer checklist.

A project belongs to the owner's business (``unit_id``) and to one partner (``partner_id``):
the partner's users see their company's projects and nothing else. Every child row repeats the
project's ``partner_id`` so the access checks and the isolation sweep find it with one filter.
The contract whose IP terms apply is named on the project and, if different, on an invention;
the terms themselves stay in the contracts domain and are read when the owner is computed.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.units.models import unit_id_column


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    STOPPED = "stopped"
    COMPLETED = "completed"


class GateDecision(enum.StrEnum):
    PENDING = "pending"
    GO = "go"
    HOLD = "hold"
    STOP = "stop"


class ContributionKind(enum.StrEnum):
    HOURS = "hours"
    MONEY = "money"
    EQUIPMENT = "equipment"
    BACKGROUND_IP = "background_ip"


class Side(enum.StrEnum):
    OWNER = "owner"
    PARTNER = "partner"


class ResultKind(enum.StrEnum):
    """What an invention is, which decides the contract clause that gives its owner."""

    FOREGROUND = "foreground"
    IMPROVEMENT_OWNER_BACKGROUND = "improvement_owner_background"
    IMPROVEMENT_PARTNER_BACKGROUND = "improvement_partner_background"
    BACKGROUND_OWNER = "background_owner"
    BACKGROUND_PARTNER = "background_partner"


class FilingStatus(enum.StrEnum):
    IDEA = "idea"
    DISCLOSED = "disclosed"
    FILED = "filed"
    GRANTED = "granted"
    ABANDONED = "abandoned"


register_labels(
    {
        "dev_active": N_("Active"),
        "dev_on_hold": N_("On hold"),
        "dev_stopped": N_("Stopped"),
        "dev_completed": N_("Completed"),
        "gate_pending": N_("Decision pending"),
        "gate_go": N_("Go"),
        "gate_hold": N_("Hold"),
        "gate_stop": N_("Stop"),
        "contrib_hours": N_("People-hours"),
        "contrib_money": N_("Money"),
        "contrib_equipment": N_("Equipment"),
        "contrib_background_ip": N_("Background IP brought in"),
        "side_owner": N_("Our company"),
        "side_partner": N_("The partner"),
        "result_foreground": N_("New result of the project (foreground)"),
        "result_improvement_owner_background": N_("Improvement of our background IP"),
        "result_improvement_partner_background": N_("Improvement of the partner's background IP"),
        "result_background_owner": N_("Our background IP"),
        "result_background_partner": N_("The partner's background IP"),
        "filing_idea": N_("Idea"),
        "filing_disclosed": N_("Disclosed"),
        "filing_filed": N_("Filed"),
        "filing_granted": N_("Granted"),
        "filing_abandoned": N_("Abandoned"),
        "owners_owner": N_("Our company"),
        "owners_partner": N_("The partner"),
        "owners_joint": N_("Jointly owned"),
    }
)


class DevProject(Timestamped, Base):
    __tablename__ = "dev_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.ACTIVE.value)
    start_date: Mapped[date | None] = mapped_column(Date)
    target_date: Mapped[date | None] = mapped_column(Date)

    milestones: Mapped[list[DevMilestone]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="(DevMilestone.position, DevMilestone.id)",
    )
    contributions: Mapped[list[DevContribution]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="DevContribution.id"
    )
    inventions: Mapped[list[DevInvention]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="DevInvention.id"
    )
    checklist: Mapped[list[DevChecklistItem]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="(DevChecklistItem.position, DevChecklistItem.id)",
    )


class DevMilestone(Base):
    """A stage gate: what must be delivered by when, and the go/hold/stop decision on it."""

    __tablename__ = "dev_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("dev_projects.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    gate: Mapped[str] = mapped_column(String(80))
    deliverables: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_date: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(16), default=GateDecision.PENDING.value)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_label: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped[DevProject] = relationship(back_populates="milestones")


class DevContribution(Base):
    """One line of the ledger: what one side put into the project (hours, money, equipment,
    background IP). Quantities are kept per kind; money always with its currency."""

    __tablename__ = "dev_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("dev_projects.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    side: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    currency: Mapped[str | None] = mapped_column(String(3))
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by_label: Mapped[str] = mapped_column(String(254), default="")

    project: Mapped[DevProject] = relationship(back_populates="contributions")


class DevInvention(Timestamped, Base):
    """One entry of the IP register. ``computed_owners`` follows from the contract's IP terms
    (``ip_ownership.owners_of``) and is stored with the terms it was computed from, so a later
    amendment of the contract does not silently change what the register said."""

    __tablename__ = "dev_inventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("dev_projects.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    conceived_on: Mapped[date] = mapped_column(Date)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    contract_version: Mapped[int | None] = mapped_column(Integer)
    result_kind: Mapped[str] = mapped_column(String(40), default=ResultKind.FOREGROUND.value)
    ip_terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_owners: Mapped[str] = mapped_column(String(40))  # "owner" | "partner" | "joint"
    licence_back: Mapped[bool] = mapped_column(default=False)
    rule: Mapped[str] = mapped_column(String(80), default="")
    owner: Mapped[str | None] = mapped_column(String(16))  # as entered; equals the computed one
    filing_status: Mapped[str] = mapped_column(String(16), default=FilingStatus.IDEA.value)
    application_number: Mapped[str | None] = mapped_column(String(80))
    filed_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)

    project: Mapped[DevProject] = relationship(back_populates="inventions")
    inventors: Mapped[list[DevInventor]] = relationship(
        back_populates="invention", cascade="all, delete-orphan", order_by="DevInventor.id"
    )


class DevInventor(Base):
    """An inventor from either side: an owner user, a partner contact, or a name."""

    __tablename__ = "dev_inventors"

    id: Mapped[int] = mapped_column(primary_key=True)
    invention_id: Mapped[int] = mapped_column(
        ForeignKey("dev_inventions.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    side: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_contacts.id", ondelete="SET NULL")
    )
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_label: Mapped[str | None] = mapped_column(String(254))

    invention: Mapped[DevInvention] = relationship(back_populates="inventors")


class DevChecklistTemplate(Timestamped, Base):
    """A reusable technology-transfer checklist (group-wide reference data, like scorecard
    templates): steps with the side that owns them and a due offset from the start date."""

    __tablename__ = "dev_checklist_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    # [{"title_en", "title_ko", "owner_side", "offset_days"}]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class DevChecklistItem(Base):
    __tablename__ = "dev_checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("dev_projects.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    template_code: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(300))
    title_ko: Mapped[str] = mapped_column(String(300))
    owner_side: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_label: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[DevProject] = relationship(back_populates="checklist")
