"""scheduling: working hours per user, site and partner contact; holidays per country

Revision ID: 0019_scheduling
Revises: 0011_units
Create Date: 2026-12-03 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0019_scheduling"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("scheduling",)
depends_on: str | Sequence[str] | None = None


def _hours_columns() -> list[sa.Column[int] | sa.Column[str]]:
    return [
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("weekday_mask", sa.Integer(), nullable=False),
        sa.Column("holiday_country", sa.String(length=2), nullable=True),
    ]


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "gov_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_holidays")),
        sa.UniqueConstraint("country", "day", name=op.f("uq_gov_holidays_country_day")),
    )
    op.create_index(op.f("ix_gov_holidays_country"), "gov_holidays", ["country"], unique=False)
    op.create_table(
        "gov_user_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_hours_columns(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gov_user_hours_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_user_hours")),
        sa.UniqueConstraint("user_id", name=op.f("uq_gov_user_hours_user_id")),
    )
    op.create_table(
        "gov_site_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        *_hours_columns(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_site_hours_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_sites.id"],
            name=op.f("fk_gov_site_hours_site_id_partner_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_site_hours")),
        sa.UniqueConstraint("site_id", name=op.f("uq_gov_site_hours_site_id")),
    )
    op.create_index(
        op.f("ix_gov_site_hours_partner_id"), "gov_site_hours", ["partner_id"], unique=False
    )
    op.create_table(
        "gov_contact_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        *_hours_columns(),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["partner_contacts.id"],
            name=op.f("fk_gov_contact_hours_contact_id_partner_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_gov_contact_hours_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_contact_hours")),
        sa.UniqueConstraint("contact_id", name=op.f("uq_gov_contact_hours_contact_id")),
    )
    op.create_index(
        op.f("ix_gov_contact_hours_partner_id"), "gov_contact_hours", ["partner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_gov_contact_hours_partner_id"), table_name="gov_contact_hours")
    op.drop_table("gov_contact_hours")
    op.drop_index(op.f("ix_gov_site_hours_partner_id"), table_name="gov_site_hours")
    op.drop_table("gov_site_hours")
    op.drop_table("gov_user_hours")
    op.drop_index(op.f("ix_gov_holidays_country"), table_name="gov_holidays")
    op.drop_table("gov_holidays")
