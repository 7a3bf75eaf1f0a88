"""Creating and editing a JV and an alliance from the pages: equity that does not add up to
100 % is refused by field (in Korean for a Korean reader) with what was typed kept and nothing
saved; the edit is audited; viewers and partners cannot reach the forms."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from tests.conftest import World, csrf_of, login
from tests.ventures.ventures_factories import make_venture

from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.ventures.models import Alliance, Venture


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_venture_is_created_from_the_page_after_a_refused_split(
    world: World, engine: Engine, base_url: str
) -> None:
    owner = login(base_url, world.users["manager"])
    form = owner.get("/ventures/new")
    assert form.status_code == 200 and 'data-testid="venture-form"' in form.text
    assert 'data-testid="new-venture"' in owner.get("/ventures").text
    token = csrf_of(owner, "/ventures/new")
    typed = {
        "csrf_token": token,
        "name": "Nordic Cell Power JV",
        "partner_id": str(world.partner_a),
        "currency": "EUR",
        "quorum_pct": "75",
        "parent_0_partner_id": "owner",
        "parent_0_equity_pct": "51",
        "parent_0_board_seats": "3",
        "parent_1_partner_id": str(world.partner_b),
        "parent_1_equity_pct": "39",
        "parent_1_board_seats": "2",
    }
    owner.cookies.set("cofab_lang", "ko")
    refused = owner.post("/ventures/new", data=typed)
    assert refused.status_code == 422
    assert 'data-testid="form-error"' in refused.text
    assert "90 %" in refused.text and "100 %" in refused.text
    assert "지분" in refused.text  # the field's label and message in Korean
    assert 'value="Nordic Cell Power JV"' in refused.text  # what was typed is kept
    assert _count(engine, Venture) == 0
    made = owner.post("/ventures/new", data=typed | {"parent_1_equity_pct": "49"})
    assert made.status_code == 303, made.text[:400]
    page = owner.get(made.headers["location"])
    assert "Nordic Cell Power JV" in page.text and 'data-testid="edit-venture"' in page.text
    with unit_of_work(engine) as session:
        venture = session.execute(select(Venture)).scalar_one()
        assert sorted((p.partner_id or 0, int(p.equity_pct)) for p in venture.parents) == sorted(
            [(0, 51), (world.partner_b, 49)]
        )


def test_a_venture_is_edited_with_its_split_and_the_change_audited(
    world: World, engine: Engine, base_url: str
) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session, world.partner_a, [(None, "60", 2), (world.partner_b, "40", 2)]
        )
        venture_id = venture.id
    owner = login(base_url, world.users["admin"])
    edit = owner.get(f"/ventures/{venture_id}/edit")
    assert edit.status_code == 200 and 'name="parent_1_equity_pct"' in edit.text
    token = csrf_of(owner, f"/ventures/{venture_id}/edit")
    rows = {
        "csrf_token": token,
        "name": "Renamed JV",
        "quorum_pct": "60",
        "quorum_basis": "equity",
        "parent_0_partner_id": "owner",
        "parent_0_equity_pct": "55",
        "parent_0_board_seats": "3",
        "parent_1_partner_id": str(world.partner_b),
        "parent_1_equity_pct": "55",
        "parent_1_board_seats": "2",
    }
    refused = owner.post(f"/ventures/{venture_id}/edit", data=rows)
    assert refused.status_code == 422 and "110 %" in refused.text
    with unit_of_work(engine) as session:
        assert session.get(Venture, venture_id).name != "Renamed JV"  # nothing half-saved
    saved = owner.post(f"/ventures/{venture_id}/edit", data=rows | {"parent_1_equity_pct": "45"})
    assert saved.status_code == 303
    with unit_of_work(engine) as session:
        venture = session.get(Venture, venture_id)
        assert venture is not None and venture.name == "Renamed JV"
        assert venture.quorum_basis == "equity" and int(venture.quorum_pct) == 60
        assert sorted(int(p.equity_pct) for p in venture.parents) == [45, 55]
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.entity == "venture", AuditEntry.action == "update")
        ).scalar_one()
        assert entry.before["name"] != "Renamed JV" and entry.after["name"] == "Renamed JV"
    # a viewer and a partner do not get the form; another partner's venture is not found
    viewer = login(base_url, world.users["viewer"])
    assert viewer.get(f"/ventures/{venture_id}/edit").status_code == 403
    assert viewer.get("/ventures/new").status_code == 403
    assert login(base_url, world.users["partner_b"]).get("/ventures/new").status_code in (403, 404)


def test_an_alliance_is_created_and_edited_from_the_page(
    world: World, engine: Engine, base_url: str
) -> None:
    owner = login(base_url, world.users["manager"])
    token = csrf_of(owner, "/ventures/alliances/new")
    one_party = {
        "csrf_token": token,
        "name": "Recycling alliance",
        "currency": "KRW",
        "purpose": "Shared black-mass recycling",
        "party_0_partner_id": "owner",
        "party_0_role": "Lead",
    }
    refused = owner.post("/ventures/alliances/new", data=one_party)
    assert refused.status_code == 422 and 'data-testid="form-error"' in refused.text
    assert _count(engine, Alliance) == 0
    made = owner.post(
        "/ventures/alliances/new",
        data=one_party | {"party_1_partner_id": str(world.partner_a), "party_1_role": "Plant"},
    )
    assert made.status_code == 303, made.text[:400]
    alliance_url = made.headers["location"]
    assert 'data-testid="edit-alliance"' in owner.get(alliance_url).text
    saved = owner.post(
        f"{alliance_url}/edit",
        data={"csrf_token": token, "name": "Battery recycling alliance", "purpose": "More"},
    )
    assert saved.status_code == 303
    with unit_of_work(engine) as session:
        alliance = session.execute(select(Alliance)).scalar_one()
        assert (alliance.name, alliance.purpose, alliance.currency) == (
            "Battery recycling alliance",
            "More",
            "KRW",
        )
        assert len(alliance.parties) == 2
