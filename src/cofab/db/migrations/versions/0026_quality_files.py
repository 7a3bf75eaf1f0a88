"""quality: lot rejected quantity, outgoing inspection reference, sealed files, certificates

Revision ID: 0026_quality_files
Revises: 0014_quality
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base
from cofab.db.migrations.ddl import fk, pk, sealed_file_columns

revision: str = "0026_quality_files"
down_revision: str | Sequence[str] | None = "0014_quality"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quality_lots") as batch:
        batch.add_column(sa.Column("rejected_qty", sa.Integer(), nullable=True))
    with op.batch_alter_table("quality_inspections") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(length=64), nullable=True))
        batch.create_index(
            op.f("ix_quality_inspections_external_ref"), ["external_ref"], unique=False
        )
    op.create_table(
        "quality_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("ncr_id", sa.Integer(), nullable=True),
        *sealed_file_columns(),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("quality_files", "partner_id", "partners.id", "CASCADE"),
        fk("quality_files", "lot_id", "quality_lots.id", "CASCADE"),
        fk("quality_files", "ncr_id", "quality_ncrs.id", "CASCADE"),
        pk("quality_files"),
        sa.UniqueConstraint("object_key", name=op.f("uq_quality_files_object_key")),
    )
    for column in ("partner_id", "lot_id", "ncr_id"):
        op.create_index(op.f(f"ix_quality_files_{column}"), "quality_files", [column])
    op.create_table(
        "quality_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("external_ref", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        fk("quality_certificates", "partner_id", "partners.id", "CASCADE"),
        fk("quality_certificates", "lot_id", "quality_lots.id", "CASCADE"),
        fk("quality_certificates", "file_id", "quality_files.id", "SET NULL"),
        pk("quality_certificates"),
        sa.UniqueConstraint(
            "partner_id",
            "external_ref",
            name=op.f("uq_quality_certificates_partner_id_external_ref"),
        ),
    )
    for column in ("partner_id", "lot_id"):
        op.create_index(op.f(f"ix_quality_certificates_{column}"), "quality_certificates", [column])


def downgrade() -> None:
    op.drop_table("quality_certificates")
    op.drop_table("quality_files")
    with op.batch_alter_table("quality_inspections") as batch:
        batch.drop_index(op.f("ix_quality_inspections_external_ref"))
        batch.drop_column("external_ref")
    with op.batch_alter_table("quality_lots") as batch:
        batch.drop_column("rejected_qty")
