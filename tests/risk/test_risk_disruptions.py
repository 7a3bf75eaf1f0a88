"""Disruption profiles from the register (likelihood → events a year → probability a period,
impact → weeks down), hand-computed."""

from __future__ import annotations

import math
from typing import Any

import pytest
from tests.conftest import World


def test_site_profiles_from_open_risks(world: World, api: Any) -> None:
    owner = api(world.users["manager"])

    def risk(**fields: Any) -> int:
        body = {"title": "r", "category": "supply"} | fields
        got = owner.post("/api/v1/risk/risks", json=body)
        assert got.status_code == 201, got.text
        return int(got.json()["id"])

    risk(partner_id=world.partner_a, likelihood=4, impact=3)  # every A site: 1/yr, 3 weeks
    risk(  # A's site, residual (2, 4) counts: 0.15/yr, 6 weeks
        partner_id=world.partner_a,
        site_id=world.ids["a"]["site_id"],
        likelihood=3,
        impact=5,
        residual_likelihood=2,
        residual_impact=4,
    )
    closed = risk(partner_id=world.partner_b, likelihood=5, impact=5)
    owner.post(f"/api/v1/risk/risks/{closed}/status", json={"status": "closed"})
    risk(likelihood=5, impact=5)  # about nobody: no site

    (a,) = owner.get("/api/v1/risk/disruptions").json()
    assert a["site_id"] == world.ids["a"]["site_id"]
    # independent monthly arrivals: 1 − e^(−1/12) and 1 − e^(−0.15/12) → 1 − e^(−1.15/12)
    assert a["probability"] == pytest.approx(1 - math.exp(-1.15 / 12))
    assert a["weeks_down"] == 6.0 and len(a["risks"]) == 2
    assert a["disruption"]["capacity_loss"] == 1.0
    assert a["disruption"]["duration"] == {
        "distribution": "geometric",
        "mean": pytest.approx(6 * 12 / 52, abs=1e-4),
    }

    weekly = owner.get("/api/v1/risk/disruptions", params={"period_weeks": 1}).json()[0]
    assert weekly["disruption"]["probability"] == pytest.approx(1 - math.exp(-1.15 / 52), abs=1e-6)
    assert weekly["disruption"]["duration"]["mean"] == 6.0
    assert api(world.users["partner_a"]).get("/api/v1/risk/disruptions").status_code == 404
