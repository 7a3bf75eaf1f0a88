"""Publishing on PostgreSQL: the plan's flows become forecast lines inside the database.

A full plan (200 partners × 2,000 products × 52 weeks) has 104,000 flows. Read into Python,
summed in Decimals and sent back with COPY, they cost several times a plain COPY of the same
rows: the stored plan document alone takes a tenth of a second to parse, and every row is
built, formatted and sent. One statement instead reads the flows from the stored plan
(``json_to_recordset``), rounds each quantity as :func:`publication.quantity` does (to 0.001,
half to even), sums repeated (product, site, period) flows, creates the publications of the
partners that have lines and writes their lines and their derived reservations. Only the small
maps cross the wire: site → partner, product → family, period → index and dates, zones.
The plan's status is read from ``plan_scenarios.plan_status`` (set with the plan, from its
``status``), so the document is not parsed to check it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

# ``k`` is a quantity in thousandths: a tie (.5) goes to the even neighbour, like Decimal's
# default ROUND_HALF_EVEN; PostgreSQL's round() alone would round ties away from zero.
_ROUNDED = "CASE WHEN abs(k - trunc(k)) = 0.5 THEN 2 * round(k / 2) ELSE round(k) END"

# PostgreSQL parses the stored plan (type json) for each ``->``: the flows are read with one
# ``->`` and one json_to_recordset, the capacity pools with one more ``->`` (the slowest parts;
# everything after works on 100,000s of plain rows). Product families are joined once, into
# ``flows``. A site-wide capacity pool has no family: the Python writer stores str(None),
# ``'None'``, and so does this one. ``made`` creates the publications of the partners with
# lines (in partner order, as the Python writer does), ``lines`` and ``reserved`` write their
# rows. The sub-statements of one WITH run on one snapshot, and nothing in fc_lines or
# fc_reservations refers back to fc_publications by a key, so they need not see each other's
# rows.
_STATEMENT = text(
    f"""
