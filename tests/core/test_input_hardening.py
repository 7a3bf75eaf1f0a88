"""Odd input is a clean 4xx naming the field, never a 5xx: huge ids, NUL characters, NaN and
infinity, endless search text, LIKE wildcards; job errors carry no traceback."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from tests.conftest import World
from tests.planning.planning_docs import one_product_doc, site

from cofab.core import jobs
from cofab.core.problems import is_transient
from cofab.db.session import unit_of_work
from cofab.planning.loader import validate_document

HUGE = "99999999999999999999999"


def _fields(response: Any) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json().get("errors", [])]


def test_huge_query_id_is_a_422_naming_the_parameter(world: World, api) -> None:
    client = api(world.users["manager"])
    for path in ("/api/v1/orders", "/api/v1/shipments"):
        response = client.get(path, params={"partner_id": HUGE})
        assert response.status_code == 422, (path, response.text)
        assert _fields(response) == ["partner_id"]
    beyond_int4 = client.get("/api/v1/orders", params={"partner_id": 2**31})
    assert beyond_int4.status_code == 422 and _fields(beyond_int4) == ["partner_id"]


def test_path_id_that_cannot_exist_is_a_404(world: World, api) -> None:
    client = api(world.users["manager"])
    for path in (
        "/api/v1/contracts/2172528950",
        f"/api/v1/contracts/{HUGE}",
        f"/api/v1/partners/{2**31}",
        f"/api/v1/plans/{2**63}",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["code"] == "not_found"


def test_nul_character_in_json_query_and_form_text_is_a_422_naming_the_field(
    world: World, api
) -> None:
    client = api(world.users["manager"])
    body = {"name_ko": "가나", "name_en": "Null\u0000Corp", "types": ["supplier"]}
    body |= {"form": "vertical", "country": "KR"}
    created = client.post("/api/v1/partners", json=body)
    assert created.status_code == 422 and _fields(created) == ["name_en"]
    searched = client.get("/api/v1/partners", params={"q": "a\x00b"})
    assert searched.status_code == 422 and _fields(searched) == ["q"]
    form = client.post(
        "/api/v1/partners",
        content=b"name_en=a%00b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 422 and "name_en" in _fields(form)


def test_endless_search_text_is_a_422_not_a_busy_database(world: World, api) -> None:
    client = api(world.users["manager"])
    for path in ("/api/v1/partners", "/api/v1/orders", "/api/v1/contracts"):
        response = client.get(path, params={"q": "x" * 60_000})
        assert response.status_code == 422, (path, response.status_code)
        assert _fields(response) == ["q"]


def test_percent_and_underscore_in_search_match_themselves(world: World, api) -> None:
    client = api(world.users["manager"])
    for name in ("100% Cotton", "100X Cotton", "Under_Score", "UnderXScore"):
        body = {"name_ko": name, "name_en": name, "types": ["supplier"]}
        body |= {"form": "vertical", "country": "KR"}
        assert client.post("/api/v1/partners", json=body).status_code == 201

    def names(q: str) -> set[str]:
        found = client.get("/api/v1/partners", params={"q": q}).json()["items"]
        return {p["name_en"] for p in found}

    assert names("100%") == {"100% Cotton"}
    assert names("r_s") == {"Under_Score"}
    assert names("%") == {"100% Cotton"}


def test_nan_and_infinity_in_a_plan_are_422_naming_the_number(world: World, api) -> None:
    client = api(world.users["manager"])
    good = one_product_doc([site("S1", 100, 1.0)], 10)
    text = client.post("/api/v1/plans", json={"input": good}).request.content.decode()
    for literal in ("NaN", "Infinity", "-Infinity", "1e309"):
        raw = text.replace('"demand":{"P1":10}', f'"demand":{{"P1":{literal}}}')
        assert literal in raw
        response = client.post(
            "/api/v1/plans", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (literal, response.text)
        assert _fields(response) == ["input.markets.0.demand.P1"]


def test_make_or_buy_refuses_nan_and_endless_periods(world: World, api) -> None:
    client = api(world.users["viewer"])
    case = '{"periods": 10, "own": {"capex": NaN, "unit_cost": 2}, "outsource": {"unit_price": 3}}'
    response = client.post(
        "/api/v1/plans/make-or-buy", content=case, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and _fields(response) == ["own.capex"]
    long = {"periods": 100_000_000, "own": {"capex": 1, "unit_cost": 2}}
    long["outsource"] = {"unit_price": 3}
    refused = client.post("/api/v1/plans/make-or-buy", json=long)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "$.periods"


def test_planner_files_with_nan_are_refused_with_the_json_path() -> None:
    doc = one_product_doc([site("S1", 100, math.inf)], math.nan)
    problems = {p.path: p.message for p in validate_document(doc)}
    assert problems == {
        "$.sites[0].unit_cost.P1": "Must be a finite number.",
        "$.markets[0].demand.P1": "Must be a finite number.",
    }


def test_a_failed_job_shows_the_reason_without_a_traceback(
    world: World, api, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        job_id = jobs.enqueue(session, actor=None, kind="no-such-kind", payload={}).id
    assert jobs.claim_next(engine, "test-worker") == job_id
    assert jobs.run_job(engine, job_id) == jobs.FAILED
    shown = api(world.users["admin"]).get(f"/api/v1/jobs/{job_id}").json()
    assert "no handler for job kind" in shown["error"]
    assert "Traceback" not in shown["error"] and 'File "' not in shown["error"]


def test_only_locks_timeouts_and_lost_connections_are_busy() -> None:
    class Driver(Exception):
        def __init__(self, text: str, sqlstate: str | None = None) -> None:
            super().__init__(text)
            self.sqlstate = sqlstate

    def error(text: str, sqlstate: str | None = None) -> OperationalError:
        return OperationalError("SELECT 1", {}, Driver(text, sqlstate))

    assert is_transient(error("database is locked"))
    assert is_transient(error("canceling statement due to lock timeout", "55P03"))
    assert is_transient(error("server closed the connection unexpectedly", "08006"))
    assert not is_transient(error("LIKE or GLOB pattern too complex"))
    assert not is_transient(error("no such column: x"))


def test_openapi_documents_problem_answers(base_url: str, world: World, api) -> None:
    schema = api(world.users["viewer"]).get("/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    answers = schema["paths"]["/api/v1/contracts/{contract_id}"]["get"]["responses"]
    for status in ("401", "404", "422"):
        assert "application/problem+json" in answers[status]["content"]
