"""Two writers that wait on each other's locks both finish, and the server keeps answering.

Issue 11 item 1: a route doing database work on the event loop, waiting on a lock another
request holds, froze the server for good on PostgreSQL (the other request's commit needed the
loop). The server runs in a child process so that, if it ever freezes again, the test fails
on its timeouts and the process is killed instead of hanging the suite.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login, token_for
from tests.core.server_process import served_in_child

from cofab.config import Settings

TIMEOUT = 25.0


@pytest.fixture
def child_url(world: World, engine: Engine, settings: Settings) -> Iterator[str]:
    with served_in_child(engine, settings) as url:
        yield url


def _in_thread(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["response"] = call()
        except httpx.HTTPError as exc:  # a timeout is the failure this test looks for
            result["error"] = repr(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def _finished(thread: threading.Thread, result: dict[str, Any]) -> httpx.Response:
    thread.join(TIMEOUT + 5)
    assert "response" in result, result.get("error", "request never returned")
    response: httpx.Response = result["response"]
    return response


def _order(world: World, lines: int) -> dict[str, Any]:
    return {
        "partner_id": world.partner_a,
        "site_id": world.ids["a"]["site_id"],
        "external_ref": "PO-FREEZE",
        "order_date": "2025-01-10",
        "currency": "USD",
        "incoterm": "FOB",
        "incoterm_place": "Haiphong",
        "lines": [
            {
                "product": f"Part {n}",
                "quantity": "10",
                "unit_price": "1.5",
                "requested_date": "2025-02-01",
            }
            for n in range(lines)
        ],
    }


def _server_answers(url: str, token: str) -> None:
    started = time.monotonic()
    me = httpx.get(
        f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert me.status_code == 200
    assert time.monotonic() - started < 5


def test_a_big_order_and_a_partner_form_at_once_both_finish(
    world: World, engine: Engine, child_url: str
) -> None:
    token = token_for(engine, world.users["manager"])
    browser = login(child_url, world.users["admin"])
    browser.timeout = httpx.Timeout(TIMEOUT)
    csrf = csrf_of(browser, "/partners/new")
    with httpx.Client(
        base_url=child_url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    ) as api:
        order = _in_thread(lambda: api.post("/api/v1/orders", json=_order(world, 300)))
        time.sleep(0.15)
        form = _in_thread(
            lambda: browser.post(
                "/partners/new",
                data={
                    "csrf_token": csrf,
                    "name_ko": "동시 공업",
                    "name_en": "Concurrent Works",
                    "types": "supplier",
                    "form": "vertical",
                    "country": "KR",
                    "external_ref": "FREEZE-1",
                },
            )
        )
        assert _finished(*order).status_code == 201
        created = _finished(*form)
        assert created.status_code == 303, created.text[:300]
    browser.close()
    _server_answers(child_url, token)


def test_kpis_and_an_import_under_one_token_both_finish(
    world: World, engine: Engine, child_url: str
) -> None:
    token = token_for(engine, world.users["manager"])
    rows = "".join(f"FRZ-{n},동시 {n},Concurrent {n},supplier,vertical,KR,\n" for n in range(200))
    csv = ("external_ref,name_ko,name_en,types,form,country,website\n" + rows).encode()
    with httpx.Client(
        base_url=child_url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    ) as api:
        for _round in range(3):
            kpis = _in_thread(lambda: api.get("/api/v1/kpis"))
            imported = _in_thread(
                lambda: api.post("/api/v1/partners/import", files={"file": ("p.csv", csv)})
            )
            assert _finished(*kpis).status_code == 200
            assert _finished(*imported).status_code == 200
    _server_answers(child_url, token)
