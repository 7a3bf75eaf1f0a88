"""governance: committees, members, meetings, agenda, attendance, decisions, action items;
every performance review copied into a meeting of kind performance_review

Each ``perf_reviews`` row becomes one meeting (``review_id`` links it; title, date, partner and
unit kept), its ``decisions`` list becomes numbered decisions (1, 2, … in list order, effective
on the review's date), and each ``perf_action_items`` row an action item with its side, owner
name, due date, status and note (``source_action_item_id`` links it). The review tables stay as
they are: nothing is moved, only mirrored.

Revision ID: 0018_governance
Revises: 0011_units (units on owner records) and 0007_operations_line_totals (the head of the
operations branch, whose 0003 created perf_reviews and perf_action_items)
Create Date: 2026-12-03 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0018_governance"
down_revision: str | Sequence[str] | None = ("0011_units", "0007_operations_line_totals")
branch_labels: str | Sequence[str] | None = ("governance",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    _copy_reviews()


def _create_tables() -> None:
    op.create_table(
        "gov_committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("charter", sa.Text(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_committees_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_gov_committees_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_committees")),
    )
    op.create_index(
        op.f("ix_gov_committees_partner_id"), "gov_committees", ["partner_id"], unique=False
    )
    op.create_index(op.f("ix_gov_committees_unit_id"), "gov_committees", ["unit_id"], unique=False)
    op.create_table(
        "gov_committee_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["gov_committees.id"],
            name=op.f("fk_gov_committee_members_committee_id_gov_committees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["partner_contacts.id"],
            name=op.f("fk_gov_committee_members_contact_id_partner_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_committee_members_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gov_committee_members_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_committee_members")),
    )
    op.create_index(
        op.f("ix_gov_committee_members_committee_id"),
        "gov_committee_members",
        ["committee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_gov_committee_members_partner_id"),
        "gov_committee_members",
        ["partner_id"],
        unique=False,
    )
    op.create_table(
        "gov_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("ends_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("minutes_ko", sa.Text(), nullable=False),
        sa.Column("minutes_en", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["gov_committees.id"],
            name=op.f("fk_gov_meetings_committee_id_gov_committees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_meetings_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["perf_reviews.id"],
            name=op.f("fk_gov_meetings_review_id_perf_reviews"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_gov_meetings_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_meetings")),
        sa.UniqueConstraint("review_id", name=op.f("uq_gov_meetings_review_id")),
    )
    op.create_index(
        op.f("ix_gov_meetings_committee_id"), "gov_meetings", ["committee_id"], unique=False
    )
    op.create_index(
        op.f("ix_gov_meetings_partner_id"), "gov_meetings", ["partner_id"], unique=False
    )
    op.create_index(op.f("ix_gov_meetings_starts_at"), "gov_meetings", ["starts_at"], unique=False)
    op.create_index(op.f("ix_gov_meetings_unit_id"), "gov_meetings", ["unit_id"], unique=False)
    op.create_table(
        "gov_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["gov_meetings.id"],
            name=op.f("fk_gov_attendance_meeting_id_gov_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_attendance_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gov_attendance_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_attendance")),
        sa.UniqueConstraint("meeting_id", "name", name="uq_gov_attendance_name"),
    )
    op.create_index(
        op.f("ix_gov_attendance_meeting_id"), "gov_attendance", ["meeting_id"], unique=False
    )
    op.create_table(
        "gov_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["gov_meetings.id"],
            name=op.f("fk_gov_decisions_meeting_id_gov_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_decisions_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_decisions")),
        sa.UniqueConstraint("meeting_id", "number", name="uq_gov_decisions_number"),
    )
    op.create_index(
        op.f("ix_gov_decisions_meeting_id"), "gov_decisions", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_gov_decisions_partner_id"), "gov_decisions", ["partner_id"], unique=False
    )
    op.create_table(
        "gov_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_by", sa.String(length=254), nullable=True),
        sa.Column("done_at", cofab.db.base.UTCDateTime(), nullable=True),
        sa.Column("source_action_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["gov_decisions.id"],
            name=op.f("fk_gov_action_items_decision_id_gov_decisions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["gov_meetings.id"],
            name=op.f("fk_gov_action_items_meeting_id_gov_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["users.id"],
            name=op.f("fk_gov_action_items_owner_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_action_items_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_action_item_id"],
            ["perf_action_items.id"],
            name=op.f("fk_gov_action_items_source_action_item_id_perf_action_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_action_items")),
        sa.UniqueConstraint(
            "source_action_item_id", name=op.f("uq_gov_action_items_source_action_item_id")
        ),
    )
    op.create_index(
        op.f("ix_gov_action_items_due_date"), "gov_action_items", ["due_date"], unique=False
    )
    op.create_index(
        op.f("ix_gov_action_items_meeting_id"), "gov_action_items", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_gov_action_items_owner_user_id"),
        "gov_action_items",
        ["owner_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_gov_action_items_partner_id"), "gov_action_items", ["partner_id"], unique=False
    )
    op.create_table(
        "gov_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("owner_side", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("vault_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["gov_meetings.id"],
            name=op.f("fk_gov_agenda_items_meeting_id_gov_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_agenda_items_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vault_document_id"],
            ["vault_documents.id"],
            name=op.f("fk_gov_agenda_items_vault_document_id_vault_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_agenda_items")),
    )
    op.create_index(
        op.f("ix_gov_agenda_items_meeting_id"), "gov_agenda_items", ["meeting_id"], unique=False
    )


REVIEWS = sa.table(
    "perf_reviews",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("partner_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("held_on", sa.Date),
    sa.column("decisions", sa.JSON),
    sa.column("created_by", sa.String),
    sa.column("created_at", cofab.db.base.UTCDateTime()),
)
REVIEW_ITEMS = sa.table(
    "perf_action_items",
    sa.column("id", sa.Integer),
    sa.column("partner_id", sa.Integer),
    sa.column("review_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("owner_side", sa.String),
    sa.column("owner_name", sa.String),
    sa.column("due_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("note", sa.Text),
    sa.column("created_at", cofab.db.base.UTCDateTime()),
    sa.column("updated_at", cofab.db.base.UTCDateTime()),
)
MEETINGS = sa.table(
    "gov_meetings",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("partner_id", sa.Integer),
    sa.column("review_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("title", sa.String),
    sa.column("starts_at", cofab.db.base.UTCDateTime()),
    sa.column("ends_at", cofab.db.base.UTCDateTime()),
    sa.column("timezone", sa.String),
    sa.column("location", sa.String),
    sa.column("status", sa.String),
    sa.column("minutes_ko", sa.Text),
    sa.column("minutes_en", sa.Text),
    sa.column("created_by", sa.String),
    sa.column("created_at", cofab.db.base.UTCDateTime()),
    sa.column("updated_at", cofab.db.base.UTCDateTime()),
)
DECISIONS = sa.table(
    "gov_decisions",
    sa.column("meeting_id", sa.Integer),
    sa.column("partner_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("text", sa.Text),
    sa.column("owner_name", sa.String),
    sa.column("effective_on", sa.Date),
    sa.column("created_by", sa.String),
    sa.column("created_at", cofab.db.base.UTCDateTime()),
    sa.column("updated_at", cofab.db.base.UTCDateTime()),
)
ITEMS = sa.table(
    "gov_action_items",
    sa.column("meeting_id", sa.Integer),
    sa.column("partner_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("side", sa.String),
    sa.column("owner_name", sa.String),
    sa.column("due_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("note", sa.Text),
    sa.column("done_at", cofab.db.base.UTCDateTime()),
    sa.column("source_action_item_id", sa.Integer),
    sa.column("created_at", cofab.db.base.UTCDateTime()),
    sa.column("updated_at", cofab.db.base.UTCDateTime()),
)


def _review_start(held_on: date) -> datetime:
    """A review kept a date, not a time: the meeting starts at 00:00 UTC that day, so the date
    reads the same in the meeting's own time zone (UTC)."""
    return datetime.combine(held_on, time(0, 0), tzinfo=UTC)


