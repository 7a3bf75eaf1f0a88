"""The contract pages through a cookie-authenticated client, like a browser without JS."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.contracts.contract_factories import make_contract, walk

from cofab.db.session import unit_of_work

FORM: dict[str, Any] = {
    "kind": "cm_agreement",
    "title": "Tablet assembly 2026",
    "external_ref": "CM-2026-01",
    "terms.term.start": "2026-01-01",
    "terms.term.last_day": "2026-12-31",
    "terms.renewal.notice_days": "90",
    "terms.renewal.period_months": "12",
    "terms.production_targets": "tablet, month, 40000, units\nsmartphone, quarter, 90000, units",
    "terms.quality.aql": "0.65",
    "terms.quality.max_ppm": "500",
    "terms.quality.required_certifications": "ISO 9001, ISO 14001",
    "terms.ip.background_ip": "each_party_keeps",
    "terms.ip.foreground_ip": "owner",
    "terms.ip.improvements": "grant_back",
    "terms.confidentiality.survival_months": "60",
    "terms.cost.currency": "usd",
    "terms.cost.payment_days": "60",
    "terms.cost.price_tiers": "0, 12.50\n1000, 11.00",
    "terms.raw_material_procurement": "partner",
    "terms.logistics.incoterm": "FCA",
    "terms.logistics.named_place": "Binh Duong",
    "terms.logistics.responsible": "partner",
    "terms.penalties.late_delivery.rate_pct_per_day": "0.5",
    "terms.penalties.late_delivery.cap_pct": "5",
    "terms.penalties.late_delivery.grace_days": "1",
    "terms.penalties.defect_chargeback.mode": "per_unit",
    "terms.penalties.defect_chargeback.amount": "4",
    "terms.termination.for_cause": "1",
    "terms.termination.cure_period_days": "30",
    "terms.governing_law.law": "Republic of Korea",
    "terms.governing_law.disputes": "arbitration",
    "clause.title_en": "Scope",
    "clause.text_en": "The partner assembles tablets.",
}


def _post(client: httpx.Client, path: str, data: dict[str, Any], csrf: str) -> httpx.Response:
    return client.post(path, data=data | {"csrf_token": csrf})


def test_manager_creates_a_contract_from_the_form(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    csrf = csrf_of(client, "/contracts/new")
    response = _post(client, "/contracts/new", FORM | {"partner_ids": [str(world.partner_a)]}, csrf)
    assert response.status_code == 303, response.text[:2000]
    detail = client.get(response.headers["location"])
    assert detail.status_code == 200
    text = detail.text
    assert "Tablet assembly 2026" in text and "Alpha Assembly" in text
    assert "2026-01-01 – 2026-12-31" not in text  # not in force yet
    assert "FCA Binh Duong" in text and "12.50" in text and "tablet: 40000 units" in text
    assert "The partner assembles tablets." in text
    listing = client.get("/contracts", params={"q": "CM-2026"})
    assert "Tablet assembly 2026" in listing.text
    # the stored term end is the day after the last day in force
    cid = int(response.headers["location"].split("/")[2].split("?")[0])
    api_view = client.get(f"/api/v1/contracts/{cid}", headers={"X-CSRF-Token": csrf}).json()
    assert api_view["current_version"]["terms"]["term"]["end"] == "2027-01-01T00:00:00Z"
    assert api_view["current_version"]["terms"]["cost"]["currency"] == "USD"


def test_form_errors_name_the_field_and_keep_the_input(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    client.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(client, "/contracts/new")
    bad = FORM | {
        "partner_ids": [str(world.partner_a)],
        "terms.term.last_day": "2025-06-01",
        "terms.penalties.late_delivery.cap_pct": "-1",
        "terms.production_targets": "just one cell",
    }
    response = _post(client, "/contracts/new", bad, csrf)
    assert response.status_code == 422
    assert "<b>생산 목표 (1)</b>" in response.text
    response = _post(client, "/contracts/new", bad | {"terms.production_targets": ""}, csrf)
    assert response.status_code == 422
    assert "<b>상한(라인 금액의 %)</b>" in response.text
    assert 'value="Tablet assembly 2026"' in response.text  # input kept
    assert "0 이상이어야 합니다" in response.text or "이상" in response.text
    listing = client.get("/contracts")
    assert "Tablet assembly 2026" not in listing.text  # nothing was written


def test_lifecycle_buttons_raci_compare_and_penalties_pages(
    world: World, base_url: str, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        contract = make_contract(session, [world.partner_a])
        walk(session, contract.id, "internal_review", "partner_review")
        cid = contract.id
    partner = login(base_url, world.users["partner_a"])
    page = partner.get(f"/contracts/{cid}")
    assert page.status_code == 200
    assert 'data-testid="partner-approve"' in page.text
    assert "/penalties" not in page.text  # penalties are the owner's business
    csrf = csrf_of(partner, f"/contracts/{cid}")
    assert (
        _post(partner, f"/contracts/{cid}/comments", {"body": "Looks good"}, csrf).status_code
        == 303
    )
    moved = _post(partner, f"/contracts/{cid}/transitions", {"to": "approved"}, csrf)
    assert moved.status_code == 303
    refused = _post(partner, f"/contracts/{cid}/transitions", {"to": "active"}, csrf)
    assert refused.status_code == 403 and "partner review" in refused.text

    admin = login(base_url, world.users["admin"])
    csrf = csrf_of(admin, f"/contracts/{cid}")
    assert _post(admin, f"/contracts/{cid}/transitions", {"to": "active"}, csrf).status_code == 303
    page = admin.get(f"/contracts/{cid}")
    assert 'data-testid="contract-status">Active<' in page.text
    assert "Partner approved" in page.text and "Looks good" in page.text

    raci_cells = {
        "activity.0": "production",
        "cell.0.owner": "A",
        f"cell.0.{world.partner_a}": "R",
        "activity.1": "design",
        "cell.1.owner": "ra",
    }
    assert _post(admin, f"/contracts/{cid}/raci", raci_cells, csrf).status_code == 303
    bad = _post(admin, f"/contracts/{cid}/raci", raci_cells | {"cell.1.owner": "R"}, csrf)
    assert bad.status_code == 422 and "<b>RACI · design</b>" in bad.text
    matrix = partner.get(f"/contracts/{cid}/raci")
    assert matrix.status_code == 200 and 'name="cell.0.owner"' not in matrix.text
    assert "Production" in matrix.text

    amend = admin.get(f"/contracts/{cid}/amend")
    assert (
        amend.status_code == 200 and 'name="terms.term.last_day" value="2026-12-31"' in amend.text
    )
    form = FORM | {
        "summary": "Raise cap",
        "effective_from": "2026-07-01",
        "terms.penalties.late_delivery.cap_pct": "8",
    }
    assert _post(admin, f"/contracts/{cid}/amend", form, csrf).status_code == 303
    compare = admin.get(f"/contracts/{cid}/compare", params={"from": 1, "to": 2})
    assert (
        "penalties.late_delivery.cap_pct" in compare.text
        and "+The partner assembles" in compare.text
    )

    csv_input = (
        "line_type,ref,due_date,received_date,quantity\nreceipt,GR-9,2026-02-10,2026-02-14,100\n"
    )
    result = admin.post(
        f"/contracts/{cid}/penalties",
        data={"csrf_token": csrf, "start": "2026-01-01", "end": "2026-03-31"},
        files={"file": ("in.csv", csv_input.encode())},
    )
    assert result.status_code == 200 and "18.75 USD" in result.text
    exported = admin.post(
        f"/contracts/{cid}/penalties",
        data={"csrf_token": csrf, "start": "2026-01-01", "end": "2026-03-31", "format": "csv"},
        files={"file": ("in.csv", csv_input.encode())},
    )
    assert exported.headers["content-type"].startswith("text/csv") and "18.75" in exported.text
    no_file = admin.post(f"/contracts/{cid}/penalties", data={"csrf_token": csrf})
    assert no_file.status_code == 422


def test_dashboard_attention_and_clause_library_pages(world: World, base_url: str) -> None:
    admin = login(base_url, world.users["admin"])
    assert 'data-testid="contracts-widget"' in admin.get("/").text
    assert admin.get("/contracts/attention", params={"days": 30}).status_code == 200
    csrf = csrf_of(admin, "/contract-clauses")
    clause = {
        "code": "QA-7",
        "category": "quality_agreement",
        "title_en": "Incoming inspection",
        "title_ko": "수입 검사",
        "text_en": "The owner inspects every lot to AQL 0.65.",
        "text_ko": "주문 기업은 모든 로트를 AQL 0.65로 검사한다.",
    }
    assert _post(admin, "/contract-clauses", clause, csrf).status_code == 303
    library = admin.get("/contract-clauses")
    assert "QA-7" in library.text and "주문 기업은 모든 로트를" in library.text
    duplicate = _post(admin, "/contract-clauses", clause, csrf)
    assert duplicate.status_code == 409
    partner = login(base_url, world.users["partner_a"])
    assert partner.get("/contract-clauses").status_code == 403
    assert partner.get("/contracts/new").status_code == 403
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("cofab_lang", "ko")
    assert "계약" in korean.get("/contracts").text
