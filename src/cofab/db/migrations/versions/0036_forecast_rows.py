"""forecast rows: a plan's flows and capacity-pool use as rows (plan_flows, plan_pool_use);
forecast lines without the foreign key on order_line_id

Revision ID: 0036_forecast_rows
Revises: 0034_forecast_speed
Create Date: 2026-12-04 06:00:00

Forecast publication read a plan's 100,000s of flows by parsing the stored plan document inside
PostgreSQL on every publication, which alone cost about as much as writing the lines. The plan's
flows (summed per site, product and period over markets, each flow to the thousandth with ties
to even) and its pool use are now rows written with the plan. Plans stored before are copied
into rows here, the same way. The tables are planning's (``planning.models``), made here on
forecast's chain because forecast is their reader and this revision changes its lines too.

The foreign key of ``fc_lines.order_line_id`` queued a check for every line a publication wrote
(a tenth of the statement's time), while only conversion sets the column, to an order line it
has just created for the same partner; order lines are deleted only with their partner, whose
publications' lines go with them (0034's trigger). The one-order-line-per-line index stays.

On PostgreSQL the lines' index (partner_id, publication_id) becomes a block-range index: a
publication writes its lines in partner order, so a partner's lines of one publication sit in a
few pages, and a btree entry per line cost more than writing the line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from cofab.db.migrations.ddl import fk, pk

revision: str = "0036_forecast_rows"
down_revision: str | Sequence[str] | None = "0034_forecast_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THOUSANDTH = Decimal("0.001")


def _thousandths(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(THOUSANDTH)


def _loaded(doc: Any) -> Any:
    return json.loads(doc) if isinstance(doc, str) else doc


def _rows(table: str, scenario_id: int, doc: Any, inputs: Any) -> list[dict[str, Any]]:
    doc, inputs = _loaded(doc), _loaded(inputs)
    if not isinstance(doc, dict):
        return []
    products = inputs.get("products") or [] if isinstance(inputs, dict) else []
    family = {str(p["id"]): str(p["family"]) for p in products if "family" in p}
    if table == "plan_pool_use":
        return [
            {
                "scenario_id": scenario_id,
                "site": str(r["site"]),
                "family": None if r.get("family") is None else str(r["family"]),
                "period": str(r["period"]),
                "used": _thousandths(r.get("used")),
            }
            for r in doc.get("pool_utilisation") or []
        ]
    flows: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for f in doc.get("flows") or []:
        flows[(str(f["site"]), str(f["product"]), str(f["period"]))] += _thousandths(f.get("qty"))
    names = ("scenario_id", "n", "site", "product", "period", "family", "qty")
    return [
        dict(zip(names, (scenario_id, n, *key, family.get(key[1]), qty), strict=True))
        for n, (key, qty) in enumerate(flows.items(), start=1)
    ]


@contextmanager
def _fc_lines_batch() -> Iterator[Any]:
    """SQLite rebuilds fc_lines under a temporary name; 0034's trigger on fc_publications names
    fc_lines, and SQLite's checked rename refuses a trigger naming a missing table, so the
    rename runs unchecked (the table has its name back when the batch ends)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table("fc_lines", schema=None) as batch_op:
        yield batch_op
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = OFF")


def upgrade() -> None:
    flows = op.create_table(
        "plan_flows",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=True),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        fk("plan_flows", "scenario_id", "plan_scenarios.id", "CASCADE"),
        sa.PrimaryKeyConstraint("scenario_id", "n", name=op.f("pk_plan_flows")),
    )
    pools = op.create_table(
        "plan_pool_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=True),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("used", sa.Numeric(precision=18, scale=3), nullable=False),
        fk("plan_pool_use", "scenario_id", "plan_scenarios.id", "CASCADE"),
        pk("plan_pool_use"),
    )
    op.create_index(op.f("ix_plan_pool_use_scenario_id"), "plan_pool_use", ["scenario_id"])
    bind = op.get_bind()
    stored = bind.execute(
        sa.text("SELECT id FROM plan_scenarios WHERE result_doc IS NOT NULL ORDER BY id")
    ).scalars()
    for scenario_id in list(stored):
        doc, inputs = bind.execute(
            sa.text("SELECT result_doc, input_doc FROM plan_scenarios WHERE id = :id"),
            {"id": scenario_id},
        ).one()
        for table in (flows, pools):
            rows = _rows(table.name, scenario_id, doc, inputs)
            if rows:
                op.bulk_insert(table, rows)
    with _fc_lines_batch() as batch_op:
        batch_op.drop_constraint("fk_fc_lines_order_line_id_ops_order_lines", type_="foreignkey")
    if bind.dialect.name == "postgresql":
        op.drop_index("ix_fc_lines_partner_pub", table_name="fc_lines")
        op.create_index(
            "ix_fc_lines_partner_pub",
            "fc_lines",
            ["partner_id", "publication_id"],
            postgresql_using="brin",
            postgresql_with={"pages_per_range": 16},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_fc_lines_partner_pub", table_name="fc_lines")
        op.create_index("ix_fc_lines_partner_pub", "fc_lines", ["partner_id", "publication_id"])
    with _fc_lines_batch() as batch_op:
        batch_op.create_foreign_key(
            "fk_fc_lines_order_line_id_ops_order_lines",
            "ops_order_lines",
            ["order_line_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.drop_index(op.f("ix_plan_pool_use_scenario_id"), table_name="plan_pool_use")
    op.drop_table("plan_pool_use")
    op.drop_table("plan_flows")
