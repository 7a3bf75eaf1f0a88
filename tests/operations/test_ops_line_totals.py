"""The delivery KPIs read per-line totals kept by ``line_totals``; they must give exactly what the
window formulation over the receipts themselves gives (``per_line_outcomes``, which the drill-down
shows), for any evaluation date, tolerance and grouping — including an ``as_of`` before some
receipts, where the stored completion dates are in the future and must not count yet."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import Session
from tests.file_modules import load_file_module

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import _sqlite_pragmas
from cofab.domains import load_all_models
from cofab.operations import line_totals
from cofab.operations.models import OrderLine, Receipt
from cofab.performance.kpi_delivery import delivery_sums, per_line_outcomes
from cofab.performance.kpi_sql import KpiQuery

SMALL = {"partners": 8, "lines": 3000, "tickets": 10, "requests": 0}
QUERIES = [
    KpiQuery(date(2025, 7, 1), date(2025, 9, 30), "partner", 2, None, date(2026, 1, 15)),
    KpiQuery(date(2025, 7, 1), date(2025, 9, 30), "partner", 0, None, date(2025, 8, 20)),
    KpiQuery(date(2025, 1, 1), date(2025, 12, 31), "family", 5, None, date(2025, 10, 3)),
    KpiQuery(date(2024, 4, 1), date(2024, 6, 30), "site", 1, None, date(2024, 6, 1)),
    KpiQuery(date(2024, 1, 1), date(2025, 12, 31), "all", 3, None, date(2024, 11, 30)),
]


def _bench() -> ModuleType:
    return load_file_module("bench/kpis.py", "bench_kpis_totals")


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Engine]]:
    bench = _bench()
    folder = tmp_path_factory.mktemp("totals")
    data = bench.generate(SMALL, seed=11)
    sqlite = create_engine(f"sqlite:///{folder / 'totals.db'}")
    event.listen(sqlite, "connect", _sqlite_pragmas)
    load_all_models().create_all(sqlite)
    bench.load_sqlite(sqlite, data)
    found = [sqlite]
    url = os.environ.get("COFAB_TEST_DATABASE_URL")
    schema = f"totals_{secrets.token_hex(3)}"
    admin = create_engine(url) if url else None
    if admin is not None and url:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        pg = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        load_all_models().create_all(pg)
        bench.load_postgres(pg, data, bench.write_csv_files(data, folder))
        found.append(pg)
    yield found
    for engine in found:
        engine.dispose()
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _normalised(sums: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    return {
        key: {name: round(float(value), 3) for name, value in row.items() if name != "g"}
        for key, row in sums.items()
    }


@pytest.mark.parametrize(
    "query", QUERIES, ids=lambda q: f"{q.group_by}-{q.as_of}-tol{q.tolerance_days}"
)
def test_stored_totals_give_the_window_results(engines: list[Engine], query: KpiQuery) -> None:
    for engine in engines:
        with Session(engine) as session:
            ours = _normalised(delivery_sums(session, SYSTEM_ACTOR, query))
            reference = _normalised(
                delivery_sums(session, SYSTEM_ACTOR, query, lines=per_line_outcomes)
            )
        assert ours, engine.dialect.name
        assert ours == reference, engine.dialect.name
        late = sum(row["n_late"] for row in ours.values())
        assert late > 0  # the data exercises the receipts fallback, not only complete lines


def test_refresh_follows_a_changed_receipt(engines: list[Engine]) -> None:
    for engine in engines:
        with Session(engine) as session, session.begin():
            line = session.execute(
                select(OrderLine).where(OrderLine.completed_on.is_not(None)).limit(1)
            ).scalar_one()
            first = session.execute(
                select(Receipt).where(Receipt.line_id == line.id).order_by(Receipt.id).limit(1)
            ).scalar_one()
            before = line.received_total
            first.received_qty += 5
            first.accepted_qty += 5
            line_totals.refresh(session, [line.id])
            assert session.get(OrderLine, line.id).received_total == before + 5  # type: ignore[union-attr]
            session.execute(text("DELETE FROM ops_receipts WHERE line_id = :id"), {"id": line.id})
            line_totals.refresh(session, [line.id])
            fresh = session.get(OrderLine, line.id)
            assert fresh is not None
            assert fresh.received_total == 0 and fresh.completed_on is None
            assert fresh.last_received_on is None
            session.rollback()


def _migration() -> ModuleType:
    return load_file_module(
        "src/cofab/db/migrations/versions/0007_operations_line_totals.py", "migration_0007_ops"
    )


def test_migration_backfill_matches_refresh(engines: list[Engine]) -> None:
    """Databases upgraded with existing receipts get the same totals the service keeps."""
    backfill = _migration()._BACKFILL
    columns = ", ".join(line_totals.TOTAL_COLUMNS)
    for engine in engines:
        with engine.begin() as conn:
            kept = conn.execute(text(f"SELECT id, {columns} FROM ops_order_lines ORDER BY id"))
            expected = [tuple(row) for row in kept]
            conn.execute(
                text(
                    "UPDATE ops_order_lines SET received_total = 0, accepted_total = 0, "
                    "completed_on = NULL, filled_on = NULL, last_received_on = NULL"
                )
            )
            conn.execute(text(backfill))
            again = conn.execute(text(f"SELECT id, {columns} FROM ops_order_lines ORDER BY id"))
            assert [tuple(row) for row in again] == expected, engine.dialect.name
        assert any(row[3] is not None for row in expected)
