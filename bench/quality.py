"""SPC at scale: control limits and capability of every characteristic, cofab's SQL vs DuckDB.

Generates 10,000,000 measurements over 2,000 characteristics in subgroups of 5 (``--quick``:
50,000 over 100; ``--measurements``/``--characteristics`` for sizes in between), loads the same
rows (one CSV file) into PostgreSQL (a schema of its own, COPY, dropped afterwards), SQLite (a
temporary file) and DuckDB (in memory); cofab's load also builds the subgroup statistics its
writers keep (``quality.subgroups``, one INSERT … SELECT … GROUP BY). Then it times cofab's
``spc_service.stats_for`` — one SQL statement combining the subgroup rows, plus numpy — for
every characteristic. DuckDB computes the same numbers with an
independent formulation (stddev_samp over the raw values, the constants as a joined table) and
every limit and index is compared to 1e-9 (relative).

Then the measurement import: a 1,000,000-row CSV (``--quick``: 50,000) through
``measurement_import`` (parse, validate, COPY into the table, the subgroup statistics) against a
bare PostgreSQL ``COPY`` of the same file into the same table, rows per second side by side.
Each step prints the seconds since start (generation, loads, the queries), so a run's time can be
read per part.

    python bench/quality.py [--quick] [--measurements N --characteristics K] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.domains import load_all_models
from cofab.partners.models import Partner
from cofab.quality import measurement_import, spc_service, subgroups
from cofab.quality.engine import spc
from cofab.quality.models import Characteristic

PG_URL = os.environ.get("COFAB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZES = {
    "full": {"measurements": 10_000_000, "characteristics": 2_000, "import": 1_000_000},
    "quick": {"measurements": 50_000, "characteristics": 100, "import": 50_000},
}
SUBGROUP = 5
TOLERANCE = 1e-9
console = Console()
STARTED = time.perf_counter()


def step(message: str) -> None:
    console.print(f"[dim]{time.perf_counter() - STARTED:7.1f} s[/dim] {message}")


T = TypeVar("T")

FIELDS = (
    "xbar_center",
    "xbar_lcl",
    "xbar_ucl",
    "r_ucl",
    "sigma_within",
    "sigma_overall",
    "cp",
    "cpk",
    "pp",
    "ppk",
)


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    best, result = math.inf, None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def generate(
    measurements: int, characteristics: int, folder: Path
) -> tuple[Path, np.ndarray[Any, Any]]:
    """One CSV (characteristic, subgroup, seq, value) and the spec limits per characteristic."""
    rng = np.random.default_rng(14)
    per_char = measurements // characteristics
    per_char -= per_char % SUBGROUP
    mu = rng.uniform(10.0, 100.0, characteristics)
    sigma = rng.uniform(0.01, 1.0, characteristics)
    specs = np.column_stack((mu - 4 * sigma, mu + 4.5 * sigma))
    path = folder / "measurements.csv"
    index = np.arange(per_char)
    with path.open("w") as handle:
        for c in range(characteristics):
            values = np.round(mu[c] + sigma[c] * rng.standard_normal(per_char), 4)
            block = np.column_stack(
                (np.full(per_char, c + 1), index // SUBGROUP + 1, index % SUBGROUP + 1)
            ).astype(np.int64)
            lines = [
                f"{a},{b},{s},{v!r}\n"
                for (a, b, s), v in zip(block.tolist(), values.tolist(), strict=True)
            ]
            handle.writelines(lines)
    return path, specs


def prepare(engine: Engine, characteristics: int, specs: np.ndarray[Any, Any]) -> int:
    load_all_models().create_all(engine)
    with unit_of_work(engine) as session:
        partner = Partner(
            name_ko="벤치",
            name_en="Bench",
            types=["contract_manufacturer"],
            form="vertical",
            country="KR",
        )
        session.add(partner)
        session.flush()
        session.add_all(
            Characteristic(
                id=c + 1,
                partner_id=partner.id,
                product="P",
                name_ko=f"특성 {c}",
                name_en=f"char {c}",
                kind="variable",
                lsl=float(specs[c, 0]),
                usl=float(specs[c, 1]),
                subgroup_size=SUBGROUP,
            )
            for c in range(characteristics)
        )
        return partner.id


def cofab_stats(engine: Engine, characteristics: int) -> dict[int, dict[str, float]]:
    ids = list(range(1, characteristics + 1))
    with engine.connect() as connection:
        specs = {
            int(r.id): (r.lsl, r.usl)
            for r in connection.execute(
                select(Characteristic.id, Characteristic.lsl, Characteristic.usl)
            )
        }
        found = spc_service.stats_for(connection, ids, specs)
    out: dict[int, dict[str, float]] = {}
    for s in found:
        cap = s.capability
        out[s.characteristic_id] = dict(
            zip(
                FIELDS,
                (
                    s.xbar[0],
                    s.xbar[1],
                    s.xbar[2],
                    s.r[2],
                    cap.sigma_within,
                    cap.sigma_overall,
                    cap.cp,
                    cap.cpk,
                    cap.pp,
                    cap.ppk,
                ),
                strict=True,
            )
        )
    return out


DUCK_SQL = """
WITH sg AS (
    SELECT cid, subgroup, count(*) AS n, avg(value) AS m, max(value) - min(value) AS r
      FROM m GROUP BY cid, subgroup HAVING count(*) = 5
),
per AS (
    SELECT cid, avg(m) AS xbb, avg(r) AS rbar, any_value(n) AS n FROM sg GROUP BY cid
),
raw AS (SELECT cid, stddev_samp(value) AS so FROM m GROUP BY cid)
SELECT per.cid, xbb, xbb - k.a2 * rbar, xbb + k.a2 * rbar, k.d4 * rbar, rbar / k.d2, raw.so,
       (s.usl - s.lsl) / (6 * rbar / k.d2),
       least(s.usl - xbb, xbb - s.lsl) / (3 * rbar / k.d2),
       (s.usl - s.lsl) / (6 * raw.so),
       least(s.usl - xbb, xbb - s.lsl) / (3 * raw.so)
  FROM per JOIN raw USING (cid) JOIN k ON k.n = per.n JOIN s ON s.cid = per.cid
