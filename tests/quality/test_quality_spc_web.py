"""SPC over HTTP: import by a partner, chart and capability JSON, the SVG page in ko/en."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, login
from tests.quality.spc_factories import make_characteristic
from tests.quality.test_quality_spc_service import piston_csv


def test_partner_imports_and_reads_its_own_chart(api: Any, engine: Engine, world: World) -> None:
    char = make_characteristic(engine, world.partner_a, lsl=73.99, usl=74.01, cpk_target=1.33)
    other = make_characteristic(engine, world.partner_b)
    client = api(world.users["partner_a"])
    url = f"/api/v1/quality/characteristics/{char}"
    files = {"file": ("rings.csv", piston_csv(), "text/csv")}
    response = client.post(f"{url}/measurements/import", files=files)
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 125, "inserted": 125, "skipped": 0}
    again = client.post(f"{url}/measurements/import", files=files).json()
    assert again == {"rows": 125, "inserted": 0, "skipped": 125}

    cap = client.get(f"{url}/capability").json()
    rbar = 0.571 / 25
    assert abs(cap["limits"]["r"]["ucl"] - 2.114 * rbar) < 1e-12
    assert cap["n"] == 125 and cap["below_target"] is True  # ±0.01 mm is far too tight
    chart = client.get(f"{url}/chart", params={"kind": "xbar-s"}).json()
    assert chart["chart"] == "xbar-s" and len(chart["points"]["xbar"]) == 25
    assert any(v["rule"] == "N1" for v in chart["violations"]) is False

    # another partner's characteristic is not there at all
    assert client.get(f"/api/v1/quality/characteristics/{other}/capability").status_code == 404
    bad = {"file": ("m.csv", b"subgroup,value\n1,x\n", "text/csv")}
    refused = client.post(f"/api/v1/quality/characteristics/{other}/measurements/import", files=bad)
    assert refused.status_code == 404


def test_bad_file_is_a_field_problem_in_korean(api: Any, engine: Engine, world: World) -> None:
    char = make_characteristic(engine, world.partner_a)
    client = api(world.users["quality"], locale="ko")
    files = {"file": ("m.csv", b"subgroup,value\n1,1\n1,abc\n", "text/csv")}
    response = client.post(
        f"/api/v1/quality/characteristics/{char}/measurements/import", files=files
    )
    assert response.status_code == 422, response.text
    text = response.text
    assert "측정값" in text and "3행" in text
    assert client.get(f"/api/v1/quality/characteristics/{char}/capability").json()["n"] == 0


def test_page_draws_the_chart_with_violations_and_the_alert(
    base_url: str, api: Any, engine: Engine, world: World
) -> None:
    char = make_characteristic(engine, world.partner_a, subgroup_size=2, lsl=0.0, usl=14.0)
    rows = ["subgroup,value"]
    for g in range(1, 21):
        low, high = (9.0, 11.0) if g < 20 else (30.0, 31.0)  # the last subgroup jumps
        rows += [f"{g},{low}", f"{g},{high}"]
    files = {"file": ("m.csv", ("\n".join(rows) + "\n").encode(), "text/csv")}
    api(world.users["quality"]).post(
        f"/api/v1/quality/characteristics/{char}/measurements/import", files=files
    )
    for locale, heading in (("en", "Control chart"), ("ko", "관리도")):
        client = login(base_url, world.users["quality"])
        client.cookies.set("lang", locale)
        page = client.get(
            f"/quality/characteristics/{char}/spc", headers={"Accept-Language": locale}
        )
        assert page.status_code == 200
        html = page.text
        assert heading in html
        assert 'data-testid="chart-xbar"' in html and "<polyline" in html
        assert html.count('data-violation="1"') >= 1
        assert 'data-testid="cpk-alert"' in html
    partner_b = login(base_url, world.users["partner_b"])
    assert partner_b.get(f"/quality/characteristics/{char}/spc").status_code == 404
