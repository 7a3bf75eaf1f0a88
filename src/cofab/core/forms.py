"""HTML form input → pydantic models, with the same field problems the API reports.

Form routes are plain ``def`` so FastAPI runs them (and their database work) in the threadpool:
a route that waited on a row lock on the event loop would stop every other request from ever
committing. The body is read by the async ``FormDep`` dependency before the route runs (the
CSRF check in ``page_actor`` has usually parsed it already; Starlette caches it), and
``fields`` turns it into plain data without touching the loop.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from cofab.core.errors import ValidationFailed
from cofab.core.validation import problems_from

ModelT = TypeVar("ModelT", bound=BaseModel)


async def form_data(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def fields(form: FormData, *, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Blank fields become absent (so defaults apply); ``lists`` keep every value."""
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


def upload_in(form: FormData, name: str = "file") -> UploadFile | None:
    """The file a form field carries, or None when the field is missing or holds plain text."""
    value = form.get(name)
    return value if isinstance(value, UploadFile) else None


def parse(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems=problems_from(exc)) from exc
