"""vault: remember the highest version number issued, so deleted numbers are never reused

Revision ID: 0008_vault_versions_issued
Revises: 0007_vault_watermark
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_vault_versions_issued"
down_revision: str | Sequence[str] | None = "0007_vault_watermark"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("versions_issued", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute("UPDATE vault_documents SET versions_issued = latest_version")


def downgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.drop_column("versions_issued")
