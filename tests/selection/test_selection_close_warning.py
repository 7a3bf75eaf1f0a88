"""Issue 13 defect 10 (selection): closing with mandatory due-diligence items open is allowed but
never silent — the close form lists what the approval gate will refuse, the closed evaluation
and the API's decision say it again, in Korean and English."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.selection.test_selection_gate_and_decision import scored_evaluation

from cofab.db.session import unit_of_work
from cofab.selection.models import Candidate, DueDiligenceItem


def _open_mandatory(engine: Engine, candidate_id: int) -> int:
    with unit_of_work(engine) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(DueDiligenceItem)
                .where(
                    DueDiligenceItem.candidate_id == candidate_id,
                    DueDiligenceItem.mandatory,
                    DueDiligenceItem.signed_off_at.is_(None),
                )
            ).scalar_one()
        )


def test_close_form_warns_and_the_decision_repeats_it(
    world: World, api: Any, base_url: str, engine: Engine
) -> None:
    manager, evaluation, ids = scored_evaluation(world, api)
    a = ids[world.partner_a]
    open_count = _open_mandatory(engine, a)
    assert open_count > 0
    page_url = f"/selection/evaluations/{evaluation['id']}"
    browser = login(base_url, world.users["manager"])
    browser.cookies.set("cofab_lang", "ko")
    before = browser.get(page_url).text
    warning = re.search(r'data-testid="close-warning".*?</div>', before, re.S)
    assert warning, before[:2000]
    assert "승인 게이트" in warning.group(0)
    assert f"필수 실사 항목 {open_count}개" in warning.group(0)

    csrf = csrf_of(browser, page_url)
    closed = browser.post(
        f"{page_url}/close",
        data={"csrf_token": csrf, "selected_candidate_ids": str(a), "rationale": "가격 대비 품질"},
    )
    assert closed.status_code == 303
    after = browser.get(page_url).text
    gate = re.search(r'data-testid="gate-warning".*?</div>', after, re.S)
    assert gate and "승인 게이트" in gate.group(0)
    with unit_of_work(engine) as session:
        partner_b_candidate = session.get(Candidate, ids[world.partner_b])
        assert partner_b_candidate is not None and partner_b_candidate.selected is False
    decision = manager.get(f"/api/v1/selection/evaluations/{evaluation['id']}/decision").json()
    assert len(decision["gate_warnings"]) == 1  # only the selected partner is named
    assert f"until {open_count} mandatory due-diligence item(s)" in decision["gate_warnings"][0]
    assert (
        "Financial" in decision["gate_warnings"][0] or "financial" in decision["gate_warnings"][0]
    )


def test_api_close_returns_the_warning(world: World, api: Any) -> None:
    _manager, evaluation, ids = scored_evaluation(world, api)
    korean = api(world.users["manager"], "ko")
    closed = korean.post(
        f"/api/v1/selection/evaluations/{evaluation['id']}/close",
        json={"selected_candidate_ids": [ids[world.partner_a]], "rationale": "x"},
    )
    assert closed.status_code == 200
    warnings = closed.json()["gate_warnings"]
    assert len(warnings) == 1 and "승인 게이트" in warnings[0]


def test_korean_settings_error_names_the_label_not_the_key(
    world: World, api: Any, base_url: str
) -> None:
    _manager, evaluation, _ids = scored_evaluation(world, api)
    page_url = f"/selection/evaluations/{evaluation['id']}"
    browser = login(base_url, world.users["manager"])
    browser.cookies.set("cofab_lang", "ko")
    csrf = csrf_of(browser, page_url)
    bad = browser.post(
        f"{page_url}/settings", data={"csrf_token": csrf, "mc_draws": "5", "mc_seed": "x"}
    )
    assert bad.status_code == 422
    errors = re.search(r'<div class="flash error".*?</div>', bad.text, re.S)
    assert errors, bad.text[:2000]
    shown = errors.group(0)
    assert "<b>몬테카를로 표본 추출</b>" in shown and "<b>난수 시드</b>" in shown
    assert "mc_draws" not in shown and "mc_seed" not in shown and "Input should" not in shown
    problems = api(world.users["manager"], "ko").patch(
        f"/api/v1/selection/evaluations/{evaluation['id']}", json={"mc_draws": 5}
    )
    assert problems.status_code == 422
    entry = problems.json()["errors"][0]
    assert entry["field"] == "mc_draws" and entry["label"] == "몬테카를로 표본 추출"
