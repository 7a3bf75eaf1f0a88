"""Pydantic shapes of the quality API. Unknown fields are refused; rules that need the database
(the agreement's AQL, a characteristic of the lot's plan) are checked in the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cofab.core.i18n import N_
from cofab.core.validation import register_field_labels

Level = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
DefectClass = Literal["critical", "major", "minor"]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=2000)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal(10**12), max_digits=18, decimal_places=4)]
Aql = Annotated[float, Field(gt=0, le=1000)]

register_field_labels(
    {
        "partner_id": N_("Partner"),
        "site_id": N_("Site"),
        "product": N_("Product"),
        "inspection_level": N_("Inspection level"),
        "aql_critical": N_("AQL (critical)"),
        "aql_major": N_("AQL (major)"),
        "aql_minor": N_("AQL (minor)"),
        "owner_approved_reduced": N_("Reduced inspection approved"),
        "steady_production": N_("Production is steady"),
        "characteristics": N_("Characteristics"),
        "name_ko": N_("Name (Korean)"),
        "name_en": N_("Name (English)"),
        "uom": N_("Unit of measure"),
        "nominal": N_("Nominal"),
        "lsl": N_("Lower specification limit (LSL)"),
        "usl": N_("Upper specification limit (USL)"),
        "defect_class": N_("Defect class"),
        "subgroup_size": N_("Subgroup size"),
        "cpk_target": N_("Cpk target"),
        "lot_no": N_("Lot number"),
        "lot_size": N_("Lot size"),
        "plan_id": N_("Inspection plan"),
        "defects": N_("Defects"),
        "characteristic_id": N_("Characteristic"),
        "defect_code": N_("Defect code"),
        "quantity": N_("Quantity"),
        "sample_size": N_("Sample size"),
        "disposition": N_("Disposition"),
        "issued_on": N_("Issue date"),
        "values": N_("Certificate values"),
        "values.name": N_("Certificate value name"),
        "values.value": N_("Certificate value"),
        "values.unit": N_("Unit of measure"),
        "rejected_qty": N_("Rejected quantity"),
        "lot_id": N_("Lot"),
        "inspection_id": N_("Inspection"),
        "order_line_id": N_("Order line"),
        "severity": N_("Severity"),
        "containment": N_("Containment"),
        "cost_scrap": N_("Cost: scrap"),
        "cost_rework": N_("Cost: rework"),
        "cost_sorting": N_("Cost: sorting"),
        "cost_freight": N_("Cost: freight"),
        "cost_line_stop": N_("Cost: line stop"),
        "currency": N_("Currency"),
        "containment_hours": N_("Containment due within (hours)"),
        "verify_lots": N_("Lots without recurrence before closure"),
        "content": N_("Content"),
        "decision": N_("Decision"),
        "comment": N_("Comment"),
        "owner": N_("Owner"),
        "due_on": N_("Due date"),
        "scoring": N_("Scoring"),
        "questions": N_("Questions"),
        "text_ko": N_("Question (Korean)"),
        "text_en": N_("Question (English)"),
        "weight": N_("Weight"),
        "checklist_id": N_("Checklist"),
        "planned_on": N_("Planned date"),
        "performed_on": N_("Audit date"),
        "cadence_months": N_("Repeat every (months)"),
        "auditor": N_("Auditor"),
        "answers": N_("Answers"),
        "question_id": N_("Question"),
        "score": N_("Score"),
        "action": N_("Corrective action"),
        "action_due": N_("Action due"),
        "text": N_("Finding"),
        "description": N_("Description"),
        "note": N_("Note"),
        "external_ref": N_("External reference"),
    }
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CharacteristicIn(Strict):
    name_ko: Text200
    name_en: Text200
    kind: Literal["attribute", "variable"] = "attribute"
    uom: Annotated[str, Field(max_length=32)] | None = None
    nominal: float | None = None
    lsl: float | None = None
    usl: float | None = None
    defect_class: DefectClass = "major"
    subgroup_size: int = Field(default=5, ge=2, le=25)
    # None: the quality agreement's target applies (1.33 without one)
    cpk_target: float | None = Field(default=None, gt=0, le=10)


class PlanCreate(Strict):
    partner_id: int
    site_id: int | None = None
    product: Annotated[str, Field(min_length=1, max_length=120)]
    inspection_level: Level = "II"
    aql_critical: Aql | None = None
    aql_major: Aql | None = None
    aql_minor: Aql | None = None
    owner_approved_reduced: bool = False
    steady_production: bool = False
    characteristics: list[CharacteristicIn] = Field(default_factory=list, max_length=200)


class PlanUpdate(Strict):
    inspection_level: Level | None = None
    aql_critical: Aql | None = None
    aql_major: Aql | None = None
    aql_minor: Aql | None = None
    owner_approved_reduced: bool | None = None
    steady_production: bool | None = None
    is_active: bool | None = None


class StateReset(Strict):
    """The owner resumes a discontinued plan (after corrective action) or sets a state by hand."""

    state: Literal["normal", "tightened", "reduced"]
    note: Note = ""


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    site_id: int | None
    product: str
    inspection_level: str
    aql_critical: float
    aql_major: float
    aql_minor: float
    agreement_aql: float | None
    switching_state: str
    owner_approved_reduced: bool
    steady_production: bool
    is_active: bool


class CharacteristicRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int | None
    partner_id: int
    product: str
    name_ko: str
    name_en: str
    kind: str
    uom: str | None
    nominal: float | None
    lsl: float | None
    usl: float | None
    defect_class: str
    subgroup_size: int
    cpk_target: float | None


class LotCreate(Strict):
    partner_id: int
    site_id: int | None = None
    product: Annotated[str, Field(min_length=1, max_length=120)]
    lot_no: Annotated[str, Field(min_length=1, max_length=64)]
    lot_size: int = Field(ge=1, le=10**9)
    external_ref: Annotated[str, Field(max_length=64)] | None = None


class LotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    site_id: int | None
    plan_id: int | None
    product: str
    lot_no: str
    lot_size: int
    receipt_id: int | None
    order_line_id: int | None
    status: str
    disposition: str | None
    disposition_note: str | None
    external_ref: str | None


class DefectIn(Strict):
    characteristic_id: int | None = None
    defect_code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    defect_class: DefectClass | None = None
    quantity: int = Field(ge=0, le=10**9)


class InspectionResult(Strict):
    defects: list[DefectIn] = Field(default_factory=list, max_length=500)
    note: Note = ""


class OutgoingInspectionIn(Strict):
    """A partner's own final inspection of a lot before it ships."""

    sample_size: int = Field(ge=1, le=10**9)
    defects: list[DefectIn] = Field(default_factory=list, max_length=500)
    note: Note = ""
    # the partner's own reference: the same reference again returns the stored inspection
    external_ref: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class OutgoingRow(Strict):
    """One row of a partner's outgoing-inspection file; rows sharing ``external_ref`` are one
    inspection with several defect lines."""

    partner_id: int | None = None
    lot_no: Annotated[str, Field(min_length=1, max_length=64)]
    external_ref: Annotated[str, Field(min_length=1, max_length=64)]
    sample_size: int = Field(ge=1, le=10**9)
    defect_code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    defect_class: DefectClass | None = None
    quantity: int | None = Field(default=None, ge=0, le=10**9)
    note: Note = ""


