"""Pydantic shapes for the registry API. Unknown fields are rejected, not ignored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from cofab.core.i18n import N_
from cofab.core.validation import register_error_messages, register_field_labels
from cofab.partners.models import PartnershipForm, PartnerStatus, PartnerType

#: codes in Babel's territory list that ISO 3166-1 does not assign to a country: groupings (EU,
#: EZ, UN, QO), "unknown" (ZZ), pseudo-locales (XA, XB), user-assigned Kosovo (XK) and the
#: exceptionally reserved ones (AC, CP, CQ, DG, EA, IC, TA); the other 249 are ISO's list
NOT_ISO_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
UNKNOWN_COUNTRY = N_("Not an ISO 3166 country code (two letters, for example KR, US or DE).")
register_error_messages({"country_code": UNKNOWN_COUNTRY})
#: a site's capacity per period; beyond this a typo (1e300) would be stored and printed whole
MAX_CAPACITY = Decimal(10**12)


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from Babel's CLDR territories (Babel is already a dependency)."""
    from babel import Locale

    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code
        for code in codes
        if len(code) == 2 and code.isalpha() and code not in NOT_ISO_COUNTRIES
    )


def _known_country(value: str) -> str:
    if value not in iso_countries():
        raise PydanticCustomError("country_code", UNKNOWN_COUNTRY)
    return value


CountryCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2"),
    AfterValidator(_known_country),
]
_TIMEZONES = frozenset(available_timezones())


# what the registry's forms call each field, so a problem names it the way the form does
register_field_labels(
    {
        "name_ko": N_("Name (Korean)"),
        "name_en": N_("Name (English)"),
        "types": N_("Partner types"),
        "form": N_("Partnership form"),
        "status": N_("Status"),
        "country": N_("Country (ISO code)"),
        "website": N_("Website"),
        "address": N_("Address"),
        "region": N_("Region"),
        "latitude": N_("Latitude"),
        "longitude": N_("Longitude"),
        "timezone": N_("Time zone"),
        "process": N_("Process"),
        "product_families": N_("Product families"),
        "capacity": N_("Capacity"),
        "capacity_unit": N_("Unit"),
        "capacity_period": N_("Period"),
        "standard": N_("Standard"),
        "number": N_("Certificate number"),
        "issuer": N_("Issuer"),
        "valid_from": N_("Valid from"),
        "valid_to": N_("Valid to"),
        "phone": N_("Phone"),
    }
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PartnerCreate(Strict):
    name_ko: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    types: list[PartnerType] = Field(min_length=1)
    form: PartnershipForm
    country: CountryCode
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://\S+$")
    notes: str | None = Field(default=None, max_length=10_000)
    external_ref: str | None = Field(default=None, max_length=64)

    @field_validator("types")
    @classmethod
    def unique_types(cls, value: list[PartnerType]) -> list[PartnerType]:
        return list(dict.fromkeys(value))


class PartnerUpdate(Strict):
    name_ko: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    types: list[PartnerType] | None = Field(default=None, min_length=1)
    form: PartnershipForm | None = None
    country: CountryCode | None = None
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://\S+$")
    notes: str | None = Field(default=None, max_length=10_000)


class StatusChange(Strict):
    status: PartnerStatus
    reason: str | None = Field(default=None, max_length=1000)


class PartnerRead(Read):
    id: int
    external_ref: str | None
    name_ko: str
    name_en: str
    types: list[str]
    form: str
    status: str
    country: str
    website: str | None
    notes: str | None


class ContactIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=50)


class ContactRead(Read):
    id: int
    partner_id: int
    name: str
    title: str | None
    email: str | None
    phone: str | None


class SiteIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    country: CountryCode
    region: str | None = Field(default=None, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    timezone: str = "UTC"
    external_ref: str | None = Field(default=None, max_length=64)

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        if value not in _TIMEZONES:
            raise ValueError("unknown time zone")
        return value


class SiteRead(Read):
    id: int
    partner_id: int
    external_ref: str | None
    name: str
    address: str | None
    country: str
    region: str | None
    latitude: float | None
    longitude: float | None
    timezone: str


class CapabilityIn(Strict):
    process: str = Field(min_length=1, max_length=200)
    product_families: list[str] = Field(default_factory=list)
    capacity: Decimal | None = Field(default=None, ge=0, le=MAX_CAPACITY, decimal_places=3)
    capacity_unit: str | None = Field(default=None, max_length=32)
    capacity_period: str = Field(default="month", pattern=r"^(day|week|month|quarter|year)$")
    external_ref: str | None = Field(default=None, max_length=64)


class CapabilityRead(Read):
    id: int
    partner_id: int
    site_id: int
    external_ref: str | None
    process: str
    product_families: list[str]
    capacity: Decimal | None
    capacity_unit: str | None
    capacity_period: str


class CertificationIn(Strict):
    standard: str = Field(min_length=1, max_length=100)
    number: str = Field(min_length=1, max_length=100)
    issuer: str | None = Field(default=None, max_length=200)
    site_id: int | None = None
    valid_from: date
    valid_to: date

    @field_validator("valid_to")
    @classmethod
    def dates_in_order(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("valid_from")
        if start is not None and value < start:
            raise ValueError("must not be before valid_from")
        return value


class CertificationRead(Read):
    id: int
    partner_id: int
    site_id: int | None
    standard: str
    number: str
    issuer: str | None
    valid_from: date
    valid_to: date


class PartnerDetail(PartnerRead):
    contacts: list[ContactRead]
    sites: list[SiteRead]
    capabilities: list[CapabilityRead]
    certifications: list[CertificationRead]


class ImportReport(BaseModel):
    kind: str
    created: int
    updated: int
    unchanged: int
