"""Date and time differences as SQL expressions that mean the same on SQLite and PostgreSQL.

SQLite stores dates and timestamps as ISO text and subtracts them through ``julianday``;
PostgreSQL subtracts them natively. One construct, compiled per dialect, keeps every KPI query a
single SQLAlchemy Core expression for both databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement[int]):
    """Whole days from the second date to the first (``later - earlier``)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


class hours_between(FunctionElement[float]):
    """Hours (fractional) from the first timestamp to the second (``end - start``)."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    first, second = list(element.clauses)
    return compiler.process(first, **kw), compiler.process(second, **kw)


@compiles(days_between)
def _days_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"


@compiles(hours_between)
def _hours_default(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"((julianday({end}) - julianday({start})) * 24.0)"