"""


def duck_stats(duck: duckdb.DuckDBPyConnection) -> dict[int, dict[str, float]]:
    rows = duck.execute(DUCK_SQL).fetchall()
    return {int(r[0]): dict(zip(FIELDS, (float(x) for x in r[1:]), strict=True)) for r in rows}


def load_duck(csv_path: Path, specs: np.ndarray[Any, Any]) -> duckdb.DuckDBPyConnection:
    duck = duckdb.connect()
    duck.execute(
        f"CREATE TABLE m AS SELECT * FROM read_csv('{csv_path}', header=false, "
        "columns={'cid': 'INTEGER', 'subgroup': 'INTEGER', 'seq': 'INTEGER', 'value': 'DOUBLE'})"
    )
    duck.execute("CREATE TABLE k (n INTEGER, a2 DOUBLE, d4 DOUBLE, d2 DOUBLE)")
    duck.executemany(
        "INSERT INTO k VALUES (?, ?, ?, ?)",
        [(n, float(spc.A2[n]), float(spc.D4[n]), float(spc.D2[n])) for n in range(2, 26)],
    )
    duck.execute("CREATE TABLE s (cid INTEGER, lsl DOUBLE, usl DOUBLE)")
    duck.executemany(
        "INSERT INTO s VALUES (?, ?, ?)",
        [(c + 1, float(lo), float(hi)) for c, (lo, hi) in enumerate(specs)],
    )
    return duck


def compare(a: dict[int, dict[str, float]], b: dict[int, dict[str, float]]) -> tuple[int, float]:
    """Number of values compared and the largest relative difference."""
    assert a.keys() == b.keys(), "different characteristics"
    worst, compared = 0.0, 0
    for cid, row in a.items():
        for name in FIELDS:
            x, y = row[name], b[cid][name]
            worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
            compared += 1
    return compared, worst


def load_postgres(engine: Engine, csv_path: Path, partner_id: int, characteristics: int) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, csv_path.open("rb") as handle:  # type: ignore[attr-defined]
            cursor.execute(
                f"ALTER TABLE quality_measurements ALTER COLUMN partner_id SET DEFAULT {partner_id}"
            )
            with cursor.copy(
                "COPY quality_measurements (characteristic_id, subgroup, seq, value) "
                "FROM STDIN (FORMAT csv)"
            ) as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as connection:
        connection.execute(text("ANALYZE quality_measurements"))
    store_subgroups(engine, characteristics)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE quality_subgroups"))


def store_subgroups(engine: Engine, characteristics: int) -> None:
    """The subgroup statistics cofab's writers keep, built once for the bulk-loaded rows (part
    of the load time: an import computes them for its own rows as it writes)."""
    with engine.begin() as connection:
        subgroups.rebuild(connection, list(range(1, characteristics + 1)))


def load_sqlite(engine: Engine, csv_path: Path, partner_id: int, characteristics: int) -> None:
    raw = engine.raw_connection()
    try:
        raw.execute("BEGIN")  # type: ignore[attr-defined]
        with csv_path.open() as handle:
            rows = (
                (int(a), partner_id, int(b), int(c), float(v))
                for a, b, c, v in (line.split(",") for line in handle)
            )
            raw.executemany(  # type: ignore[attr-defined]
                "INSERT INTO quality_measurements (characteristic_id, partner_id, subgroup, seq,"
                " value) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        raw.commit()
    finally:
        raw.close()
    store_subgroups(engine, characteristics)


def import_file(rows: int, folder: Path) -> tuple[Path, bytes]:
    rng = np.random.default_rng(2859)
    values = np.round(74 + 0.01 * rng.standard_normal(rows), 4).tolist()
    lines = ["subgroup,seq,value,external_ref\n"]
    lines += [f"{i // SUBGROUP + 1},{i % SUBGROUP + 1},{v!r},R{i}\n" for i, v in enumerate(values)]
    content = "".join(lines).encode()
    path = folder / "import.csv"
    path.write_bytes(content)
    return path, content


def bench_import(engine: Engine, content: bytes, characteristic_id: int) -> float:
    start = time.perf_counter()
    with unit_of_work(engine) as session:
        result = measurement_import.import_measurements(
            session,
            actor=SYSTEM_ACTOR,
            characteristic_id=characteristic_id,
            content=content,
            filename="import.csv",
        )
    elapsed = time.perf_counter() - start
    assert result.inserted == content.count(b"\n") - 1, result
    return elapsed


def bench_copy(engine: Engine, content: bytes, characteristic_id: int, partner_id: int) -> float:
    """Bare COPY of the same file into the same table (the file's columns plus two constants)."""
    raw = engine.raw_connection()
    try:
        start = time.perf_counter()
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute(
                f"ALTER TABLE quality_measurements ALTER COLUMN characteristic_id SET DEFAULT "
                f"{characteristic_id}, ALTER COLUMN partner_id SET DEFAULT {partner_id}"
            )
            with cursor.copy(
                "COPY quality_measurements (subgroup, seq, value, external_ref) "
                "FROM STDIN (FORMAT csv, HEADER true)"
            ) as copy:
                copy.write(content)
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def checkpoint(admin: Engine) -> None:
    """Flush the dirty pages of the previous step (needs a superuser; skipped otherwise), so
    neither the import nor the bare COPY pays for the other's writes."""
    try:
        with admin.connect() as connection:
            connection.execute(text("CHECKPOINT"))
    except DBAPIError:  # not a superuser: the two runs go unequalised
        console.print("[yellow]CHECKPOINT refused: import and COPY not equalised[/yellow]")


def pg_engine(schema: str) -> Engine:
    return create_engine(
        PG_URL, connect_args={"options": f"-csearch_path={schema} -cwork_mem=256MB"}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--measurements", type=int)
    parser.add_argument("--characteristics", type=int)
    parser.add_argument("--import-rows", type=int)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    size = dict(SIZES["quick" if args.quick else "full"])
    for key, value in (
        ("measurements", args.measurements),
        ("characteristics", args.characteristics),
        ("import", args.import_rows),
    ):
        if value:
            size[key] = value
    chars = size["characteristics"]
    results = Table(
        title=f"SPC: {size['measurements']:,} measurements, {chars:,} characteristics, "
        f"subgroups of {SUBGROUP}"
    )
    for column in (
        "engine",
        "load s",
        "limits + capability s",
        "× DuckDB",
        "max rel. diff",
        "values",
    ):
        results.add_column(column, justify="right" if column != "engine" else "left")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        step("generating")
        csv_path, specs = generate(size["measurements"], chars, folder)
        step(f"generated ({csv_path.stat().st_size / 1e6:,.0f} MB CSV)")
        start = time.perf_counter()
        duck = load_duck(csv_path, specs)
        duck_load = time.perf_counter() - start
        step("DuckDB loaded")
        duck_s, reference = best_of(3, lambda: duck_stats(duck))
        step("DuckDB done")
        results.add_row(
            "DuckDB (reference)",
            f"{duck_load:.1f}",
            f"{duck_s:.3f}",
            "1.00",
            "—",
            str(len(reference) * len(FIELDS)),
        )
        failures = 0
        schema = f"bench_quality_{secrets.token_hex(3)}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = pg_engine(schema)
        try:
            partner_id = prepare(engine, chars, specs)
            start = time.perf_counter()
            load_postgres(engine, csv_path, partner_id, chars)
            load_s = time.perf_counter() - start
            step("PostgreSQL loaded")
            pg_s, ours = best_of(3, lambda: cofab_stats(engine, chars))
            step("PostgreSQL done")
            compared, worst = compare(ours, reference)
            failures += worst > TOLERANCE
            results.add_row(
                "cofab on PostgreSQL",
                f"{load_s:.1f}",
                f"{pg_s:.3f}",
                f"{pg_s / duck_s:.2f}",
                f"{worst:.1e}",
                str(compared),
            )
            # the import: a characteristic of its own, the same file twice (2nd: all skipped)
            with unit_of_work(engine) as session:
                session.add(
                    Characteristic(
                        id=chars + 1,
                        partner_id=partner_id,
                        product="P",
                        name_ko="가져오기",
                        name_en="import",
                        kind="variable",
                        subgroup_size=SUBGROUP,
                    )
                )
                session.add(
                    Characteristic(
                        id=chars + 2,
                        partner_id=partner_id,
                        product="P",
                        name_ko="복사",
                        name_en="copy",
                        kind="variable",
                        subgroup_size=SUBGROUP,
                    )
                )
            _, content = import_file(size["import"], folder)
            checkpoint(admin)  # each timed write starts with no dirty pages left by the last
            import_s = bench_import(engine, content, chars + 1)
            step("import done")
            checkpoint(admin)
            copy_s = bench_copy(engine, content, chars + 2, partner_id)
            step("COPY done")
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        sqlite_import_s = None
        if not args.skip_sqlite:
            db_path = folder / "bench.sqlite"
            lite = create_engine(f"sqlite:///{db_path}")
            try:
                partner_id = prepare(lite, chars, specs)
                start = time.perf_counter()
                load_sqlite(lite, csv_path, partner_id, chars)
                load_s = time.perf_counter() - start
                step("SQLite loaded")
                lite_s, ours = best_of(3, lambda: cofab_stats(lite, chars))
                step("SQLite done")
                compared, worst = compare(ours, reference)
                failures += worst > TOLERANCE
                results.add_row(
                    "cofab on SQLite",
                    f"{load_s:.1f}",
                    f"{lite_s:.3f}",
                    f"{lite_s / duck_s:.2f}",
                    f"{worst:.1e}",
                    str(compared),
                )
                with unit_of_work(lite) as session:
                    session.add(
                        Characteristic(
                            id=chars + 1,
                            partner_id=partner_id,
                            product="P",
                            name_ko="가져오기",
                            name_en="import",
                            kind="variable",
                            subgroup_size=SUBGROUP,
                        )
                    )
                sqlite_import_s = bench_import(lite, content, chars + 1)
                step("SQLite import done")
            finally:
                lite.dispose()
    console.print(results)
    rows = size["import"]
    imports = Table(title=f"Measurement import: {rows:,} rows (CSV, {len(content) / 1e6:.1f} MB)")
    for column in ("path", "seconds", "rows/s", "% of COPY"):
        imports.add_column(column, justify="right" if column != "path" else "left")
    imports.add_row("PostgreSQL COPY (reference)", f"{copy_s:.2f}", f"{rows / copy_s:,.0f}", "100")
    imports.add_row(
        "cofab import on PostgreSQL",
        f"{import_s:.2f}",
        f"{rows / import_s:,.0f}",
        f"{100 * copy_s / import_s:.0f}",
    )
    if sqlite_import_s is not None:
        imports.add_row(
            "cofab import on SQLite",
            f"{sqlite_import_s:.2f}",
            f"{rows / sqlite_import_s:,.0f}",
            f"{100 * copy_s / sqlite_import_s:.0f}",
        )
    console.print(imports)
    if failures:
        console.print(
            f"[red]{failures} engine(s) differ from DuckDB by more than {TOLERANCE}[/red]"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
