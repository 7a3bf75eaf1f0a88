"""HTML form input → pydantic models, with the same field problems the API reports."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from cofab.core.errors import ValidationFailed
from cofab.core.validation import problems_from

ModelT = TypeVar("ModelT", bound=BaseModel)


async def read_form(request: Request, *, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Blank fields become absent (so defaults apply); ``lists`` keep every value."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in lists:
            data[key] = [str(v) for v in form.getlist(key) if str(v).strip()]
            continue
        value = form.get(key)
        if isinstance(value, str) and value.strip() != "":
            data[key] = value.strip()
    for key in lists:
        data.setdefault(key, [])
    return data


def parse(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems=problems_from(exc)) from exc
