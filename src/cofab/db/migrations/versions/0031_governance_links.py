"""governance links: a decision's owner account, the e-mail outbox's next attempt, a job's
earliest start (retries re-queued with a pause) and the daily scan/digest schedule

Revision ID: 0031_governance_links
Revises: 0018_governance, 0020_notifications, 0002_jobs
Create Date: 2026-12-03 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0031_governance_links"
# governance's chain; the outbox and the jobs table get a column each, so their branches
# (notifications, jobs) join here and continue from this revision
down_revision: str | Sequence[str] | None = ("0018_governance", "0020_notifications", "0002_jobs")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gov_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_gov_decisions_owner_user_id_users"),
            "users",
            ["owner_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("notification_emails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("run_after", cofab.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "notification_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("last_run_on", sa.Date(), nullable=True),
        sa.Column("next_job_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_schedule")),
    )


def downgrade() -> None:
    op.drop_table("notification_schedule")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("run_after")
    with op.batch_alter_table("notification_emails", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("gov_decisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_gov_decisions_owner_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("owner_user_id")
