"""risk: a contingency plan's communication list and scheduled drill; the drills held

Revision ID: 0035_risk_forms
Revises: 0029_risk_activation
Create Date: 2026-12-04 01:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0035_risk_forms"
down_revision: str | Sequence[str] | None = "0029_risk_activation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "risk_contingency_plans",
        sa.Column("communication", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column(
        "risk_contingency_plans", sa.Column("drill_scheduled_on", sa.Date(), nullable=True)
    )
    op.create_table(
        "risk_contingency_drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("gaps", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["risk_contingency_plans.id"],
            name=op.f("fk_risk_contingency_drills_plan_id_risk_contingency_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_contingency_drills")),
    )
    op.create_index(
        op.f("ix_risk_contingency_drills_plan_id"),
        "risk_contingency_drills",
        ["plan_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("risk_contingency_drills")
    with op.batch_alter_table("risk_contingency_plans") as batch:
        batch.drop_column("drill_scheduled_on")
        batch.drop_column("communication")
