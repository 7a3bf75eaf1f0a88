"""forecast: a publication counts its own lines per period; the insert trigger steps aside

Revision ID: 0042_forecast_counted
Revises: 0040_forecast_latest
Create Date: 2026-12-04 12:00:00

0040's insert trigger aggregated every statement's new fc_lines rows into fc_line_periods. For
a publication (100,000s of lines in one statement) that second pass over the rows cost about a
fifth of the publication, while the publishing statement already groups the same flows per
partner, family and period. The publication now writes its counts itself and says so for the
duration of its statement (``SET LOCAL cofab.fc_lines_counted = 'on'``); the trigger skips a
statement that did, and still counts any other writer's lines. PostgreSQL only (SQLite has no
such trigger).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0042_forecast_counted"
down_revision: str | Sequence[str] | None = "0040_forecast_latest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SKIP = "  IF current_setting('cofab.fc_lines_counted', true) = 'on' THEN RETURN NULL; END IF;"
ADDED = """
CREATE OR REPLACE FUNCTION fc_line_periods_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{skip}
  INSERT INTO fc_line_periods (publication_id, period, period_end, partner_id, release, lines)
  SELECT publication_id, period, period_end, min(partner_id), min(release), count(*)
  FROM added_lines GROUP BY publication_id, period, period_end
  ON CONFLICT (publication_id, period, period_end)
  DO UPDATE SET lines = fc_line_periods.lines + EXCLUDED.lines;
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ADDED.format(skip=SKIP))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ADDED.format(skip=""))
