"""Account shapes. Password hashes and token hashes never leave the service."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: str
    partner_id: int | None
    locale: str | None
    timezone: str
    is_active: bool


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)
    role: str
    partner_id: int | None = None
    locale: str | None = Field(default=None, pattern=r"^(ko|en)$")


class LocaleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: str = Field(pattern=r"^(ko|en)$")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenRead):
    token: str = Field(description="Shown once; only its hash is stored.")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: str = Field(description="admin, manager, quality, viewer or partner")
    partner_id: int | None = Field(default=None, description="Required for the partner role")


class ResetIssued(BaseModel):
    user_id: int
    expires_at: datetime
    emailed: bool = Field(
        description="True when a background job e-mails the link to the user (see job_id)"
    )
    url: str | None = Field(
        description="The one-time link, shown once; None when it is e-mailed instead"
    )
    job_id: int | None = Field(
        default=None,
        description="The job that mails the link (GET /api/v1/jobs/{id}); None when shown",
    )


class UnlockResult(BaseModel):
    user_id: int
    failures_cleared: int
