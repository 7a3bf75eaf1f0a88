"""plan flows carry their partner and period index and are kept in partner order, with their
totals per partner, family and period; a row trigger counts lines a publication did not count

Revision ID: 0043_plan_flow_order
Revises: 0042_forecast_counted
Create Date: 2026-12-04 14:30:00

Publication read a plan's flows, joined each to its site's partner and its period's window and
sorted the 100,000s of them by partner (so that the lines' block-range index finds one partner's
lines in a few pages): the sort and the joins cost about a third of what writing the lines
cost. A scenario's input (its periods) and its sites' partners never change once it exists, so
the plan's rows now keep both (``partner_id``, none for an own or unmatched site;
``period_index``, the period's place in the input, none for a period the input does not list)
and are written in partner order (``n`` counts in that order): publication reads them as they
lie. Rows stored before are given both here; their order stays as it was (it only makes reads
of their lines slower, never wrong).

Each publication also summed the 100,000s of flows per partner, family and period (its
reservations, and the lines it counts per period), about a tenth of its time, though a plan's
flows never change: the plan's rows now include those totals (``plan_partner_output``), written
with the flows, and plans stored before get theirs here.

0040's insert trigger kept every statement's new lines as a transition table even when the
publication had counted them (0042): PostgreSQL copies each new row into it before the trigger
can decide. A row trigger whose WHEN clause reads the same setting queues nothing for a
publication, and still counts a line any other writer adds (one upsert per line: such writers
add a few). PostgreSQL only for the trigger.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cofab.db.migrations.ddl import fk

revision: str = "0043_plan_flow_order"
down_revision: str | Sequence[str] | None = "0042_forecast_counted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_BACKFILL = """
UPDATE plan_flows AS f SET partner_id = CAST(s.site_partners ->> f.site AS integer)
FROM plan_scenarios AS s WHERE s.id = f.scenario_id;
UPDATE plan_flows AS f SET period_index = p.i - 1
FROM plan_scenarios AS s
CROSS JOIN LATERAL json_array_elements_text(
  CASE WHEN json_typeof(s.input_doc -> 'periods') = 'array' THEN s.input_doc -> 'periods'
       ELSE '[]' END
) WITH ORDINALITY AS p(label, i)
WHERE s.id = f.scenario_id AND p.label = f.period;
"""
SQLITE_BACKFILL = """
UPDATE plan_flows SET
  partner_id = (SELECT CAST(j.value AS INTEGER)
                FROM plan_scenarios AS s, json_each(s.site_partners) AS j
                WHERE s.id = plan_flows.scenario_id AND j.key = plan_flows.site),
  period_index = (SELECT min(CAST(j.key AS INTEGER))
                  FROM plan_scenarios AS s, json_each(s.input_doc, '$.periods') AS j
                  WHERE s.id = plan_flows.scenario_id AND j.type = 'text'
                    AND j.value = plan_flows.period)
"""
ROW_TRIGGER = """
CREATE FUNCTION fc_line_periods_added_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fc_line_periods (publication_id, period, period_end, partner_id, release, lines)
  VALUES (NEW.publication_id, NEW.period, NEW.period_end, NEW.partner_id, NEW.release, 1)
  ON CONFLICT (publication_id, period, period_end)
  DO UPDATE SET lines = fc_line_periods.lines + 1;
  RETURN NULL;
END $$;
DROP TRIGGER fc_lines_periods_insert ON fc_lines;
CREATE TRIGGER fc_lines_periods_insert AFTER INSERT ON fc_lines FOR EACH ROW
  WHEN (current_setting('cofab.fc_lines_counted', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION fc_line_periods_added_row();
"""
STATEMENT_TRIGGER = """
DROP TRIGGER fc_lines_periods_insert ON fc_lines;
DROP FUNCTION fc_line_periods_added_row();
CREATE TRIGGER fc_lines_periods_insert AFTER INSERT ON fc_lines
  REFERENCING NEW TABLE AS added_lines
  FOR EACH STATEMENT EXECUTE FUNCTION fc_line_periods_added();
"""


OUTPUT_BACKFILL = """
INSERT INTO plan_partner_output (scenario_id, partner_id, family, period_index, flows, qty)
SELECT scenario_id, partner_id, coalesce(family, product), period_index, count(*), sum(qty)
FROM plan_flows WHERE partner_id IS NOT NULL AND period_index IS NOT NULL
GROUP BY scenario_id, partner_id, coalesce(family, product), period_index
"""


def upgrade() -> None:
    op.add_column("plan_flows", sa.Column("partner_id", sa.Integer(), nullable=True))
    op.add_column("plan_flows", sa.Column("period_index", sa.Integer(), nullable=True))
    op.create_table(
        "plan_partner_output",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.Column("period_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("flows", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        fk("plan_partner_output", "scenario_id", "plan_scenarios.id", "CASCADE"),
        sa.PrimaryKeyConstraint(
            "scenario_id",
            "partner_id",
            "family",
            "period_index",
            name=op.f("pk_plan_partner_output"),
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_BACKFILL)
        op.execute(ROW_TRIGGER)
    else:
        op.execute(SQLITE_BACKFILL)
    op.execute(OUTPUT_BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STATEMENT_TRIGGER)
    op.drop_table("plan_partner_output")
    with op.batch_alter_table("plan_flows", schema=None) as batch_op:
        batch_op.drop_column("period_index")
        batch_op.drop_column("partner_id")
