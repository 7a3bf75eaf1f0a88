"""The contracts API over real HTTP: create, lifecycle, diff, RACI, penalties, bad input."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.contracts.contract_factories import terms

from cofab.contracts.models import Contract, ContractVersion
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work


def body(world: World, **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "cm_agreement",
        "title": "Assembly of tablets",
        "partner_ids": [world.partner_a],
        "terms": terms(),
        "clauses": [{"title_en": "Scope", "text_en": "Line A\nLine B", "text_ko": "가\n나"}],
    }
    return doc | overrides


def counts(engine: Engine) -> tuple[int, int, int]:
    with unit_of_work(engine) as session:
        return (
            session.execute(select(func.count()).select_from(Contract)).scalar_one(),
            session.execute(select(func.count()).select_from(ContractVersion)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
        )


def to_active(client: Any, contract_id: int) -> None:
    for step in ("internal_review", "partner_review", "approved", "active"):
        move = {"to": step} | ({"on_behalf_of": "Partner CEO"} if step == "approved" else {})
        response = client.post(f"/api/v1/contracts/{contract_id}/transitions", json=move)
        assert response.status_code == 200, response.text


def test_create_read_and_walk_the_lifecycle(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager, admin, partner = (
        api(world.users["manager"]),
        api(world.users["admin"]),
        api(world.users["partner_a"]),
    )
    created = manager.post("/api/v1/contracts", json=body(world, notes="Walk away above 13.00"))
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert partner.get(f"/api/v1/contracts/{cid}").status_code == 404  # internal draft
    assert partner.get("/api/v1/contracts").json()["total"] == 0
    secret = "We could accept a 12 % cap"
    assert (
        manager.post(f"/api/v1/contracts/{cid}/comments", json={"body": secret}).status_code == 201
    )
    for step in ("internal_review", "partner_review"):
        moved = manager.post(
            f"/api/v1/contracts/{cid}/transitions", json={"to": step, "comment": secret}
        )
        assert moved.status_code == 200
    seen = "".join(
        partner.get(path).text
        for path in (
            f"/api/v1/contracts/{cid}",
            f"/api/v1/contracts/{cid}/comments",
            "/api/v1/contracts",
        )
    )
    assert secret not in seen and "Walk away" not in seen  # internal deliberation stays inside
    assert secret in manager.get(f"/api/v1/contracts/{cid}/comments").text
    assert partner.get("/api/v1/contracts").json()["total"] == 1
    assert (
        partner.post(f"/api/v1/contracts/{cid}/comments", json={"body": "Fine"}).status_code == 201
    )
    denied = partner.post(f"/api/v1/contracts/{cid}/transitions", json={"to": "draft"})
    assert denied.status_code == 403
    approved = partner.post(
        f"/api/v1/contracts/{cid}/transitions", json={"to": "approved", "comment": "Signed"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (
        admin.post(f"/api/v1/contracts/{cid}/transitions", json={"to": "active"}).json()["status"]
        == "active"
    )
    detail = partner.get(f"/api/v1/contracts/{cid}").json()
    assert [e["action"] for e in detail["events"]][-3:] == [
        "partner_approved",
        "approved",
        "activated",
    ]
    assert detail["parties"][0]["name_en"] == "Alpha Assembly"
    assert detail["current_version"]["terms"]["penalties"]["late_delivery"]["cap_pct"] == "5"
    again = admin.post(f"/api/v1/contracts/{cid}/transitions", json={"to": "approved"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_bad_input_is_422_with_field_problems_and_writes_nothing(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    client = api(world.users["manager"], locale="ko")
    before = counts(engine)
    cases = {
        "terms.term.end": body(
            world, terms=terms(term={"start": "2026-06-01", "end": "2026-01-01"})
        ),
        "terms.penalties.late_delivery.cap_pct": body(
            world,
            terms=terms(penalties={"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "-5"}}),
        ),
        "partner_ids.0": body(world, partner_ids=[999_999]),
        "kind": body(world, kind="handshake"),
    }
    for field, doc in cases.items():
        response = client.post("/api/v1/contracts", json=doc)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert field in [e["field"] for e in problem["errors"]], (field, problem)
        assert any("\uac00" <= ch <= "\ud7a3" for ch in problem["errors"][0]["message"])
    assert counts(engine) == before


def test_overlapping_amendment_is_refused_and_a_valid_one_is_diffed(
    world: World,
    api,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    client = api(world.users["admin"])
    cid = client.post("/api/v1/contracts", json=body(world)).json()["id"]
    to_active(client, cid)
    before = counts(engine)
    overlap = client.post(
        f"/api/v1/contracts/{cid}/amendments",
        json={"summary": "Backdated", "effective_from": "2025-12-31", "terms": terms()},
    )
    assert overlap.status_code == 422
    assert {e["field"] for e in overlap.json()["errors"]} == {"effective_from"}
    assert counts(engine) == before
    new_terms = terms(
        penalties={"late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "8", "grace_days": 1}}
    )
    amended = client.post(
        f"/api/v1/contracts/{cid}/amendments",
        json={
            "summary": "Higher cap",
            "effective_from": "2026-07-01",
            "terms": new_terms,
            "clauses": [{"title_en": "Scope", "text_en": "Line A\nLine C", "text_ko": "가\n나"}],
        },
    )
    assert amended.status_code == 201 and amended.json()["number"] == 2
    diff = client.get(f"/api/v1/contracts/{cid}/diff", params={"from": 1, "to": 2}).json()
    assert {
        "path": "penalties.late_delivery.cap_pct",
        "kind": "changed",
        "old": "5",
        "new": "8",
    } in (diff["term_changes"])
    assert "-Line B" in diff["text_diff"] and "+Line C" in diff["text_diff"]
    partner = api(world.users["partner_a"])
    # the amendment is an internal draft: the partner cannot read or diff it yet
    assert partner.get(f"/api/v1/contracts/{cid}/versions/2").status_code == 404
    assert (
        partner.get(f"/api/v1/contracts/{cid}/diff", params={"from": 1, "to": 2}).status_code == 404
    )
    assert [v["number"] for v in partner.get(f"/api/v1/contracts/{cid}/versions").json()] == [1]


def test_raci_matrix_validation_and_visibility(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    cid = manager.post("/api/v1/contracts", json=body(world)).json()["id"]
    pid = str(world.partner_a)
    good = {
        "matrix": {
            "design": {"owner": "AR", pid: "C"},
            "production": {"owner": "A", pid: "R"},
            "incoming_inspection": {"owner": "RA", pid: "I"},
        }
    }
    saved = manager.put(f"/api/v1/contracts/{cid}/raci", json=good)
    assert saved.status_code == 200, saved.text
    assert saved.json()["matrix"]["design"] == {"owner": "RA", pid: "C"}
    bad = {"matrix": {"design": {"owner": "A", pid: "A"}, "shipping": {"owner": "C"}}}
    rejected = manager.put(f"/api/v1/contracts/{cid}/raci", json=bad)
    assert rejected.status_code == 422
    assert {e["field"] for e in rejected.json()["errors"]} == {"matrix.design", "matrix.shipping"}
    assert manager.get(f"/api/v1/contracts/{cid}/raci").json()["activities"] == [
        "design",
        "production",
        "incoming_inspection",
    ]
    to_active(api(world.users["admin"]), cid)
    partner = api(world.users["partner_a"])
    assert partner.get(f"/api/v1/contracts/{cid}/raci").json()["matrix"]["production"][pid] == "R"
    assert partner.put(f"/api/v1/contracts/{cid}/raci", json=good).status_code == 403
    assert api(world.users["partner_b"]).get(f"/api/v1/contracts/{cid}/raci").status_code == 404


CSV_INPUT = (
    "line_type,ref,item,due_date,received_date,quantity,unit_price,date,lot,inspected,defective\n"
    "receipt,GR-1,PCB,2026-02-10,2026-02-14,100,,,,,\n"
    "receipt,GR-2,PCB,2026-02-01,2026-02-28,2000,,,,,\n"
    "inspection,IQC-1,,,,,,2026-01-15,L1,500,3\n"
)


def test_penalties_upload_as_json_csv_and_xlsx(world: World, api) -> None:  # type: ignore[no-untyped-def]
    admin = api(world.users["admin"])
    cid = admin.post("/api/v1/contracts", json=body(world)).json()["id"]
    files = {"file": ("q1.csv", CSV_INPUT.encode())}
    period = {"start": "2026-01-01", "end": "2026-03-31"}
    not_in_force = admin.post(f"/api/v1/contracts/{cid}/penalties", files=files, data=period)
    assert not_in_force.status_code == 409
    to_active(admin, cid)
    result = admin.post(f"/api/v1/contracts/{cid}/penalties", files=files, data=period).json()
    # 18.75 (GR-1) + 1100.00 capped (GR-2) + 12.00 (3 defective × 4.00)
    assert result["total"] == "1130.75" and result["currency"] == "USD"
    assert [line["ref"] for line in result["lines"]] == ["GR-1", "GR-2", "IQC-1"]
    assert result["lines"][1]["capped"] is True
    as_csv = admin.post(
        f"/api/v1/contracts/{cid}/penalties", files=files, data=period, params={"format": "csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "1130.75" in as_csv.text
    as_xlsx = admin.post(
        f"/api/v1/contracts/{cid}/penalties", files=files, data=period, params={"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None and sheet.cell(row=sheet.max_row, column=5).value == 1130.75
    missing_period = admin.post(f"/api/v1/contracts/{cid}/penalties", files=files)
    assert missing_period.status_code == 422
    assert missing_period.json()["errors"][0]["field"] == "period"
    partner = api(world.users["partner_a"])
    assert (
        partner.post(f"/api/v1/contracts/{cid}/penalties", files=files, data=period).status_code
        == 403
    )


def test_clause_library_is_owner_only_and_copied_into_versions(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    clause = {
        "code": "IP-1",
        "category": "cm_agreement",
        "title_en": "Ownership of results",
        "title_ko": "성과물의 귀속",
        "text_en": "Results belong to the owner.",
        "text_ko": "성과물은 주문 기업에 귀속된다.",
    }
    created = manager.post("/api/v1/contract-clauses", json=clause)
    assert created.status_code == 201
    assert manager.post("/api/v1/contract-clauses", json=clause).status_code == 409
    cid = manager.post("/api/v1/contracts", json=body(world, clause_codes=["IP-1"])).json()["id"]
    manager.patch(
        f"/api/v1/contract-clauses/{created.json()['id']}", json={"text_en": "Changed later."}
    )
    version = manager.get(f"/api/v1/contracts/{cid}/versions/1").json()
    assert version["clauses"][0]["text_en"] == "Results belong to the owner."
    unknown = manager.post("/api/v1/contracts", json=body(world, clause_codes=["NOPE"]))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "clause_codes.0"
    partner = api(world.users["partner_a"])
    assert partner.get("/api/v1/contract-clauses").status_code == 403
    assert (
        api(world.users["viewer"]).post("/api/v1/contract-clauses", json=clause).status_code == 403
    )


def test_attention_lists_reviews_endings_and_renewals(world: World, api) -> None:  # type: ignore[no-untyped-def]
    admin = api(world.users["admin"])
    now = datetime.now(UTC)
    soon = (now + timedelta(days=20)).date().isoformat()
    ending = admin.post(
        "/api/v1/contracts",
        json=body(world, title="Ends soon", terms=terms(term={"start": "2025-01-01", "end": soon})),
    ).json()["id"]
    auto = terms(
        term={"start": "2025-01-01", "end": (now + timedelta(days=100)).date().isoformat()},
        renewal={"auto": True, "notice_days": 90, "period_months": 12},
    )
    renewing = admin.post("/api/v1/contracts", json=body(world, title="Renews", terms=auto)).json()[
        "id"
    ]
    review = admin.post(
        "/api/v1/contracts",
        json=body(
            world, title="Review", next_review_date=(now + timedelta(days=5)).date().isoformat()
        ),
    ).json()["id"]
    for cid in (ending, renewing):
        to_active(admin, cid)
    items = admin.get("/api/v1/contracts/attention", params={"days": 30}).json()
    reasons = {(i["contract_id"], i["reason"]) for i in items}
    assert reasons == {(ending, "expiring"), (renewing, "auto_renewing"), (review, "review_due")}
    by_id = {i["contract_id"]: i for i in items}
    assert by_id[renewing]["days_left"] == 9 or by_id[renewing]["days_left"] == 10
    assert api(world.users["partner_b"]).get("/api/v1/contracts/attention").json() == []