class OutgoingImportReport(BaseModel):
    created: int
    unchanged: int


class DefectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    characteristic_id: int | None
    defect_class: str
    defect_code: str
    quantity: int


class InspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lot_id: int
    partner_id: int
    kind: str
    severity: str
    inspection_level: str
    sample_size: int
    class_plans: dict[str, Any]
    status: str
    recorded_by: str | None
    recorded_at: datetime | None
    note: str | None


class DispositionIn(Strict):
    disposition: Literal["return", "rework", "sort", "use_as_is", "scrap"]
    # units found bad by the 100 % sort or left bad after rework (None: the whole lot)
    rejected_qty: Annotated[int, Field(ge=0)] | None = None
    note: Note = ""


class NcrCosts(Strict):
    cost_scrap: Money = Decimal(0)
    cost_rework: Money = Decimal(0)
    cost_sorting: Money = Decimal(0)
    cost_freight: Money = Decimal(0)
    cost_line_stop: Money = Decimal(0)
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "KRW"


class NcrCreate(NcrCosts):
    partner_id: int
    site_id: int | None = None
    product: Annotated[str, Field(min_length=1, max_length=120)]
    lot_id: int | None = None
    inspection_id: int | None = None
    order_line_id: int | None = None
    defect_code: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: int = Field(ge=1, le=10**9)
    severity: DefectClass = "major"
    description: Note = ""
    containment: Note = ""


