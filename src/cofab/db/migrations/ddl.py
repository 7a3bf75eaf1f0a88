"""Column and constraint builders shared by the migration files. FROZEN.

Migrations that databases have already run are built from these functions, so what a function
returns is part of their history: changing one would make a fresh ``upgrade`` build a schema that
differs from the one every existing database holds, without any new revision saying so. Never
change a function here (not its columns, types, nullability, names or defaults); when a new
migration needs something else, add a new function. ``tests/core/test_migration_ddl_frozen.py``
pins the DDL each one compiles to on SQLite and PostgreSQL.

Names go through ``conv`` exactly as ``op.f(...)`` does in the generated files (``op.f`` is
``conv``), so the naming convention of ``cofab.db.base`` is not applied a second time, and the
builders can be compiled outside a migration context.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import conv

import cofab.db.base


def timestamps() -> tuple[sa.Column[Any], sa.Column[Any]]:
    """The ``created_at``/``updated_at`` pair of ``cofab.db.base.Timestamped`` (star-expand it)."""
    return (
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
    )


def sealed_file_columns() -> tuple[sa.Column[Any], ...]:
    """The six columns of one sealed upload, as ``vault.models.SealedFileColumns`` had them when
    ``0004_selection`` and ``0026_quality_files`` were written (star-expand it)."""
    return (
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("object_key", sa.String(length=32), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
    )


def pk(table: str) -> sa.PrimaryKeyConstraint:
    """The primary key on ``id``, named ``pk_<table>``."""
    return sa.PrimaryKeyConstraint("id", name=conv(f"pk_{table}"))


def fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """A one-column foreign key to ``target`` (``"<table>.<column>"``), named
    ``fk_<table>_<column>_<target table>``."""
    target_table = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=conv(f"fk_{table}_{column}_{target_table}"), ondelete=ondelete
    )
