"""Operations KPIs and scorecards at scale: cofab's SQL (PostgreSQL and SQLite) against DuckDB.

Generates 1,000 partners, 1,000,000 order lines with shipments and receipts, and 100,000 support
tickets (``--quick``: 50 / 20,000 / 2,000), loads the same rows into PostgreSQL (a schema of its
own, COPY, dropped afterwards), SQLite (a temporary file, executemany) and DuckDB (in memory),
then times the full KPI + scorecard computation for one quarter for every partner. DuckDB runs
an independent SQL formulation of the same KPI definitions and every number is compared.
Finally the partner dashboard page is timed under 50 concurrent users (uvicorn on 127.0.0.1,
httpx async clients, a bounded number of requests), p50 and p99.

    python bench/kpis.py [--quick] [--skip-sqlite] [--skip-postgres] [--skip-dashboard]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, event, text

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.domains import load_all_models
from cofab.operations import line_totals
from cofab.performance import kpis, schemas, scorecards

PG_URL = os.environ.get("COFAB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZES = {
    "full": {"partners": 1000, "lines": 1_000_000, "tickets": 100_000, "requests": 1000},
    "quick": {"partners": 50, "lines": 20_000, "tickets": 2_000, "requests": 200},
}
LINES_PER_ORDER = 4
SPAN_START = date(2024, 1, 1)
SPAN_DAYS = 700
QUARTER_START, QUARTER_END = date(2025, 7, 1), date(2025, 9, 30)
AS_OF = date(2026, 1, 15)
TOLERANCE = 2
USERS = 50
FAMILIES = [f"family-{i:02d}" for i in range(12)]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
console = Console()


# --- data generation (numpy, one seeded generator) --------------------------------------------


@dataclass
class TableData:
    name: str
    columns: list[str]
    values: list[Sequence[Any]]  # one sequence per column
    types: dict[str, str] = field(default_factory=dict)  # DuckDB types

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.values, strict=True)

    def __len__(self) -> int:
        return len(self.values[0])


def _dates(days: np.ndarray) -> list[str]:
    base = np.datetime64(SPAN_START.isoformat(), "D")
    return np.datetime_as_string(base + days.astype("timedelta64[D]"), unit="D").tolist()


def _stamps(seconds: np.ndarray) -> list[str | None]:
    """Seconds after SPAN_START midnight → 'YYYY-MM-DD HH:MM:SS' (NaN → None)."""
    base = np.datetime64(SPAN_START.isoformat() + "T00:00:00", "s")
    ok = ~np.isnan(seconds)
    out: list[str | None] = [None] * len(seconds)
    text_values = np.datetime_as_string(
        base + np.nan_to_num(seconds).astype("int64").astype("timedelta64[s]"), unit="s"
    )
    for i in np.flatnonzero(ok):
        out[i] = str(text_values[i]).replace("T", " ")
    return out


def generate(size: dict[str, int], seed: int = 20260101) -> dict[str, TableData]:
    rng = np.random.default_rng(seed)
    n_p, n_l, n_t = size["partners"], size["lines"], size["tickets"]
    n_o = n_l // LINES_PER_ORDER
    now = "2026-01-15 00:00:00"
    pid = np.arange(1, n_p + 1)
    partners = TableData(
        "partners",
        [
            "id",
            "external_ref",
            "name_ko",
            "name_en",
            "types",
            "form",
            "status",
            "country",
            "created_at",
            "updated_at",
        ],
        [
            pid.tolist(),
            [f"BP-{i}" for i in pid],
            [f"파트너 {i}" for i in pid],
            [f"Bench Partner {i}" for i in pid],
            ['["supplier"]'] * n_p,
            ["vertical"] * n_p,
            ["active"] * n_p,
            ["KR"] * n_p,
            [now] * n_p,
            [now] * n_p,
        ],
    )
    sites = TableData(
        "partner_sites",
        [
            "id",
            "partner_id",
            "external_ref",
            "name",
            "country",
            "timezone",
            "created_at",
            "updated_at",
        ],
        [
            pid.tolist(),
            pid.tolist(),
            [f"BS-{i}" for i in pid],
            [f"Site {i}" for i in pid],
            ["KR"] * n_p,
            ["UTC"] * n_p,
            [now] * n_p,
            [now] * n_p,
        ],
    )
    # orders
    oid = np.arange(1, n_o + 1)
    o_partner = rng.integers(1, n_p + 1, n_o)
    o_day = rng.integers(0, SPAN_DAYS, n_o)
    orders = TableData(
        "ops_orders",
        [
            "id",
            "partner_id",
            "site_id",
            "external_ref",
            "order_date",
            "currency",
            "incoterm",
            "status",
            "created_by",
            "created_at",
            "updated_at",
        ],
        [
            oid.tolist(),
            o_partner.tolist(),
            o_partner.tolist(),
            [f"BO-{i}" for i in oid],
            _dates(o_day),
            ["USD"] * n_o,
            ["FCA"] * n_o,
            ["open"] * n_o,
            ["bench"] * n_o,
            [now] * n_o,
            [now] * n_o,
        ],
    )
    # order lines
    n_l = n_o * LINES_PER_ORDER
    lid = np.arange(1, n_l + 1)
    l_order = np.repeat(oid, LINES_PER_ORDER)
    l_partner = np.repeat(o_partner, LINES_PER_ORDER)
    l_day = np.repeat(o_day, LINES_PER_ORDER)
    line_no = np.tile(np.arange(1, LINES_PER_ORDER + 1), n_o)
    qty = rng.choice(np.array([100, 200, 500, 1000, 2000]), n_l)
    price = np.round(rng.uniform(1, 100, n_l), 2)
    requested = l_day + rng.integers(14, 60, n_l)
    promised = requested + np.where(rng.random(n_l) < 0.1, rng.integers(1, 10, n_l), 0)
    status_draw = rng.random(n_l)
    answered = status_draw < 0.97
    ack_status = np.where(
        status_draw < 0.01,
        "rejected",
        np.where(status_draw < 0.02, "cancelled", np.where(answered, "accepted", "pending")),
    )
    created_s = l_day * 86400.0 + 8 * 3600 + rng.integers(0, 3600, n_l)
    ack_s = np.where(answered, created_s + np.round(rng.exponential(20 * 3600, n_l)), np.nan)
    family = rng.integers(0, len(FAMILIES), n_l)
    lines = TableData(
        "ops_order_lines",
        [
            "id",
            "partner_id",
            "order_id",
            "site_id",
            "line_no",
            "product",
            "product_family",
            "quantity",
            "unit_price",
            "currency",
            "order_date",
            "requested_date",
            "promised_date",
            "promised_qty",
            "ack_status",
            "acknowledged_at",
            "version",
            "created_at",
            "updated_at",
        ],
        [
            lid.tolist(),
            l_partner.tolist(),
            l_order.tolist(),
            l_partner.tolist(),
            line_no.tolist(),
            [f"P{i % 500}" for i in range(n_l)],
            [FAMILIES[f] for f in family],
            qty.tolist(),
            price.tolist(),
            ["USD"] * n_l,
            _dates(l_day),
            _dates(requested),
            _dates(promised),
            qty.tolist(),
            ack_status.tolist(),
            _stamps(ack_s),
            [1] * n_l,
            _stamps(created_s),
            [now] * n_l,
        ],
    )
    # receipts: most lines due before AS_OF are delivered, some late, short, over or split
    as_of_day = (AS_OF - SPAN_START).days
    delivered = (ack_status == "accepted") & (promised < as_of_day - 5) & (rng.random(n_l) < 0.95)
    kind = rng.random(n_l)
    delay = np.where(
        kind < 0.8,
        -rng.integers(0, 6, n_l),
        np.where(kind < 0.92, rng.integers(1, 6, n_l), rng.integers(6, 21, n_l)),
    )
    done_day = np.minimum(promised + delay, as_of_day)
    amount_draw = rng.random(n_l)
    total = np.where(
        amount_draw < 0.04,
        np.round(qty * 0.9),
        np.where(amount_draw < 0.07, np.round(qty * 1.1), qty),
    ).astype(np.int64)
    split = rng.random(n_l) < 0.10
    idx = np.flatnonzero(delivered)
    first_part = np.where(split[idx], np.round(total[idx] * 0.6).astype(np.int64), total[idx])
    second_idx = idx[split[idx]]
    r_line = np.concatenate([idx, second_idx])
    r_qty = np.concatenate([first_part, total[second_idx] - first_part[split[idx]]])
    r_day = np.concatenate(
        [
            np.where(split[idx], done_day[idx] - rng.integers(2, 7, len(idx)), done_day[idx]),
            done_day[second_idx],
        ]
    )
    n_r = len(r_line)
    rejected = np.where(
        rng.random(n_r) < 0.05, np.maximum(1, np.round(r_qty * rng.uniform(0.01, 0.05, n_r))), 0
    )
    rejected = np.minimum(rejected, r_qty).astype(np.int64)
    landed = np.where(
        rng.random(n_r) < 0.7,
        np.round(price[r_line] * (1 + rng.normal(0.02, 0.03, n_r)), 4),
        np.nan,
    )
    # one ASN per order, one ASN line per delivered order line with the quantity received
    ship_orders = np.unique(l_order[idx])
    shipment_of_order = np.zeros(n_o + 1, dtype=np.int64)
    shipment_of_order[ship_orders] = np.arange(1, len(ship_orders) + 1)
    shipments_t = TableData(
        "ops_shipments",
        ["id", "partner_id", "external_ref", "ship_date", "created_by", "created_at", "updated_at"],
        [
            np.arange(1, len(ship_orders) + 1).tolist(),
            o_partner[ship_orders - 1].tolist(),
            [f"ASN-{o}" for o in ship_orders],
            _dates(o_day[ship_orders - 1] + 7),
            ["bench"] * len(ship_orders),
            [now] * len(ship_orders),
            [now] * len(ship_orders),
        ],
    )
    sl_id = np.zeros(n_l, dtype=np.int64)
    sl_id[idx] = np.arange(1, len(idx) + 1)
    shipment_lines = TableData(
        "ops_shipment_lines",
        ["id", "partner_id", "shipment_id", "line_id", "quantity"],
        [
            np.arange(1, len(idx) + 1).tolist(),
            l_partner[idx].tolist(),
            shipment_of_order[l_order[idx]].tolist(),
            lid[idx].tolist(),
            total[idx].tolist(),
        ],
    )
    receipts = TableData(
        "ops_receipts",
        [
            "id",
            "partner_id",
            "shipment_line_id",
            "line_id",
            "received_date",
            "received_qty",
            "accepted_qty",
            "rejected_qty",
            "landed_unit_cost",
            "contract_unit_price",
            "currency",
            "created_by",
            "created_at",
        ],
        [
            np.arange(1, n_r + 1).tolist(),
            l_partner[r_line].tolist(),
            sl_id[r_line].tolist(),
            lid[r_line].tolist(),
            _dates(r_day),
            r_qty.tolist(),
            (r_qty - rejected).tolist(),
            rejected.tolist(),
            [None if math.isnan(v) else v for v in landed.tolist()],
            price[r_line].tolist(),  # booking copies the line's unit price onto the receipt
            ["USD"] * n_r,
            ["bench"] * n_r,
            [now] * n_r,
        ],
    )
    # support tickets
    t_partner = rng.integers(1, n_p + 1, n_t)
    opened = rng.integers(0, SPAN_DAYS * 86400, n_t).astype(float)
    answered_t = rng.random(n_t) < 0.9
    first = np.where(answered_t, opened + np.round(rng.exponential(8 * 3600, n_t)) + 60, np.nan)
    solved = answered_t & (rng.random(n_t) < 0.8)
    resolved = np.where(solved, first + np.round(rng.exponential(40 * 3600, n_t)), np.nan)
    tickets = TableData(
        "ops_tickets",
        [
            "id",
            "partner_id",
            "site_id",
            "product_family",
            "subject",
            "priority",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "opened_by",
            "created_at",
            "updated_at",
        ],
        [
            np.arange(1, n_t + 1).tolist(),
            t_partner.tolist(),
            t_partner.tolist(),
            [FAMILIES[f] for f in rng.integers(0, len(FAMILIES), n_t)],
            ["Help"] * n_t,
            ["normal"] * n_t,
            _stamps(opened),
            _stamps(first),
            _stamps(resolved),
            ["bench"] * n_t,
            [now] * n_t,
            [now] * n_t,
        ],
    )
    return {
        t.name: t
        for t in (partners, sites, orders, lines, shipments_t, shipment_lines, receipts, tickets)
    }


# --- loading ----------------------------------------------------------------------------------

DUCK_TYPES = {
    "ops_order_lines": {
        "id": "BIGINT",
        "partner_id": "BIGINT",
        "order_id": "BIGINT",
        "site_id": "BIGINT",
        "line_no": "INTEGER",
        "product": "VARCHAR",
        "product_family": "VARCHAR",
        "quantity": "DECIMAL(18,3)",
        "unit_price": "DECIMAL(18,4)",
        "currency": "VARCHAR",
        "order_date": "DATE",
        "requested_date": "DATE",
        "promised_date": "DATE",
        "promised_qty": "DECIMAL(18,3)",
        "ack_status": "VARCHAR",
        "acknowledged_at": "TIMESTAMP",
        "version": "INTEGER",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
    },
    "ops_receipts": {
        "id": "BIGINT",
        "partner_id": "BIGINT",
        "shipment_line_id": "BIGINT",
        "line_id": "BIGINT",
        "received_date": "DATE",
        "received_qty": "DECIMAL(18,3)",
        "accepted_qty": "DECIMAL(18,3)",
        "rejected_qty": "DECIMAL(18,3)",
        "landed_unit_cost": "DECIMAL(18,4)",
        "contract_unit_price": "DECIMAL(18,4)",
        "currency": "VARCHAR",
        "created_by": "VARCHAR",
        "created_at": "TIMESTAMP",
    },
    "ops_tickets": {
        "id": "BIGINT",
        "partner_id": "BIGINT",
        "site_id": "BIGINT",
        "product_family": "VARCHAR",
        "subject": "VARCHAR",
        "priority": "VARCHAR",
        "opened_at": "TIMESTAMP",
        "first_response_at": "TIMESTAMP",
        "resolved_at": "TIMESTAMP",
        "opened_by": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
    },
}


def write_csv_files(data: dict[str, TableData], folder: Path) -> dict[str, Path]:
    paths = {}
    for name, table in data.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerows(("" if v is None else v for v in row) for row in table.rows())
        paths[name] = path
    return paths


def load_postgres(engine: Engine, data: dict[str, TableData], files: dict[str, Path]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        # foreign keys are checked by triggers; the generator keeps them consistent, so skip the
        # per-row trigger calls while loading (a bulk-load setting, for this session only)
        cursor.execute("SET session_replication_role = replica")
        for name, table in data.items():
            sql = f"COPY {name} ({', '.join(table.columns)}) FROM STDIN WITH (FORMAT csv)"
            with cursor.copy(sql) as copy, files[name].open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        raw.commit()
        refresh_line_totals(engine)
        # what autovacuum does to a settled table: statistics plus the visibility map that
        # lets the covering indexes answer without visiting the table
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        cursor.execute(f"VACUUM ANALYZE {', '.join(data)}")
        raw.driver_connection.autocommit = False  # type: ignore[union-attr]
    finally:
        raw.close()


def refresh_line_totals(engine: Engine) -> None:
    """What receipt booking maintains line by line, computed once for the bulk-loaded rows."""
    with unit_of_work(engine) as session:
        line_totals.refresh(session)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 19 and value[10] == " ":
        return value + ".000000"  # SQLAlchemy's stored timestamp format on SQLite
    return value


def load_sqlite(engine: Engine, data: dict[str, TableData]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")  # bulk load: the generator keeps keys consistent
        cursor.execute("PRAGMA synchronous=OFF")
        for name, table in data.items():
            marks = ", ".join("?" for _ in table.columns)
            sql = f"INSERT INTO {name} ({', '.join(table.columns)}) VALUES ({marks})"
            stamp_cols = {i for i, c in enumerate(table.columns) if c.endswith("_at")}
            rows = (
                tuple(_sqlite_value(v) if i in stamp_cols else v for i, v in enumerate(row))
                for row in table.rows()
            )
            cursor.executemany(sql, rows)
        raw.commit()
        refresh_line_totals(engine)
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        raw.commit()
    finally:
        raw.close()


def load_duckdb(files: dict[str, Path]) -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    for name, types in DUCK_TYPES.items():
        spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{files[name]}', header=false, "
            f"columns={spec}, nullstr='')"
        )
    return con


# --- the reference: the same KPI definitions, written independently for DuckDB ---------------

DUCK_SQL = {
    "delivery": """
