"""The loop in the browser pages: owner publishes, partner commits and counter-proposes,
owner accepts and turns the frozen zone into orders; a refused answer names the field."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.forecast.forecast_factories import flow, solved_scenario

from cofab.db.session import unit_of_work
from cofab.forecast.models import ForecastLine
from cofab.operations.models import OrderLine


def test_publish_answer_accept_convert_in_pages(
    world: World, base_url: str, engine: Engine
) -> None:
    scenario_id = solved_scenario(
        engine,
        {"A1": world.partner_a},
        [flow("A1", "P1", "2027-01", 10), flow("A1", "P1", "2027-04", 6)],
    )
    owner = login(base_url, world.users["manager"])
    token = csrf_of(owner, "/forecast")
    published = owner.post(
        "/forecast/publish", data={"scenario_id": str(scenario_id), "csrf_token": token}
    )
    assert published.status_code == 303, published.text[:300]
    with unit_of_work(engine) as session:
        frozen, firm = session.execute(
            select(ForecastLine.id).order_by(ForecastLine.period_index)
        ).scalars()
        publication_id = session.execute(select(ForecastLine.publication_id)).scalars().first()
    page = f"/forecast/publications/{publication_id}"
    partner = login(base_url, world.users["partner_a"])
    partner.cookies.set("cofab_lang", "ko")
    token = csrf_of(partner, page)
    assert "2027-04" in partner.get(page).text
    refused = partner.post(
        f"/forecast/lines/{frozen}/response",
        data={"action": "counter", "qty": "3", "reason": "x", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "확정 구간" in refused.text or "frozen zone" in refused.text
    countered = partner.post(
        f"/forecast/lines/{firm}/response",
        data={"action": "counter", "qty": "4", "reason": "tooling", "csrf_token": token},
    )
    assert countered.status_code == 303
    other = login(base_url, world.users["partner_b"])
    assert other.get(page).status_code == 404
    token = csrf_of(owner, page)
    assert "tooling" in owner.get(page).text
    assert (
        owner.post(f"/forecast/lines/{firm}/accept", data={"csrf_token": token}).status_code == 303
    )
    assert owner.post(f"{page}/convert", data={"csrf_token": token}).status_code == 303
    assert owner.post(f"{page}/convert", data={"csrf_token": token}).status_code == 303
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(OrderLine)).scalar_one() == 1
        line = session.get(ForecastLine, firm)
        assert line is not None and (line.status, line.committed_qty) == ("accepted", 4)
    home = owner.get("/forecast")
    assert home.status_code == 200 and 'data-testid="gap"' in home.text