class NcrFromLot(NcrCosts):
    """Raise an NCR from a rejected lot: code and quantity default to its inspection's defects."""

    defect_code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    quantity: int | None = Field(default=None, ge=1, le=10**9)
    severity: DefectClass | None = None
    description: Note = ""
    containment: Note = ""


class NcrUpdate(Strict):
    containment: Note | None = None
    description: Note | None = None
    status: Literal["open", "contained"] | None = None
    cost_scrap: Money | None = None
    cost_rework: Money | None = None
    cost_sorting: Money | None = None
    cost_freight: Money | None = None
    cost_line_stop: Money | None = None


class NcrRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    site_id: int | None
    product: str
    lot_id: int | None
    inspection_id: int | None
    order_line_id: int | None
    defect_code: str
    quantity: int
    severity: str
    description: str | None
    containment: str | None
    status: str
    cost_scrap: Decimal
    cost_rework: Decimal
    cost_sorting: Decimal
    cost_freight: Decimal
    cost_line_stop: Decimal
    currency: str


class EightDCreate(Strict):
    containment_hours: int = Field(default=24, ge=1, le=720)
    verify_lots: int = Field(default=3, ge=1, le=100)


class EightDStepIn(Strict):
    content: dict[str, Annotated[str, Field(max_length=4000)]] = Field(default_factory=dict)
    submit: bool = True


class StepReview(Strict):
    decision: Literal["approve", "return"]
    comment: Note = ""


class ActionIn(Strict):
    kind: Literal["corrective", "preventive"] = "corrective"
    description: Annotated[str, Field(min_length=1, max_length=1000)]
    owner: Text200
    due_on: date


class ActionDone(Strict):
    done_on: date


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str
    content: dict[str, Any]
    status: str
    due_at: datetime | None
    owner_comment: str | None
    submitted_at: datetime | None
    approved_at: datetime | None


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    description: str
    owner: str
    due_on: date
    done_on: date | None


class EightDRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ncr_id: int
    partner_id: int
    status: str
    containment_due_at: datetime
    verify_lots: int
    closed_at: datetime | None


class QuestionIn(Strict):
    text_ko: Annotated[str, Field(min_length=1, max_length=500)]
    text_en: Annotated[str, Field(min_length=1, max_length=500)]
    weight: float = Field(default=1.0, gt=0, le=100)


class ChecklistCreate(Strict):
    name: Text200
    kind: Literal["process", "system", "product", "security"]
    scoring: Literal["vda", "yesno"] = "vda"
    questions: list[QuestionIn] = Field(min_length=1, max_length=300)


class ChecklistRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    version: int
    kind: str
    scoring: str


class AuditCreate(Strict):
    partner_id: int
    site_id: int | None = None
    checklist_id: int
    planned_on: date
    cadence_months: int | None = Field(default=None, ge=1, le=60)
    auditor: Annotated[str, Field(max_length=200)] | None = None


class AnswerIn(Strict):
    question_id: int
    score: int = Field(ge=0, le=10)
    note: Annotated[str, Field(max_length=1000)] = ""


class AuditResult(Strict):
    performed_on: date
    answers: list[AnswerIn] = Field(min_length=1, max_length=300)


class FindingIn(Strict):
    question_id: int | None = None
    severity: Literal["major", "minor", "observation"]
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    action: Annotated[str, Field(max_length=1000)] | None = None
    action_due: date | None = None


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    site_id: int | None
    checklist_id: int
    kind: str
    planned_on: date
    performed_on: date | None
    cadence_months: int | None
    status: str
    score: float | None
    grade: str | None
    auditor: str | None


class CertificateValue(Strict):
    """One result of a certificate of analysis (an assay, a moisture content …)."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    value: Annotated[float, Field(allow_inf_nan=False)]
    unit: Annotated[str, Field(max_length=32)] | None = None
    lsl: Annotated[float, Field(allow_inf_nan=False)] | None = None
    usl: Annotated[float, Field(allow_inf_nan=False)] | None = None


class CertificateIn(Strict):
    kind: Literal["coc", "coa"]
    external_ref: Annotated[str, Field(min_length=1, max_length=64)]
    issued_on: date
    values: list[CertificateValue] = Field(default_factory=list, max_length=200)


class CertificateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    lot_id: int
    kind: str
    external_ref: str
    issued_on: date
    values: list[dict[str, Any]]
    file_id: int | None
    created_by: str
    created_at: datetime


class QualityFileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    partner_id: int
    lot_id: int | None
    ncr_id: int | None
    filename: str
    content_type: str
    size_bytes: int
    uploaded_by: str
    created_at: datetime
