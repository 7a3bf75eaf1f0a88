"""Quality tables: plans, characteristics, lots, inspections, NCRs, 8Ds, audits, measurements.

Owner-side records carry ``unit_id`` (one business's quality work stays in that business);
partner-owned ones carry ``partner_id`` so ``core.access`` can scope them to the partner's users.
Child rows (defects, 8D steps, answers, findings) are scoped through their parent's foreign key.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Index

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped, UTCDateTime, utcnow
from cofab.partners.models import partner_id_column
from cofab.units.models import unit_id_column
from cofab.vault.models import SealedFileColumns

MONEY = Numeric(18, 4)

DEFECT_CLASSES = ("critical", "major", "minor")
SWITCHING_STATES = ("normal", "tightened", "reduced", "discontinued")
LOT_STATUSES = ("pending", "accepted", "rejected")
DISPOSITIONS = ("return", "rework", "sort", "use_as_is", "scrap")
NCR_STATUSES = ("open", "contained", "closed")
NCR_SEVERITIES = ("critical", "major", "minor")
COST_CATEGORIES = ("scrap", "rework", "sorting", "freight", "line_stop")
EIGHTD_STEPS = ("D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8")
STEP_STATUSES = ("open", "submitted", "approved", "returned")
AUDIT_KINDS = ("process", "system", "product", "security")
AUDIT_STATUSES = ("planned", "done", "cancelled")
SCORINGS = ("vda", "yesno")
FINDING_SEVERITIES = ("major", "minor", "observation")

# Quality's stored codes and their labels. Only codes no other domain or field name uses go into
# the global registry (``translate`` shows any matching string parameter by its label, so a
# generic code such as "product" would relabel field names elsewhere); the rest are shown through
# ``quality_label`` in quality's own templates and messages.
QUALITY_LABELS: dict[str, str] = {
    "critical": N_("Critical"),
    "major": N_("Major"),
    "minor": N_("Minor"),
    "normal": N_("Normal"),
    "tightened": N_("Tightened"),
    "reduced": N_("Reduced"),
    "discontinued": N_("Discontinued"),
    "pending": N_("Pending"),
    "accepted": N_("Lot accepted"),
    "rejected": N_("Lot rejected"),
    "return": N_("Return to partner"),
    "rework": N_("Rework"),
    "sort": N_("100 % sort"),
    "use_as_is": N_("Use as is (concession)"),
    "scrap": N_("Scrap"),
    "contained": N_("Contained"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "returned": N_("Returned"),
    "process": N_("Process audit"),
    "system": N_("System audit"),
    "product": N_("Product audit"),
    "security": N_("Security audit"),
    "planned": N_("Planned"),
    "done": N_("Done"),
    "vda": N_("VDA 6.3 (0-10)"),
    "yesno": N_("Yes/no"),
    "observation": N_("Observation"),
    "attribute": N_("Attribute"),
    "variable": N_("Variable"),
    "incoming": N_("Incoming"),
    "outgoing": N_("Outgoing (partner)"),
    "sorting": N_("Sorting"),
    "freight": N_("Freight"),
    "line_stop": N_("Line stop"),
    "open": N_("Open"),
    "closed": N_("Resolved"),
    "corrective": N_("Corrective"),
    "preventive": N_("Preventive"),
    "cancelled": N_("Cancelled"),
    "coc": N_("Certificate of conformance"),
    "coa": N_("Certificate of analysis"),
}

_GLOBAL_SAFE = ("tightened", "discontinued", "use_as_is", "line_stop", "yesno", "observation")
register_labels({code: QUALITY_LABELS[code] for code in _GLOBAL_SAFE})


class InspectionPlan(Timestamped, Base):
    """How one product from one partner (optionally one site) is inspected on receipt."""

    __tablename__ = "quality_inspection_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_sites.id", ondelete="SET NULL"), index=True
    )
    product: Mapped[str] = mapped_column(String(120), index=True)
    inspection_level: Mapped[str] = mapped_column(String(4), default="II")
    aql_critical: Mapped[float] = mapped_column(Float)
    aql_major: Mapped[float] = mapped_column(Float)
    aql_minor: Mapped[float] = mapped_column(Float)
    # the AQL of the active quality agreement when the plan was saved (None: no agreement)
    agreement_aql: Mapped[float | None] = mapped_column(Float)
    switching_state: Mapped[str] = mapped_column(String(16), default="normal")
    owner_approved_reduced: Mapped[bool] = mapped_column(Boolean, default=False)
    steady_production: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class PlanStateChange(Base):
    """The switching history of a plan: every move between normal/tightened/reduced/stop."""

    __tablename__ = "quality_plan_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("quality_inspection_plans.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("quality_lots.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Characteristic(Timestamped, Base):
    """One inspected or measured feature (shared contract with the SPC engine, see QUALITY.md)."""

    __tablename__ = "quality_characteristics"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_inspection_plans.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    product: Mapped[str] = mapped_column(String(120))
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="attribute")
    uom: Mapped[str | None] = mapped_column(String(32))
    nominal: Mapped[float | None] = mapped_column(Float)
    lsl: Mapped[float | None] = mapped_column(Float)
    usl: Mapped[float | None] = mapped_column(Float)
    defect_class: Mapped[str] = mapped_column(String(16), default="major")
    subgroup_size: Mapped[int] = mapped_column(Integer, default=5)
    # None: the quality agreement's Cpk target, else 1.33 (``plans.cpk_target_of``)
    cpk_target: Mapped[float | None] = mapped_column(Float)
    external_ref: Mapped[str | None] = mapped_column(String(64))


class Lot(Timestamped, Base):
    """A quantity of one product from one partner, inspected as a whole (ISO 2859-1 lot)."""

    __tablename__ = "quality_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_inspection_plans.id", ondelete="SET NULL"), index=True
    )
    product: Mapped[str] = mapped_column(String(120))
    lot_no: Mapped[str] = mapped_column(String(64))
    lot_size: Mapped[int] = mapped_column(Integer)
    receipt_id: Mapped[int | None] = mapped_column(Integer, index=True)
    order_line_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    disposition: Mapped[str | None] = mapped_column(String(16))
    disposition_note: Mapped[str | None] = mapped_column(String(500))
    # units of the lot finally rejected (the whole lot, or what a sort/rework left bad); the
    # receipt's accepted/rejected quantities follow it
    rejected_qty: Mapped[int | None] = mapped_column(Integer)
    external_ref: Mapped[str | None] = mapped_column(String(64))


class Inspection(Timestamped, Base):
    """One inspection of a lot: the sampling plan used, the defects found and the verdict."""

    __tablename__ = "quality_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("quality_lots.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="incoming")
    severity: Mapped[str] = mapped_column(String(16), default="normal")
    inspection_level: Mapped[str] = mapped_column(String(4), default="II")
    sample_size: Mapped[int] = mapped_column(Integer)
    # per defect class: {"major": {"aql": 1.0, "code_letter": "J", "sample_size": 80,
    #                              "accept": 2, "reject": 3, "full_inspection": false}, ...}
    class_plans: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    inspected_qty: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(254))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(1000))
    # a partner's own reference for an outgoing inspection (an import row comes back unchanged)
    external_ref: Mapped[str | None] = mapped_column(String(64), index=True)


class Defect(Base):
    """Nonconforming units found for one characteristic (or a free defect code) in a sample."""

    __tablename__ = "quality_defects"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("quality_inspections.id", ondelete="CASCADE"), index=True
    )
    characteristic_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_characteristics.id", ondelete="SET NULL")
    )
    defect_class: Mapped[str] = mapped_column(String(16))
    defect_code: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)


class NonConformance(Timestamped, Base):
    """An NCR: what was wrong, how much, how it was contained and what it cost."""

    __tablename__ = "quality_ncrs"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    product: Mapped[str] = mapped_column(String(120))
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_lots.id", ondelete="SET NULL"), index=True
    )
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_inspections.id", ondelete="SET NULL")
    )
    order_line_id: Mapped[int | None] = mapped_column(Integer)
    defect_code: Mapped[str] = mapped_column(String(40), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(2000))
    containment: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16), default="open")
    cost_scrap: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    cost_rework: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    cost_sorting: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    cost_freight: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    cost_line_stop: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    created_by: Mapped[str] = mapped_column(String(254))


class EightD(Timestamped, Base):
    """The partner's 8D report for one NCR, step by step approved by the owner."""

    __tablename__ = "quality_8ds"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    ncr_id: Mapped[int] = mapped_column(
        ForeignKey("quality_ncrs.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    containment_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verify_lots: Mapped[int] = mapped_column(Integer, default=3)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EightDStep(Base):
    """One discipline (D0..D8): its content, due date and the owner's approval or return."""

    __tablename__ = "quality_8d_steps"
    __table_args__ = (UniqueConstraint("eightd_id", "step", name="uq_quality_8d_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    eightd_id: Mapped[int] = mapped_column(
        ForeignKey("quality_8ds.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(4))
    # D1 team, D3 containment, D4 why1..why5 + fishbone man/machine/method/material/
    # measurement/environment, free text elsewhere
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_comment: Mapped[str | None] = mapped_column(String(2000))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EightDAction(Base):
    """A corrective or preventive action of an 8D, with its owner and due date."""

    __tablename__ = "quality_8d_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    eightd_id: Mapped[int] = mapped_column(
        ForeignKey("quality_8ds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="corrective")
    description: Mapped[str] = mapped_column(String(1000))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class AuditChecklist(Timestamped, Base):
    """A versioned audit questionnaire; a new version never changes audits already done."""

    __tablename__ = "quality_checklists"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_quality_checklist_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    scoring: Mapped[str] = mapped_column(String(8), default="vda")


class ChecklistQuestion(Base):
    __tablename__ = "quality_checklist_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("quality_checklists.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    text_ko: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500))
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class PartnerAudit(Timestamped, Base):
    """One audit of a partner (or site) against one checklist version, recurring by cadence."""

    __tablename__ = "quality_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = partner_id_column()
    site_id: Mapped[int | None] = mapped_column(ForeignKey("partner_sites.id", ondelete="SET NULL"))
    checklist_id: Mapped[int] = mapped_column(
        ForeignKey("quality_checklists.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    performed_on: Mapped[date | None] = mapped_column(Date)
    cadence_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(2))
    auditor: Mapped[str | None] = mapped_column(String(200))


class AuditAnswer(Base):
    __tablename__ = "quality_audit_answers"
    __table_args__ = (UniqueConstraint("audit_id", "question_id", name="uq_quality_audit_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("quality_audits.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quality_checklist_questions.id", ondelete="CASCADE")
    )
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(1000))


class AuditFinding(Base):
    __tablename__ = "quality_audit_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("quality_audits.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_checklist_questions.id", ondelete="SET NULL")
    )
    severity: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(1000))
    action: Mapped[str | None] = mapped_column(String(1000))
    action_due: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class Measurement(Base):
    """One measured value of a variable characteristic (shared contract with the SPC engine)."""

    __tablename__ = "quality_measurements"
    __table_args__ = (
        UniqueConstraint("characteristic_id", "external_ref", name="uq_quality_measurement_ref"),
        Index("ix_quality_measurements_characteristic_subgroup", "characteristic_id", "subgroup"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # indexed with the subgroup (below): a write recomputes its subgroups' statistics by range
    characteristic_id: Mapped[int] = mapped_column(
        ForeignKey("quality_characteristics.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = partner_id_column()
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("quality_lots.id", ondelete="SET NULL"))
    subgroup: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    measured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_ref: Mapped[str | None] = mapped_column(String(64))


class MeasurementSubgroup(Base):
    """One subgroup's statistics, kept by ``quality.subgroups.refresh`` in the transaction that
    writes its measurements: control limits and capability combine these rows (a fifth of the
    raw rows at subgroups of five, and no per-value arithmetic) instead of the measurements.

    ``m2`` is the sum of squared deviations from the subgroup's own mean (not from zero,
    so values far from zero lose no digits); with ``n`` and ``mean`` it pools exactly into the
    characteristic's overall variance.
    """

    __tablename__ = "quality_subgroups"

    characteristic_id: Mapped[int] = mapped_column(
        ForeignKey("quality_characteristics.id", ondelete="CASCADE"), primary_key=True
    )
    subgroup: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    mean: Mapped[float] = mapped_column(Float)
    m2: Mapped[float] = mapped_column(Float)
    std: Mapped[float] = mapped_column(Float)  # sample standard deviation, 0 for one value
    value_range: Mapped[float] = mapped_column(Float)
    min_value: Mapped[float] = mapped_column(Float)
    max_value: Mapped[float] = mapped_column(Float)


CERTIFICATE_KINDS = ("coc", "coa")


class QualityFile(SealedFileColumns, Base):
    """A file on a lot (a certificate's scan) or an NCR (a photo), sealed by the vault; the row
    keeps what opens it and is registered as a key holder for master-key rotation."""

    __tablename__ = "quality_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_lots.id", ondelete="CASCADE"), index=True
    )
    ncr_id: Mapped[int | None] = mapped_column(
        ForeignKey("quality_ncrs.id", ondelete="CASCADE"), index=True
    )
    uploaded_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certificate(Base):
    """A partner's certificate of conformance (CoC) or analysis (CoA, with its values) for a lot."""

    __tablename__ = "quality_certificates"
    __table_args__ = (UniqueConstraint("partner_id", "external_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = partner_id_column()
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("quality_lots.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    external_ref: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    # CoA results: [{"name": "Assay", "value": 99.2, "unit": "%", "lsl": 98.0, "usl": 102.0}]
    values: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("quality_files.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
