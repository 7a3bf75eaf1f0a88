"""The selection pages as a manager uses them: forms, messages on bad input, charts, report."""

from __future__ import annotations

import re

import httpx
from tests.conftest import World, csrf_of, login
from tests.selection.selection_world import (
    candidate_ids,
    create_template,
    finish_due_diligence,
    open_evaluation,
    score,
)


def post(client: httpx.Client, path: str, data: dict[str, object], page: str) -> httpx.Response:
    return client.post(path, data=data | {"csrf_token": csrf_of(client, page)})


def test_template_form_refuses_bad_weights_and_saves_a_version(world: World, base_url: str) -> None:
    client = login(base_url, world.users["manager"])
    listing = client.get("/selection/templates")
    assert listing.status_code == 200 and "Contract manufacturer selection" in listing.text
    form = {
        "name_en": "Form template",
        "name_ko": "폼 템플릿",
        "weight_mode": "direct",
        "c_key": ["quality", "price", ""],
        "c_name_en": ["Quality", "Price", ""],
        "c_name_ko": ["품질", "가격", ""],
        "c_direction": ["benefit", "cost", "benefit"],
        "c_scale": ["1-5", "measured", "1-5"],
        "c_unit": ["", "KRW", ""],
        "c_weight": ["60", "30", ""],
    }
    bad = post(client, "/selection/templates/new", form, "/selection/templates/new")
    assert bad.status_code == 422
    assert "Weights add up to 90 %" in bad.text and 'value="Form template"' in bad.text

    good = post(
        client,
        "/selection/templates/new",
        form | {"c_weight": ["70", "30", ""]},
        "/selection/templates/new",
    )
    assert good.status_code == 303
    detail = client.get(good.headers["location"])
    assert detail.status_code == 200 and "Form template" in detail.text and "70.00 %" in detail.text
    template_id = int(re.search(r"/selection/templates/(\d+)", good.headers["location"]).group(1))  # type: ignore[union-attr]

    ahp = form | {"weight_mode": "ahp", "ahp_matrix": "1 3\n1/3 1"}
    edit_page = f"/selection/templates/{template_id}/edit"
    saved = post(client, edit_page, ahp, edit_page)
    assert saved.status_code == 303
    again = client.get(f"/selection/templates/{template_id}")
    assert "75.00 %" in again.text and "v2" in again.text
    assert "1 3\n1/3 1" in client.get(edit_page).text
    copy = client.get(f"/selection/templates/new?copy={template_id}")
    assert copy.status_code == 200 and "Form template (copy)" in copy.text
    preview = post(
        client,
        "/selection/ahp-preview",
        {
            "c_key": ["a", "b", "c"],
            "c_name_en": ["Alpha", "Beta", "Gamma"],
            "ahp_matrix": "1 9 1/9\n1/9 1 9\n9 1/9 1",
        },
        "/selection/templates/new",
    )
    assert (
        preview.status_code == 200
        and "0.10" in preview.text
        and "most inconsistent" in preview.text
    )
    broken = post(
        client,
        "/selection/ahp-preview",
        {"c_key": ["a", "b"], "c_name_en": ["A", "B"], "ahp_matrix": "1 2\n2 1"},
        "/selection/templates/new",
    )
    assert broken.status_code == 200 and "reciprocal" in broken.text


