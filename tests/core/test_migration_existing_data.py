"""An existing database full of rows upgrades to the business units (and everything after).

Regression: on SQLite, batch mode re-creates a table (copy, drop, rename); with foreign keys
enforced, the drop failed as soon as another table held rows pointing at it, so a demo database
made before units could not be upgraded ("FOREIGN KEY constraint failed").
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from cofab.db.migrate import alembic_config, upgrade
from cofab.db.session import engine_for

BEFORE_UNITS = (
    "0009_accounts_session_epoch",
    "0008_vault_versions_issued",
    "0007_operations_line_totals",
    "0004_selection",
    "0006_planning_summary",
    "0010_audit_sealer",
    "0002_jobs",
)


def _filler(column: sa.Column[Any]) -> Any:
    """A value the column accepts; every foreign key points at row 1 of its table."""
    if column.foreign_keys or column.primary_key:
        return 1
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric | sa.Float):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return datetime(2026, 1, 1).date()
    if isinstance(kind, sa.LargeBinary):
        return b"x"
    if isinstance(kind, sa.JSON):
        return "{}"
    return "x"


def test_a_full_sqlite_database_upgrades_with_its_rows(tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        for revision in BEFORE_UNITS:
            command.upgrade(config, revision)
    old = sa.MetaData()
    old.reflect(engine)
    counts = {}
    with engine.begin() as connection:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            connection.execute(table.insert().values({c.name: _filler(c) for c in table.columns}))
            counts[table.name] = 1
    upgrade(engine)  # failed before the fix: FOREIGN KEY constraint failed
    with engine.connect() as connection:
        for name, expected in counts.items():
            found = connection.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            assert found == expected, name
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.execute(sa.text("SELECT all_units FROM users")).scalar_one() == 1


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    import os

    if os.environ.get("COFAB_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("SQLite's batch mode re-creates tables; PostgreSQL alters them in place")
