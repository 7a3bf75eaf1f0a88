"""The ventures pages: a JV with its equity pie, capital calls with progress, the board's votes
and a payment form that names the wrong field in Korean; an alliance with its statement and
the XLSX download; a partner that is party to neither gets 404."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine
from tests.conftest import World, csrf_of, login
from tests.ventures.ventures_factories import make_alliance, make_venture

from cofab.core.access import SYSTEM_ACTOR
from cofab.core.tabular import read_table
from cofab.db.session import unit_of_work
from cofab.ventures import alliances, capital, jv, schemas


def test_venture_and_alliance_pages(world: World, base_url: str, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session,
            world.partner_a,
            [(None, "60", 2), (world.partner_b, "40", 2)],
            quorum="75",
            matters=[{"code": "BUDGET", "title": "Budget", "rule": "unanimous"}],
        )
        owner, bravo = venture.parents
        call = capital.add_call(
            session,
            actor=SYSTEM_ACTOR,
            venture_id=venture.id,
            data=schemas.CapitalCallIn(
                parent_id=bravo.id,
                reference="CC-7",
                due_on="2026-11-30",  # type: ignore[arg-type]
                amount=Decimal(1000),
                currency="EUR",
                called_on="2026-10-01",  # type: ignore[arg-type]
            ),
        )
        jv.record_resolution(
            session,
            actor=SYSTEM_ACTOR,
            venture_id=venture.id,
            data=schemas.ResolutionIn(
                number="R-1",
                resolved_on="2026-10-02",  # type: ignore[arg-type]
                title="Budget 2027",
                matter_id=venture.matters[0].id,
                votes=[
                    schemas.VoteIn(parent_id=owner.id, vote="for"),
                    schemas.VoteIn(parent_id=bravo.id, vote="against"),
                ],
            ),
        )
        alliance = make_alliance(session, [None, world.partner_b])
        us, them = (p.id for p in alliance.parties)
        pilot = alliances.add_coinvestment(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.CoInvestmentIn(
                title="Pilot",
                budget=Decimal(100),
                keys=[
                    schemas.KeyIn(party_id=us, share_pct=Decimal(25)),
                    schemas.KeyIn(party_id=them, share_pct=Decimal(75)),
                ],
            ),
        )
        alliances.add_entry(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.EntryIn(
                coinvestment_id=pilot.id,
                party_id=us,
                period="2026-11",
                kind="cost",
                amount=Decimal(400),
                currency="EUR",
            ),
        )
        vid, aid, cid = venture.id, alliance.id, call.id
        owner_id, bravo_id = owner.id, bravo.id
        goal_id = alliances.add_goal(
            session,
            actor=SYSTEM_ACTOR,
            alliance_id=alliance.id,
            data=schemas.GoalIn(title="Yield", kpi="First-pass yield", uom="%", target=Decimal(92)),
        ).id

    manager = login(base_url, world.users["manager"])
    listing = manager.get("/ventures")
    assert f'href="/ventures/{vid}"' in listing.text
    assert f'href="/ventures/alliances/{aid}"' in listing.text
    page = manager.get(f"/ventures/{vid}")
    assert page.status_code == 200
    assert 'data-testid="equity-chart"' in page.text and '"values": [60.0, 40.0]' in page.text
    assert "Not passed" in page.text and "Against" in page.text
    csrf = csrf_of(manager, f"/ventures/{vid}")
    form = {"csrf_token": csrf, "paid_on": "2026-10-20", "amount": "1200", "currency": "EUR"}
    manager.cookies.set("cofab_lang", "ko")
    refused = manager.post(f"/ventures/{vid}/calls/{cid}/payments", data=form)
    assert refused.status_code == 422 and "미납액은 1,000.00 EUR뿐입니다" in refused.text
    manager.cookies.delete("cofab_lang")
    paid = manager.post(f"/ventures/{vid}/calls/{cid}/payments", data=form | {"amount": "250"})
    assert paid.status_code == 303
    assert "25.0 %" in manager.get(f"/ventures/{vid}").text

    # a board vote from the page: without quorum (75 % of seats; Bravo's 2 of 4 present) the
    # page names the votes in Korean and nothing is recorded; with both present it passes
    board = {
        "csrf_token": csrf,
        "number": "R-2",
        "resolved_on": "2026-11-02",
        "title": "Capex",
        "matter_id": "",
        f"vote_{owner_id}": "absent",
        f"vote_{bravo_id}": "for",
    }
    manager.cookies.set("cofab_lang", "ko")
    no_quorum = manager.post(f"/ventures/{vid}/resolutions", data=board)
    assert no_quorum.status_code == 422
    assert "정족수 미달" in no_quorum.text and 'value="Capex"' in no_quorum.text
    manager.cookies.delete("cofab_lang")
    board[f"vote_{owner_id}"] = "for"
    assert manager.post(f"/ventures/{vid}/resolutions", data=board).status_code == 303
    assert manager.get(f"/ventures/{vid}").text.count("badge active") == 1  # R-2 passed

    statement = manager.get(f"/ventures/alliances/{aid}", params={"period": "2026-Q4"})
    # 400 shared 25/75: we paid 400, our share 100 → the partner owes us 300
    assert "300.00" in statement.text and "-300.00" in statement.text
    assert manager.get(f"/ventures/alliances/{aid}", params={"period": "Q4"}).status_code == 422
    goal = f"/ventures/alliances/{aid}/goals/{goal_id}/actual"
    assert manager.post(goal, data={"csrf_token": csrf, "actual": "87.5"}).status_code == 303
    assert "87.5" in manager.get(f"/ventures/alliances/{aid}").text
    assert manager.post(goal, data={"csrf_token": csrf, "actual": "lots"}).status_code == 422
    xlsx = manager.get(f"/ventures/alliances/{aid}/statement.xlsx", params={"period": "2026-Q4"})
    rows = read_table(xlsx.content, "s.xlsx")
    assert [Decimal(r.values["settlement"]) for r in rows] == [Decimal(300), Decimal(-300)]

    panel = manager.get(f"/ventures/partners/{world.partner_b}/panel")
    assert (
        f'href="/ventures/{vid}"' in panel.text
        and f'href="/ventures/alliances/{aid}"' in panel.text
    )
    bravo_user = login(base_url, world.users["partner_b"])
    assert bravo_user.get(f"/ventures/partners/{world.partner_b}/panel").status_code == 200
    assert bravo_user.get(f"/ventures/partners/{world.partner_a}/panel").status_code == 404
    assert bravo_user.get(f"/ventures/{vid}").status_code == 200  # a parent reads its JV
    assert "Record payment" not in bravo_user.get(f"/ventures/{vid}").text
    alpha = login(base_url, world.users["partner_a"])
    assert alpha.get(f"/ventures/alliances/{aid}").status_code == 404  # not a party
