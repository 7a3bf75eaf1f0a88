"""Every way terms leave cofab comes back unchanged: the API's terms document re-posted as a new
contract or a draft, and the edit form filled from stored terms and saved as it is."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import World
from tests.contracts.contract_factories import terms

from cofab.contracts.term_forms import form_from_terms, terms_from_form
from cofab.contracts.terms import ContractTerms, terms_document

FULL = terms(
    quality={
        "aql": "0.65",
        "max_ppm": 500,
        "cpk_target": "1.67",
        "drill_cadence_days": 90,
        "required_certifications": ["ISO 9001", "IATF 16949"],
    },
    renewal={"auto": True, "notice_days": 120, "period_months": 24},
    production_targets=[
        {"family": "smartphone", "period": "month", "volume": "50000", "unit": "units"},
        {"family": "tablet", "period": "quarter", "volume": "1200.5", "unit": "sets"},
    ],
    penalties={
        "late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "5", "grace_days": 2},
        "defect_chargeback": {
            "mode": "per_ppm",
            "amount": "3.25",
            "target_ppm": 300,
            "cap_amount": "10000",
        },
    },
    termination={
        "for_cause": True,
        "cure_period_days": 45,
        "for_convenience_notice_days": 180,
        "change_of_control": True,
        "insolvency": False,
    },
)
SPARSE = terms(cost=None, logistics=None, penalties={}, raw_material_procurement=None)


def _stored(doc: dict[str, Any]) -> dict[str, Any]:
    return terms_document(ContractTerms.model_validate(doc))


@pytest.mark.parametrize("doc", [FULL, SPARSE], ids=["full", "sparse"])
def test_edit_form_saves_stored_terms_unchanged(doc: dict[str, Any]) -> None:
    stored = _stored(doc)
    form = {
        k: (str(v) if not isinstance(v, bool) else ("1" if v else ""))
        for k, v in form_from_terms(stored).items()
    }
    form = {k: v for k, v in form.items() if v != ""}  # a browser sends unticked boxes as absent
    assert _stored(terms_from_form(form)) == stored


@pytest.mark.parametrize("doc", [FULL, SPARSE], ids=["full", "sparse"])
def test_api_terms_document_reposts_unchanged(world: World, api: Any, doc: dict[str, Any]) -> None:
    manager = api(world.users["manager"])
    body = {"kind": "cm_agreement", "title": "Original", "partner_ids": [world.partner_a]}
    first = manager.post("/api/v1/contracts", json=body | {"terms": doc})
    assert first.status_code == 201, first.text
    exported = manager.get(f"/api/v1/contracts/{first.json()['id']}").json()
    terms_out = exported["current_version"]["terms"]
    again = manager.post("/api/v1/contracts", json=body | {"title": "Copy", "terms": terms_out})
    assert again.status_code == 201, again.text
    copied = manager.get(f"/api/v1/contracts/{again.json()['id']}").json()
    assert copied["current_version"]["terms"] == terms_out
    draft = manager.put(f"/api/v1/contracts/{again.json()['id']}/draft", json={"terms": terms_out})
    assert draft.status_code == 200, draft.text
    assert draft.json()["terms"] == terms_out


def test_raci_and_clause_library_reimport_unchanged(world: World, api: Any) -> None:
    manager = api(world.users["manager"])
    body = {"kind": "cm_agreement", "title": "RACI", "partner_ids": [world.partner_a]}
    cid = manager.post("/api/v1/contracts", json=body | {"terms": FULL}).json()["id"]
    pid = str(world.partner_a)
    matrix = {
        "production": {"owner": "A", pid: "R"},
        "design": {"owner": "RA", pid: "C"},
        "logistics": {"owner": "I", pid: "RA"},
    }
    assert manager.put(f"/api/v1/contracts/{cid}/raci", json={"matrix": matrix}).status_code == 200
    exported = manager.get(f"/api/v1/contracts/{cid}/raci").json()
    again = manager.put(f"/api/v1/contracts/{cid}/raci", json={"matrix": exported["matrix"]})
    assert again.status_code == 200, again.text
    assert manager.get(f"/api/v1/contracts/{cid}/raci").json() == exported

    admin = api(world.users["admin"])
    clause = {
        "code": "QA-9",
        "category": "quality_agreement",
        "title_en": "Incoming inspection",
        "title_ko": "수입 검사",
        "text_en": "Line one\nLine two",
        "text_ko": "첫째 줄\n둘째 줄",
    }
    assert admin.post("/api/v1/contract-clauses", json=clause).status_code == 201
    listed = admin.get("/api/v1/contract-clauses").json()
    exported_clause = next(c for c in listed if c["code"] == "QA-9")
    fields = ("category", "title_en", "title_ko", "text_en", "text_ko")
    patched = admin.patch(
        f"/api/v1/contract-clauses/{exported_clause['id']}",
        json={k: exported_clause[k] for k in fields},
    )
    assert patched.status_code == 200, patched.text
    assert {k: patched.json()[k] for k in fields} == {k: clause[k] for k in fields}
