"""Migration 0032 backfills the subgroup statistics of measurements stored before it, and a
stored Cpk target of 1.33 (the old default) becomes "none" (the quality agreement's applies).

Hand-checked: subgroup 1 = (10, 12, 14): n 3, mean 12, M2 = 4 + 0 + 4 = 8, s = √(8/2) = 2,
range 4; subgroup 2 = (7): n 1, M2 0, s 0, range 0.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cofab.db.migrate import upgrade


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty database of the run's kind (a schema of its own on PostgreSQL)."""
    url = os.environ.get("COFAB_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"q32_{secrets.token_hex(3)}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _row(table: sa.Table, **given: Any) -> dict[str, Any]:
    """Given values plus a filler for every other NOT NULL column without a default."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given or column.nullable or column.primary_key:
            continue
        kind = column.type
        if isinstance(kind, sa.Boolean):
            values[column.name] = False
        elif isinstance(kind, sa.Integer | sa.Numeric | sa.Float):
            values[column.name] = 1
        elif isinstance(kind, sa.DateTime):
            values[column.name] = sa.func.current_timestamp()
        elif isinstance(kind, sa.JSON):
            values[column.name] = []
        else:
            values[column.name] = "x"
    return values | given


def test_backfill_of_existing_measurements(scratch: sa.Engine) -> None:
    upgrade(scratch, "0026_quality_files")
    old = sa.MetaData()
    old.reflect(scratch, only=("partners", "quality_characteristics", "quality_measurements"))
    partners, chars, values = (old.tables[n] for n in ("partners", "quality_characteristics",
                                                       "quality_measurements"))  # fmt: skip
    with scratch.begin() as connection:
        connection.execute(partners.insert().values(_row(partners, id=1)))
        for cid, target in ((1, 1.33), (2, 1.67)):
            row = _row(chars, id=cid, partner_id=1, cpk_target=target)
            connection.execute(chars.insert().values(row))
        connection.execute(
            values.insert(),
            [
                {"characteristic_id": 1, "partner_id": 1, "subgroup": g, "seq": s, "value": v}
                for g, s, v in ((1, 1, 10.0), (1, 2, 12.0), (1, 3, 14.0), (2, 1, 7.0))
            ],
        )
    upgrade(scratch)
    with scratch.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT subgroup, n, mean, m2, std, value_range, min_value, max_value"
                " FROM quality_subgroups WHERE characteristic_id = 1 ORDER BY subgroup"
            )
        ).all()
        targets = connection.execute(
            sa.text("SELECT id, cpk_target FROM quality_characteristics ORDER BY id")
        ).all()
    assert [tuple(t) for t in targets] == [(1, None), (2, 1.67)]  # 1.33 was the old default
    assert [tuple(r) for r in rows] == [
        (1, 3, 12.0, 8.0, 2.0, 4.0, 10.0, 14.0),
        (2, 1, 7.0, 0.0, 0.0, 0.0, 7.0, 7.0),
    ]
