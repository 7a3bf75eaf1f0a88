"""SIGTERM stops cofab: the server, the worker beside it, and a server stuck in a request.

Real processes: ``cofab up`` in a subprocess on a free port with its own SQLite file and data
folder, signalled the way an init system or ``docker stop`` does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(child) for child in text)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_until(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("cofab did not answer /healthz")


def _env(tmp_path: Path) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        COFAB_DATABASE_URL=f"sqlite:///{tmp_path / 'cofab.db'}",
        COFAB_DATA_DIR=str(tmp_path / "data"),
        COFAB_SECRET_KEY="shutdown-test-" + "x" * 40,
    )
    env.pop("COFAB_TEST_DATABASE_URL", None)
    return env


def test_sigterm_to_cofab_up_stops_the_server_and_its_worker(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cofab", "up", "--no-demo", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server)
        workers = _children(server.pid)
        assert len(workers) == 1, "cofab up starts one worker beside the server"
        (worker,) = workers
        assert _alive(worker)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        assert _wait_until(lambda: not _alive(worker), 15), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


STUCK_SERVER = textwrap.dedent(
    """
    import subprocess, sys, time
    from cofab.maintenance import runtime

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["path"] == "/stuck":
            time.sleep(120)  # blocks the event loop, as a database call on it would
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    helper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"],
        preexec_fn=runtime._die_with_parent,
    )
    print(helper.pid, flush=True)
    runtime.serve(app, host="127.0.0.1", port=int(sys.argv[1]), graceful_timeout=2,
                  worker=helper, log_level="warning")
    """
)


def test_a_stuck_server_still_stops_within_its_graceful_timeout(tmp_path: Path) -> None:
    port = _free_port()
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_SERVER)
    server = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert server.stdout is not None
        helper = int(server.stdout.readline())
        _wait_healthy(f"http://127.0.0.1:{port}", server, timeout=30)

        def stuck_request() -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/stuck", timeout=30)

        threading.Thread(target=stuck_request, daemon=True).start()
        time.sleep(0.5)  # the loop is now blocked inside the request
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        elapsed = time.monotonic() - started
        # graceful timeout 2 s + the 2 s margin for cancelling tasks, with slack for a busy box
        assert elapsed < 10, f"took {elapsed:.1f} s"
        assert elapsed >= 2, "stopped before the graceful timeout: the request got no grace"
        assert _wait_until(lambda: not _alive(helper), 10), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
