"""planning: a small summary per scenario, so lists never load whole plan documents

Revision ID: 0006_planning_summary
Revises: 0005_planning
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_planning_summary"
down_revision: str | Sequence[str] | None = "0005_planning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.drop_column("summary")
