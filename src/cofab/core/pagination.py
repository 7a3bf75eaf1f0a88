"""Page-number pagination shared by every list, API and page alike."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_PAGE_SIZE = 200


class Page(BaseModel, Generic[ItemT]):
    model_config = ConfigDict(from_attributes=True)

    items: list[ItemT]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def paginate(session: Session, stmt: Select[Any], *, page: int, size: int) -> tuple[list[Any], int]:
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    total = session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(stmt.limit(size).offset((page - 1) * size)).scalars().all()
    return list(rows), int(total)


def page_of(
    session: Session, stmt: Select[Any], schema: type[ModelT], *, page: int, size: int
) -> Page[ModelT]:
    """One page of ``stmt`` as ``schema`` objects: what every list endpoint answers."""
    items, total = paginate(session, stmt, page=page, size=size)
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(item) for item in items], total=total, page=page, size=size
    )
