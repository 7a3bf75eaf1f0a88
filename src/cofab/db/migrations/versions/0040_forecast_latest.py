"""forecast: lines per publication and period (fc_line_periods), kept by triggers on PostgreSQL

Revision ID: 0040_forecast_latest
Revises: 0036_forecast_rows
Create Date: 2026-12-04 07:00:00

Forecast accuracy compares each partner's *latest* release that has lines in a period with what
was ordered. Finding that release from the lines read and hashed all 2,704,000 of them at the
benchmark's size, a second full pass before the one that sums the latest lines (about 40 % of
the query). On PostgreSQL three statement-level triggers keep, per publication, period and
period end, how many lines it has there: one aggregate over each statement's new, changed or
deleted rows, so any writer (a publication, an accepted counter-proposal that moves a line to
another period, a deleted publication or partner through 0034's trigger) keeps it exact, and
a publication's 100,000 lines add one small grouped insert. Accuracy then finds the latest
releases in these 100,000s of rows. SQLite keeps the table empty and accuracy reads the lines
there (no statement-level triggers; a trigger per line would slow every publication).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040_forecast_latest"
down_revision: str | Sequence[str] | None = "0036_forecast_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "publication_id, period, period_end"


def _grouped(rows: str) -> str:
    return (
        f"SELECT {KEY}, min(partner_id) AS partner_id, min(release) AS release, "
        f"count(*) AS lines FROM {rows} GROUP BY {KEY}"
    )


ADD = f"""
  INSERT INTO fc_line_periods ({KEY}, partner_id, release, lines) {_grouped("added_lines")}
  ON CONFLICT ({KEY}) DO UPDATE SET lines = fc_line_periods.lines + EXCLUDED.lines;"""
REMOVE = f"""
  UPDATE fc_line_periods AS t SET lines = t.lines - g.lines
  FROM ({_grouped("removed_lines")}) AS g
  WHERE t.publication_id = g.publication_id AND t.period = g.period
    AND t.period_end = g.period_end;
  DELETE FROM fc_line_periods WHERE lines <= 0;"""
# an update moves counts only when a line's key changed (most answer or convert a line in place)
MOVED = """
  SELECT 1 FROM removed_lines AS o JOIN added_lines AS n ON n.id = o.id
  WHERE (o.publication_id, o.partner_id, o.release, o.period, o.period_end)
    IS DISTINCT FROM (n.publication_id, n.partner_id, n.release, n.period, n.period_end)"""
PG_UPGRADE = f"""
CREATE FUNCTION fc_line_periods_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {ADD}
  RETURN NULL;
END $$;
CREATE FUNCTION fc_line_periods_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {REMOVE}
  RETURN NULL;
END $$;
CREATE FUNCTION fc_line_periods_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS ({MOVED}) THEN {ADD} {REMOVE}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fc_lines_periods_insert AFTER INSERT ON fc_lines
  REFERENCING NEW TABLE AS added_lines
  FOR EACH STATEMENT EXECUTE FUNCTION fc_line_periods_added();
CREATE TRIGGER fc_lines_periods_delete AFTER DELETE ON fc_lines
  REFERENCING OLD TABLE AS removed_lines
  FOR EACH STATEMENT EXECUTE FUNCTION fc_line_periods_removed();
CREATE TRIGGER fc_lines_periods_update AFTER UPDATE ON fc_lines
  REFERENCING OLD TABLE AS removed_lines NEW TABLE AS added_lines
  FOR EACH STATEMENT EXECUTE FUNCTION fc_line_periods_changed();
INSERT INTO fc_line_periods ({KEY}, partner_id, release, lines) {_grouped("fc_lines")};
"""
PG_DOWNGRADE = """
DROP TRIGGER fc_lines_periods_insert ON fc_lines;
DROP TRIGGER fc_lines_periods_delete ON fc_lines;
DROP TRIGGER fc_lines_periods_update ON fc_lines;
DROP FUNCTION fc_line_periods_added();
DROP FUNCTION fc_line_periods_removed();
DROP FUNCTION fc_line_periods_changed();
"""


def upgrade() -> None:
    op.create_table(
        "fc_line_periods",
        sa.Column("publication_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("release", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "publication_id", "period", "period_end", name=op.f("pk_fc_line_periods")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DOWNGRADE)
    op.drop_table("fc_line_periods")
