"""Shared builders for the selection database/web tests: a small hand-checkable template, an
evaluation with partners A and B, score sheets and due diligence driven through the API."""

from __future__ import annotations

from typing import Any

import httpx

# Three criteria whose normalised scores are easy to compute by hand:
# quality 1–5 (benefit), unit price measured in KRW (cost), on-time delivery 0–100 (benefit).
SMALL_TEMPLATE: dict[str, Any] = {
    "name_en": "Small hand-checked template",
    "name_ko": "손 계산 검증용 템플릿",
    "partner_type": "contract_manufacturer",
    "weight_mode": "direct",
    "criteria": [
        {"key": "quality", "name_en": "Quality", "name_ko": "품질", "scale": "1-5", "weight": 50},
        {
            "key": "price",
            "name_en": "Unit price",
            "name_ko": "단가",
            "direction": "cost",
            "scale": "measured",
            "unit": "KRW",
            "weight": 30,
        },
        {
            "key": "otd",
            "name_en": "On-time delivery",
            "name_ko": "납기 준수율",
            "scale": "0-100",
            "weight": 20,
        },
    ],
}


def template_body(**overrides: Any) -> dict[str, Any]:
    body = {k: (list(v) if isinstance(v, list) else v) for k, v in SMALL_TEMPLATE.items()}
    body["criteria"] = [dict(c) for c in SMALL_TEMPLATE["criteria"]]
    return body | overrides


def create_template(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/selection/templates", json=template_body(**overrides))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def open_evaluation(
    client: httpx.Client, template_id: int, partner_ids: list[int], **extra: Any
) -> dict[str, Any]:
    body = {"title": "Second CM for K-200", "template_id": template_id, "partner_ids": partner_ids}
    response = client.post("/api/v1/selection/evaluations", json=body | extra)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def candidate_ids(evaluation: dict[str, Any]) -> dict[int, int]:
    """partner id → candidate id"""
    return {c["partner_id"]: c["id"] for c in evaluation["candidates"]}


def score(
    client: httpx.Client, evaluation_id: int, sheet: dict[int, dict[str, float | None]]
) -> httpx.Response:
    rows = [
        {"candidate_id": cid, "criterion": key, "value": value}
        for cid, values in sheet.items()
        for key, value in values.items()
    ]
    return client.put(
        f"/api/v1/selection/evaluations/{evaluation_id}/scores", json={"scores": rows}
    )


FIGURES = {
    "model": "private",
    "working_capital": 200,
    "retained_earnings": 300,
    "ebit": 150,
    "equity": 500,
    "total_assets": 1000,
    "total_liabilities": 400,
}


def finish_due_diligence(worker: httpx.Client, reviewer: httpx.Client, candidate_id: int) -> None:
    """Every mandatory item done by ``worker`` and signed off by ``reviewer``."""
    items = worker.get(f"/api/v1/selection/candidates/{candidate_id}/due-diligence").json()
    for item in items:
        if not item["mandatory"]:
            continue
        body: dict[str, Any] = {"status": "done"}
        if item["key"] == "financial_review":
            body["data"] = FIGURES
        response = worker.patch(f"/api/v1/selection/due-diligence/{item['id']}", json=body)
        assert response.status_code == 200, response.text
        signed = reviewer.post(f"/api/v1/selection/due-diligence/{item['id']}/sign-off")
        assert signed.status_code == 200, signed.text


SELECTION_SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "SelectionTemplateIn": {
        "name_en": "Intruder template",
        "name_ko": "침입",
        "criteria": [{"key": "q", "name_en": "Q", "name_ko": "Q", "weight": 100}],
    },
    "AhpPreviewIn": {"criteria": ["a", "b"], "matrix": [[1, 2], [0.5, 1]]},
    "EvaluationCreate": {"title": "Intrusion", "template_id": 1},
    "EvaluationUpdate": {"title": "hijacked"},
    "CandidateAdd": {"partner_id": 0},
    "ScoreSheetIn": {"scores": [{"candidate_id": 1, "criterion": "quality", "value": 3}]},
    "CloseEvaluation": {"rationale": "hijacked"},
    "DueDiligenceUpdate": {"notes": "hijacked"},
}


def isolation_resolvers(world: Any, engine: Any) -> dict[str, Any]:
    """Partner B as a candidate in an evaluation, with a checklist item and an evidence row,
    for the shared isolation sweep (tests/core/test_partner_isolation.py)."""
    made: dict[str, int] = {}

    def build() -> dict[str, int]:
        if made:
            return made
        from sqlalchemy import select

        from cofab.core.access import SYSTEM_ACTOR
        from cofab.db.session import unit_of_work
        from cofab.selection import schemas, service
        from cofab.selection.models import Candidate, DueDiligenceItem, Evidence

        with unit_of_work(engine) as session:
            template = service.list_templates(session, actor=SYSTEM_ACTOR)[0].template
            evaluation = service.create_evaluation(
                session,
                actor=SYSTEM_ACTOR,
                data=schemas.EvaluationCreate(
                    title="Bravo Bioworks evaluation",
                    template_id=template.id,
                    partner_ids=[world.partner_b],
                ),
            )
            candidate = session.execute(
                select(Candidate).where(Candidate.evaluation_id == evaluation.id)
            ).scalar_one()
            item = (
                session.execute(
                    select(DueDiligenceItem).where(DueDiligenceItem.candidate_id == candidate.id)
                )
                .scalars()
                .first()
            )
            assert item is not None
            evidence = Evidence(
                candidate_id=candidate.id,
                partner_id=world.partner_b,
                dd_item_id=item.id,
                filename="bravo.pdf",
                content_type="application/pdf",
                size_bytes=1,
                object_key="0" * 32,
                wrapped_key=b"x",
                key_id="x",
            )
            session.add(evidence)
            session.flush()
            made.update(
                template_id=template.id,
                version=1,
                evaluation_id=evaluation.id,
                candidate_id=candidate.id,
                dd_item_id=item.id,
                evidence_id=evidence.id,
            )
        return made

    return {
        f"selection:{name}": (lambda _world, _engine, name=name: build()[name])
        for name in (
            "template_id",
            "version",
            "evaluation_id",
            "candidate_id",
            "dd_item_id",
            "evidence_id",
        )
    }
