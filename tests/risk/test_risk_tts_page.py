"""The TTS page: an uploaded network answered at once, the live registry network, and a large
run through the job queue with its progress bar — figures solved by hand."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login

from cofab.core import jobs
from cofab.db.session import unit_of_work
from cofab.operations.models import InventorySnapshot
from cofab.partners.models import Partner
from cofab.risk import tts_runs

# S1 (10 a week) and S2 (4 a week, 30 in stock) serve 10 a week of P1.
# S1 down: 10·t ≤ 4·t + 30 → TTS = 5 weeks < TTR 6: exposed; at t = 6, 60 − (24 + 30) = 6 lost,
# 6 × 2 = 12 in value. S2 down: S1 alone makes 10 a week → unbounded.
NETWORK = {
    "products": [{"id": "P1", "family": "F1"}],
    "periods": ["W1"],
    "sites": [
        {"id": "S1", "capacity": 10, "partner": "Acme"},
        {"id": "S2", "capacity": 4, "partner": "Beta"},
    ],
    "markets": [{"id": "M1", "demand": {"P1": 10}, "unmet_penalty": 2}],
    "lanes": [{"site": "S1", "market": "M1"}, {"site": "S2", "market": "M1"}],
    "inventory": {"S2": {"P1": 30}},
    "ttr_weeks": {"S1": 6, "S2": 2},
}


def _rows(html: str) -> dict[str, tuple[str, list[str]]]:
    """node → (exposed yes/no, the cells' text)."""
    found = {}
    for node, exposed, body in re.findall(
        r'<tr[^>]*data-node="([^"]+)" data-exposed="(yes|no)">(.*?)</tr>', html, re.S
    ):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body)
        ]
        found[node] = (exposed, cells)
    return found


def _post(client: Any, data: dict[str, str], upload: dict[str, Any] | None = None) -> Any:
    files = (
        {"file": ("net.json", json.dumps(upload).encode(), "application/json")} if upload else None
    )
    body = {"csrf_token": csrf_of(client, "/risk/tts"), **data}
    return client.post("/risk/tts", data=body, files=files)


def test_uploaded_network_answers_at_once(world: World, base_url: str) -> None:
    client = login(base_url, world.users["quality"])
    page = _post(client, {"source": "upload"}, NETWORK)
    assert page.status_code == 200
    rows = _rows(page.text)
    assert rows["S1"][0] == "yes" and rows["Acme"][0] == "yes"
    assert rows["S1"][1][2:7] == ["5.0", "6.0", "-1.0", "6", "12"]
    assert rows["S2"][0] == "no" and rows["S2"][1][2] == "unbounded"
    assert 'data-testid="tts-chart"' in page.text

    bad = _post(client, {"source": "upload"}, NETWORK | {"ttr_weeks": {"S9": 1}})
    assert bad.status_code == 422 and "Unknown site S9." in bad.text
    missing = _post(client, {"source": "upload"})
    assert missing.status_code == 422 and "Choose a network JSON file" in missing.text

    partner = login(base_url, world.users["partner_a"])
    assert partner.get("/risk/tts").status_code == 404


def _live_registry(engine: Engine, world: World) -> None:
    with unit_of_work(engine) as session:
        for pid in (world.partner_a, world.partner_b):
            session.get(Partner, pid).status = "active"  # type: ignore[union-attr]
        session.add(
            InventorySnapshot(
                partner_id=world.partner_a,
                site_id=world.ids["a"]["site_id"],
                item="F1",
                at=datetime(2026, 1, 1, tzinfo=UTC),
                on_hand=Decimal(100),
                reserved=Decimal(10),
                in_transit=Decimal(0),
                posted_by="t",
            )
        )


def test_live_network_from_the_registry(world: World, engine: Engine, base_url: str) -> None:
    # Each site makes 100 F1 a month; demand = 0.6 × 200 / 3 = 40 a month in each of 3 markets.
    # Weekly (× 12/52): capacity 23.077 per site, demand 27.692. Alpha down: Bravo has no stock
    # → TTS 0 < TTR 8, lost 8 × 4.615 = 36.92. Bravo down: Alpha's free stock 90 covers the
    # 4.615-a-week gap for 90 / 4.615 = 19.5 weeks > 8.
    _live_registry(engine, world)
    client = login(base_url, world.users["manager"])
    page = _post(client, {"source": "live", "ttr_weeks": "8"})
    assert page.status_code == 200, page.text
    rows = _rows(page.text)
    gap = 120 * 12 / 52 - 100 * 12 / 52
    alpha, bravo = rows["Alpha Assembly Site"], rows["Bravo Bioworks Site"]
    assert alpha[0] == "yes" and alpha[1][2] == "0.0" and alpha[1][5] == f"{8 * gap:,.0f}"
    assert bravo[0] == "no" and bravo[1][2] == f"{90 / gap:,.1f}"
    assert rows["Alpha Assembly"][0] == "yes"  # the partner node, its one site down

    bad = _post(client, {"source": "live", "ttr_weeks": "-1"})
    assert bad.status_code == 422 and "Must be a number of at least 0." in bad.text


def test_a_large_run_goes_to_the_job_queue(
    world: World, engine: Engine, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tts_runs, "INLINE_WORK", 0)
    client = login(base_url, world.users["manager"])
    queued = _post(client, {"source": "upload"}, NETWORK)
    assert queued.status_code == 303
    target = queued.headers["location"]
    assert target.startswith("/risk/tts?job=")
    waiting = client.get(target)
    assert 'data-testid="job-progress"' in waiting.text and "data-node" not in waiting.text
    jobs.work(engine, once=True, kinds={tts_runs.TTS_JOB})
    done = client.get(target)
    rows = _rows(done.text)
    assert rows["S1"][0] == "yes" and rows["S1"][1][2] == "5.0"
    with unit_of_work(engine) as session:
        other = jobs.enqueue(session, actor=None, kind="planning.solve", payload={}).id
    assert client.get(f"/risk/tts?job={other}").status_code == 404
    partner = login(base_url, world.users["partner_a"])
    assert partner.get(target).status_code == 404
