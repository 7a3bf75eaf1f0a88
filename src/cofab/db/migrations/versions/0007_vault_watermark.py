"""vault: per-document watermark setting for PDF/PNG downloads

Revision ID: 0007_vault_watermark
Revises: 0002_vault
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_vault_watermark"
down_revision: str | Sequence[str] | None = "0002_vault"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("watermark", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.drop_column("watermark")
