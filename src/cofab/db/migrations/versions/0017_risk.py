"""risk: the risk register, its mitigations and status history

Revision ID: 0017_risk
Revises: 0011_units
Create Date: 2026-12-03 16:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0017_risk"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("risk",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("external_ref", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product_family", sa.String(length=80), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("consequence", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("review_every_days", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_detail", sa.Text(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_risk_register_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_register_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_sites.id"],
            name=op.f("fk_risk_register_site_id_partner_sites"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_risk_register_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_register")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_risk_register_external_ref")),
    )
    with op.batch_alter_table("risk_register", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_register_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_risk_register_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "risk_mitigations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risk_register.id"],
            name=op.f("fk_risk_mitigations_risk_id_risk_register"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_mitigations")),
    )
    with op.batch_alter_table("risk_mitigations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_mitigations_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risk_register.id"],
            name=op.f("fk_risk_status_changes_risk_id_risk_register"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_status_changes")),
    )
    with op.batch_alter_table("risk_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_status_changes_risk_id"), ["risk_id"], unique=False
        )

    op.create_table(
        "risk_contingency_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product_family", sa.String(length=80), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("alternate_site_id", sa.Integer(), nullable=False),
        sa.Column("safety_stock", sa.Integer(), nullable=False),
        sa.Column("drill_every_days", sa.Integer(), nullable=False),
        sa.Column("last_drill_on", sa.Date(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_risk_contingency_plans_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_contingency_plans_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_sites.id"],
            name=op.f("fk_risk_contingency_plans_site_id_partner_sites"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["alternate_site_id"],
            ["partner_sites.id"],
            name=op.f("fk_risk_contingency_plans_alternate_site_id_partner_sites"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_contingency_plans")),
    )
    with op.batch_alter_table("risk_contingency_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_contingency_plans_unit_id"), ["unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_contingency_plans_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("risk_contingency_plans")
    op.drop_table("risk_status_changes")
    op.drop_table("risk_mitigations")
    op.drop_table("risk_register")
