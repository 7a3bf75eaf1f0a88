"""The risk register over real HTTP: scores, filters, heat map, reviews, status history,
CSV/XLSX round trip, bad input writing nothing, partner users seeing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.risk.models import Risk


def _risk(client: httpx.Client, **over: Any) -> dict[str, Any]:
    body = {
        "title": "Single cell plant",
        "category": "supply",
        "likelihood": 3,
        "impact": 5,
        "owner": "kim",
        "cause": "one plant",
        "event": "fire",
        "consequence": "line stop",
        **over,
    }
    reply = client.post("/api/v1/risk/risks", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count(Risk.id))).scalar_one())


def test_scores_heat_map_filters_and_history(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    a = _risk(
        owner,
        partner_id=world.partner_a,
        site_id=world.ids["a"]["site_id"],
        residual_likelihood=2,
        residual_impact=4,
        mitigations=[{"action": "qualify second site", "owner": "lee", "due_date": "2027-03-01"}],
    )
    b = _risk(owner, title="FX", category="financial", likelihood=2, impact=2, owner="park")
    _risk(owner, title="Old", category="financial", likelihood=5, impact=5)
    assert (a["inherent_score"], a["residual_score"]) == (15, 8)
    assert a["mitigations"][0]["owner"] == "lee"
    assert [h["to_status"] for h in a["history"]] == ["open"]

    closed = owner.post(f"/api/v1/risk/risks/{b['id']}/status", json={"status": "closed"})
    assert closed.json()["history"][-1]["from_status"] == "open"
    grid = owner.get("/api/v1/risk/heatmap").json()["grid"]
    # rows likelihood 5..1, columns impact 1..5; the closed risk (2,2) is left out
    expected = [[0] * 5 for _ in range(5)]
    expected[5 - 3][5 - 1] = 1  # a: L3 I5
    expected[5 - 5][5 - 1] = 1  # Old: L5 I5
    assert grid == expected
    residual = owner.get("/api/v1/risk/heatmap", params={"basis": "residual"}).json()["grid"]
    assert residual[5 - 2][4 - 1] == 1 and residual[5 - 3][5 - 1] == 0

    by_cat = owner.get("/api/v1/risk/risks", params={"category": "financial"}).json()
    assert sorted(r["title"] for r in by_cat) == ["FX", "Old"]
    by_partner = owner.get("/api/v1/risk/risks", params={"partner_id": world.partner_a}).json()
    assert [r["id"] for r in by_partner] == [a["id"]]
    by_owner = owner.get("/api/v1/risk/risks", params={"owner": "park"}).json()
    assert [r["id"] for r in by_owner] == [b["id"]]

    with unit_of_work(engine) as session:
        actions = session.execute(
            select(AuditEntry.action).where(AuditEntry.entity == "risk")
        ).scalars()
        assert sorted(actions) == ["create", "create", "create", "status"]


def test_review_cadence_flags_overdue(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    risk = _risk(owner, review_every_days=30)
    assert not risk["review_overdue"]
    with unit_of_work(engine) as session:
        row = session.get(Risk, risk["id"])
        assert row is not None
        row.last_reviewed_on = date.today() - timedelta(days=31)
    assert owner.get(f"/api/v1/risk/risks/{risk['id']}").json()["review_overdue"]
    overdue = owner.get("/api/v1/risk/risks", params={"overdue": True}).json()
    assert [r["id"] for r in overdue] == [risk["id"]]
    reviewed = owner.post(f"/api/v1/risk/risks/{risk['id']}/review").json()
    assert not reviewed["review_overdue"] and reviewed["last_reviewed_on"] == str(date.today())
    assert owner.get("/api/v1/risk/risks", params={"overdue": True}).json() == []


def test_bad_input_names_the_field_and_writes_nothing(
    world: World, engine: Engine, api: Any
) -> None:
    owner = api(world.users["manager"])
    for body, field in (
        ({"likelihood": 6}, "likelihood"),
        ({"impact": 0}, "impact"),
        ({"partner_id": 999999}, "partner_id"),
        ({"site_id": world.ids["b"]["site_id"], "partner_id": world.partner_a}, "site_id"),
    ):
        reply = owner.post(
            "/api/v1/risk/risks",
            json={"title": "x", "category": "supply", "likelihood": 2, "impact": 2, **body},
        )
        assert reply.status_code in (400, 422), reply.text
        assert field in reply.text, reply.text
    assert _count(engine) == 0
    viewer = api(world.users["viewer"])
    refused = viewer.post(
        "/api/v1/risk/risks",
        json={"title": "x", "category": "supply", "likelihood": 2, "impact": 2},
    )
    assert refused.status_code == 403
    assert _count(engine) == 0


def test_partner_users_see_no_register(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    risk = _risk(owner, partner_id=world.partner_a)
    partner = api(world.users["partner_a"])
    for path in ("/api/v1/risk/risks", f"/api/v1/risk/risks/{risk['id']}", "/api/v1/risk/export"):
        assert partner.get(path).status_code == 404, path
    assert partner.post(f"/api/v1/risk/risks/{risk['id']}/review").status_code == 404


def test_csv_and_xlsx_round_trip(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    _risk(owner, partner_id=world.partner_a, residual_likelihood=1, residual_impact=3)
    second = _risk(owner, title="Flood", category="natural_hazard", product_family="cells")
    owner.post(f"/api/v1/risk/risks/{second['id']}/status", json={"status": "mitigating"})
    for fmt, name in (("csv", "risks.csv"), ("xlsx", "risks.xlsx")):
        exported = owner.get("/api/v1/risk/export", params={"format": fmt})
        assert exported.status_code == 200
        again = owner.post("/api/v1/risk/import", files={"file": (name, exported.content)}).json()
        assert again == {"created": 0, "updated": 0, "unchanged": 2}, fmt

    csv_text = owner.get("/api/v1/risk/export").content.decode("utf-8-sig")
    edited = csv_text.replace("Flood", "Flood (river)") + (
        "RSK-NEW,Cyber,cyber_ip,,,,,,,,2,3,,,choi,30,,open\r\n"
    )
    result = owner.post(
        "/api/v1/risk/import", files={"file": ("r.csv", edited.encode("utf-8"))}
    ).json()
    assert result == {"created": 1, "updated": 1, "unchanged": 1}
    titles = sorted(r["title"] for r in owner.get("/api/v1/risk/risks").json())
    assert titles == ["Cyber", "Flood (river)", "Single cell plant"]

    bad = edited.replace("RSK-NEW,Cyber,cyber_ip,,,,,,,,2,3", "RSK-BAD,Bad,cyber_ip,,,,,,,,9,3")
    refused = owner.post("/api/v1/risk/import", files={"file": ("r.csv", bad.encode("utf-8"))})
    assert refused.status_code == 422 and "likelihood" in refused.text
    assert _count(engine) == 3


def test_register_page_shows_heat_map_and_saves_form(
    world: World, engine: Engine, base_url: str
) -> None:
    client = login(base_url, world.users["manager"])
    token = csrf_of(client, "/risk")
    created = client.post(
        "/risk",
        data={
            "csrf_token": token,
            "title": "Port strike",
            "category": "logistics",
            "likelihood": "4",
            "impact": "3",
        },
    )
    assert created.status_code == 303
    page = client.get("/risk")
    assert 'data-cell="4-3" data-count="1"' in page.text and "Port strike" in page.text
    bad = client.post(
        "/risk",
        data={
            "csrf_token": token,
            "title": "x",
            "category": "logistics",
            "likelihood": "7",
            "impact": "3",
        },
    )
    assert bad.status_code == 422 and "Likelihood" in bad.text
    assert _count(engine) == 1
    detail = client.get(created.headers["location"])
    assert "Port strike" in detail.text and ">12<" in detail.text
    partner = login(base_url, world.users["partner_a"])
    assert partner.get("/risk").status_code == 404
