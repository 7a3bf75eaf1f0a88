"""risk: time to recover per site, contingency switch-over steps, plan activations and tasks

Revision ID: 0029_risk_activation
Revises: 0025_risk_transitions
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0029_risk_activation"
down_revision: str | Sequence[str] | None = "0025_risk_transitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_site_recovery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("ttr_weeks", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_site_recovery_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_sites.id"],
            name=op.f("fk_risk_site_recovery_site_id_partner_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_site_recovery")),
        sa.UniqueConstraint("site_id", name=op.f("uq_risk_site_recovery_site_id")),
    )
    op.create_index(
        op.f("ix_risk_site_recovery_partner_id"), "risk_site_recovery", ["partner_id"], unique=False
    )
    op.create_table(
        "risk_contingency_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("planned_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_contingency_steps_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["risk_contingency_plans.id"],
            name=op.f("fk_risk_contingency_steps_plan_id_risk_contingency_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_contingency_steps")),
    )
    op.create_index(
        op.f("ix_risk_contingency_steps_partner_id"),
        "risk_contingency_steps",
        ["partner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_risk_contingency_steps_plan_id"),
        "risk_contingency_steps",
        ["plan_id"],
        unique=False,
    )
    op.create_table(
        "risk_plan_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("base_scenario_id", sa.Integer(), nullable=True),
        sa.Column("what_if_scenario_id", sa.Integer(), nullable=True),
        sa.Column("sites_out", sa.JSON(), nullable=False),
        sa.Column("activated_on", sa.Date(), nullable=False),
        sa.Column("activated_by", sa.String(length=254), nullable=False),
        sa.Column("at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["risk_contingency_plans.id"],
            name=op.f("fk_risk_plan_activations_plan_id_risk_contingency_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_plan_activations")),
    )
    op.create_index(
        op.f("ix_risk_plan_activations_plan_id"), "risk_plan_activations", ["plan_id"], unique=False
    )
    op.create_table(
        "risk_contingency_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activation_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(
            ["activation_id"],
            ["risk_plan_activations.id"],
            name=op.f("fk_risk_contingency_tasks_activation_id_risk_plan_activations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_risk_contingency_tasks_partner_id_partners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["risk_contingency_steps.id"],
            name=op.f("fk_risk_contingency_tasks_step_id_risk_contingency_steps"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_contingency_tasks")),
    )
    op.create_index(
        op.f("ix_risk_contingency_tasks_activation_id"),
        "risk_contingency_tasks",
        ["activation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_risk_contingency_tasks_partner_id"),
        "risk_contingency_tasks",
        ["partner_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("risk_contingency_tasks")
    op.drop_table("risk_plan_activations")
    op.drop_table("risk_contingency_steps")
    op.drop_table("risk_site_recovery")
