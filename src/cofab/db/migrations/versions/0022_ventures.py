"""ventures: joint ventures (parents, capital calls, reserved matters, offtake, board
resolutions) and alliances (parties, goals, co-investments, cost keys, sharing entries)

Revision ID: 0022_ventures
Revises: 0011_units
Create Date: 2026-12-03 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0022_ventures"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("ventures",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vnt_alliances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_vnt_alliances_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_alliances")),
    )
    with op.batch_alter_table("vnt_alliances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vnt_alliances_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "vnt_ventures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("formed_on", sa.Date(), nullable=True),
        sa.Column("quorum_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("quorum_basis", sa.String(length=8), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_vnt_ventures_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_vnt_ventures_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_ventures")),
    )
    with op.batch_alter_table("vnt_ventures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_ventures_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vnt_ventures_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "vnt_alliance_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["vnt_alliances.id"],
            name=op.f("fk_vnt_alliance_parties_alliance_id_vnt_alliances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_vnt_alliance_parties_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_alliance_parties")),
    )
    with op.batch_alter_table("vnt_alliance_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_alliance_parties_alliance_id"), ["alliance_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vnt_alliance_parties_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "vnt_coinvestments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("budget", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["vnt_alliances.id"],
            name=op.f("fk_vnt_coinvestments_alliance_id_vnt_alliances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_coinvestments")),
    )
    with op.batch_alter_table("vnt_coinvestments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_coinvestments_alliance_id"), ["alliance_id"], unique=False
        )

    op.create_table(
        "vnt_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kpi", sa.String(length=200), nullable=False),
        sa.Column("uom", sa.String(length=20), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("actual", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["vnt_alliances.id"],
            name=op.f("fk_vnt_goals_alliance_id_vnt_alliances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_goals")),
    )
    with op.batch_alter_table("vnt_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vnt_goals_alliance_id"), ["alliance_id"], unique=False)

    op.create_table(
        "vnt_parents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("equity_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("board_seats", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_vnt_parents_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"],
            ["vnt_ventures.id"],
            name=op.f("fk_vnt_parents_venture_id_vnt_ventures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_parents")),
    )
    with op.batch_alter_table("vnt_parents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vnt_parents_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vnt_parents_venture_id"), ["venture_id"], unique=False)

    op.create_table(
        "vnt_reserved_matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("threshold_pct", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["venture_id"],
            ["vnt_ventures.id"],
            name=op.f("fk_vnt_reserved_matters_venture_id_vnt_ventures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_reserved_matters")),
        sa.UniqueConstraint("venture_id", "code", name="uq_vnt_matter_code"),
    )
    with op.batch_alter_table("vnt_reserved_matters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_reserved_matters_venture_id"), ["venture_id"], unique=False
        )

    op.create_table(
        "vnt_capital_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("called_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["vnt_parents.id"],
            name=op.f("fk_vnt_capital_calls_parent_id_vnt_parents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"],
            ["vnt_ventures.id"],
            name=op.f("fk_vnt_capital_calls_venture_id_vnt_ventures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_capital_calls")),
    )
    with op.batch_alter_table("vnt_capital_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_capital_calls_venture_id"), ["venture_id"], unique=False
        )

    op.create_table(
        "vnt_cost_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coinvestment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("share_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["coinvestment_id"],
            ["vnt_coinvestments.id"],
            name=op.f("fk_vnt_cost_keys_coinvestment_id_vnt_coinvestments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["vnt_alliance_parties.id"],
            name=op.f("fk_vnt_cost_keys_party_id_vnt_alliance_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_cost_keys")),
        sa.UniqueConstraint("coinvestment_id", "party_id", name="uq_vnt_cost_key"),
    )
    with op.batch_alter_table("vnt_cost_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_cost_keys_coinvestment_id"), ["coinvestment_id"], unique=False
        )

    op.create_table(
        "vnt_offtake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("product_family", sa.String(length=100), nullable=False),
        sa.Column("volume", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("uom", sa.String(length=20), nullable=False),
        sa.Column("reported_actual", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["vnt_parents.id"],
            name=op.f("fk_vnt_offtake_parent_id_vnt_parents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"],
            ["vnt_ventures.id"],
            name=op.f("fk_vnt_offtake_venture_id_vnt_ventures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_offtake")),
        sa.UniqueConstraint("parent_id", "period", "product_family", name="uq_vnt_offtake"),
    )
    with op.batch_alter_table("vnt_offtake", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vnt_offtake_venture_id"), ["venture_id"], unique=False)

    op.create_table(
        "vnt_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("required_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("present_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("for_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["venture_id"],
            ["vnt_ventures.id"],
            name=op.f("fk_vnt_resolutions_venture_id_vnt_ventures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_resolutions")),
        sa.UniqueConstraint("venture_id", "number", name="uq_vnt_resolution_no"),
    )
    with op.batch_alter_table("vnt_resolutions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_resolutions_venture_id"), ["venture_id"], unique=False
        )

    op.create_table(
        "vnt_sharing_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coinvestment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["coinvestment_id"],
            ["vnt_coinvestments.id"],
            name=op.f("fk_vnt_sharing_entries_coinvestment_id_vnt_coinvestments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["vnt_alliance_parties.id"],
            name=op.f("fk_vnt_sharing_entries_party_id_vnt_alliance_parties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_sharing_entries")),
    )
    with op.batch_alter_table("vnt_sharing_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_sharing_entries_coinvestment_id"), ["coinvestment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vnt_sharing_entries_period"), ["period"], unique=False)

    op.create_table(
        "vnt_capital_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["vnt_capital_calls.id"],
            name=op.f("fk_vnt_capital_payments_call_id_vnt_capital_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_capital_payments")),
    )
    with op.batch_alter_table("vnt_capital_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_capital_payments_call_id"), ["call_id"], unique=False
        )

    op.create_table(
        "vnt_resolution_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("vote", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["vnt_parents.id"],
            name=op.f("fk_vnt_resolution_votes_parent_id_vnt_parents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["vnt_resolutions.id"],
            name=op.f("fk_vnt_resolution_votes_resolution_id_vnt_resolutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vnt_resolution_votes")),
        sa.UniqueConstraint("resolution_id", "parent_id", name="uq_vnt_vote"),
    )
    with op.batch_alter_table("vnt_resolution_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vnt_resolution_votes_resolution_id"), ["resolution_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("vnt_resolution_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_resolution_votes_resolution_id"))

    op.drop_table("vnt_resolution_votes")
    with op.batch_alter_table("vnt_capital_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_capital_payments_call_id"))

    op.drop_table("vnt_capital_payments")
    with op.batch_alter_table("vnt_sharing_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_sharing_entries_period"))
        batch_op.drop_index(batch_op.f("ix_vnt_sharing_entries_coinvestment_id"))

    op.drop_table("vnt_sharing_entries")
    with op.batch_alter_table("vnt_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_resolutions_venture_id"))

    op.drop_table("vnt_resolutions")
    with op.batch_alter_table("vnt_offtake", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_offtake_venture_id"))

    op.drop_table("vnt_offtake")
    with op.batch_alter_table("vnt_cost_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_cost_keys_coinvestment_id"))

    op.drop_table("vnt_cost_keys")
    with op.batch_alter_table("vnt_capital_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_capital_calls_venture_id"))

    op.drop_table("vnt_capital_calls")
    with op.batch_alter_table("vnt_reserved_matters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_reserved_matters_venture_id"))

    op.drop_table("vnt_reserved_matters")
    with op.batch_alter_table("vnt_parents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_parents_venture_id"))
        batch_op.drop_index(batch_op.f("ix_vnt_parents_partner_id"))

    op.drop_table("vnt_parents")
    with op.batch_alter_table("vnt_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_goals_alliance_id"))

    op.drop_table("vnt_goals")
    with op.batch_alter_table("vnt_coinvestments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_coinvestments_alliance_id"))

    op.drop_table("vnt_coinvestments")
    with op.batch_alter_table("vnt_alliance_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_alliance_parties_partner_id"))
        batch_op.drop_index(batch_op.f("ix_vnt_alliance_parties_alliance_id"))

    op.drop_table("vnt_alliance_parties")
    with op.batch_alter_table("vnt_ventures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_ventures_unit_id"))
        batch_op.drop_index(batch_op.f("ix_vnt_ventures_partner_id"))

    op.drop_table("vnt_ventures")
    with op.batch_alter_table("vnt_alliances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vnt_alliances_unit_id"))

    op.drop_table("vnt_alliances")
