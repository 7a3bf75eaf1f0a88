"""training: training records of partner staff, SOP acknowledgement requirements and the
acknowledgements per version

Revision ID: 0024_training
Revises: 0011_units
Create Date: 2026-12-03 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0024_training"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("training",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("person_email", sa.String(length=254), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("course_kind", sa.String(length=16), nullable=False),
        sa.Column("course_title", sa.String(length=300), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("certificate_document_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_document_id"],
            ["vault_documents.id"],
            name=op.f("fk_training_records_certificate_document_id_vault_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["partner_contacts.id"],
            name=op.f("fk_training_records_contact_id_partner_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_training_records_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_records_course_kind"), ["course_kind"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_records_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_records_valid_until"), ["valid_until"], unique=False
        )

    op.create_table(
        "training_sop_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_label", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["vault_documents.id"],
            name=op.f("fk_training_sop_requirements_document_id_vault_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_training_sop_requirements_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sop_requirements")),
        sa.UniqueConstraint(
            "document_id",
            "partner_id",
            name=op.f("uq_training_sop_requirements_document_id_partner_id"),
        ),
    )
    with op.batch_alter_table("training_sop_requirements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_sop_requirements_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_sop_requirements_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "training_sop_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_label", sa.String(length=254), nullable=False),
        sa.Column("acknowledged_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_training_sop_acks_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["training_sop_requirements.id"],
            name=op.f("fk_training_sop_acks_requirement_id_training_sop_requirements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_training_sop_acks_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sop_acks")),
        sa.UniqueConstraint(
            "requirement_id",
            "version_number",
            "user_id",
            name=op.f("uq_training_sop_acks_requirement_id_version_number_user_id"),
        ),
    )
    with op.batch_alter_table("training_sop_acks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_sop_acks_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_sop_acks_requirement_id"), ["requirement_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("training_sop_acks")
    op.drop_table("training_sop_requirements")
    op.drop_table("training_records")
