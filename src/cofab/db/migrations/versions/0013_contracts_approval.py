"""contracts: who a partner approval recorded by an owner user was given on behalf of

Revision ID: 0013_contracts_approval
Revises: 0011_units
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_contracts_approval"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("contracts_approval",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract_events", schema=None) as batch_op:
        batch_op.drop_column("on_behalf_of")
