"""Publishing on PostgreSQL: the plan's flows become forecast lines inside the database.

A full plan (200 partners × 2,000 products × 52 weeks) has 104,000 flows. Read into Python,
summed in Decimals and sent back with COPY, they cost several times a plain COPY of the same
rows; parsed from the stored plan document inside PostgreSQL, the parse alone cost about one
such COPY. Planning keeps the plan's flows as rows (``plan_flows``: per site, product and
period, already to the thousandth as :func:`publication.quantity` rounds, summed over markets,
with the site's partner and the period's index, in partner order) and its capacity-pool use
(``plan_pool_use``), written once with the plan. One statement reads them, creates the
publications of the partners that have lines and writes their lines and their derived
reservations. Only the small maps cross the wire: the periods' dates by index, site → partner
(for capacity pools), zones. The plan's status is read from ``plan_scenarios.plan_status``
(set with the plan), so the document is not read at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from cofab.planning.models import PlanFlow, PlanPartnerOutput, PlanPoolUse

# The plan's rows carry their partner and period index and lie in partner order (migration 0043),
# so ``lines`` writes them as they are read: no join to sites or periods, no sort, and the lines'
# block-range index finds one partner's lines in a few pages. A product the plan's input does
# not list is its own family, as in the Python writer. ``groups`` are the plan's totals per
# partner, family and period (``plan_partner_output``, written with the flows): the publications
# to make (partners with lines, in partner order, as the Python writer makes them), the line
# counts, the derived reservations and ``counted`` — the lines per publication and period that
# accuracy reads (``fc_line_periods``, migration 0040) — come from their 10,000s of rows, not
# the 100,000s of lines. Reservations are written unsorted: their readers order them by family
# and period. A site-wide capacity pool has no family: the Python writer stores str(None),
# ``'None'``, and so does this one. The
# sub-statements of one WITH run on one snapshot, and nothing in fc_lines or fc_reservations
# refers back to fc_publications by a key, so they need not see each other's rows. While the
# statement runs, ``COUNTED_SETTING`` tells fc_lines' insert trigger that the writer counted its
# own lines; any other writer is still counted by the trigger.
_STATEMENT = text(
    f"""
