"""planning: scenarios (input document, latest plan, simulation, what-if lineage)

Revision ID: 0005_planning
Revises: 0001_foundation
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0005_planning"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("planning",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("what_if", sa.JSON(), nullable=True),
        sa.Column("input_doc", sa.JSON(), nullable=False),
        sa.Column("site_partners", sa.JSON(), nullable=False),
        sa.Column("result_doc", sa.JSON(), nullable=True),
        sa.Column("simulation_doc", sa.JSON(), nullable=True),
        sa.Column("plan_status", sa.String(length=16), nullable=True),
        sa.Column("solve_job_id", sa.Integer(), nullable=True),
        sa.Column("simulate_job_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_plan_scenarios_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["plan_scenarios.id"],
            name=op.f("fk_plan_scenarios_parent_id_plan_scenarios"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_scenarios")),
    )
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_scenarios_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_scenarios_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_scenarios_state"))
        batch_op.drop_index(batch_op.f("ix_plan_scenarios_parent_id"))
    op.drop_table("plan_scenarios")
