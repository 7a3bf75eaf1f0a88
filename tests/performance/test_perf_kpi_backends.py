"""The KPI queries give the same numbers on SQLite and on PostgreSQL (when
COFAB_TEST_DATABASE_URL is set), and both agree with an independent DuckDB formulation of the
same definitions, on random data with partial, short, over- and late
deliveries, rejects, landed costs and support tickets — the benchmark's generator, small."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, event, text
from tests.file_modules import load_file_module

from cofab.db.session import _sqlite_pragmas
from cofab.domains import load_all_models
from cofab.performance import kpi_fanout

SMALL = {"partners": 12, "lines": 4000, "tickets": 500, "requests": 0}


def _bench() -> ModuleType:
    return load_file_module("bench/kpis.py", "bench_kpis")


def test_kpis_agree_across_databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _bench()
    data = bench.generate(SMALL, seed=7)
    files = bench.write_csv_files(data, tmp_path)
    results = {}

    sqlite = create_engine(f"sqlite:///{tmp_path / 'kpis.db'}")
    event.listen(sqlite, "connect", _sqlite_pragmas)
    load_all_models().create_all(sqlite)
    bench.load_sqlite(sqlite, data)
    results["SQLite"] = bench.cofab_kpis(sqlite)
    sqlite.dispose()

    url = os.environ.get("COFAB_TEST_DATABASE_URL")
    if url:
        schema = f"kpi_cmp_{secrets.token_hex(3)}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            load_all_models().create_all(engine)
            bench.load_postgres(engine, data, files)
            checkouts: list[str] = []
            event.listen(engine, "checkout", lambda *_args: checkouts.append("x"))
            results["PostgreSQL"] = bench.cofab_kpis(engine)
            alone = len(checkouts)
            # the same sums with the families on helper connections sharing one snapshot
            # (a small order book runs them in one session; see kpi_fanout.FANOUT_MIN_BYTES)
            monkeypatch.setattr(kpi_fanout, "FANOUT_MIN_BYTES", 0)
            results["PostgreSQL, helpers"] = bench.cofab_kpis(engine)
            assert len(checkouts) - alone > alone, "the helpers did not run"
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    results["DuckDB"] = bench.duckdb_kpis(bench.load_duckdb(files))  # duckdb: a test dependency

    names = list(results)
    first = results[names[0]]
    assert len(first) == SMALL["partners"]
    # the data set exercises every KPI: not all values may be None or equal across partners
    for code in bench.kpis.KPI_CODES:
        values = {v[code] for v in first.values()}
        assert values - {None}, code
    for other in names[1:]:
        checked, problems = bench.compare(first, results[other])
        assert checked == SMALL["partners"] * len(bench.kpis.KPI_CODES)
        assert not problems, f"{names[0]} vs {other}:\n" + "\n".join(problems[:20])
