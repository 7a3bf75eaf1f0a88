"""Many API clients at once against cofab served as a real process, beside a bare FastAPI
hello-world served the same way (same server command, same workers) in the same run.

    python bench/load.py --quick                       # 20 s per server, SQLite and PostgreSQL
    python bench/load.py --db sqlite --seconds 120     # the issue's 2-minute figure
    python bench/load.py --db postgres --workers 2 --with-import

Each client has its own API token (owner managers and partner users). 85 % of requests read
the main list/detail endpoints, 15 % write (orders by owners; progress and inventory by
partners). Every non-2xx answer and every transport failure counts as an error, by kind. The
databases are fresh (a temporary SQLite file; a scratch PostgreSQL database dropped at the
end) with the demo data and the clients' users created through the services.

The client is one Python process with asyncio tasks (httpx.AsyncClient per client); it prints
its own CPU share so a saturated client is visible (then the ratio understates the bare
server and flatters cofab, since both are measured with the same client).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
READ_SHARE = 0.85
TARGETS = {"postgres": (0.15, 2.0), "sqlite": (0.05, 5.0)}  # share of bare req/s, p99 s
BARE_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/api/v1/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
"""


@dataclass
class Client:
    token: str
    role: str  # "owner" | "partner"
    partner_id: int
    site_id: int | None
    line_ids: list[int]
    order_ids: list[int]


@dataclass
class Tally:
    started: float = 0.0
    samples: list[tuple[float, float, bool]] = field(default_factory=list)  # t, latency, write
    errors: dict[str, int] = field(default_factory=dict)
    samples_of: dict[str, str] = field(default_factory=dict)  # first answer of each error kind
    import_window: tuple[float, float] | None = None
    import_result: str = ""

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def server_command(how: str, workers: int, port: int, target: str) -> list[str]:
    """``target`` is "cofab" or "bare:<dir>"; the bare app runs under the same uvicorn flags."""
    py = sys.executable
    if target == "cofab" and how == "up":
        return [py, "-m", "cofab", "up", "--no-demo", "--no-worker", "--port", str(port)]
    if target == "cofab" and how == "serve":
        # the bare app below runs at --log-level warning, i.e. without access lines: the same
        serve = ["serve", "--workers", str(workers), "--port", str(port), "--no-access-log"]
        return [py, "-m", "cofab", *serve]
    app = ["cofab.app:create_app", "--factory"] if target == "cofab" else ["bare_app:app"]
    extra = [] if target == "cofab" else ["--app-dir", target.split(":", 1)[1]]
    # `cofab up` runs uvicorn.run(app, log_level="info"): the bare app gets the same logging.
    log = ["--log-level", "info"] if how == "up" else ["--log-level", "warning"]
    return [py, "-m", "uvicorn", *app, *extra, "--port", str(port), "--workers", str(workers), *log]


