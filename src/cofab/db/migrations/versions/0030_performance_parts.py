"""performance: scorecard templates say whom they score (manufacturing or logistics partners)

Revision ID: 0030_performance_parts
Revises: 0011_units
Create Date: 2026-12-03 21:10:00

Every template written before scored makers, so existing rows get "manufacturing".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_performance_parts"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("perf_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "applies_to",
                sa.String(length=20),
                server_default="manufacturing",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("perf_templates", schema=None) as batch_op:
        batch_op.drop_column("applies_to")
