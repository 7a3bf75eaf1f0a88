"""Reserved matters and alliance parties changed after creation (issue 17): the API's PATCH
and the edit pages, audited before/after, the consent rules checked again (a qualified
majority needs a threshold above 50 %), codes unique, a matter a resolution cites and a party
a cost key names kept; refusals name the field (Korean label for a Korean reader), nothing
saved; the next vote is counted with the new rule, the recorded one keeps its own."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.ventures.ventures_factories import make_alliance, make_venture

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work
from cofab.ventures import alliances, schemas
from cofab.ventures.models import AllianceParty, ReservedMatter

API = "/api/v1/ventures"


def _audit(engine: Engine, entity: str, entity_id: int) -> AuditEntry:
    with unit_of_work(engine) as session:
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None
        session.expunge(entry)
        return entry


def _matters(engine: Engine, venture_id: int) -> list[tuple[str, str, Any]]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(ReservedMatter).where(ReservedMatter.venture_id == venture_id)
        ).scalars()
        return sorted((m.code, m.rule, m.threshold_pct) for m in rows)


def test_reserved_matters_are_changed_and_the_next_vote_uses_the_new_rule(
    world: World, engine: Engine, api
) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session,
            world.partner_a,
            [(None, "60", 3), (world.partner_b, "40", 2)],
            matters=[
                {"code": "BUDGET", "title": "Annual budget", "rule": "unanimous"},
                {"code": "CAPEX", "title": "Capex", "rule": "qualified", "threshold_pct": "75"},
            ],
        )
        vid = venture.id
        ids = {m.code: m.id for m in venture.matters}
        parents = [p.id for p in venture.parents]
    boss = api(world.users["manager"])
    votes = [{"parent_id": parents[0], "vote": "for"}, {"parent_id": parents[1], "vote": "against"}]
    first = boss.post(
        f"{API}/{vid}/resolutions",
        json={
            "number": "R-1",
            "resolved_on": "2027-03-01",
            "title": "Line 2",
            "matter_id": ids["CAPEX"],
            "votes": votes,
        },
    )
    assert first.status_code == 201 and first.json()["passed"] is False  # 60 % < 75 %

    # a qualified majority without a threshold above 50 %: refused by row field, nothing saved
    bad = boss.patch(
        f"{API}/{vid}",
        json={
            "name": "Renamed",
            "matters": [
                {"id": ids["BUDGET"], "code": "BUDGET", "title": "Budget", "rule": "unanimous"},
                {
                    "id": ids["CAPEX"],
                    "code": "CAPEX",
                    "title": "Capex",
                    "rule": "qualified",
                    "threshold_pct": "50",
                },
            ],
        },
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["matters.1.threshold_pct"]
    ko = boss.patch(
        f"{API}/{vid}",
        json={"matters": [{"code": "A", "title": "a", "rule": "unanimous"}] * 2},
        headers={"Accept-Language": "ko"},
    )
    assert ko.status_code == 422 and ko.json()["errors"][0]["field"] == "matters.1.code"
    # the cited matter cannot be dropped
    dropped = boss.patch(
        f"{API}/{vid}",
        json={
            "matters": [{"id": ids["BUDGET"], "code": "BUDGET", "title": "B", "rule": "unanimous"}]
        },
    )
    assert dropped.status_code == 422 and dropped.json()["errors"][0]["field"] == "matters"
    assert "CAPEX" in dropped.text
    assert boss.get(f"{API}/{vid}").json()["name"] == "Cell JV"  # nothing of the refused saved

    # CAPEX lowered to 60 %, BUDGET removed (no resolution cites it), a new matter added
    ok = boss.patch(
        f"{API}/{vid}",
        json={
            "matters": [
                {
                    "id": ids["CAPEX"],
                    "code": "CAPEX",
                    "title": "Capex over 1M EUR",
                    "rule": "qualified",
                    "threshold_pct": "60",
                },
                {"code": "DIVIDEND", "title": "Dividends", "rule": "unanimous", "basis": "seats"},
            ]
        },
    )
    assert ok.status_code == 200, ok.text
    assert [m["code"] for m in ok.json()["matters"]] == ["CAPEX", "DIVIDEND"]
    assert _matters(engine, vid) == [
        ("CAPEX", "qualified", D("60.0000")),
        ("DIVIDEND", "unanimous", None),
    ]
    entry = _audit(engine, "venture_matters", vid)
    assert entry.action == "update"
    assert {m["code"] for m in entry.before["matters"]} == {"BUDGET", "CAPEX"}
    assert {m["code"] for m in entry.after["matters"]} == {"CAPEX", "DIVIDEND"}
    # the same vote again now passes (60 % ≥ 60 %); the recorded one keeps 75 % and "failed"
    second = boss.post(
        f"{API}/{vid}/resolutions",
        json={
            "number": "R-2",
            "resolved_on": "2027-04-01",
            "title": "Line 2 again",
            "matter_id": ids["CAPEX"],
            "votes": votes,
        },
    )
    assert second.status_code == 201 and second.json()["passed"] is True
    recorded = {r["number"]: r for r in boss.get(f"{API}/{vid}").json()["resolutions"]}
    assert D(recorded["R-1"]["required_pct"]) == 75 and recorded["R-1"]["passed"] is False
    # partners and viewers cannot change the matters
    assert api(world.users["partner_b"]).patch(
        f"{API}/{vid}", json={"matters": []}
    ).status_code in (
        403,
        404,
    )
    assert api(world.users["viewer"]).patch(f"{API}/{vid}", json={"matters": []}).status_code == 403


def test_alliance_parties_are_changed_with_keys_kept(world: World, engine: Engine, api) -> None:
    with unit_of_work(engine) as session:
        alliance = make_alliance(session, [None, world.partner_a])
        aid = alliance.id
        owner_party = alliance.parties[0].id
        a_party = alliance.parties[1].id
        alliances.add_coinvestment(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=aid,
            data=schemas.CoInvestmentIn(
                title="Shredder",
                budget=D(1000),
                keys=[
                    schemas.KeyIn(party_id=owner_party, share_pct=D(50)),
                    schemas.KeyIn(party_id=a_party, share_pct=D(50)),
                ],
            ),
        )
    boss = api(world.users["manager"])
    url = f"{API}/alliances/{aid}"
    # partner B joins, partner A's role is named; A keeps its row (and its key)
    joined = boss.patch(
        url,
        json={
            "parties": [
                {"partner_id": None, "role": "lead"},
                {"partner_id": world.partner_a, "role": "recycler"},
                {"partner_id": world.partner_b, "role": "logistics"},
            ]
        },
    )
    assert joined.status_code == 200, joined.text
    parties = {p["partner_id"]: p for p in joined.json()["parties"]}
    assert set(parties) == {None, world.partner_a, world.partner_b}
    assert (
        parties[world.partner_a]["id"] == a_party and parties[world.partner_a]["role"] == "recycler"
    )
    entry = _audit(engine, "alliance_parties", aid)
    assert len(entry.before["parties"]) == 2 and len(entry.after["parties"]) == 3
    # partner B now sees the alliance
    assert api(world.users["partner_b"]).get(url).status_code == 200
    # A is named by the shredder's key: it stays (409, the field named), nothing changed
    kept = boss.patch(
        url, json={"parties": [{"partner_id": None}, {"partner_id": world.partner_b}]}
    )
    assert kept.status_code == 409 and kept.json()["errors"][0]["field"] == "parties"
    # twice the same company, an unknown company, one party only: refused by field
    twice = boss.patch(url, json={"parties": [{"partner_id": None}, {"partner_id": None}]})
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "parties.1.partner_id"
    unknown = boss.patch(url, json={"parties": [{"partner_id": None}, {"partner_id": 999999}]})
    assert unknown.json()["errors"][0]["field"] == "parties.1.partner_id"
    alone = boss.patch(url, json={"parties": [{"partner_id": None}]})
    assert alone.status_code == 422 and alone.json()["errors"][0]["field"] == "parties"
    # B has no key: B leaves
    left = boss.patch(
        url, json={"parties": [{"partner_id": None}, {"partner_id": world.partner_a}]}
    )
    assert left.status_code == 200
    with unit_of_work(engine) as session:
        ids = set(
            session.execute(
                select(AllianceParty.partner_id).where(AllianceParty.alliance_id == aid)
            ).scalars()
        )
    assert ids == {None, world.partner_a}
    assert api(world.users["partner_b"]).get(url).status_code == 404


def test_the_edit_pages_change_matters_and_parties(
    world: World, engine: Engine, base_url: str
) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session,
            world.partner_a,
            [(None, "100", 3)],
            matters=[{"code": "BUDGET", "title": "Annual budget", "rule": "unanimous"}],
        )
        vid, budget = venture.id, venture.matters[0].id
        aid = make_alliance(session, [None, world.partner_a]).id
    owner = login(base_url, world.users["manager"])
    edit = f"/ventures/{vid}/edit"
    shown = owner.get(edit).text
    assert 'data-testid="matter-rows"' in shown and 'value="BUDGET"' in shown
    token = csrf_of(owner, edit)
    base = {
        "csrf_token": token,
        "name": "Cell JV",
        "quorum_pct": "50",
        "quorum_basis": "seats",
        "parent_0_partner_id": "owner",
        "parent_0_equity_pct": "100",
        "parent_0_board_seats": "3",
        "matter_0_id": str(budget),
        "matter_0_code": "BUDGET",
        "matter_0_title": "Annual budget",
        "matter_0_rule": "unanimous",
        "matter_0_basis": "equity",
    }
    owner.cookies.set("cofab_lang", "ko")
    refused = owner.post(
        edit,
        data=base
        | {
            "matter_1_code": "CAPEX",
            "matter_1_title": "Capex",
            "matter_1_rule": "qualified",
            "matter_1_basis": "equity",
        },
    )
    assert refused.status_code == 422 and "가결 기준 %" in refused.text
    assert 'value="CAPEX"' in refused.text  # what was typed is kept
    assert [c for c, _, _ in _matters(engine, vid)] == ["BUDGET"]
    saved = owner.post(
        edit,
        data=base
        | {
            "matter_0_title": "Budget and plan",
            "matter_1_code": "CAPEX",
            "matter_1_title": "Capex",
            "matter_1_rule": "qualified",
            "matter_1_basis": "equity",
            "matter_1_threshold_pct": "66.67",
        },
    )
    assert saved.status_code == 303, saved.text[:400]
    assert _matters(engine, vid) == [
        ("BUDGET", "unanimous", None),
        ("CAPEX", "qualified", D("66.6700")),
    ]
    # the alliance's edit page shows and changes the parties
    aedit = f"/ventures/alliances/{aid}/edit"
    assert 'data-testid="party-rows"' in owner.get(aedit).text
    moved = owner.post(
        aedit,
        data={
            "csrf_token": token,
            "name": "Recycling alliance",
            "party_0_partner_id": "owner",
            "party_1_partner_id": str(world.partner_b),
            "party_1_role": "collector",
        },
    )
    assert moved.status_code == 303, moved.text[:400]
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(AllianceParty.partner_id, AllianceParty.role).where(
                AllianceParty.alliance_id == aid
            )
        ).all()
    assert sorted((p or 0, r) for p, r in rows) == [(0, ""), (world.partner_b, "collector")]