def seed(env: dict[str, str], clients: int) -> list[Client]:
    """Demo data via the CLI, then the clients' users and tokens through the services."""
    subprocess.run(
        [sys.executable, "-m", "cofab", "demo", "load", "--case", "all"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from sqlalchemy import select

    from cofab.accounts import service as accounts
    from cofab.accounts.models import User
    from cofab.db.session import make_engine, unit_of_work
    from cofab.operations.models import Order, OrderLine
    from cofab.partners.models import Partner, Site
    from cofab.performance import scorecards

    engine = make_engine(env["COFAB_DATABASE_URL"])
    made: list[Client] = []
    with unit_of_work(engine) as session:
        partners = list(session.execute(select(Partner.id).order_by(Partner.id)).scalars())
        sites = dict(session.execute(select(Site.partner_id, Site.id)).all())
        with_orders = list(session.execute(select(Order.partner_id, Order.id)).all())
        lines = list(session.execute(select(Order.partner_id, OrderLine.id).join(Order)).all())
        served = [p for p in partners if p in sites and any(o[0] == p for o in with_orders)]
        # owners order only from partners whose scorecard does not block new orders (the demo
        # has a graded-D partner on purpose; its 409 is the rule working, not a failure)
        orderable = [p for p in served if scorecards.order_gate(session, partner_id=p) != "block"]
        for index in range(clients):
            owner = index % 3 == 0
            partner_id = (orderable if owner else served)[
                index % len(orderable if owner else served)
            ]
            email = f"load{index}@{'owner' if owner else f'p{partner_id}'}.bench"
            accounts.create_user(
                session,
                actor=None,
                email=email,
                password=secrets.token_urlsafe(12),
                display_name=email,
                role="manager" if owner else "partner",
                partner_id=None if owner else partner_id,
            )
            session.flush()
            user = session.execute(select(User).where(User.email == email)).scalar_one()
            token = accounts.create_token(session, actor=accounts.actor_for(user), name="load")
            made.append(
                Client(
                    token=token.secret,
                    role="owner" if owner else "partner",
                    partner_id=partner_id,
                    site_id=sites.get(partner_id),
                    line_ids=[line for p, line in lines if p == partner_id],
                    order_ids=[order for p, order in with_orders if p == partner_id],
                )
            )
    engine.dispose()
    return made


def read_paths(client: Client) -> list[str]:
    common = ["/api/v1/orders", "/api/v1/shipments", "/api/v1/inventory", "/api/v1/me"]
    common += ["/api/v1/vault/documents", "/api/v1/contracts", "/api/v1/kpis"]
    common += [f"/api/v1/orders/{o}" for o in client.order_ids[:3]]
    common += [f"/api/v1/partners/{client.partner_id}"]
    if client.role == "owner":
        common += ["/api/v1/partners", "/api/v1/scorecards"]
    return common


def write_request(client: Client, seq: int, rng: random.Random) -> tuple[str, str, Any]:
    now = datetime.now(UTC)
    if client.role == "owner":
        body = {
            "partner_id": client.partner_id,
            "external_ref": f"LOAD-{secrets.token_hex(6)}",
            "order_date": now.date().isoformat(),
            "currency": "USD",
            "incoterm": "EXW",
            "lines": [
                {
                    "product": "Load part",
                    "quantity": "10",
                    "unit_price": "2.5",
                    "requested_date": (now + timedelta(days=30)).date().isoformat(),
                }
            ],
        }
        return "POST", "/api/v1/orders", body
    at = (now - timedelta(seconds=seq + 1, microseconds=rng.randrange(10**6))).isoformat()
    if seq % 2 and client.line_ids:
        line = rng.choice(client.line_ids)
        body = {"stage": "in_production", "quantity": "1", "at": at}
        return "POST", f"/api/v1/order-lines/{line}/progress", body
    body = {"site_id": client.site_id, "item": f"Load-{seq % 7}", "at": at, "on_hand": "5"}
    return "POST", "/api/v1/inventory", body


async def run_client(base: str, client: Client | None, until: float, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {client.token}"} if client else {}
    rng = random.Random()
    seq = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        while time.monotonic() < until:
            seq += 1
            write = client is not None and rng.random() >= READ_SHARE
            if client is None:
                method, path, body = "GET", "/api/v1/hello", None
            elif write:
                method, path, body = write_request(client, seq, rng)
            else:
                method, path, body = "GET", rng.choice(read_paths(client)), None
            start = time.monotonic()
            try:
                response = await http.request(method, path, json=body)
            except httpx.TimeoutException:
                tally.error("timeout")
                continue
            except httpx.HTTPError as exc:
                tally.error(type(exc).__name__)
                continue
            if response.status_code >= 300:
                kind = f"{response.status_code} {method} {path.split('/')[3]}"
                tally.error(kind)
                tally.samples_of.setdefault(kind, response.text[:200])
                continue
            tally.samples.append((start, time.monotonic() - start, write))


async def run_import(base: str, token: str, rows: int, tally: Tally) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["external_ref", "name_ko", "name_en", "types", "form", "country"])
    for i in range(rows):
        name = f"Imported {i:06d}"
        out.writerow([f"IMP-{i:06d}", f"{name} 코리아", name, "supplier", "vertical", "VN"])
    data = buffer.getvalue().encode()
    await asyncio.sleep(2)  # let the load settle first
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as http:
        start = time.monotonic()
        try:
            response = await http.post(
                "/api/v1/partners/import", files={"file": ("partners.csv", data, "text/csv")}
            )
            tally.import_result = f"{response.status_code} {response.text[:80]}"
        except httpx.HTTPError as exc:
            tally.import_result = type(exc).__name__
        tally.import_window = (start, time.monotonic())


async def drive(
    base: str, clients: list[Client | None], seconds: float, import_rows: int, token: str
) -> Tally:
    tally = Tally(started=time.monotonic())
    until = tally.started + seconds
    jobs = [run_client(base, c, until, tally) for c in clients]
    if import_rows:
        jobs.append(run_import(base, token, import_rows, tally))
    await asyncio.gather(*jobs)
    return tally


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    cmd: list[str], env: dict[str, str], port: int, clients: list[Client | None], args: Any
) -> tuple[Tally, float]:
    log = open(Path(env["COFAB_DATA_DIR"]) / f"server-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/openapi.json", proc)
        owner = next((c.token for c in clients if c and c.role == "owner"), "")
        rows = args.import_rows if args.with_import and clients[0] is not None else 0
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.monotonic()
        tally = asyncio.run(drive(base, clients, args.seconds, rows, owner))
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.monotonic() - wall0
        client_cpu = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) / wall
    finally:
        stop(proc)
        log.close()
    return tally, client_cpu


