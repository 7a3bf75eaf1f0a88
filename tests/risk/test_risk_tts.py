"""Time to survive and performance impact against small networks solved by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cofab.cli import app
from cofab.core.errors import ValidationFailed
from cofab.risk.engine.tts import NodeResult, analyse
from cofab.risk.network_input import load_network, select_nodes


def network(
    sites: list[dict[str, Any]],
    demand: dict[str, float],
    *,
    families: dict[str, str] | None = None,
    penalty: float = 0.0,
    **extra: Any,
) -> dict[str, Any]:
    families = families or {p: "F1" for p in demand}
    return {
        "products": [{"id": p, "family": f} for p, f in families.items()],
        "periods": ["W1", "W2"],
        "sites": sites,
        "markets": [{"id": "M1", "demand": demand, "unmet_penalty": penalty}],
        "lanes": [{"site": s["id"], "market": "M1"} for s in sites],
        **extra,
    }


def results(doc: dict[str, Any]) -> dict[str, NodeResult]:
    loaded = load_network(doc)
    return {r.node.name: r for r in analyse(loaded.network, loaded.nodes)}


def test_a_backup_that_covers_demand_survives_forever() -> None:
    doc = network(
        [{"id": "S1", "capacity": 100}, {"id": "S2", "capacity": 100}],
        {"P1": 100},
        ttr_weeks={"S1": 10},
    )
    s1 = results(doc)["S1"]
    assert s1.unbounded and s1.tts_weeks is None
    assert s1.lost_units == 0.0 and not s1.exposed


def test_inventory_alone_carries_the_business_until_it_runs_out() -> None:
    # S2 makes nothing (no capacity) but holds 250 units; demand 50 a week, S1 down:
    # TTS = 250 / 50 = 5 weeks; TTR 8 weeks → 8·50 − 250 = 150 units lost, 150·3 = 450.
    doc = network(
        [{"id": "S1", "capacity": 100}, {"id": "S2", "capacity": 0}],
        {"P1": 50},
        penalty=3.0,
        inventory={"S2": {"P1": 250}},
        ttr_weeks={"S1": 8},
    )
    s1 = results(doc)["S1"]
    assert not s1.unbounded
    assert s1.tts_weeks == pytest.approx(5.0)
    assert s1.lost_units == pytest.approx(150.0)
    assert s1.lost_value == pytest.approx(450.0)
    assert s1.exposed
    assert [(m, p) for m, p, _ in s1.lost] == [(0, 0)]


def test_the_down_sites_inventory_is_lost_with_it() -> None:
    doc = network(
        [{"id": "S1", "capacity": 100}, {"id": "S2", "capacity": 0}],
        {"P1": 50},
        inventory={"S1": {"P1": 1000}, "S2": {"P1": 100}},
    )
    assert results(doc)["S1"].tts_weeks == pytest.approx(2.0)  # only S2's 100 units


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        # per family: P1 needs 60t ≤ 30t + 90 → t = 3 (F2's spare 10 cannot help F1)
        ({"F1": 30, "F2": 20}, 3.0),
        # one number for both: 60t + 10t ≤ 50t + 90 → t = 4.5
        (50, 4.5),
    ],
)
def test_family_capacity_pools(capacity: Any, expected: float) -> None:
    doc = network(
        [{"id": "S1", "capacity": 1000}, {"id": "S2", "capacity": capacity}],
        {"P1": 60, "P2": 10},
        families={"P1": "F1", "P2": "F2"},
        inventory={"S2": {"P1": 90}},
    )
    assert results(doc)["S1"].tts_weeks == pytest.approx(expected)


def test_a_partner_with_two_sites_goes_down_as_one() -> None:
    # A1 or A2 alone down: 60 + 50 ≥ 100 → unbounded. Partner A down: 50t + 200 ≥ 100t → t = 4;
    # its TTR is its slowest site's (10): 10·100 − (10·50 + 200) = 300 lost.
    doc = network(
        [
            {"id": "A1", "capacity": 60, "partner": "A", "ttr_weeks": 3},
            {"id": "A2", "capacity": 60, "partner": "A", "ttr_weeks": 10},
            {"id": "S3", "capacity": 50},
        ],
        {"P1": 100},
        inventory={"S3": {"P1": 200}},
    )
    got = results(doc)
    assert got["A1"].unbounded and got["A2"].unbounded
    partner = got["A"]
    assert partner.node.kind == "partner" and partner.node.sites == (0, 1)
    assert partner.tts_weeks == pytest.approx(4.0)
    assert partner.node.ttr_weeks == 10.0
    assert partner.lost_units == pytest.approx(300.0)


def test_one_model_for_all_nodes_gives_the_same_as_one_model_per_node() -> None:
    doc = network(
        [
            {"id": "A1", "capacity": 60, "partner": "A", "ttr_weeks": 3},
            {"id": "A2", "capacity": 60, "partner": "A", "ttr_weeks": 10},
            {"id": "S3", "capacity": 50, "ttr_weeks": 12},
        ],
        {"P1": 100},
        inventory={"S3": {"P1": 200}, "A1": {"P1": 40}},
    )
    loaded = load_network(doc)
    together = analyse(loaded.network, list(reversed(loaded.nodes)))
    for result in together:
        alone = analyse(loaded.network, [result.node])[0]
        assert (alone.tts_weeks, alone.unbounded) == (result.tts_weeks, result.unbounded)
        assert alone.lost_units == pytest.approx(result.lost_units)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"inventory": {"S1": {"P1": -5}}}, "inventory.S1.P1"),
        ({"inventory": {"S9": {"P1": 5}}}, "inventory.S9"),
        ({"inventory": {"S1": {"P9": 5}}}, "inventory.S1.P9"),
        ({"ttr_weeks": {"S1": -1}}, "ttr_weeks.S1"),
    ],
)
def test_bad_risk_fields_name_the_field(extra: dict[str, Any], field: str) -> None:
    doc = network([{"id": "S1", "capacity": 100}], {"P1": 10}, **extra)
    with pytest.raises(ValidationFailed) as caught:
        load_network(doc)
    assert [p.field for p in caught.value.problems] == [field]


def test_an_unknown_node_is_refused() -> None:
    loaded = load_network(network([{"id": "S1", "capacity": 100}], {"P1": 10}))
    with pytest.raises(ValidationFailed) as caught:
        select_nodes(loaded, "NOPE")
    assert caught.value.problems[0].field == "node"


def test_cli_json_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    doc = network(
        [
            {"id": "S1", "capacity": 100, "partner": "P"},
            {"id": "S2", "capacity": 0, "partner": "P"},
        ],
        {"P1": 50},
        penalty=2.0,
        inventory={"S2": {"P1": 250}},
        ttr_weeks={"S1": 8, "S2": 1},
    )
    path = tmp_path / "network.json"
    path.write_text(json.dumps(doc), "utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["risk", "tts", str(path), "--node", "S1", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["nodes"]
    assert [(r["node"], r["kind"], r["unbounded"]) for r in rows] == [("S1", "site", False)]
    assert rows[0]["tts_weeks"] == pytest.approx(5.0)
    assert rows[0]["lost_value"] == pytest.approx(300.0)

    table = runner.invoke(app, ["risk", "tts", str(path)])
    assert table.exit_code == 0 and "S2" in table.stdout and "P" in table.stdout

    unknown = runner.invoke(app, ["risk", "tts", str(path), "--node", "S9"])
    assert unknown.exit_code == 1 and "node: " in unknown.stderr and "S9" in unknown.stderr
    doc["inventory"] = {"S2": {"P1": -1}}
    path.write_text(json.dumps(doc), "utf-8")
    negative = runner.invoke(app, ["risk", "tts", str(path)])
    assert negative.exit_code == 1 and "inventory.S2.P1" in negative.stderr
    missing = runner.invoke(app, ["risk", "tts", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "nope.json" in missing.stderr


def test_api_answers_like_the_cli(world: Any, api: Any) -> None:
    doc = network(
        [{"id": "S1", "capacity": 100}, {"id": "S2", "capacity": 0}],
        {"P1": 50},
        inventory={"S2": {"P1": 250}},
        ttr_weeks={"S1": 8},
    )
    owner = api(world.users["manager"])
    reply = owner.post("/api/v1/risk/tts", json={"network": doc})
    assert reply.status_code == 200, reply.text
    rows = reply.json()["nodes"]
    assert rows[0]["node"] == "S1" and rows[0]["tts_weeks"] == pytest.approx(5.0)
    bad = owner.post("/api/v1/risk/tts", json={"network": doc, "node": "S9"})
    assert bad.status_code == 422 and "S9" in bad.text
    negative = dict(doc, inventory={"S2": {"P1": -1}})
    refused = owner.post("/api/v1/risk/tts", json={"network": negative})
    assert refused.status_code == 422 and "inventory.S2.P1" in refused.text
    assert (
        api(world.users["partner_a"]).post("/api/v1/risk/tts", json={"network": doc}).status_code
        == 404
    )