WITH sites AS (
  SELECT * FROM unnest(CAST(:sites AS text[]), CAST(:site_partners AS integer[]))
    AS m(site, partner_id)
),
families AS (
  SELECT * FROM unnest(CAST(:products AS text[]), CAST(:families AS text[]))
    AS p(product, family)
),
flows AS MATERIALIZED (
  SELECT x.partner_id, x.product, coalesce(p.family, x.product) AS family, x.site, x.period,
         x.qty
  FROM (
    SELECT partner_id, product, site, period, sum({_ROUNDED}) / 1000 AS qty
    FROM (
      SELECT m.partner_id, f.product, f.site, f.period, coalesce(f.qty, 0) * 1000 AS k
      FROM plan_scenarios AS s
      CROSS JOIN LATERAL json_to_recordset(s.result_doc -> 'flows')
        AS f(site text, product text, period text, qty numeric)
      JOIN sites AS m ON m.site = f.site
      WHERE s.id = :scenario_id AND f.period = ANY(CAST(:labels AS text[]))
    ) AS y
    GROUP BY partner_id, product, site, period
  ) AS x
  LEFT JOIN families AS p ON p.product = x.product
),
pools AS MATERIALIZED (
  SELECT partner_id, family, period, sum({_ROUNDED}) / 1000 AS qty
  FROM (
    SELECT m.partner_id, coalesce(f.family, 'None') AS family, f.period,
           coalesce(f.used, 0) * 1000 AS k
    FROM plan_scenarios AS s
    CROSS JOIN LATERAL json_to_recordset(s.result_doc -> 'pool_utilisation')
      AS f(site text, family text, period text, used numeric)
    JOIN sites AS m ON m.site = f.site
    WHERE s.id = :scenario_id AND f.period = ANY(CAST(:labels AS text[]))
  ) AS x
  GROUP BY partner_id, family, period
),
line_counts AS MATERIALIZED (SELECT partner_id, count(*) AS n FROM flows GROUP BY partner_id),
made AS (
  INSERT INTO fc_publications (partner_id, scenario_id, release, published_at, published_by,
                               frozen_periods, firm_periods, periods)
  SELECT z.partner_id, :scenario_id, :release, :published_at, :published_by, z.frozen, z.firm,
         CAST(:periods AS json)
  FROM unnest(CAST(:zone_partners AS integer[]), CAST(:zone_frozen AS integer[]),
              CAST(:zone_firm AS integer[])) AS z(partner_id, frozen, firm)
  WHERE z.partner_id IN (SELECT partner_id FROM line_counts)
  ORDER BY z.partner_id
  RETURNING id, partner_id, frozen_periods, firm_periods
),
windows AS (
  SELECT * FROM unnest(CAST(:labels AS text[]), CAST(:indexes AS integer[]),
                       CAST(:starts AS date[]), CAST(:ends AS date[]))
    AS t(label, index, first_day, end_day)
),
lines AS (
  INSERT INTO fc_lines (publication_id, partner_id, release, product, family, site, period,
                        period_index, period_start, period_end, zone, planned_qty, status)
  SELECT made.id, fl.partner_id, :release, fl.product, fl.family, fl.site, fl.period,
         t.index, t.first_day, t.end_day,
         CASE WHEN t.index < made.frozen_periods THEN 'frozen'
              WHEN t.index < made.frozen_periods + made.firm_periods THEN 'firm'
              ELSE 'flexible' END,
         fl.qty, :open
  FROM flows AS fl
  JOIN made ON made.partner_id = fl.partner_id
  JOIN windows AS t ON t.label = fl.period
),
derived AS (
  SELECT fl.partner_id, fl.family, fl.period, sum(fl.qty) AS qty
  FROM flows AS fl
  WHERE fl.partner_id NOT IN (SELECT partner_id FROM pools)
  GROUP BY fl.partner_id, fl.family, fl.period
),
reserved AS (
  INSERT INTO fc_reservations (publication_id, partner_id, family, period, qty)
  SELECT made.id, r.partner_id, r.family, r.period, r.qty
  FROM (SELECT * FROM pools UNION ALL SELECT * FROM derived) AS r
  JOIN made ON made.partner_id = r.partner_id
  ORDER BY made.id, r.family, r.period
  RETURNING publication_id
),
reserved_counts AS (SELECT publication_id, count(*) AS n FROM reserved GROUP BY publication_id)
SELECT made.id, made.partner_id, line_counts.n, coalesce(reserved_counts.n, 0)
FROM made
JOIN line_counts ON line_counts.partner_id = made.partner_id
LEFT JOIN reserved_counts ON reserved_counts.publication_id = made.id
ORDER BY made.id
"""
)


WORK_MEM = "256MB"


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
    family: dict[str, str],
    windows: dict[str, tuple[int, date, date]],
    zones: dict[int, tuple[int, int]],
    open_status: str,
) -> list[Written]:
    """Run the statement; ``periods`` are the plan's labels as the publications keep them,
    ``windows`` maps a period label to (index, first day, end day),
    ``zones`` a candidate partner to (frozen, firm). A partner's reservations are the plan's
    capacity-pool rows at its sites when it has any, else what its lines make per family and
    period (as in the Python writer)."""
    labels = list(windows)
    zone_partners = sorted(zones)
    # the statement hashes 100,000s of rows: in memory, not in batches spilled to disk (the
    # setting ends with the transaction)
    session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
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
            "indexes": [windows[label][0] for label in labels],
            "starts": [windows[label][1] for label in labels],
            "ends": [windows[label][2] for label in labels],
            "products": list(family),
            "families": list(family.values()),
            "zone_partners": zone_partners,
            "zone_frozen": [zones[p][0] for p in zone_partners],
            "zone_firm": [zones[p][1] for p in zone_partners],
            "open": open_status,
        },
    ).all()
    return [Written(int(a), int(b), int(c), int(d)) for a, b, c, d in rows]
