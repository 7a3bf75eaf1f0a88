"""What the business-unit scope costs a request: the same lists as a group admin (no scope, the
reference) and as a unit admin (every ORM statement carries the unit criteria), side by side.

    python bench/units_scope.py            # loads the demo into a scratch SQLite database
    python bench/units_scope.py --requests 200

Prints the median latency per list and the ratio unit/group, over real HTTP against
``cofab serve``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

GROUP_ADMIN = "admin@hanmaru-group.example"
UNIT_ADMIN = "admin@hanbit.example"
PATHS = ("/api/v1/orders", "/api/v1/partners", "/api/v1/contracts", "/api/v1/kpis")


def _tokens(url: str) -> dict[str, str]:
    from sqlalchemy import select

    from cofab.accounts import service
    from cofab.accounts.models import User
    from cofab.db.session import engine_for, unit_of_work

    found = {}
    with unit_of_work(engine_for(url)) as session:
        for email in (GROUP_ADMIN, UNIT_ADMIN):
            user = session.execute(select(User).where(User.email == email)).scalar_one()
            actor = service.actor_for(user)
            found[email] = service.create_token(session, actor=actor, name="bench").secret
    return found


def _median_ms(client: httpx.Client, path: str, requests: int) -> tuple[float, int]:
    for _ in range(5):
        client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    body = response.json()
    count = body.get("total", len(body.get("groups", []))) if isinstance(body, dict) else 0
    return statistics.median(times), int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cofab-units-bench-"))
    url = f"sqlite:///{folder / 'cofab.db'}"
    env = os.environ | {"COFAB_DATABASE_URL": url, "COFAB_DATA_DIR": str(folder)}
    cofab = [sys.executable, "-m", "cofab"]
    subprocess.run([*cofab, "demo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    tokens = _tokens(url)
    server = subprocess.Popen(
        [*cofab, "serve", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        table = Table("list", "group admin (reference)", "unit admin", "unit / group")
        for path in PATHS:
            row = {}
            for email, token in tokens.items():
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                    row[email] = _median_ms(client, path, args.requests)
            (group_ms, group_n), (unit_ms, unit_n) = row[GROUP_ADMIN], row[UNIT_ADMIN]
            table.add_row(
                path,
                f"{group_ms:.1f} ms ({group_n})",
                f"{unit_ms:.1f} ms ({unit_n})",
                f"{unit_ms / group_ms:.2f}",
            )
        Console().print(table)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
