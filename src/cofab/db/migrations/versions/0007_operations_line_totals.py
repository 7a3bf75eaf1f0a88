"""operations: receipt totals on each order line, contract price on receipts, KPI indexes

Revision ID: 0007_operations_line_totals
Revises: 0003_operations
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_operations_line_totals"
down_revision: str | Sequence[str] | None = "0003_operations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QTY = sa.Numeric(18, 3)
LINE_INDEXES = {
    "ix_ops_order_lines_due_kpi": [
        "promised_date",
        "partner_id",
        "ack_status",
        "promised_qty",
        "completed_on",
        "filled_on",
        "last_received_on",
        "accepted_total",
        "site_id",
        "product_family",
        "id",
    ],
    "ix_ops_order_lines_ordered_kpi": [
        "order_date",
        "partner_id",
        "ack_status",
        "created_at",
        "acknowledged_at",
        "site_id",
        "product_family",
    ],
    "ix_ops_order_lines_completed_kpi": [
        "completed_on",
        "partner_id",
        "ack_status",
        "order_date",
        "site_id",
        "product_family",
    ],
}
RECEIPT_INDEX = [
    "received_date",
    "partner_id",
    "currency",
    "received_qty",
    "rejected_qty",
    "landed_unit_cost",
    "contract_unit_price",
]

# Plain correlated SQL that SQLite and PostgreSQL both run, so the backfill does not depend on
# today's models; the running total orders receipts by (date, id) like the KPI queries do.
_REACHED = """(SELECT MIN(r.received_date) FROM ops_receipts r
  WHERE r.line_id = ops_order_lines.id
    AND (SELECT SUM(r2.{column}) FROM ops_receipts r2
         WHERE r2.line_id = r.line_id
           AND (r2.received_date < r.received_date
                OR (r2.received_date = r.received_date AND r2.id <= r.id)))
        >= ops_order_lines.promised_qty)"""
_BACKFILL = f"""UPDATE ops_order_lines SET
  received_total = COALESCE((SELECT SUM(received_qty) FROM ops_receipts r
                             WHERE r.line_id = ops_order_lines.id), 0),
  accepted_total = COALESCE((SELECT SUM(accepted_qty) FROM ops_receipts r
                             WHERE r.line_id = ops_order_lines.id), 0),
  last_received_on = (SELECT MAX(received_date) FROM ops_receipts r
                      WHERE r.line_id = ops_order_lines.id),
  completed_on = {_REACHED.format(column="received_qty")},
  filled_on = {_REACHED.format(column="accepted_qty")}
WHERE EXISTS (SELECT 1 FROM ops_receipts r WHERE r.line_id = ops_order_lines.id)"""


def upgrade() -> None:
    with op.batch_alter_table("ops_order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_total", QTY, server_default="0", nullable=False))
        batch_op.add_column(sa.Column("accepted_total", QTY, server_default="0", nullable=False))
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("filled_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_received_on", sa.Date(), nullable=True))
        for name, columns in LINE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("ops_receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_unit_price", sa.Numeric(18, 4), nullable=True))
        batch_op.create_index("ix_ops_receipts_period_kpi", RECEIPT_INDEX, unique=False)
    op.execute(_BACKFILL)
    op.execute(
        "UPDATE ops_receipts SET contract_unit_price = (SELECT l.unit_price FROM ops_order_lines l"
        " WHERE l.id = ops_receipts.line_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("ops_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_receipts_period_kpi")
        batch_op.drop_column("contract_unit_price")
    with op.batch_alter_table("ops_order_lines", schema=None) as batch_op:
        for name in LINE_INDEXES:
            batch_op.drop_index(name)
        for column in (
            "last_received_on",
            "filled_on",
            "completed_on",
            "accepted_total",
            "received_total",
        ):
            batch_op.drop_column(column)
