"""units: owner business units, memberships, partner relationships, unit_id on owner records

Existing owner users get ``all_units = true`` (they keep seeing everything); existing records
keep ``unit_id`` NULL (group level) until an admin files them under a unit.

Revision ID: 0011_units
Revises: the heads of partners/accounts, contracts+vault, operations, selection, planning
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0011_units"
down_revision: str | Sequence[str] | None = (
    "0009_accounts_session_epoch",
    "0008_vault_versions_issued",
    "0007_operations_line_totals",
    "0004_selection",
    "0006_planning_summary",
)
branch_labels: str | Sequence[str] | None = ("units",)
depends_on: str | Sequence[str] | None = None

UNIT_TABLES = (
    "contracts",
    "ops_orders",
    "ops_tickets",
    "perf_scorecards",
    "perf_reviews",
    "sel_evaluations",
    "plan_scenarios",
    "vault_documents",
)


def upgrade() -> None:
    op.create_table(
        "business_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_ko", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_units")),
        sa.UniqueConstraint("code", name=op.f("uq_business_units_code")),
    )
    op.create_table(
        "unit_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_unit_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_unit_memberships_unit_id_business_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_memberships")),
        sa.UniqueConstraint("user_id", "unit_id", name="uq_unit_membership"),
    )
    op.create_index(op.f("ix_unit_memberships_user_id"), "unit_memberships", ["user_id"])
    op.create_index(op.f("ix_unit_memberships_unit_id"), "unit_memberships", ["unit_id"])
    op.create_table(
        "partner_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("since", cofab.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_units_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_partner_units_unit_id_business_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_units")),
        sa.UniqueConstraint("partner_id", "unit_id", name="uq_partner_unit"),
    )
    op.create_index(op.f("ix_partner_units_partner_id"), "partner_units", ["partner_id"])
    op.create_index(op.f("ix_partner_units_unit_id"), "partner_units", ["unit_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("all_units", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    for table in UNIT_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_unit_id"), ["unit_id"])
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_unit_id_business_units"),
                "business_units",
                ["unit_id"],
                ["id"],
                ondelete="RESTRICT",
            )


def downgrade() -> None:
    for table in UNIT_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_unit_id_business_units"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_unit_id"))
            batch_op.drop_column("unit_id")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("all_units")
    op.drop_table("partner_units")
    op.drop_table("unit_memberships")
    op.drop_table("business_units")
