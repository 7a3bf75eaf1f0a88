"""risk: exit transition plans and their checklist steps

Revision ID: 0025_risk_transitions
Revises: 0017_risk
Create Date: 2026-12-03 18:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cofab.db.migrations.ddl import fk, pk, timestamps

revision: str = "0025_risk_transitions"
down_revision: str | Sequence[str] | None = "0017_risk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_transition_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        *timestamps(),
        fk("risk_transition_plans", "unit_id", "business_units.id", "RESTRICT"),
        fk("risk_transition_plans", "partner_id", "partners.id", "CASCADE"),
        pk("risk_transition_plans"),
    )
    with op.batch_alter_table("risk_transition_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_transition_plans_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_transition_plans_unit_id"), ["unit_id"], unique=False
        )
    op.create_table(
        "risk_transition_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=254), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        fk("risk_transition_steps", "plan_id", "risk_transition_plans.id", "CASCADE"),
        pk("risk_transition_steps"),
    )
    with op.batch_alter_table("risk_transition_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_transition_steps_plan_id"), ["plan_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_transition_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_transition_steps_plan_id"))
    op.drop_table("risk_transition_steps")
    with op.batch_alter_table("risk_transition_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_transition_plans_unit_id"))
        batch_op.drop_index(batch_op.f("ix_risk_transition_plans_partner_id"))
    op.drop_table("risk_transition_plans")