def summarise(name: str, tally: Tally, seconds: float, client_cpu: float) -> dict[str, Any]:
    latencies = [lat for _t, lat, _w in tally.samples]
    row: dict[str, Any] = {
        "name": name,
        "rps": len(latencies) / seconds,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "writes": sum(1 for *_x, w in tally.samples if w),
        "errors": dict(sorted(tally.errors.items())),
        "error_samples": tally.samples_of,
        "client_cpu": client_cpu,
    }
    if tally.import_window:
        lo, hi = tally.import_window
        during = [lat for t, lat, _w in tally.samples if lo <= t <= hi]
        row["import"] = (hi - lo, percentile(during, 0.99), len(during), tally.import_result)
    return row


def report(db: str, cofab: dict[str, Any], bare: dict[str, Any], cmd: str) -> bool:
    share, p99_limit = TARGETS[db]
    ratio = cofab["rps"] / bare["rps"] if bare["rps"] else 0.0
    print(f"\n{db}: {cmd}")
    print(
        f"{'server':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'writes':>7} client CPU  errors"
    )
    for row in (bare, cofab):
        errors = ", ".join(f"{k}×{v}" for k, v in row["errors"].items()) or "0"
        print(
            f"{row['name']:<8} {row['rps']:8.1f} {row['p50'] * 1000:8.0f} {row['p99'] * 1000:8.0f}"
            f" {row['writes']:7d} {row['client_cpu']:9.0%}   {errors}"
        )
    print(f"ratio cofab/bare req/s: {ratio:.1%}")
    for kind, sample in cofab["error_samples"].items():
        print(f"  first {kind}: {sample}")
    if "import" in cofab:
        took, p99, n, result = cofab["import"]
        print(
            f"import: {took:.1f} s ({result}); others' p99 meanwhile {p99 * 1000:.0f} ms ({n} req)"
        )
    errors = sum(cofab["errors"].values())
    checks = [
        ("0 errors", errors == 0, f"{errors}"),
        (f">= {share:.0%} of bare req/s", ratio >= share, f"{ratio:.1%}"),
        (f"p99 < {p99_limit:.0f} s", cofab["p99"] < p99_limit, f"{cofab['p99']:.2f} s"),
    ]
    for label, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {value}")
    return all(ok for _l, ok, _v in checks)


def database(db: str, root: Path) -> tuple[str, str | None]:
    if db == "sqlite":
        return f"sqlite:///{root / 'cofab.db'}", None
    from sqlalchemy import create_engine, text

    name = f"cofab_load_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


def drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run_database(db: str, args: Any) -> bool:
    root = Path(tempfile.mkdtemp(prefix=f"cofab-load-{db}-"))
    url, scratch = database(db, root)
    env = os.environ | {
        "COFAB_DATABASE_URL": url,
        "COFAB_DATA_DIR": str(root / "data"),
        "COFAB_SECRET_KEY": secrets.token_urlsafe(32),
        "COFAB_LANG": "en",
    }
    (root / "bare").mkdir()
    (root / "bare" / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    (root / "data").mkdir()
    how = args.server or ("up" if db == "sqlite" else "uvicorn")
    workers = 1 if how == "up" else args.workers
    try:
        clients = seed(env, args.clients)
        bare_cmd = server_command(how, workers, port := free_port(), f"bare:{root / 'bare'}")
        tally, cpu = measure(bare_cmd, env, port, [None] * args.clients, args)
        bare = summarise("bare", tally, args.seconds, cpu)
        cofab_cmd = server_command(how, workers, port := free_port(), "cofab")
        tally, cpu = measure(cofab_cmd, env, port, list(clients), args)
        cofab = summarise("cofab", tally, args.seconds, cpu)
        shown = " ".join(Path(c).name if c == sys.executable else c for c in cofab_cmd)
        return report(db, cofab, bare, f"{args.clients} clients, {args.seconds:.0f} s, {shown}")
    finally:
        if scratch:
            drop_database(scratch)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="20 s per server")
    parser.add_argument(
        "--server",
        choices=["up", "serve", "uvicorn"],
        help="how cofab is served: `cofab up` (SQLite default), `cofab serve --workers N`, "
        "or uvicorn --factory --workers N (PostgreSQL default until `cofab serve` exists)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (not for up)")
    parser.add_argument("--with-import", action="store_true", help="a 100k-row import meanwhile")
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    if args.quick:
        args.seconds = 20.0
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run_database(db, args) for db in dbs]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
