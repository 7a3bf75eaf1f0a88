"""risk: a contingency plan may have no drill cadence of its own (then its partner's quality
agreement gives it, ``terms.quality.drill_cadence_days``, else 180 days)

Revision ID: 0041_risk_drill_cadence
Revises: 0038_risk_drill_steps
Create Date: 2026-12-04 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041_risk_drill_cadence"
down_revision: str | Sequence[str] | None = "0038_risk_drill_steps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_contingency_plans") as batch:
        batch.alter_column("drill_every_days", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # the plans that followed an agreement keep the default they would have had before
    op.execute(
        "UPDATE risk_contingency_plans SET drill_every_days = 180 WHERE drill_every_days IS NULL"
    )
    with op.batch_alter_table("risk_contingency_plans") as batch:
        batch.alter_column("drill_every_days", existing_type=sa.Integer(), nullable=False)
