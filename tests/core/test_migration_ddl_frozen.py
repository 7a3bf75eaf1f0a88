"""The migration DDL builders (``cofab.db.migrations.ddl``) keep building what they built.

Applied migrations create their tables through these functions, so a change to one would make a
fresh database differ from every upgraded one without a new revision. The expected DDL below is
written out by hand from the schema the generated migrations created before the builders existed
(``sqlite3 .schema`` / ``pg_dump -s`` of an upgraded database): a table built with the builders
must compile to exactly that text on both backends.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateTable

from cofab.db.base import Base
from cofab.db.migrations.ddl import fk, pk, sealed_file_columns, timestamps

# The columns and constraints in the order the migrations list them; both dialects put the
# primary key first, and PostgreSQL makes the integer ``id`` of a one-column primary key SERIAL
# (the sequence ``pg_dump`` shows). The two dialects print the same text but for three type names.
DDL = """
CREATE TABLE quality_files (
\tid {serial} NOT NULL, 
\tpartner_id INTEGER NOT NULL, 
\tlot_id INTEGER, 
\tfilename VARCHAR(255) NOT NULL, 
\tcontent_type VARCHAR(100) NOT NULL, 
\tsize_bytes INTEGER NOT NULL, 
\tobject_key VARCHAR(32) NOT NULL, 
\twrapped_key {blob} NOT NULL, 
\tkey_id VARCHAR(32) NOT NULL, 
\tcreated_at {timestamp} NOT NULL, 
\tupdated_at {timestamp} NOT NULL, 
\tCONSTRAINT pk_quality_files PRIMARY KEY (id), 
\tCONSTRAINT fk_quality_files_partner_id_partners FOREIGN KEY(partner_id) REFERENCES partners (id) ON DELETE CASCADE, 
\tCONSTRAINT fk_quality_files_lot_id_quality_lots FOREIGN KEY(lot_id) REFERENCES quality_lots (id) ON DELETE SET NULL
)

"""  # noqa: W291, E501
TYPE_NAMES = {
    "sqlite": {"serial": "INTEGER", "blob": "BLOB", "timestamp": "DATETIME"},
    "postgresql": {"serial": "SERIAL", "blob": "BYTEA", "timestamp": "TIMESTAMP WITH TIME ZONE"},
}
EXPECTED = {dialect: DDL.format(**names) for dialect, names in TYPE_NAMES.items()}

# Dialects of engines that never connect: compiling needs no database.
DIALECTS: dict[str, Dialect] = {
    "sqlite": sa.create_engine("sqlite://").dialect,
    "postgresql": sa.create_engine("postgresql+psycopg://").dialect,
}


def _tiny_table(metadata: sa.MetaData) -> sa.Table:
    for parent in ("partners", "quality_lots"):
        sa.Table(parent, metadata, sa.Column("id", sa.Integer(), primary_key=True))
    return sa.Table(
        "quality_files",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        *sealed_file_columns(),
        *timestamps(),
        fk("quality_files", "partner_id", "partners.id", "CASCADE"),
        fk("quality_files", "lot_id", "quality_lots.id", "SET NULL"),
        pk("quality_files"),
    )


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_builders_compile_to_the_ddl_the_migrations_created(dialect: str) -> None:
    table = _tiny_table(sa.MetaData())
    assert str(CreateTable(table).compile(dialect=DIALECTS[dialect])) == EXPECTED[dialect]


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_names_are_final_under_the_models_naming_convention(dialect: str) -> None:
    """Alembic hands the models' naming convention to ``op.create_table``; the builders' names
    are final (as ``op.f`` made them), so the convention must not rename them."""
    table = _tiny_table(sa.MetaData(naming_convention=Base.metadata.naming_convention))
    assert str(CreateTable(table).compile(dialect=DIALECTS[dialect])) == EXPECTED[dialect]


def test_every_call_builds_new_objects_for_another_table() -> None:
    """One migration builds many tables; a column or constraint can belong to only one."""
    metadata = sa.MetaData()
    _tiny_table(metadata)
    other = sa.Table("other_files", metadata, *timestamps(), *sealed_file_columns())
    assert [column.name for column in other.columns] == [
        "created_at",
        "updated_at",
        "filename",
        "content_type",
        "size_bytes",
        "object_key",
        "wrapped_key",
        "key_id",
    ]
    assert fk("a", "b", "c.id", "CASCADE") is not fk("a", "b", "c.id", "CASCADE")
    assert pk("a") is not pk("a")
