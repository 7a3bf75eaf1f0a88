"""API shapes for business units."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    name_ko: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_ko: str
    name_en: str
    is_active: bool


class PartnerLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: int = Field(gt=0)


class MembershipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_ids: list[int] = Field(default_factory=list, max_length=100)
    all_units: bool = False