WITH due AS (
  SELECT id, partner_id, promised_qty AS qty, promised_date FROM ops_order_lines
  WHERE promised_date BETWEEN $s AND $e AND ack_status NOT IN ('cancelled', 'rejected')),
r AS (
  SELECT r.line_id, r.received_date, r.received_qty, r.accepted_qty,
         sum(r.received_qty) OVER w AS cr, sum(r.accepted_qty) OVER w AS ca
  FROM ops_receipts r SEMI JOIN due ON due.id = r.line_id
  WHERE r.received_date <= $a
  WINDOW w AS (PARTITION BY r.line_id ORDER BY r.received_date, r.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
pl AS (
  SELECT d.id, d.partner_id, d.qty, d.promised_date,
         min(r.received_date) FILTER (WHERE r.cr >= d.qty) AS done_recv,
         min(r.received_date) FILTER (WHERE r.ca >= d.qty) AS done_acc,
         coalesce(sum(r.received_qty) FILTER (WHERE r.received_date - d.promised_date <= $t), 0)
           AS on_time_qty,
         coalesce(sum(r.accepted_qty), 0) AS acc
  FROM due d LEFT JOIN r ON r.line_id = d.id GROUP BY d.id, d.partner_id, d.qty, d.promised_date),
f AS (
  SELECT *, (done_recv IS NOT NULL OR $a - promised_date > $t) AS ev,
         (done_recv IS NOT NULL AND done_recv - promised_date <= $t) AS ot,
         (done_acc IS NOT NULL AND done_acc - promised_date <= $t) AS inf,
         coalesce(done_recv, $a) - promised_date AS late_days
  FROM pl)
SELECT partner_id, count(*) FILTER (WHERE ev) AS n_eval, count(*) FILTER (WHERE ot) AS n_on_time,
       count(*) FILTER (WHERE inf) AS n_otif, count(*) FILTER (WHERE ev AND NOT ot) AS n_late,
       coalesce(sum(late_days) FILTER (WHERE ev AND NOT ot), 0) AS late_days,
       coalesce(sum(qty) FILTER (WHERE ev), 0) AS qty_eval,
       coalesce(sum(least(on_time_qty, qty)) FILTER (WHERE ev), 0) AS qty_on_time,
       coalesce(sum(least(acc, qty)) FILTER (WHERE ev), 0) AS qty_filled
FROM f GROUP BY partner_id""",
    "receipts": """
SELECT r.partner_id, sum(r.received_qty) AS received, sum(r.rejected_qty) AS rejected,
       sum(r.landed_unit_cost * r.received_qty) AS landed,
       sum(l.unit_price * r.received_qty) FILTER (WHERE r.landed_unit_cost IS NOT NULL) AS contract
FROM ops_receipts r JOIN ops_order_lines l ON l.id = r.line_id
WHERE r.received_date BETWEEN $s AND $e GROUP BY r.partner_id""",
    "lead": """
WITH cand AS (SELECT DISTINCT line_id FROM ops_receipts WHERE received_date BETWEEN $s AND $e),
rc AS (SELECT r.line_id, r.received_date,
              sum(r.received_qty) OVER (PARTITION BY r.line_id ORDER BY r.received_date, r.id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
       FROM ops_receipts r SEMI JOIN cand ON cand.line_id = r.line_id),
done AS (SELECT l.id, l.partner_id, l.order_date,
                min(rc.received_date) FILTER (WHERE rc.cum >= l.promised_qty) AS done
         FROM rc JOIN ops_order_lines l ON l.id = rc.line_id
         WHERE l.ack_status <> 'cancelled' GROUP BY l.id, l.partner_id, l.order_date)
SELECT partner_id, count(*) AS completed, sum(done - order_date) AS lead_days
FROM done WHERE done BETWEEN $s AND $e GROUP BY partner_id""",
    "response": """
SELECT partner_id,
       quantile_disc(epoch(first_response_at - opened_at) / 3600.0, 0.5) AS median,
       quantile_disc(epoch(first_response_at - opened_at) / 3600.0, 0.9) AS p90
FROM ops_tickets
WHERE opened_at >= $s::TIMESTAMP AND opened_at < ($e + 1)::TIMESTAMP
  AND first_response_at IS NOT NULL
GROUP BY partner_id""",
    "resolution": """
SELECT partner_id,
       quantile_disc(epoch(resolved_at - opened_at) / 3600.0, 0.5) AS median,
       quantile_disc(epoch(resolved_at - opened_at) / 3600.0, 0.9) AS p90
FROM ops_tickets
WHERE opened_at >= $s::TIMESTAMP AND opened_at < ($e + 1)::TIMESTAMP AND resolved_at IS NOT NULL
GROUP BY partner_id""",
    "ack": """
SELECT partner_id, count(*) AS ordered, count(acknowledged_at) AS answered,
       sum(epoch(acknowledged_at - created_at) / 3600.0) AS ack_hours
FROM ops_order_lines
WHERE order_date BETWEEN $s AND $e AND (acknowledged_at IS NOT NULL OR ack_status <> 'cancelled')
GROUP BY partner_id""",
}


def duckdb_kpis(con: Any) -> dict[int, dict[str, float | None]]:
    params = {"s": QUARTER_START, "e": QUARTER_END, "a": AS_OF, "t": TOLERANCE}

    def fetch(name: str) -> dict[int, dict[str, Any]]:
        sql = DUCK_SQL[name]
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        cursor = con.execute(sql, used)
        names = [d[0] for d in cursor.description]
        return {int(row[0]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    parts = {name: fetch(name) for name in DUCK_SQL}
    # The SQL above is written independently; the step from sums to values is each KPI's row of
    # kpi_definitions, so the table (not a second copy of the formulas) is what gets checked.
    return {
        pid: kpis.values_of({name: rows.get(pid, {}) for name, rows in parts.items()})
        for pid in set().union(*parts.values())
    }


def compare(
    ours: dict[int, dict[str, float | None]], reference: dict[int, dict[str, float | None]]
) -> tuple[int, list[str]]:
    """Number of values compared and a description of each mismatch."""
    problems: list[str] = []
    checked = 0
    for pid in sorted(set(ours) | set(reference)):
        mine, theirs = ours.get(pid, {}), reference.get(pid, {})
        for code in kpis.KPI_CODES:
            a, b = mine.get(code), theirs.get(code)
            checked += 1
            if a is None and b is None:
                continue
            tol = 2e-3 if code.endswith("_h") else 1e-6
            if a is None or b is None or not math.isclose(a, b, rel_tol=1e-7, abs_tol=tol):
                problems.append(f"partner {pid} {code}: cofab {a} vs DuckDB {b}")
    return checked, problems


# --- timing -----------------------------------------------------------------------------------


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def cofab_kpis(engine: Engine) -> dict[int, dict[str, float | None]]:
    with unit_of_work(engine) as session:
        query = kpis.KpiQuery(QUARTER_START, QUARTER_END, "partner", TOLERANCE, None, AS_OF)
        return {
            int(g.key): g.values for g in kpis.compute(session, actor=SYSTEM_ACTOR, query=query)
        }


def cofab_scorecards(engine: Engine, template_id: int) -> int:
    with unit_of_work(engine) as session:
        result = scorecards.compute_scorecards(
            session,
            actor=SYSTEM_ACTOR,
            period_start=QUARTER_START,
            template_id=template_id,
            as_of=AS_OF,
        )
        return result.computed


def make_template(engine: Engine) -> int:
    data = dict(scorecards.DEFAULT_TEMPLATE) | {"tolerance_days": TOLERANCE, "name": "bench"}
    with unit_of_work(engine) as session:
        return scorecards.save_template(
            session, actor=SYSTEM_ACTOR, data=schemas.ScorecardTemplateIn.model_validate(data)
        ).id


# --- dashboard under concurrent users ----------------------------------------------------------


BENCH_PASSWORD = "bench-password-1"


def make_partner_users(engine: Engine, count: int) -> list[str]:
    """``count`` partner users, one per partner; returns their e-mails."""
    from argon2 import PasswordHasher

    from cofab.accounts import service as accounts
    from cofab.core import security

    security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    emails = []
    with unit_of_work(engine) as session:
        for i in range(1, count + 1):
            user = accounts.create_user(
                session,
                actor=None,
                email=f"bench{i}@partner{i}.example",
                password=BENCH_PASSWORD,
                display_name=f"Bench {i}",
                role="partner",
                partner_id=i,
            )
            emails.append(user.email)
    return emails


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dashboard_latency(
    url: str, users: list[str], requests: int, data_dir: Path, workers: int
) -> dict[str, float]:
    """Run ``workers`` uvicorn processes on ``url`` and time GET /operations for every user.

    Each worker holds one connection pool (PostgreSQL 10 + 20 overflow, SQLite 5 + 10) and
    together they cover the 50 users in flight without waiting for a pooled connection: 4
    workers on PostgreSQL, 12 on SQLite. The load generator runs on the same machine, so the
    figures include its share of the CPU.
    """
    import httpx

    port = _free_port()
    env = os.environ | {
        "COFAB_DATABASE_URL": url,
        "COFAB_SECRET_KEY": secrets.token_urlsafe(40),
        "COFAB_DATA_DIR": str(data_dir),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "cofab.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(workers),
        ],
        env=env,
        start_new_session=True,  # its workers share the group, so they stop together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.2)
        return asyncio.run(_hammer(base, users, requests))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
        time.sleep(1)  # let the workers' database connections close


async def _hammer(base: str, users: list[str], requests: int) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    per_user = max(1, requests // len(users))

    async def sign_in(client: httpx.AsyncClient, email: str) -> None:
        form = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        signed_in = await client.post(
            "/login",
            data={
                "email": email,
                "password": BENCH_PASSWORD,
                "next": "/operations",
                "csrf_token": token.group(1) if token else "",
            },
        )
        if signed_in.status_code != 303:
            raise RuntimeError(f"sign-in failed for {email}: {signed_in.status_code}")
        await client.get("/operations")  # warm this user's connection

    async def browse(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for _ in range(per_user):
            start = time.perf_counter()
            try:
                response = await client.get("/operations")
                ok = response.status_code == 200
            except httpx.HTTPError as exc:
                console.print(f"[red]request failed: {type(exc).__name__}: {exc}[/red]")
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += 0 if ok else 1

    clients = [httpx.AsyncClient(base_url=base, timeout=120) for _ in users]
    try:
        for client, email in zip(clients, users, strict=True):
            await sign_in(client, email)  # one by one: signing in is not what is measured
        started = time.perf_counter()
        await asyncio.gather(*(browse(c) for c in clients))
        wall = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)],
        "rps": len(ordered) / wall,
        "errors": errors,
    }


# --- backends ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    backend: str
    load_s: float
    kpi_s: float
    scorecard_s: float
    scorecards: int
    values: dict[int, dict[str, float | None]]
    dashboard: dict[str, float] | None = None
    workers: int = 0


def run_postgres(
    data: dict[str, TableData],
    files: dict[str, Path],
    args: argparse.Namespace,
    size: dict[str, int],
    workdir: Path,
) -> Outcome:
    schema = f"bench_kpis_{secrets.token_hex(3)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = f"-csearch_path={schema} -cwork_mem=64MB"
    engine = create_engine(PG_URL, connect_args={"options": options}, pool_size=5)
    try:
        load_all_models().create_all(engine)
        start = time.perf_counter()
        load_postgres(engine, data, files)
        load_s = time.perf_counter() - start
        template_id = make_template(engine)
        kpi_s, values = best_of(3, lambda: cofab_kpis(engine))
        card_s, count = best_of(3, lambda: cofab_scorecards(engine, template_id))
        outcome = Outcome("PostgreSQL", load_s, kpi_s, card_s, count, values)
        if not args.skip_dashboard:
            users = make_partner_users(engine, USERS)
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
            outcome.dashboard = dashboard_latency(url, users, size["requests"], workdir, 4)
            outcome.workers = 4
        return outcome
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_sqlite(
    data: dict[str, TableData], args: argparse.Namespace, size: dict[str, int], workdir: Path
) -> Outcome:
    from cofab.db.session import _sqlite_pragmas

    path = workdir / "bench.db"
    url = f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    try:
        load_all_models().create_all(engine)
        start = time.perf_counter()
        load_sqlite(engine, data)
        load_s = time.perf_counter() - start
        template_id = make_template(engine)
        kpi_s, values = best_of(3, lambda: cofab_kpis(engine))
        card_s, count = best_of(3, lambda: cofab_scorecards(engine, template_id))
        outcome = Outcome("SQLite", load_s, kpi_s, card_s, count, values)
        if not args.skip_dashboard:
            users = make_partner_users(engine, USERS)
            outcome.dashboard = dashboard_latency(url, users, size["requests"], workdir, 12)
            outcome.workers = 12
        return outcome
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small size for a smoke run")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    args = parser.parse_args()
    size = SIZES["quick" if args.quick else "full"]
    console.print(
        f"[bold]KPI benchmark[/bold]: {size['partners']:,} partners, {size['lines']:,} order "
        f"lines, {size['tickets']:,} tickets; quarter {QUARTER_START}–{QUARTER_END}, "
        f"tolerance {TOLERANCE} d, evaluated on {AS_OF}"
    )
    with tempfile.TemporaryDirectory(prefix="cofab-bench-") as tmp:
        workdir = Path(tmp)
        start = time.perf_counter()
        data = generate(size)
        files = write_csv_files(data, workdir)
        console.print(
            f"generated {sum(len(t) for t in data.values()):,} rows "
            f"({len(data['ops_receipts']):,} receipts) in {time.perf_counter() - start:.1f} s"
        )
        start = time.perf_counter()
        con = load_duckdb(files)
        duck_load = time.perf_counter() - start
        duck_s, reference = best_of(3, lambda: duckdb_kpis(con))
        outcomes: list[Outcome] = []
        if not args.skip_postgres:
            outcomes.append(run_postgres(data, files, args, size, workdir))
        if not args.skip_sqlite:
            outcomes.append(run_sqlite(data, args, size, workdir))
    report(size, duck_load, duck_s, reference, outcomes)


def report(
    size: dict[str, int],
    duck_load: float,
    duck_s: float,
    reference: dict[int, dict[str, float | None]],
    outcomes: list[Outcome],
) -> None:
    table = Table(title="Quarter KPIs + scorecards for all partners (best of 3)")
    for column in (
        "engine",
        "load (s)",
        "KPIs (s)",
        "KPIs + scorecards (s)",
        "× DuckDB",
        "values equal to DuckDB",
    ):
        table.add_column(column, justify="right" if column != "engine" else "left")
    table.add_row(
        "DuckDB (reference)",
        f"{duck_load:.1f}",
        f"{duck_s:.2f}",
        "—",
        "1.0",
        f"{len(reference)} partners",
    )
    failed = False
    for outcome in outcomes:
        checked, problems = compare(outcome.values, reference)
        failed |= bool(problems)
        verdict = f"all {checked:,}" if not problems else f"{len(problems)} differ"
        table.add_row(
            f"cofab on {outcome.backend}",
            f"{outcome.load_s:.1f}",
            f"{outcome.kpi_s:.2f}",
            f"{outcome.scorecard_s:.2f} ({outcome.scorecards} cards)",
            f"{outcome.scorecard_s / duck_s:.1f}",
            verdict,
        )
        for line in problems[:10]:
            console.print(f"[red]{outcome.backend}: {line}[/red]")
    console.print(table)
    dash = [o for o in outcomes if o.dashboard]
    if dash:
        table = Table(
            title=f"Partner dashboard page (/operations), {USERS} signed-in partner users at once"
        )
        for column in (
            "engine",
            "uvicorn workers",
            "requests",
            "p50 (ms)",
            "p99 (ms)",
            "req/s",
            "errors",
        ):
            table.add_column(column, justify="right" if column != "engine" else "left")
        for o in dash:
            d = o.dashboard or {}
            table.add_row(
                o.backend,
                str(o.workers),
                f"{d['requests']:,.0f}",
                f"{d['p50'] * 1000:.0f}",
                f"{d['p99'] * 1000:.0f}",
                f"{d['rps']:.0f}",
                f"{d['errors']:.0f}",
            )
        console.print(table)
    pg = next((o for o in outcomes if o.backend == "PostgreSQL"), None)
    if pg is not None:
        ratio = pg.scorecard_s / duck_s
        mark = "[green]met[/green]" if ratio <= 3 else "[yellow]not met[/yellow]"
        console.print(f"goal ≤ 3× DuckDB on PostgreSQL: {ratio:.1f}× — {mark}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