WITH groups AS MATERIALIZED (
  SELECT partner_id, family, period_index, flows AS n, qty
  FROM {PlanPartnerOutput.__tablename__}
  WHERE scenario_id = :scenario_id
),
sites AS (
  SELECT * FROM unnest(CAST(:sites AS text[]), CAST(:site_partners AS integer[]))
    AS m(site, partner_id)
),
pools AS MATERIALIZED (
  SELECT m.partner_id, coalesce(u.family, 'None') AS family, u.period, sum(u.used) AS qty
  FROM {PlanPoolUse.__tablename__} AS u
  JOIN sites AS m ON m.site = u.site
  WHERE u.scenario_id = :scenario_id AND u.period = ANY(CAST(:labels AS text[]))
  GROUP BY m.partner_id, coalesce(u.family, 'None'), u.period
),
made AS (
  INSERT INTO fc_publications (partner_id, scenario_id, release, published_at, published_by,
                               frozen_periods, firm_periods, periods)
  SELECT z.partner_id, :scenario_id, :release, :published_at, :published_by, z.frozen, z.firm,
         CAST(:periods AS json)
  FROM unnest(CAST(:zone_partners AS integer[]), CAST(:zone_frozen AS integer[]),
              CAST(:zone_firm AS integer[])) AS z(partner_id, frozen, firm)
  WHERE z.partner_id IN (SELECT partner_id FROM groups)
  ORDER BY z.partner_id
  RETURNING id, partner_id, frozen_periods, firm_periods
),
lines AS (
  INSERT INTO fc_lines (publication_id, partner_id, release, product, family, site, period,
                        period_index, period_start, period_end, zone, planned_qty, status)
  SELECT made.id, f.partner_id, :release, f.product, coalesce(f.family, f.product), f.site,
         f.period, f.period_index, (CAST(:starts AS date[]))[f.period_index + 1],
         (CAST(:ends AS date[]))[f.period_index + 1],
         CASE WHEN f.period_index < made.frozen_periods THEN 'frozen'
              WHEN f.period_index < made.frozen_periods + made.firm_periods THEN 'firm'
              ELSE 'flexible' END,
         f.qty, :open
  FROM {PlanFlow.__tablename__} AS f
  JOIN made ON made.partner_id = f.partner_id
  WHERE f.scenario_id = :scenario_id AND f.period_index IS NOT NULL
),
counted AS (
  INSERT INTO fc_line_periods (publication_id, period, period_end, partner_id, release, lines)
  SELECT made.id, (CAST(:labels AS text[]))[g.period_index + 1],
         (CAST(:ends AS date[]))[g.period_index + 1], g.partner_id, :release, sum(g.n)
  FROM groups AS g
  JOIN made ON made.partner_id = g.partner_id
  GROUP BY made.id, g.partner_id, g.period_index
),
reserved AS (
  INSERT INTO fc_reservations (publication_id, partner_id, family, period, qty)
  SELECT made.id, r.partner_id, r.family, r.period, r.qty
  FROM (
    SELECT * FROM pools
    UNION ALL
    SELECT g.partner_id, g.family, (CAST(:labels AS text[]))[g.period_index + 1], g.qty
    FROM groups AS g
    WHERE g.partner_id NOT IN (SELECT partner_id FROM pools)
  ) AS r
  JOIN made ON made.partner_id = r.partner_id
  RETURNING publication_id
),
line_counts AS (SELECT partner_id, sum(n) AS n FROM groups GROUP BY partner_id),
reserved_counts AS (SELECT publication_id, count(*) AS n FROM reserved GROUP BY publication_id)
SELECT made.id, made.partner_id, line_counts.n, coalesce(reserved_counts.n, 0)
FROM made
JOIN line_counts ON line_counts.partner_id = made.partner_id
LEFT JOIN reserved_counts ON reserved_counts.publication_id = made.id
ORDER BY made.id
"""
)


COUNTED_SETTING = "cofab.fc_lines_counted"  # read by fc_lines' insert trigger (0042, 0043)
LINES_INDEX = "ix_fc_lines_partner_pub"  # a block-range index on PostgreSQL (migration 0036)
_SUMMARIZE = text(
    "SELECT brin_summarize_new_values(c.oid) FROM pg_class AS c "
    f"WHERE c.oid = to_regclass('{LINES_INDEX}') AND pg_has_role(c.relowner, 'USAGE')"
)


@dataclass(frozen=True)
class Written:
    """What the statement made for one partner: its publication and how many rows."""

    publication_id: int
    partner_id: int
    lines: int
    reservations: int


def write_publication(
    session: Session,
    *,
    scenario_id: int,
    release: int,
    published_at: datetime,
    published_by: str,
    periods: list[str],
    site_partner: dict[str, int],
    windows: dict[str, tuple[int, date, date]],
    zones: dict[int, tuple[int, int]],
    open_status: str,
) -> list[Written]:
    """Run the statement; ``periods`` are the plan's labels as the publications keep them,
    ``windows`` maps a period label to (index, first day, end day) — the index the plan's rows
    keep (``plan_flows.period_index``: the label's place in the input periods),
    ``zones`` a candidate partner to (frozen, firm). A partner's reservations are the plan's
    capacity-pool rows at its sites when it has any, else what its lines make per family and
    period (as in the Python writer)."""
    labels = sorted(windows, key=lambda label: windows[label][0])  # a plan row's period_index
    zone_partners = sorted(zones)
    session.execute(text(f"SET LOCAL {COUNTED_SETTING} = 'on'"))
    rows = session.execute(
        _STATEMENT,
        {
            "scenario_id": scenario_id,
            "release": release,
            "published_at": published_at,
            "published_by": published_by,
            "periods": json.dumps(periods),
            "sites": list(site_partner),
            "site_partners": list(site_partner.values()),
            "labels": labels,
            "starts": [windows[label][1] for label in labels],
            "ends": [windows[label][2] for label in labels],
            "zone_partners": zone_partners,
            "zone_frozen": [zones[p][0] for p in zone_partners],
            "zone_firm": [zones[p][1] for p in zone_partners],
            "open": open_status,
        },
    ).all()
    session.execute(text(f"SET LOCAL {COUNTED_SETTING} = 'off'"))
    # the new lines' block ranges get their summaries now, so that a partner's next read skips
    # them instead of reading every unsummarized page (VACUUM would do it later); PostgreSQL
    # lets only the index's owner do it, and a role that is not leaves it to VACUUM
    session.execute(_SUMMARIZE)
    return [Written(int(a), int(b), int(c), int(d)) for a, b, c, d in rows]
