"""The registry API: create, read, update, lifecycle, children, filters and bad input."""

from __future__ import annotations

from typing import Any

from tests.conftest import World


def partner_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name_ko": "사이공 정밀",
        "name_en": "Saigon Precision",
        "types": ["contract_manufacturer"],
        "form": "vertical",
        "country": "VN",
        "website": "https://saigon.example",
    }
    return body | overrides


def test_manager_creates_partner_and_reads_it_back(world: World, api) -> None:
    client = api(world.users["manager"])
    created = client.post("/api/v1/partners", json=partner_body())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "prospect" and body["types"] == ["contract_manufacturer"]
    detail = client.get(f"/api/v1/partners/{body['id']}").json()
    assert detail["name_ko"] == "사이공 정밀" and detail["sites"] == []


def test_unknown_field_and_wrong_type_are_field_level_problems(world: World, api) -> None:
    client = api(world.users["manager"])
    response = client.post(
        "/api/v1/partners", json=partner_body(colour="red", types="cm", country="Vietnam")
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"colour", "country"} <= fields
    assert any(f.startswith("types") for f in fields)


def test_problem_messages_follow_the_users_language(world: World, api) -> None:
    client = api(world.users["manager"], locale="ko")
    response = client.post("/api/v1/partners", json=partner_body(extra=1))
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["message"] != "Unknown field."
    assert any("\uac00" <= ch <= "\ud7a3" for ch in problem["title"])  # Hangul syllables


def test_duplicate_name_is_a_conflict_and_writes_nothing(world: World, api) -> None:
    client = api(world.users["manager"])
    response = client.post("/api/v1/partners", json=partner_body(name_en="alpha assembly"))
    assert response.status_code == 409
    assert "Alpha" in response.json()["detail"] or "alpha" in response.json()["detail"]
    listing = client.get("/api/v1/partners", params={"q": "alpha"}).json()
    assert listing["total"] == 1


def test_lifecycle_allows_only_listed_transitions(world: World, api) -> None:
    client = api(world.users["manager"])
    pid = world.partner_a
    assert (
        client.post(f"/api/v1/partners/{pid}/status", json={"status": "active"}).status_code == 409
    )
    for step in ("qualifying", "approved", "active", "suspended", "active", "exited"):
        response = client.post(f"/api/v1/partners/{pid}/status", json={"status": step})
        assert response.status_code == 200, (step, response.text)
    again = client.post(f"/api/v1/partners/{pid}/status", json={"status": "active"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_viewer_and_quality_cannot_change_the_registry(world: World, api) -> None:
    for role in ("viewer", "quality"):
        client = api(world.users[role])
        assert client.get("/api/v1/partners").status_code == 200
        assert (
            client.post("/api/v1/partners", json=partner_body(name_en=f"X {role}")).status_code
            == 403
        )
        assert (
            client.patch(f"/api/v1/partners/{world.partner_a}", json={"notes": "x"}).status_code
            == 403
        )


def test_sites_capabilities_and_certificates(world: World, api) -> None:
    client = api(world.users["manager"])
    pid = world.partner_a
    site = client.post(
        f"/api/v1/partners/{pid}/sites",
        json={
            "name": "Plant 2",
            "country": "VN",
            "latitude": 10.8,
            "longitude": 106.6,
            "timezone": "Asia/Ho_Chi_Minh",
        },
    )
    assert site.status_code == 201, site.text
    site_id = site.json()["id"]
    cap = client.post(
        f"/api/v1/sites/{site_id}/capabilities",
        json={
            "process": "SMT assembly",
            "product_families": ["smartphone"],
            "capacity": "5000",
            "capacity_unit": "boards",
        },
    )
    assert cap.status_code == 201, cap.text
    assert float(cap.json()["capacity"]) == 5000
    bad_tz = client.post(
        f"/api/v1/partners/{pid}/sites",
        json={"name": "P3", "country": "VN", "timezone": "Mars/Base"},
    )
    assert bad_tz.status_code == 422 and bad_tz.json()["errors"][0]["field"] == "timezone"
    bad_lat = client.post(
        f"/api/v1/partners/{pid}/sites", json={"name": "P4", "country": "VN", "latitude": 91}
    )
    assert bad_lat.status_code == 422
    dup = client.post(f"/api/v1/partners/{pid}/sites", json={"name": "plant 2", "country": "VN"})
    assert dup.status_code == 409
    out_of_order = client.post(
        f"/api/v1/partners/{pid}/certifications",
        json={
            "standard": "ISO 13485",
            "number": "X-1",
            "valid_from": "2027-01-01",
            "valid_to": "2026-01-01",
        },
    )
    assert out_of_order.status_code == 422
    assert out_of_order.json()["errors"][0]["field"] == "valid_to"
    detail = client.get(f"/api/v1/partners/{pid}").json()
    assert [s["name"] for s in detail["sites"]] == ["Alpha Assembly Site", "Plant 2"]
    assert len(detail["capabilities"]) == 2 and len(detail["certifications"]) == 1


def test_expiring_certificates_within_window(world: World, api) -> None:
    client = api(world.users["viewer"])
    within_90 = client.get("/api/v1/certifications/expiring").json()
    assert {c["number"] for c in within_90} == {"CERT-a", "CERT-b"}
    assert client.get("/api/v1/certifications/expiring", params={"days": 10}).json() == []


def test_filters_sort_and_pagination(world: World, api) -> None:
    client = api(world.users["manager"])
    for index, (country, kind) in enumerate(
        [("MX", "supplier"), ("MX", "logistics"), ("JP", "supplier")]
    ):
        assert (
            client.post(
                "/api/v1/partners",
                json=partner_body(
                    name_en=f"Partner {index}",
                    name_ko=f"파트너 {index}",
                    country=country,
                    types=[kind],
                ),
            ).status_code
            == 201
        )
    page = client.get("/api/v1/partners", params={"size": 2, "page": 1, "sort": "name"}).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    assert [p["name_en"] for p in page["items"]] == ["Alpha Assembly", "Bravo Bioworks"]
    mx = client.get("/api/v1/partners", params={"country": "mx", "type": "supplier"}).json()
    assert [p["name_en"] for p in mx["items"]] == ["Partner 0"]
    by_cap = client.get("/api/v1/partners", params={"capability": "bravo"}).json()
    assert [p["name_en"] for p in by_cap["items"]] == ["Bravo Bioworks"]
    by_cert = client.get("/api/v1/partners", params={"certification": "iso 9001"}).json()
    assert by_cert["total"] == 2
    desc = client.get("/api/v1/partners", params={"sort": "-name"}).json()
    assert desc["items"][0]["name_en"] == "Partner 2"
    assert client.get("/api/v1/partners", params={"size": 1000}).status_code == 422


def test_partner_user_edits_own_profile_but_not_status(world: World, api) -> None:
    client = api(world.users["partner_a"])
    assert (
        client.patch(f"/api/v1/partners/{world.partner_a}", json={"notes": "our notes"}).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/partners/{world.partner_a}/status", json={"status": "qualifying"}
        ).status_code
        == 403
    )
    listing = client.get("/api/v1/partners").json()
    assert [p["id"] for p in listing["items"]] == [world.partner_a]
