"""quality: stored subgroup statistics (SPC reads them), measurements indexed by subgroup,
a characteristic's Cpk target optional (the quality agreement's applies)

Revision ID: 0032_quality_subgroups
Revises: 0026_quality_files
Create Date: 2026-12-04 02:00:00

The backfill is the statement ``quality.subgroups`` runs on every write, written out here so this
migration keeps doing what it did when the module changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_quality_subgroups"
down_revision: str | Sequence[str] | None = "0026_quality_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# per subgroup: n, mean, M2 (squared deviations from the subgroup's mean, taken as a window),
# sample s, range, min, max — the statement quality.subgroups runs on every write
BACKFILL = (
    "INSERT INTO quality_subgroups (characteristic_id, partner_id, subgroup, n, mean, m2, std,"
    " value_range, min_value, max_value)"
    " SELECT cid, pid, subgroup, n, mean, m2, CASE WHEN n > 1 THEN sqrt(m2 / (n - 1)) ELSE 0.0"
    " END, hi - lo, lo, hi FROM (SELECT cid, max(pid) AS pid, subgroup, count(*) AS n,"
    " max(mean) AS mean, sum((value - mean) * (value - mean)) AS m2, min(value) AS lo,"
    " max(value) AS hi FROM (SELECT characteristic_id AS cid, partner_id AS pid, subgroup, value,"
    " avg(value) OVER (PARTITION BY characteristic_id, subgroup) AS mean"
    " FROM quality_measurements) AS with_mean GROUP BY cid, subgroup) AS per_subgroup"
)


def upgrade() -> None:
    op.create_table(
        "quality_subgroups",
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("subgroup", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("m2", sa.Float(), nullable=False),
        sa.Column("std", sa.Float(), nullable=False),
        sa.Column("value_range", sa.Float(), nullable=False),
        sa.Column("min_value", sa.Float(), nullable=False),
        sa.Column("max_value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["quality_characteristics.id"],
            name=op.f("fk_quality_subgroups_characteristic_id_quality_characteristics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_quality_subgroups_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("characteristic_id", "subgroup", name=op.f("pk_quality_subgroups")),
    )
    with op.batch_alter_table("quality_measurements") as batch:
        batch.drop_index("ix_quality_measurements_characteristic_id")
        batch.create_index(
            "ix_quality_measurements_characteristic_subgroup",
            ["characteristic_id", "subgroup"],
            unique=False,
        )
    op.execute(BACKFILL)
    # a characteristic's own Cpk target becomes optional (None: the quality agreement's, else
    # 1.33); a stored 1.33 was the old default, so it now follows the agreement
    with op.batch_alter_table("quality_characteristics") as batch:
        batch.alter_column("cpk_target", existing_type=sa.Float(), nullable=True)
    op.execute("UPDATE quality_characteristics SET cpk_target = NULL WHERE cpk_target = 1.33")


def downgrade() -> None:
    op.execute("UPDATE quality_characteristics SET cpk_target = 1.33 WHERE cpk_target IS NULL")
    with op.batch_alter_table("quality_characteristics") as batch:
        batch.alter_column("cpk_target", existing_type=sa.Float(), nullable=False)
    with op.batch_alter_table("quality_measurements") as batch:
        batch.drop_index("ix_quality_measurements_characteristic_subgroup")
        batch.create_index(
            "ix_quality_measurements_characteristic_id", ["characteristic_id"], unique=False
        )
    op.drop_table("quality_subgroups")
