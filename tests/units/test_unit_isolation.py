"""The isolation sweep's second axis: unit A's admin reads and writes nothing of unit B.

The same route enumeration as tests/core/test_partner_isolation.py, the same partner-B objects
(its resolvers make them), but every one of them is filed under unit B and partner B works with
unit B only; the caller is an owner admin who is a member of unit A alone. A new route is covered
the day it is added, exactly as on the partner axis.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update
from tests.conftest import World, csrf_of, login, make_user
from tests.core import test_partner_isolation as sweep

from cofab.accounts.models import User
from cofab.db.session import unit_of_work
from cofab.domains import load_all_models
from cofab.units import service as units

UNIT_A_ADMIN = "unit-a-admin@owner.test"

# Group-wide reference data: shared by every unit on purpose (selection criteria templates,
# scorecard templates, the contract clause library), so a unit admin may open them by id.
GROUP_WIDE_PARAMS = ("{template_id}", "{clause_id}")


def _file_everything_under_unit_b(engine: Engine, world: World) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        unit_a = units.ensure_unit(session, code="unit-a", name_ko="에이", name_en="A").id
        unit_b = units.ensure_unit(session, code="unit-b", name_ko="비", name_en="B").id
        units.link_partner(session, partner_id=world.partner_a, unit_id=unit_a)
        units.link_partner(session, partner_id=world.partner_b, unit_id=unit_b)
    with engine.begin() as conn:
        for table in load_all_models().sorted_tables:
            if "unit_id" in table.c and table.name not in {"unit_memberships", "partner_units"}:
                conn.execute(update(table).where(table.c.unit_id.is_(None)).values(unit_id=unit_b))
    with unit_of_work(engine) as session:
        make_user(session, UNIT_A_ADMIN, "admin")
        user_id = session.execute(select(User.id).where(User.email == UNIT_A_ADMIN)).scalar_one()
        units.set_user_units(session, None, user_id=user_id, unit_ids=[unit_a], all_units=False)
    return unit_a, unit_b


def _unit_b_fingerprint(engine: Engine, unit_b: int) -> str:
    parts = []
    with engine.connect() as conn:
        for table in load_all_models().sorted_tables:
            if "unit_id" not in table.c or table.name in {"unit_memberships", "partner_units"}:
                continue
            rows = conn.execute(
                table.select().where(table.c.unit_id == unit_b).order_by(*table.primary_key.columns)
            ).all()
            parts.append(f"{table.name}:{[tuple(map(str, r)) for r in rows]}")
    return "\n".join(parts)


@pytest.mark.parametrize("channel", ["api", "pages"])
def test_unit_user_cannot_reach_another_units_objects(
    channel: str,
    world: World,
    app,  # type: ignore[no-untyped-def]
    base_url: str,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    resolvers = dict(sweep.OTHER_PARTNER_IDS)
    for extra in sweep.EXTRA_RESOLVERS:
        resolvers.update(extra(world, engine))
    cache: dict[str, int] = {}
    cached = {
        k: (lambda w, e, k=k, f=f: cache.setdefault(k, f(w, e))) for k, f in resolvers.items()
    }
    plan = [(m, p, r, sweep._resolve(p, world, engine, cached)) for m, p, r in sweep._routes(app)]
    _unit_a, unit_b = _file_everything_under_unit_b(engine, world)
    if channel == "api":
        client: httpx.Client = api(UNIT_A_ADMIN)
        csrf = ""
    else:
        client = login(base_url, UNIT_A_ADMIN)
        csrf = csrf_of(client, "/account")
    before = (sweep._partner_b_fingerprint(engine, world), _unit_b_fingerprint(engine, unit_b))
    b_names = ["Bravo Bioworks", "Bravo Bioworks Site", "CERT-b", "Bravo Bioworks Contact"]
    reached: list[str] = []
    checked = 0
    for method, path, route, url in plan:
        is_api = path.startswith("/api/")
        if is_api != (channel == "api") or any(p in path for p in GROUP_WIDE_PARAMS):
            continue
        kwargs: dict[str, Any] = {}
        if method != "GET":
            if is_api:
                body = sweep._json_body(route)
                if body is not None:
                    kwargs["json"] = body | (
                        {"partner_id": world.partner_b} if "partner_id" in body else {}
                    )
                elif route.body_field is not None:
                    kwargs["files"] = sweep.MULTIPART_SAMPLE
            else:
                kwargs["data"] = sweep.FORM_SAMPLE | {"csrf_token": csrf}
        response = client.request(method, url, **kwargs)
        checked += 1
        if "{" in path and response.status_code not in (403, 404):
            reached.append(f"{method} {url} → {response.status_code}")
        if response.status_code < 400:
            text = response.content.decode("utf-8", "ignore")
            for name in b_names:
                assert name not in text, f"{method} {url} leaked '{name}'"
    assert not reached, "unit A's admin reached unit B's objects:\n" + "\n".join(reached)
    assert checked > 10
    after = (sweep._partner_b_fingerprint(engine, world), _unit_b_fingerprint(engine, unit_b))
    assert after == before, "unit B's data changed during the sweep"


def test_positive_control_unit_user_sees_his_own_unit(
    world: World,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    """Guards against a sweep that passes only because a unit user is refused everything."""
    _file_everything_under_unit_b(engine, world)
    client = api(UNIT_A_ADMIN)
    assert client.get(f"/api/v1/partners/{world.partner_a}").status_code == 200
    assert client.get(f"/api/v1/sites/{world.ids['a']['site_id']}").status_code == 200
    assert client.get(f"/api/v1/partners/{world.partner_b}").status_code == 404