def _copy_reviews() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    reviews = bind.execute(sa.select(REVIEWS).order_by(REVIEWS.c.id)).mappings().all()
    for review in reviews:
        start = _review_start(review["held_on"])
        created = review["created_at"] or now
        meeting_id = bind.execute(
            MEETINGS.insert()
            .values(
                unit_id=review["unit_id"],
                partner_id=review["partner_id"],
                review_id=review["id"],
                kind="performance_review",
                title=review["title"],
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                timezone="UTC",
                location="",
                status="held" if review["held_on"] <= now.date() else "scheduled",
                minutes_ko="",
                minutes_en="",
                created_by=review["created_by"] or "",
                created_at=created,
                updated_at=created,
            )
            .returning(MEETINGS.c.id)
        ).scalar_one()
        decisions: list[Any] = review["decisions"] or []
        for number, text in enumerate(decisions, start=1):
            bind.execute(
                DECISIONS.insert().values(
                    meeting_id=meeting_id,
                    partner_id=review["partner_id"],
                    number=number,
                    kind="decision",
                    text=str(text),
                    owner_name="",
                    effective_on=review["held_on"],
                    created_by=review["created_by"] or "",
                    created_at=created,
                    updated_at=created,
                )
            )
        items = bind.execute(
            sa.select(REVIEW_ITEMS)
            .where(REVIEW_ITEMS.c.review_id == review["id"])
            .order_by(REVIEW_ITEMS.c.id)
        ).mappings()
        for item in items:
            bind.execute(
                ITEMS.insert().values(
                    meeting_id=meeting_id,
                    partner_id=item["partner_id"],
                    title=item["title"],
                    side=item["owner_side"],
                    owner_name=item["owner_name"] or "",
                    due_date=item["due_date"],
                    status=item["status"],
                    note=item["note"] or "",
                    done_at=item["updated_at"] if item["status"] == "done" else None,
                    source_action_item_id=item["id"],
                    created_at=item["created_at"] or now,
                    updated_at=item["updated_at"] or now,
                )
            )


def downgrade() -> None:
    for name in (
        "gov_agenda_items",
        "gov_action_items",
        "gov_decisions",
        "gov_attendance",
        "gov_meetings",
        "gov_committee_members",
        "gov_committees",
    ):
        op.drop_table(name)
