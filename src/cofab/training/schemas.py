"""Request and response shapes of training records, SOP requirements and compliance."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from cofab.training.models import CourseKind


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RecordCreate(BaseModel):
    partner_id: int
    person_name: str = Field(min_length=1, max_length=200)
    person_email: str | None = Field(default=None, max_length=254)
    contact_id: int | None = None
    course_kind: CourseKind
    course_title: str = Field(min_length=1, max_length=300)
    completed_on: date
    valid_until: date | None = None
    certificate_document_id: int | None = None
    notes: str = Field(default="", max_length=4000)


class RecordUpdate(BaseModel):
    person_name: str | None = Field(default=None, min_length=1, max_length=200)
    course_title: str | None = Field(default=None, min_length=1, max_length=300)
    completed_on: date | None = None
    valid_until: date | None = None
    certificate_document_id: int | None = None
    notes: str | None = Field(default=None, max_length=4000)


class RecordRead(Read):
    id: int
    partner_id: int
    person_name: str
    person_email: str | None
    contact_id: int | None
    course_kind: str
    course_title: str
    completed_on: date
    valid_until: date | None
    certificate_document_id: int | None
    notes: str
    validity: str = "valid"  # valid | expiring | expired


class SopCreate(BaseModel):
    document_id: int
    partner_id: int
    note: str = Field(default="", max_length=2000)


class AcknowledgeIn(BaseModel):
    version: int = Field(ge=1)


class AckRead(Read):
    id: int
    version_number: int
    user_label: str
    acknowledged_at: datetime


class SopRead(BaseModel):
    id: int
    document_id: int
    document_title: str
    partner_id: int
    note: str
    current_version: int
    status: str  # pending | acknowledged
    acknowledged_version: int | None
    acknowledgements: list[AckRead]


class ComplianceRead(BaseModel):
    """A partner's compliance as ``compliance.compliance_of`` counts it and the API shows it;
    the percentage follows from the counts (the formula is in ``cofab.training.compliance``)."""

    model_config = ConfigDict(frozen=True)

    partner_id: int
    sops_required: int
    sops_acknowledged: int
    trainings: int
    trainings_valid: int
    trainings_expiring: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float | None:
        total = self.sops_required + self.trainings
        if total == 0:
            return None
        return round(100.0 * (self.sops_acknowledged + self.trainings_valid) / total, 1)
