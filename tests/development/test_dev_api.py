"""Joint development over HTTP: a project with gates, the ledger, the IP register with owners
from the contract's terms (a contradicting owner refused on ``owner``), filing, checklists,
the partner's view and the register's export."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.development.development_factories import IP, contract_with_ip

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.development.models import DevInvention

BASE = "/api/v1/development"


def _project(owner: Any, world: World, contract_id: int | None) -> dict[str, Any]:
    made = owner.post(
        f"{BASE}/projects",
        json={
            "title": "Fast-charge anode",
            "partner_id": world.partner_a,
            "contract_id": contract_id,
            "start_date": "2026-03-01",
            "milestones": [
                {"gate": "G1 Feasibility", "deliverables": ["Cell test report"]},
                {"gate": "G2 Prototype", "due_date": "2026-09-30"},
            ],
        },
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_project_gates_and_ledger(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    project = _project(owner, world, None)
    assert [m["gate"] for m in project["milestones"]] == ["G1 Feasibility", "G2 Prototype"]
    gate = project["milestones"][0]["id"]
    hold = owner.post(f"{BASE}/milestones/{gate}/decision", json={"decision": "hold"})
    assert hold.json()["decision"] == "hold" and hold.json()["decided_by_label"]
    assert owner.get(f"{BASE}/projects/{project['id']}").json()["status"] == "on_hold"
    go = owner.post(f"{BASE}/milestones/{gate}/decision", json={"decision": "go", "note": "ok"})
    assert go.json()["decision"] == "go"
    again = owner.post(f"{BASE}/milestones/{gate}/decision", json={"decision": "stop"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "decision"

    pid = project["id"]
    entries = [
        {"kind": "hours", "hours": "120"},
        {"kind": "hours", "hours": "30.5"},
        {"kind": "money", "amount": "50000", "currency": "KRW"},
        {"kind": "money", "amount": "1000", "currency": "EUR"},
        {"kind": "background_ip", "description": "KR patent 10-2020-1234567 (anode coating)"},
    ]
    for entry in entries:
        assert owner.post(f"{BASE}/projects/{pid}/contributions", json=entry).status_code == 201
    partner = api(world.users["partner_a"])
    theirs = partner.post(
        f"{BASE}/projects/{pid}/contributions",
        json={"side": "owner", "kind": "equipment", "description": "Pilot coater"},
    )
    assert theirs.status_code == 201 and theirs.json()["side"] == "partner"  # forced to theirs
    bad = owner.post(f"{BASE}/projects/{pid}/contributions", json={"kind": "money", "amount": "5"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "currency"
    no_hours = owner.post(f"{BASE}/projects/{pid}/contributions", json={"kind": "hours"})
    assert no_hours.json()["errors"][0]["field"] == "hours"

    ledger = {
        (r["side"], r["kind"], r["currency"]): r
        for r in owner.get(f"{BASE}/projects/{pid}").json()["ledger"]
    }
    assert float(ledger[("owner", "hours", None)]["hours"]) == 150.5
    assert ledger[("owner", "hours", None)]["entries"] == 2
    assert float(ledger[("owner", "money", "KRW")]["amount"]) == 50000  # never added to EUR
    assert float(ledger[("owner", "money", "EUR")]["amount"]) == 1000
    assert ledger[("partner", "equipment", None)]["entries"] == 1
    # the partner may not decide a gate
    gate2 = project["milestones"][1]["id"]
    assert (
        partner.post(f"{BASE}/milestones/{gate2}/decision", json={"decision": "go"}).status_code
        == 403
    )


def test_inventions_owner_from_contract_terms(world: World, engine: Engine, api: Any) -> None:
    contract_id = contract_with_ip(engine, world.partner_a, IP)  # foreground joint, grant_back
    owner = api(world.users["manager"])
    project = _project(owner, world, contract_id)
    pid = project["id"]
    contact = world.ids["a"]["contact_id"]
    body = {
        "title": "Silicon-graphite blend",
        "conceived_on": "2026-05-04",
        "inventors": [
            {"side": "owner", "name": "Kim Jiwoo"},
            {"side": "partner", "contact_id": contact},
        ],
    }
    made = owner.post(f"{BASE}/projects/{pid}/inventions", json=body)
    assert made.status_code == 201, made.text
    inv = made.json()
    assert inv["computed_owners"] == "joint" and inv["rule"] == "foreground_ip=joint"
    assert inv["contract_id"] == contract_id and inv["contract_version"] == 1
    partner_inventor = next(i for i in inv["inventors"] if i["side"] == "partner")
    assert partner_inventor["confirmed_at"] is None and partner_inventor["name"]

    # an owner that contradicts the terms: refused, naming the field and the clause
    with unit_of_work(engine) as session:
        before = session.execute(select(func.count(DevInvention.id))).scalar_one()
    wrong = owner.post(f"{BASE}/projects/{pid}/inventions", json=body | {"owner": "owner"})
    assert wrong.status_code == 422
    problem = wrong.json()["errors"][0]
    assert problem["field"] == "owner"
    assert "foreground_ip" in problem["message"] and "Jointly owned" in problem["message"]
    ko = api(world.users["manager"], locale="ko")
    wrong_ko = ko.post(f"{BASE}/projects/{pid}/inventions", json=body | {"owner": "partner"})
    assert wrong_ko.json()["errors"][0]["field"] == "owner"
    assert "공동" in wrong_ko.json()["errors"][0]["message"]
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count(DevInvention.id))).scalar_one() == before

    improvement = owner.post(
        f"{BASE}/projects/{pid}/inventions",
        json=body | {"result_kind": "improvement_owner_background", "owner": "partner"},
    )
    assert improvement.status_code == 201, improvement.text
    assert improvement.json()["computed_owners"] == "partner"
    assert improvement.json()["licence_back"] is True  # grant_back

    # changing the kind recomputes; a stated owner that no longer fits is refused
    changed = owner.patch(
        f"{BASE}/inventions/{improvement.json()['id']}", json={"result_kind": "foreground"}
    )
    assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "owner"
    fixed = owner.patch(
        f"{BASE}/inventions/{improvement.json()['id']}",
        json={"result_kind": "foreground", "owner": "joint"},
    )
    assert fixed.json()["computed_owners"] == "joint" and not fixed.json()["licence_back"]

    # the partner confirms its own inventor, not ours
    partner = api(world.users["partner_a"])
    ours = next(i for i in inv["inventors"] if i["side"] == "owner")
    assert partner.post(f"{BASE}/inventors/{ours['id']}/confirm").status_code == 403
    confirmed = partner.post(f"{BASE}/inventors/{partner_inventor['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]
    assert partner.post(f"{BASE}/projects/{pid}/inventions", json=body).status_code == 403

    # filing: idea → disclosed → filed (needs the number) → granted
    iid = inv["id"]
    skip = owner.post(f"{BASE}/inventions/{iid}/filing", json={"status": "granted"})
    assert skip.status_code == 422 and skip.json()["errors"][0]["field"] == "status"
    owner.post(f"{BASE}/inventions/{iid}/filing", json={"status": "disclosed"})
    no_number = owner.post(f"{BASE}/inventions/{iid}/filing", json={"status": "filed"})
    assert no_number.json()["errors"][0]["field"] == "application_number"
    filed = owner.post(
        f"{BASE}/inventions/{iid}/filing",
        json={"status": "filed", "application_number": "KR 10-2026-0012345", "on": "2026-07-01"},
    )
    assert filed.json()["filing_status"] == "filed" and filed.json()["filed_on"] == "2026-07-01"
    granted = owner.post(f"{BASE}/inventions/{iid}/filing", json={"status": "granted"})
    assert granted.json()["filing_status"] == "granted"

    export = owner.get(f"{BASE}/inventions/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    row = next(r for r in rows if r["ref"] == inv["ref"])
    assert row["computed_owners"] == "joint" and row["application_number"] == "KR 10-2026-0012345"
    assert "Kim Jiwoo (owner)" in row["inventors"]
    xlsx = owner.get(f"{BASE}/inventions/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    with unit_of_work(engine) as session:
        actions = set(
            session.execute(
                select(AuditEntry.action).where(AuditEntry.entity.like("dev_%"))
            ).scalars()
        )
    assert {"create", "update", "status", "confirm"} <= actions


def test_contract_of_another_partner_refused(world: World, engine: Engine, api: Any) -> None:
    other = contract_with_ip(engine, world.partner_b)
    owner = api(world.users["manager"])
    refused = owner.post(
        f"{BASE}/projects",
        json={"title": "x", "partner_id": world.partner_a, "contract_id": other},
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "contract_id"


def test_checklist_and_partner_view(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["manager"])
    project = _project(owner, world, None)
    pid = project["id"]
    templates = owner.get(f"{BASE}/templates").json()
    cdmo = next(t for t in templates if t["code"] == "cdmo_process_transfer")
    items = owner.post(
        f"{BASE}/projects/{pid}/checklist",
        json={"template_code": "cdmo_process_transfer", "partner_owner_name": "QA lead"},
    ).json()
    assert len(items) == len(cdmo["steps"])
    # due = start (2026-03-01) + the step's offset
    assert items[0]["due_date"] == "2026-03-01"
    ppq = next(i for i in items if "performance qualification" in i["title_en"])
    assert ppq["due_date"] == "2026-06-29" and ppq["owner_name"] == "QA lead"  # +120 days
    unknown = owner.post(f"{BASE}/projects/{pid}/checklist", json={"template_code": "nope"})
    assert unknown.json()["errors"][0]["field"] == "template_code"

    partner = api(world.users["partner_a"])
    assert [p["id"] for p in partner.get(f"{BASE}/projects").json()] == [pid]
    mine = partner.patch(f"{BASE}/checklist-items/{ppq['id']}", json={"done": True})
    assert mine.status_code == 200 and mine.json()["done_on"]
    ours = next(i for i in items if i["owner_side"] == "owner")
    assert (
        partner.patch(f"{BASE}/checklist-items/{ours['id']}", json={"done": True}).status_code
        == 403
    )
    assert partner.get(f"{BASE}/templates").status_code == 404
    other = api(world.users["partner_b"])
    assert other.get(f"{BASE}/projects").json() == []
    assert other.get(f"{BASE}/projects/{pid}").status_code == 404
