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
    """The page's rows and the total in one statement (``count(*) OVER ()``), since every list
    request paid a second round trip for the count (bench/load.py). A page past the end has
    no row to carry the total, and DISTINCT counts after the window: those ask separately."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    window = stmt.limit(size).offset((page - 1) * size)
    if getattr(stmt, "_distinct", False):
        return list(session.execute(window).scalars().all()), _count(session, stmt)
    rows = session.execute(window.add_columns(func.count().over().label("cofab_total"))).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][-1])
    return [], 0 if page == 1 else _count(session, stmt)


def _count(session: Session, stmt: Select[Any]) -> int:
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int(session.execute(count).scalar_one())


def page_of(
    session: Session, stmt: Select[Any], schema: type[ModelT], *, page: int, size: int
) -> Page[ModelT]:
    """One page of ``stmt`` as ``schema`` objects: what every list endpoint answers."""
    items, total = paginate(session, stmt, page=page, size=size)
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(item) for item in items], total=total, page=page, size=size
    )
