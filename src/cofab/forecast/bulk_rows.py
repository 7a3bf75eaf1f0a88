"""Writing many rows at once in the open transaction: ``COPY … FROM STDIN`` on PostgreSQL
(psycopg), one executemany of a Core INSERT elsewhere.

A publication writes 100,000s of forecast lines; the ORM's bulk insert sent them to PostgreSQL
one statement each (pipelined), several times slower than COPY of the same rows. COPY runs on
the session's own connection, so the lines commit or roll back with the publication and its
audit records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from cofab.db.base import Base

EXECUTEMANY_BATCH = 50_000


def write_rows(
    session: Session, model: type[Base], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    table = cast(Table, model.__table__)
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        driver = connection.connection.driver_connection
        quote = connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        target = connection.dialect.identifier_preparer.format_table(table)
        with (
            driver.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    statement = table.insert()
    for start in range(0, len(rows), EXECUTEMANY_BATCH):
        connection.execute(
            statement,
            [
                dict(zip(columns, row, strict=True))
                for row in rows[start : start + EXECUTEMANY_BATCH]
            ],
        )
