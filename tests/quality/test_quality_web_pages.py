"""Quality pages in Korean: every list renders, a refused form answers 4xx naming the field by
its Korean label and writes nothing, and a partner posts its outgoing inspection from the page."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.quality.quality_web_factories import make_plan, open_lot

from cofab.db.session import unit_of_work
from cofab.quality.models import AuditChecklist, Inspection, InspectionPlan


def _ko(base_url: str, email: str) -> httpx.Client:
    client = login(base_url, email)
    client.headers["Accept-Language"] = "ko"
    token = csrf_of(client, "/account")
    client.post("/lang", data={"locale": "ko", "csrf_token": token, "next": "/quality"})
    return client


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_pages_render_and_refused_forms_name_the_korean_label(
    world: World, engine: Engine, base_url: str
) -> None:
    client = _ko(base_url, world.users["quality"])
    for path in ("/quality", "/quality/plans", "/quality/lots", "/quality/ncrs", "/quality/audits"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "검사 계획" in response.text, path
    token = csrf_of(client, "/quality/plans")
    bad = client.post(
        "/quality/plans",
        data={
            "csrf_token": token,
            "partner_id": str(world.partner_a),
            "product": "P",
            "aql_critical": "0.1",
            "aql_major": "0.7",
            "aql_minor": "x",
        },
    )
    assert bad.status_code == 422
    assert "<b>AQL(경결함)</b>: 숫자여야 합니다." in bad.text  # the form's own types first
    off_series = client.post(
        "/quality/plans",
        data={
            "csrf_token": token,
            "partner_id": str(world.partner_a),
            "product": "P",
            "aql_critical": "0.1",
            "aql_major": "0.7",
            "aql_minor": "2.5",
        },
    )
    assert off_series.status_code == 422
    assert "<b>AQL(중결함)</b>: 0.7은(는) ISO 2859-1 표준 AQL 값이 아닙니다." in off_series.text
    assert 'name="aql_major" inputmode="decimal" value="0.7"' in off_series.text  # kept as typed
    assert _count(engine, InspectionPlan) == 0
    lines = client.post(
        "/quality/checklists",
        data={"csrf_token": token, "name": "P", "kind": "process", "questions": "하나 | One\n둘만"},
    )
    assert lines.status_code == 422
    assert "2행" in lines.text
    assert _count(engine, AuditChecklist) == 0


def test_partner_posts_outgoing_inspection_from_its_lot_page(
    world: World, engine: Engine, base_url: str
) -> None:
    with unit_of_work(engine) as session:
        plan = make_plan(session, world.partner_a)
        lot_id = open_lot(session, world.partner_a, "OUT-1", 500).lot_id
        assert plan.id
    partner = _ko(base_url, world.users["partner_a"])
    page = partner.get(f"/quality/lots/{lot_id}")
    assert 'data-testid="outgoing-form"' in page.text
    assert 'data-testid="inspection-form"' not in page.text  # the owner's incoming verdict
    token = csrf_of(partner, f"/quality/lots/{lot_id}")
    bad = partner.post(
        f"/quality/lots/{lot_id}/outgoing", data={"csrf_token": token, "sample_size": "abc"}
    )
    assert bad.status_code == 422
    assert "시료 크기" in bad.text
    good = partner.post(
        f"/quality/lots/{lot_id}/outgoing",
        data={
            "csrf_token": token,
            "sample_size": "80",
            "code_0": "SCRATCH",
            "class_0": "minor",
            "free_0": "1",
        },
    )
    assert good.status_code == 303
    with unit_of_work(engine) as session:
        kinds = sorted(session.execute(select(Inspection.kind)).scalars())
    assert kinds == ["incoming", "outgoing"]
    other = _ko(base_url, world.users["partner_b"])
    assert other.get(f"/quality/lots/{lot_id}").status_code == 404
