"""logistics: lanes, shipments on lanes, carrier temperature readings

Revision ID: 0016_logistics
Revises: 0011_units
Create Date: 2026-12-03 16:07:22.054480
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cofab.db.base

revision: str = "0016_logistics"
down_revision: str | Sequence[str] | None = "0011_units"
branch_labels: str | Sequence[str] | None = ("logistics",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "logistics_lanes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("origin_kind", sa.String(length=16), nullable=False),
        sa.Column("origin_site_id", sa.Integer(), nullable=True),
        sa.Column("origin_code", sa.String(length=64), nullable=True),
        sa.Column("destination_kind", sa.String(length=16), nullable=False),
        sa.Column("destination_code", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("carrier", sa.String(length=200), nullable=False),
        sa.Column("transit_days", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("rate_basis", sa.String(length=12), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("capacity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("capacity_period", sa.String(length=16), nullable=False),
        sa.Column("temp_min", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("temp_max", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["origin_site_id"],
            ["partner_sites.id"],
            name=op.f("fk_logistics_lanes_origin_site_id_partner_sites"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_logistics_lanes_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_lanes")),
        sa.UniqueConstraint("partner_id", "code", name="uq_logistics_lane_code"),
    )
    with op.batch_alter_table("logistics_lanes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_logistics_lanes_destination_code"), ["destination_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_logistics_lanes_mode"), ["mode"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_logistics_lanes_origin_site_id"), ["origin_site_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_logistics_lanes_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "logistics_temperature_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("celsius", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("posted_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_logistics_temperature_readings_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["ops_shipments.id"],
            name=op.f("fk_logistics_temperature_readings_shipment_id_ops_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_temperature_readings")),
    )
    with op.batch_alter_table("logistics_temperature_readings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_logistics_readings_shipment_at", ["shipment_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_logistics_temperature_readings_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "logistics_shipment_lanes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("lane_id", sa.Integer(), nullable=False),
        sa.Column("freight_cost", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("linked_by", sa.String(length=254), nullable=False),
        sa.Column("linked_at", cofab.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lane_id"],
            ["logistics_lanes.id"],
            name=op.f("fk_logistics_shipment_lanes_lane_id_logistics_lanes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_logistics_shipment_lanes_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["ops_shipments.id"],
            name=op.f("fk_logistics_shipment_lanes_shipment_id_ops_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_shipment_lanes")),
        sa.UniqueConstraint("shipment_id", name=op.f("uq_logistics_shipment_lanes_shipment_id")),
    )
    with op.batch_alter_table("logistics_shipment_lanes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_logistics_shipment_lanes_lane_id"), ["lane_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_logistics_shipment_lanes_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("logistics_shipment_lanes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logistics_shipment_lanes_partner_id"))
        batch_op.drop_index(batch_op.f("ix_logistics_shipment_lanes_lane_id"))

    op.drop_table("logistics_shipment_lanes")
    with op.batch_alter_table("logistics_temperature_readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logistics_temperature_readings_partner_id"))
        batch_op.drop_index("ix_logistics_readings_shipment_at")

    op.drop_table("logistics_temperature_readings")
    with op.batch_alter_table("logistics_lanes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logistics_lanes_partner_id"))
        batch_op.drop_index(batch_op.f("ix_logistics_lanes_origin_site_id"))
        batch_op.drop_index(batch_op.f("ix_logistics_lanes_mode"))
        batch_op.drop_index(batch_op.f("ix_logistics_lanes_destination_code"))

    op.drop_table("logistics_lanes")
