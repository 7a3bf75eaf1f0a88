"""risk: a drill's actual time per switch-over step, against the planned days; a transition
step's title template and parameters (shown in the reader's language); a risk's lane

Revision ID: 0038_risk_drill_steps
Revises: 0035_risk_forms
Create Date: 2026-12-04 05:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038_risk_drill_steps"
down_revision: str | Sequence[str] | None = "0035_risk_forms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_drill_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("planned_days", sa.Integer(), nullable=False),
        sa.Column("actual_days", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drill_id"],
            ["risk_contingency_drills.id"],
            name=op.f("fk_risk_drill_steps_drill_id_risk_contingency_drills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["risk_contingency_steps.id"],
            name=op.f("fk_risk_drill_steps_step_id_risk_contingency_steps"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_drill_steps")),
    )
    op.create_index(
        op.f("ix_risk_drill_steps_drill_id"), "risk_drill_steps", ["drill_id"], unique=False
    )
    op.add_column("risk_transition_steps", sa.Column("title_params", sa.JSON(), nullable=True))
    # logistics' lane id without a foreign key: risk's branch does not depend on logistics'
    op.add_column("risk_register", sa.Column("lane_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_register") as batch:
        batch.drop_column("lane_id")
    with op.batch_alter_table("risk_transition_steps") as batch:
        batch.drop_column("title_params")
    op.drop_index(op.f("ix_risk_drill_steps_drill_id"), table_name="risk_drill_steps")
    op.drop_table("risk_drill_steps")
