"""Jobs run exactly once when several ``cofab worker`` processes take from one queue.

Two real worker processes (the ``cofab worker --once`` command, with one extra job kind
registered for the test) drain a queue of 30 quick jobs on the test database — SQLite, or
PostgreSQL in the test schema. Each run appends its job id to a file, so a job taken twice, or
never, shows up there and not only in the jobs table.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import Engine, select, text

from cofab.core import jobs
from cofab.db.session import unit_of_work

JOBS = 30

WORKER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from cofab.core import jobs

    folder = Path(sys.argv[1])
    (folder / f"started-{os.getpid()}").touch()

    @jobs.register("test.mark")
    def mark(context, payload):
        # Each worker's first job waits until the other worker is inside a job too, so the two
        # really take from the queue at once, however slowly the second one starts (a loaded
        # machine takes seconds to import the app).
        (folder / f"inside-{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while len(list(folder.glob("inside-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        with open(folder / "marks", "a") as marks:
            marks.write(f"{context.job_id} {os.getpid()}\\n")
        time.sleep(0.01)
        return {"pid": os.getpid()}

    from cofab.cli import app
    app(["worker", "--once", "--poll", "0.05"])
    """
)


def _database_url(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{url}?options=-csearch_path%3D{schema}"


def test_two_worker_processes_run_every_job_exactly_once(engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(engine) as session:
        ids = {
            jobs.enqueue(session, actor=None, kind="test.mark", payload={"n": n}).id
            for n in range(JOBS)
        }
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = os.environ.copy() | {
        "COFAB_DATABASE_URL": _database_url(engine),
        "COFAB_DATA_DIR": str(tmp_path / "data"),
        "COFAB_SECRET_KEY": "workers-test-" + "x" * 40,
    }
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr.decode()[-2000:]
    runs = [line.split() for line in (tmp_path / "marks").read_text().splitlines()]
    ran_ids = [int(job_id) for job_id, _ in runs]
    assert sorted(ran_ids) == sorted(ids), "a job ran twice or not at all"
    assert len({pid for _, pid in runs}) == 2, "both workers took jobs"
    with unit_of_work(engine) as session:
        statuses = session.execute(select(jobs.Job.status).where(jobs.Job.id.in_(ids))).scalars()
        assert set(statuses) == {jobs.SUCCEEDED}


HANGING_WORKER = textwrap.dedent(
    """
    import time
    from cofab.core import jobs

    @jobs.register("test.hang")
    def hang(context, payload):
        time.sleep(120)
        return {}

    from cofab.cli import app
    app(["worker", "--poll", "0.05"])
    """
)


def test_sigterm_to_a_worker_puts_its_running_job_back_in_the_queue(
    engine: Engine, tmp_path: Path
) -> None:
    import signal
    import time

    with unit_of_work(engine) as session:
        job_id = jobs.enqueue(session, actor=None, kind="test.hang", payload={}).id
    script = tmp_path / "worker.py"
    script.write_text(HANGING_WORKER)
    env = os.environ.copy() | {
        "COFAB_DATABASE_URL": _database_url(engine),
        "COFAB_DATA_DIR": str(tmp_path / "data"),
        "COFAB_SECRET_KEY": "workers-test-" + "x" * 40,
    }
    worker = subprocess.Popen(
        [sys.executable, str(script)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def status() -> str:
        with unit_of_work(engine) as session:
            return session.get(jobs.Job, job_id).status  # type: ignore[union-attr]

    try:
        deadline = time.monotonic() + 60
        while status() != jobs.RUNNING:
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert status() == jobs.QUEUED
