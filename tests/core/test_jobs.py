"""Background jobs: enqueue, claim once, run, report progress and failure, and stay scoped."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World

from cofab.core import jobs
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work


@jobs.register("test.square")
def _square(context: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    context.progress(0.5, "halfway", force=True)
    if payload.get("explode"):
        raise ValueError("bad number")
    return {"square": payload["n"] ** 2}


def enqueue(engine: Engine, **payload: Any) -> int:
    with unit_of_work(engine) as session:
        return jobs.enqueue(session, actor=SYSTEM_ACTOR, kind="test.square", payload=payload).id


def job(engine: Engine, job_id: int) -> jobs.Job:
    with unit_of_work(engine) as session:
        return session.execute(select(jobs.Job).where(jobs.Job.id == job_id)).scalar_one()


def test_worker_runs_queued_jobs_and_records_results(engine: Engine) -> None:
    ok, bad = enqueue(engine, n=7), enqueue(engine, n=1, explode=True)
    assert jobs.work(engine, once=True, kinds={"test.square"}) == 2
    done = job(engine, ok)
    assert (done.status, done.result, done.progress) == ("succeeded", {"square": 49}, 1.0)
    failed = job(engine, bad)
    assert failed.status == "failed" and "bad number" in (failed.error or "")
    assert failed.progress == 0.5 and failed.message == "halfway"


def test_two_workers_never_claim_the_same_job(engine: Engine) -> None:
    ids = {enqueue(engine, n=i) for i in range(12)}
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer(name: str) -> None:
        while (job_id := jobs.claim_next(engine, name, {"test.square"})) is not None:
            with lock:
                claimed.append(job_id)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)


def test_job_status_api_is_scoped_and_cancellable(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    job_id = enqueue(engine, n=3)
    viewer, owner = api(world.users["viewer"]), api(world.users["manager"])
    body = viewer.get(f"/api/v1/jobs/{job_id}").json()
    assert body["status"] == "queued" and body["kind"] == "test.square"
    assert api(world.users["partner_a"]).get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert viewer.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 403
    assert owner.post(f"/api/v1/jobs/{job_id}/cancel").json()["status"] == "cancelled"
    assert owner.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 409
    assert jobs.work(engine, once=True, kinds={"test.square"}) == 0
    assert owner.get("/api/v1/jobs/999999").status_code == 404


def test_unknown_kind_fails_the_job_not_the_worker(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        job_id = jobs.enqueue(session, actor=None, kind="test.nobody", payload={}).id
    assert jobs.work(engine, once=True, kinds={"test.nobody"}) == 1
    assert job(engine, job_id).status == "failed"


def test_progress_fragment_renders_for_pages(world: World, base_url: str, engine: Engine) -> None:
    from tests.conftest import login

    job_id = enqueue(engine, n=2)
    client = login(base_url, world.users["manager"])
    page = client.get(f"/jobs/{job_id}/progress")
    assert page.status_code == 200 and 'data-status="queued"' in page.text and "hx-get" in page.text
    jobs.work(engine, once=True, kinds={"test.square"})
    finished = client.get(f"/jobs/{job_id}/progress", params={"then": "/partners"})
    assert 'data-status="succeeded"' in finished.text and "hx-get" not in finished.text
    assert 'href="/partners"' in finished.text
