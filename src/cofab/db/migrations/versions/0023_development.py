"""development: joint development projects, stage gates, contribution ledger, IP register,
technology-transfer checklists

Revision ID: 0023_development
Revises: 0011_units
Create Date: 2026-12-03 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0023_development"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("development",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dev_checklist_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_checklist_templates")),
        sa.UniqueConstraint("code", name=op.f("uq_dev_checklist_templates_code")),
    )
    op.create_table(
        "dev_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_dev_projects_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_projects_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_dev_projects_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_dev_projects_code")),
    )
    with op.batch_alter_table("dev_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_projects_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_projects_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dev_projects_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dev_checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("template_code", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_ko", sa.String(length=300), nullable=False),
        sa.Column("owner_side", sa.String(length=16), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by_label", sa.String(length=254), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_checklist_items_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dev_projects.id"],
            name=op.f("fk_dev_checklist_items_project_id_dev_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_checklist_items")),
    )
    with op.batch_alter_table("dev_checklist_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_checklist_items_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_checklist_items_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "dev_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_label", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_contributions_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dev_projects.id"],
            name=op.f("fk_dev_contributions_project_id_dev_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_contributions")),
    )
    with op.batch_alter_table("dev_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_contributions_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_contributions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "dev_inventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("conceived_on", sa.Date(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("contract_version", sa.Integer(), nullable=True),
        sa.Column("result_kind", sa.String(length=40), nullable=False),
        sa.Column("ip_terms", sa.JSON(), nullable=True),
        sa.Column("computed_owners", sa.String(length=40), nullable=False),
        sa.Column("licence_back", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=True),
        sa.Column("filing_status", sa.String(length=16), nullable=False),
        sa.Column("application_number", sa.String(length=80), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_dev_inventions_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_inventions_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dev_projects.id"],
            name=op.f("fk_dev_inventions_project_id_dev_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_inventions")),
        sa.UniqueConstraint("ref", name=op.f("uq_dev_inventions_ref")),
    )
    with op.batch_alter_table("dev_inventions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_inventions_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_inventions_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_inventions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "dev_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("gate", sa.String(length=80), nullable=False),
        sa.Column("deliverables", sa.JSON(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("decided_by_label", sa.String(length=254), nullable=True),
        sa.Column("decided_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_milestones_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dev_projects.id"],
            name=op.f("fk_dev_milestones_project_id_dev_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_milestones")),
    )
    with op.batch_alter_table("dev_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_milestones_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_milestones_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "dev_inventors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invention_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("share_percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("confirmed_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_label", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["partner_contacts.id"],
            name=op.f("fk_dev_inventors_contact_id_partner_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invention_id"],
            ["dev_inventions.id"],
            name=op.f("fk_dev_inventors_invention_id_dev_inventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dev_inventors_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_dev_inventors_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_inventors")),
    )
    with op.batch_alter_table("dev_inventors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dev_inventors_invention_id"), ["invention_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dev_inventors_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("dev_inventors")
    op.drop_table("dev_milestones")
    op.drop_table("dev_inventions")
    op.drop_table("dev_contributions")
    op.drop_table("dev_checklist_items")
    op.drop_table("dev_projects")
    op.drop_table("dev_checklist_templates")
