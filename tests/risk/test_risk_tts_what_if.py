"""What-ifs on the TTS network: weeks of inventory at a site, a site or partner qualified for a
family — figures solved by hand, before and after."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.conftest import World, csrf_of, login

from cofab.core.errors import ValidationFailed
from cofab.risk.tts_runs import analyse_document
from cofab.risk.tts_what_if import WhatIf, apply

# S1 makes F1 (10 a week) and F2 (5 a week); S2 makes F1 (4 a week) and holds 30 P1.
# Demand: P1 (F1) 10 a week, P2 (F2) 3 a week; TTR S1 = 6 weeks.
NETWORK: dict[str, Any] = {
    "products": [{"id": "P1", "family": "F1"}, {"id": "P2", "family": "F2"}],
    "periods": ["W1"],
    "sites": [
        {"id": "S1", "capacity": {"F1": 10, "F2": 5}, "partner": "Acme"},
        {"id": "S2", "capacity": {"F1": 4}, "partner": "Beta"},
    ],
    "markets": [{"id": "M1", "demand": {"P1": 10, "P2": 3}, "unmet_penalty": 1}],
    "lanes": [{"site": "S1", "market": "M1"}, {"site": "S2", "market": "M1"}],
    "inventory": {"S2": {"P1": 30}},
    "ttr_weeks": {"S1": 6},
}


def _node(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(n for n in result["nodes"] if n["node"] == name)


def test_qualifying_a_site_for_a_family() -> None:
    # S1 down: nobody else makes P2 → TTS 0. Qualify Beta (S2) for F2: S2 gets an F2 line at its
    # smallest family capacity (4 ≥ 3 a week), so only P1 limits: 10t ≤ 4t + 30 → t = 5.
    result = analyse_document(NETWORK, what_if={"qualify_node": "Beta", "qualify_family": "F2"})
    s1 = _node(result, "S1")
    assert s1["before"]["tts_weeks"] == pytest.approx(0.0)
    assert s1["tts_weeks"] == pytest.approx(5.0)
    # lost over 6 weeks: before 6·3 (P2) + (60 − 24 − 30) (P1) = 24; after only P1's 6
    assert s1["before"]["lost_units"] == pytest.approx(24.0)
    assert s1["lost_units"] == pytest.approx(6.0)
    assert result["what_if"] == {"qualify_node": "Beta", "qualify_family": "F2"}


def test_weeks_of_inventory_at_a_site() -> None:
    # Two weeks of P1 demand (2 × 10) at S2 (it makes P1; it makes no P2, so none of that):
    # 10t ≤ 4t + 50 → t = 8.33 for P1, but P2 still has no source → TTS stays 0 for S1 down.
    doc = copy.deepcopy(NETWORK)
    changed = apply(doc, WhatIf(inventory_site="S2", inventory_weeks=2))
    assert changed["inventory"]["S2"] == {"P1": 50.0} and doc == NETWORK  # input untouched
    one_family = copy.deepcopy(NETWORK)
    one_family["products"] = [{"id": "P1", "family": "F1"}]
    one_family["markets"][0]["demand"] = {"P1": 10}
    one_family["sites"][0]["capacity"] = {"F1": 10}
    result = analyse_document(one_family, what_if={"inventory_site": "S2", "inventory_weeks": 2.0})
    s1 = _node(result, "S1")
    assert (s1["before"]["tts_weeks"], s1["before"]["exposed"]) == (pytest.approx(5.0), True)
    assert s1["tts_weeks"] == pytest.approx(50 / 6) and not s1["exposed"]


@pytest.mark.parametrize(
    ("what_if", "field"),
    [
        (WhatIf(inventory_site="S9", inventory_weeks=1), "inventory_site"),
        (WhatIf(inventory_site="S1", inventory_weeks=0), "inventory_weeks"),
        (WhatIf(qualify_node="Nobody", qualify_family="F2"), "qualify_node"),
        (WhatIf(qualify_node="S2", qualify_family="F9"), "qualify_family"),
    ],
)
def test_bad_what_ifs_name_the_field(what_if: WhatIf, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        apply(NETWORK, what_if)
    assert [p.field for p in caught.value.problems] == [field]


def test_what_if_on_the_page_and_api(world: World, base_url: str, api: Any) -> None:
    posted = api(world.users["manager"]).post(
        "/api/v1/risk/tts",
        json={
            "network": NETWORK,
            "node": "S1",
            "what_if": {"qualify_node": "S2", "qualify_family": "F2"},
        },
    )
    assert posted.status_code == 200
    (row,) = posted.json()["nodes"]
    assert (row["tts_weeks"], row["before"]["tts_weeks"]) == (pytest.approx(5.0), 0.0)
    client = login(base_url, world.users["manager"])
    body = {
        "csrf_token": csrf_of(client, "/risk/tts"),
        "source": "upload",
        "qualify_node": "Beta",
        "qualify_family": "F2",
    }
    files = {"file": ("net.json", json.dumps(NETWORK).encode(), "application/json")}
    page = client.post("/risk/tts", data=body, files=files)
    assert page.status_code == 200 and "TTS before the what-if" in page.text
    assert 'data-before="yes">0.0<' in page.text
    bad = client.post("/risk/tts", data=body | {"qualify_family": "F9"}, files=files)
    assert bad.status_code == 422 and "No product family is called F9." in bad.text
