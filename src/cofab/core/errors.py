"""One error type for every rule broken, rendered as RFC 9457 problem+json or as a page message.

Messages are English msgids translated at render time, so one raise serves both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from cofab.core.i18n import N_


@dataclass
class FieldProblem:
    """A reason tied to one input field (JSON pointer-ish dotted path or CSV row/column)."""

    field: str
    message: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)


class CofabError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = N_("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        /,
        *,
        problems: list[FieldProblem] | None = None,
        **params: Any,
    ) -> None:
        self.message = message or self.title
        self.params = params
        self.problems = problems or []
        super().__init__(self.message.format(**params) if params else self.message)


class BadRequest(CofabError):
    status = 400
    code = "bad_request"


class Unauthorized(CofabError):
    status = 401
    code = "unauthorized"
    title = N_("Please log in.")


class Forbidden(CofabError):
    status = 403
    code = "forbidden"
    title = N_("You are not allowed to do this.")


class NotFound(CofabError):
    status = 404
    code = "not_found"
    title = N_("Not found.")


class Conflict(CofabError):
    status = 409
    code = "conflict"
    title = N_("This conflicts with existing data.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = N_("This status change is not allowed.")


class ValidationFailed(CofabError):
    status = 422
    code = "validation_failed"
    title = N_("Some fields are not valid.")


class PayloadTooLarge(CofabError):
    status = 413
    code = "payload_too_large"
    title = N_("The upload is larger than {limit_mb} MB.")


class TooManyRequests(CofabError):
    status = 429
    code = "too_many_requests"
    title = N_("Too many failed attempts. Try again in {minutes} minutes.")
