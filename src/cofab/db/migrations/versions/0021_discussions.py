"""discussions: threads on partnership objects, messages, mentions, vault attachments

Revision ID: 0021_discussions
Revises: 0011_units
Create Date: 2026-12-03 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0021_discussions"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("discussions",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("subject_kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("last_message_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_discussion_threads_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_discussion_threads_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
        sa.UniqueConstraint(
            "subject_kind", "subject_id", name=op.f("uq_discussion_threads_subject_kind_subject_id")
        ),
    )
    with op.batch_alter_table("discussion_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_threads_unit_id"), ["unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_threads_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "discussion_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", cofab.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_messages_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_discussion_messages_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_messages")),
    )
    with op.batch_alter_table("discussion_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_messages_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_messages_author_user_id"), ["author_user_id"], unique=False
        )

    op.create_table(
        "discussion_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["discussion_messages.id"],
            name=op.f("fk_discussion_mentions_message_id_discussion_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_mentions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_mentions")),
        sa.UniqueConstraint(
            "message_id", "user_id", name=op.f("uq_discussion_mentions_message_id_user_id")
        ),
    )
    with op.batch_alter_table("discussion_mentions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_mentions_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_mentions_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "discussion_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["discussion_messages.id"],
            name=op.f("fk_discussion_attachments_message_id_discussion_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["vault_documents.id"],
            name=op.f("fk_discussion_attachments_document_id_vault_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_attachments")),
        sa.UniqueConstraint(
            "message_id",
            "document_id",
            name=op.f("uq_discussion_attachments_message_id_document_id"),
        ),
    )
    with op.batch_alter_table("discussion_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_attachments_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_attachments_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    for table in (
        "discussion_attachments",
        "discussion_mentions",
        "discussion_messages",
        "discussion_threads",
    ):
        op.drop_table(table)
