"""Serve cofab so that SIGTERM stops the server and its worker, even when the server is stuck.

uvicorn catches SIGTERM, shuts down and then raises the signal again, so code after
``uvicorn.run`` (stopping a worker started beside it) never runs. And a Python signal handler runs
only when the main thread executes Python: an event loop blocked in a database call never sees
it. So the stop signals are blocked in every thread of the server and taken by one watcher thread
(``sigwait``), which asks uvicorn to finish and, if it has not within the graceful timeout, stops
the worker and ends the process. The worker also dies with its parent (Linux ``PR_SET_PDEATHSIG``),
so a server killed with SIGKILL does not leave it behind either.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from typing import Any

import uvicorn

log = logging.getLogger("cofab.runtime")

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
PR_SET_PDEATHSIG = 1
# Beyond uvicorn's own graceful timeout: time to cancel tasks and close the database pool.
EXIT_MARGIN_S = 2.0


def _die_with_parent() -> None:
    """In the child between fork and exec: stop signals unblocked, SIGTERM when the parent dies."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


def start_worker_process() -> subprocess.Popen[bytes]:
    """``cofab up`` runs one worker beside the server so jobs need no extra step."""
    return subprocess.Popen(
        [sys.executable, "-m", "cofab", "worker"],
        env=os.environ.copy(),
        preexec_fn=_die_with_parent,  # runs before any thread of ours starts
    )


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def exit_on_stop_signal() -> None:
    """``cofab worker``: SIGTERM/SIGINT end the process at once (an exception, so ``finally``
    blocks run and the job being run goes back to the queue) instead of killing it mid-write."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    if threading.current_thread() is not threading.main_thread():
        return  # called in-process from a thread (a test runner): signals are not ours to take
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def serve(
    app: Any,
    *,
    host: str,
    port: int,
    graceful_timeout: float = 10.0,
    worker: subprocess.Popen[bytes] | None = None,
    log_level: str = "info",
    factory: bool = False,
    access_log: bool = True,
) -> None:
    """Serve ``app`` (an ASGI app or an import string) in this process until SIGTERM/SIGINT."""
    config = uvicorn.Config(
        app,
        factory=factory,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=int(max(1, graceful_timeout)),
    )
    server = uvicorn.Server(config)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    done = threading.Event()

    def give_up() -> None:
        if done.is_set():
            return
        log.warning("cofab did not stop within %.0f s of SIGTERM; ending it", graceful_timeout)
        stop_process(worker, timeout=3)
        os._exit(1)

    def watch() -> None:
        received = 0
        while not done.is_set():
            signal.sigwait(STOP_SIGNALS)
            received += 1
            if received == 1:
                server.should_exit = True
                timer = threading.Timer(graceful_timeout + EXIT_MARGIN_S, give_up)
                timer.daemon = True
                timer.start()
            else:
                server.force_exit = True
                if received > 2:
                    give_up()

    threading.Thread(target=watch, name="cofab-signals", daemon=True).start()
    try:
        server.run()
    finally:
        done.set()
        stop_process(worker)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
