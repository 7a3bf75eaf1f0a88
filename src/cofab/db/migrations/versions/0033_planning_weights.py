"""planning: exchange rates and freight units (unit weight, units per container) for live lanes
and prices in another currency

Revision ID: 0033_planning_weights
Revises: 0027_planning_live
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0033_planning_weights"
down_revision: str | Sequence[str] | None = "0027_planning_live"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("usd_value", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_exchange_rates")),
        sa.UniqueConstraint("currency", name=op.f("uq_plan_exchange_rates_currency")),
    )
    op.create_table(
        "plan_freight_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("unit_kg", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("units_per_container", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_freight_units")),
        sa.UniqueConstraint("product", name=op.f("uq_plan_freight_units_product")),
    )


def downgrade() -> None:
    op.drop_table("plan_freight_units")
    op.drop_table("plan_exchange_rates")
