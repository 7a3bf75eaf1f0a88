"""planning: registry scenarios remember their request, their live inputs and their version

Revision ID: 0027_planning_live
Revises: 0006_planning_summary
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_planning_live"
down_revision: str | Sequence[str] | None = "0006_planning_summary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("registry_request", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("live_inputs", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_scenarios", schema=None) as batch_op:
        batch_op.drop_column("live_inputs")
        batch_op.drop_column("registry_request")
        batch_op.drop_column("version")
