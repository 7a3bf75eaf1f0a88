"""The Cpk target of the quality agreement's terms: the alerts, the capability API and page judge
a characteristic by its own target when its plan set one, else by the agreement's, else 1.33.

Subgroups of two, each (74.000, 74.010): R̄ = 0.010, σ_within = 0.010/1.128, mean 74.005; with
LSL 73.97 / USL 74.04: Cpk = 0.035/(3 · 0.008865) = 1.316 — below 1.33, above 1.2.
"""

from __future__ import annotations

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.contracts.contract_factories import make_active_contract, terms
from tests.quality.spc_factories import actor_of, add_measurements, make_characteristic

from cofab.db.session import unit_of_work
from cofab.quality.alerts import spc_alerts

SPEC = {"lsl": 73.97, "usl": 74.04, "subgroup_size": 2, "cpk_target": None}
GROUPS = [(74.0, 74.01)] * 11


def _agreement(engine: Engine, partner_id: int, cpk: str) -> None:
    with unit_of_work(engine) as session:
        make_active_contract(
            session,
            [partner_id],
            kind="quality_agreement",
            title="QA",
            terms_doc=terms(quality={"aql": "0.65", "cpk_target": cpk}),
        )


def test_agreement_target_then_own_then_default(world: World, engine: Engine, api) -> None:  # type: ignore[no-untyped-def]
    follows = make_characteristic(engine, world.partner_a, name_en="Follows", **SPEC)
    own = make_characteristic(
        engine, world.partner_a, name_en="Own", **(SPEC | {"cpk_target": 1.5})
    )
    plain = make_characteristic(engine, world.partner_b, name_en="Plain", **SPEC)
    for char, partner in (
        (follows, world.partner_a),
        (own, world.partner_a),
        (plain, world.partner_b),
    ):
        add_measurements(engine, char, partner, GROUPS)
    _agreement(engine, world.partner_a, "1.20")
    client = api(world.users["quality"])
    got = {
        c: client.get(f"/api/v1/quality/characteristics/{c}/capability").json()
        for c in (follows, own, plain)
    }
    assert abs(got[follows]["cpk"] - 0.035 / (3 * 0.010 / 1.128)) < 1e-9
    assert (got[follows]["cpk_target"], got[follows]["cpk_target_source"]) == (1.2, "agreement")
    assert got[follows]["below_target"] is False  # 1.316 ≥ 1.20
    assert (got[own]["cpk_target"], got[own]["cpk_target_source"]) == (1.5, "characteristic")
    assert got[own]["below_target"] is True
    assert (got[plain]["cpk_target"], got[plain]["cpk_target_source"]) == (1.33, "default")
    assert got[plain]["below_target"] is True  # 1.316 < 1.33
    with unit_of_work(engine) as session:
        alerts = {
            a.name_en: a for a in spc_alerts(session, actor_of(engine, world.users["viewer"]))
        }
    assert set(alerts) == {"Own", "Plain"}
    assert (alerts["Own"].target, alerts["Plain"].target) == (1.5, 1.33)
    page = login(client.base_url, world.users["quality"]).get(
        f"/quality/characteristics/{follows}/spc"
    )
    assert page.status_code == 200 and "quality agreement" in page.text and "1.2" in page.text
    assert 'data-testid="cpk-alert"' not in page.text


def test_agreement_cpk_target_refused_by_field(world: World, engine: Engine, api) -> None:  # type: ignore[no-untyped-def]
    client = api(world.users["admin"])
    body = {
        "kind": "quality_agreement",
        "title": "QA",
        "partner_ids": [world.partner_a],
        "terms": terms(quality={"cpk_target": "0"}),
    }
    refused = client.post("/api/v1/contracts", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"].endswith("cpk_target")