def test_evaluation_pages_end_to_end(world: World, base_url: str, api) -> None:  # type: ignore[no-untyped-def]
    manager_api, quality_api = api(world.users["manager"]), api(world.users["quality"])
    template = create_template(manager_api)
    client = login(base_url, world.users["manager"])
    created = post(
        client,
        "/selection/evaluations/new",
        {
            "title": "Page evaluation",
            "template_id": str(template["id"]),
            "partner_ids": [str(world.partner_a), str(world.partner_b)],
        },
        "/selection/evaluations/new",
    )
    assert created.status_code == 303, created.text[:500]
    url = created.headers["location"].split("?")[0]
    evaluation_id = int(url.rsplit("/", 1)[1])
    overview = client.get(url)
    assert "Alpha Assembly" in overview.text and "Bravo Bioworks" in overview.text
    ids = candidate_ids(manager_api.get(f"/api/v1/selection/evaluations/{evaluation_id}").json())
    a, b = ids[world.partner_a], ids[world.partner_b]

    sheet_url = f"{url}/scores"
    bad = post(client, sheet_url, {f"v_{a}_quality": "7", f"v_{a}_otd": "abc"}, sheet_url)
    assert bad.status_code == 422
    assert "Alpha Assembly · On-time delivery" in bad.text and "outside its scale" in bad.text
    assert manager_api.get(f"/api/v1/selection/evaluations/{evaluation_id}/scores").json() == []
    values = {
        f"v_{a}_quality": "5",
        f"j_{a}_quality": "Audited twice.",
        f"v_{a}_price": "100",
        f"v_{a}_otd": "90",
        f"v_{b}_quality": "3",
        f"v_{b}_price": "80",
        f"v_{b}_otd": "95",
    }
    assert post(client, sheet_url, values, sheet_url).status_code == 303
    assert score(quality_api, evaluation_id, {b: {"quality": 1}}).status_code == 200
    quality_client = login(base_url, world.users["quality"])
    sheet = quality_client.get(sheet_url)
    assert 'data-testid="justify-request"' in sheet.text and 'data-testid="flagged"' in sheet.text

    results = client.get(f"{url}/results")
    assert results.status_code == 200
    for marker in (
        "chart-contributions",
        "chart-radar",
        "chart-mc",
        "flip-weighted_sum",
        "flip-topsis",
    ):
        assert marker in results.text
    assert "Audited twice." in results.text and "/static/chart-4.6.1.umd.min.js" in results.text

    finish_due_diligence(quality_api, manager_api, a)
    dd = client.get(f"/selection/candidates/{a}")
    assert dd.status_code == 200 and 'data-testid="gate-closed"' in dd.text
    assert "The evaluation Page evaluation is still open." in dd.text

    items = manager_api.get(f"/api/v1/selection/candidates/{b}/due-diligence").json()
    financial = next(i for i in items if i["key"] == "financial_review")
    form = {
        "status": "done",
        "f_model": "private",
        "f_working_capital": "-300",
        "f_retained_earnings": "-200",
        "f_ebit": "-50",
        "f_equity": "100",
        "f_total_assets": "1000",
        "f_total_liabilities": "900",
    }
    dd_b = f"/selection/candidates/{b}"
    assert (
        post(client, f"/selection/due-diligence/{financial['id']}", form, dd_b).status_code == 303
    )
    page = client.get(dd_b)
    assert 'data-testid="altman"' in page.text and "distress" in page.text
    refused = post(
        client,
        f"/selection/due-diligence/{financial['id']}",
        form | {"f_total_assets": "0"},
        dd_b,
    )
    assert refused.status_code == 422 and "Total assets must be above zero" in refused.text

    closed = post(
        client,
        f"{url}/close",
        {"selected_candidate_ids": [str(a)], "rationale": "Quality first."},
        url,
    )
    assert closed.status_code == 303
    assert 'data-testid="gate-open"' in client.get(f"/selection/candidates/{a}").text
    report = client.get(f"{url}/report")
    assert report.status_code == 200 and "Quality first." in report.text
    assert "record intact" in report.text and "Alpha Assembly" in report.text
    xlsx = client.get(f"{url}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    dashboard = client.get("/")
    assert 'data-testid="selection-widget"' in dashboard.text


def test_evidence_through_the_page(world: World, base_url: str, api) -> None:  # type: ignore[no-untyped-def]
    manager_api = api(world.users["manager"])
    evaluation = open_evaluation(manager_api, create_template(manager_api)["id"], [world.partner_a])
    cid = candidate_ids(evaluation)[world.partner_a]
    client = login(base_url, world.users["quality"])
    page = f"/selection/candidates/{cid}"
    token = csrf_of(client, page)
    uploaded = client.post(
        f"/selection/candidates/{cid}/evidence",
        data={"csrf_token": token},
        files={"file": ("visit notes.txt", b"line 3 is clean")},
    )
    assert uploaded.status_code == 303
    text = client.get(page).text
    link = re.search(r'href="(/selection/evidence/\d+)">visit notes.txt', text)
    assert link
    assert client.get(link.group(1)).content == b"line 3 is clean"
    empty = client.post(f"/selection/candidates/{cid}/evidence", data={"csrf_token": token})
    assert empty.status_code == 400 and "Choose a file" in empty.text


def test_korean_pages_and_partner_users_see_nothing(world: World, base_url: str, api) -> None:  # type: ignore[no-untyped-def]
    manager_api = api(world.users["manager"])
    evaluation = open_evaluation(manager_api, create_template(manager_api)["id"], [world.partner_a])
    client = login(base_url, world.users["manager"])
    client.cookies.set("cofab_lang", "ko")
    index = client.get("/selection")
    assert index.status_code == 200 and "파트너 선정" in index.text
    assert "평가 템플릿" in client.get("/selection/templates").text
    partner = login(base_url, world.users["partner_a"])
    for path in (
        "/selection",
        "/selection/templates",
        f"/selection/evaluations/{evaluation['id']}",
        f"/selection/evaluations/{evaluation['id']}/results",
        f"/selection/candidates/{candidate_ids(evaluation)[world.partner_a]}",
    ):
        assert partner.get(path).status_code == 404, path
    assert "/selection" not in partner.get(f"/partners/{world.partner_a}").text
