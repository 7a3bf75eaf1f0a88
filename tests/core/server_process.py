"""The app served by uvicorn in a child process, for tests that may freeze a server.

A frozen server in the test process could never be stopped (and on PostgreSQL its open
transactions would keep their locks); a child process is killed and its connections go with it.
It shares the test database: the same SQLite file, or the same PostgreSQL schema.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import Engine, text

from cofab.config import Settings

CHILD = """
import os, uvicorn
from sqlalchemy import create_engine
from cofab.app import create_app
from cofab.config import Settings
from cofab.db.session import make_engine

url, schema = os.environ["T_URL"], os.environ.get("T_SCHEMA")
engine = (
    create_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10)
    if schema
    else make_engine(url)
)
settings = Settings(
    database_url=url, data_dir=os.environ["T_DATA"], secret_key=os.environ["T_SECRET"]
)
uvicorn.run(
    create_app(settings, engine=engine),
    host="127.0.0.1",
    port=int(os.environ["T_PORT"]),
    log_level="warning",
    lifespan="off",
)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_in_child(engine: Engine, settings: Settings) -> Iterator[str]:
    env = dict(os.environ)
    env["T_URL"] = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            env["T_SCHEMA"] = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    env["T_DATA"] = str(settings.data_dir)
    env["T_SECRET"] = str(settings.secret_key)
    port = _free_port()
    env["T_PORT"] = str(port)
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the child server did not start")
            time.sleep(0.1)
        yield base_url
    finally:
        child.kill()
        child.wait(timeout=10)
