"""`cofab serve` writes one access line per request unless told not to (behind a proxy that
logs them, and in bench/load.py, where the bare app it is compared with logs none)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.core.test_runtime_shutdown import _env, _free_port, _wait_healthy

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _served_log(tmp_path: Path, *flags: str) -> str:
    port = _free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cofab", "serve", "--port", str(port), *flags],
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base, process, timeout=120)
            for _ in range(3):
                assert httpx.get(f"{base}/api/v1/me").status_code == 401
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    return log.read_text(errors="replace")


def test_access_lines_are_written_by_default_and_can_be_turned_off(tmp_path: Path) -> None:
    assert _served_log(tmp_path).count('"GET /api/v1/me HTTP/1.1" 401') == 3
    assert "GET /api/v1/me" not in _served_log(tmp_path, "--no-access-log")
