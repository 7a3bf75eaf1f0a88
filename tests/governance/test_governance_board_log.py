"""The board-resolution log: a JV board's resolutions (kept by ventures, votes per parent and
the threshold) and committee decisions of kind board_resolution in one list, over the API and
the page; the JV page links to it and back; partners see only what they are party to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from tests.conftest import World, login, make_partner
from tests.governance.governance_factories import make_board

from cofab.core.access import SYSTEM_ACTOR
from cofab.db.session import unit_of_work
from cofab.governance import schemas as gov_schemas
from cofab.governance import service as gov_service
from cofab.ventures import jv, schemas

LOG = "/api/v1/governance/board-resolutions"


def _jv_with_two_votes(engine: Engine, world: World) -> dict[str, int]:
    """JV = partner A; parents: the owner 51 % and a German parent 49 %; a 75 %-of-equity
    matter: the owner alone (51 %) fails it, both (100 %) pass it."""
    with unit_of_work(engine) as session:
        german = make_partner(session, "Rhein Parent", "DE").id
        venture = jv.create_venture(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.VentureCreate(
                partner_id=world.partner_a,
                name="Battery JV",
                currency="EUR",
                parents=[
                    schemas.ParentIn(partner_id=None, equity_pct=Decimal(51), board_seats=2),
                    schemas.ParentIn(partner_id=german, equity_pct=Decimal(49), board_seats=2),
                ],
                matters=[
                    schemas.MatterIn(
                        code="CAP",
                        title="Capital call",
                        rule="qualified",
                        threshold_pct=Decimal(75),
                    )
                ],
            ),
        )
        owner, other = venture.parents[0].id, venture.parents[1].id
        matter = venture.matters[0].id
        ids = {"venture": venture.id}
        for number, day, second in (("R-1", 10, "against"), ("R-2", 20, "for")):
            made = jv.record_resolution(
                session,
                actor=SYSTEM_ACTOR,
                venture_id=venture.id,
                data=schemas.ResolutionIn(
                    number=number,
                    resolved_on=date(2027, 3, day),
                    title=f"Call CC-{number}",
                    matter_id=matter,
                    votes=[
                        schemas.VoteIn(parent_id=owner, vote="for"),
                        schemas.VoteIn(parent_id=other, vote=second),
                    ],
                ),
            )
            ids[number] = made.id
    return ids


def test_the_log_shows_jv_votes_per_parent_and_committee_resolutions(
    world: World, engine: Engine, api: Any
) -> None:
    ids = _jv_with_two_votes(engine, world)
    board = make_board(world, engine, "b")
    with unit_of_work(engine) as session:
        gov_service.add_decision(
            session,
            actor=SYSTEM_ACTOR,
            meeting_id=board["meeting_id"],
            data=gov_schemas.DecisionIn(
                text="Approve line 2", kind="board_resolution", effective_on=date(2027, 3, 15)
            ),
        )
    rows = api(world.users["manager"]).get(LOG).json()
    # newest first: R-2 (20 March), the committee's (15 March), R-1 (10 March); the plain
    # decision of the same meeting is not a board resolution
    assert [(r["source"], r["number"]) for r in rows] == [
        ("venture", "R-2"),
        ("meeting", "2"),
        ("venture", "R-1"),
    ]
    passed, failed = rows[0], rows[2]
    assert passed["threshold_met"] is True and failed["threshold_met"] is False
    assert Decimal(failed["for_pct"]) == 51 and Decimal(failed["required_pct"]) == 75
    assert [(v["parent"], v["vote"]) for v in failed["votes"]] == [
        ("Our company", "for"),
        ("Rhein Parent", "against"),
    ]
    assert passed["link"] == f"/ventures/{ids['venture']}#resolution-{ids['R-2']}"
    assert rows[1]["threshold_met"] is None and rows[1]["votes"] == []

    # partner B is party to the committee only; partner A is the JV company
    seen_b = [r["source"] for r in api(world.users["partner_b"]).get(LOG).json()]
    assert seen_b == ["meeting"]
    seen_a = [r["number"] for r in api(world.users["partner_a"]).get(LOG).json()]
    assert seen_a == ["R-2", "R-1"]


def test_the_log_page_and_the_jv_page_link_to_each_other(
    world: World, engine: Engine, base_url: str
) -> None:
    ids = _jv_with_two_votes(engine, world)
    client = login(base_url, world.users["manager"])
    page = client.get("/governance/board-resolutions")
    assert page.status_code == 200
    assert f'id="jv-{ids["R-1"]}"' in page.text
    assert f'href="/ventures/{ids["venture"]}#resolution-{ids["R-1"]}"' in page.text
    assert "Threshold not met" in page.text and "Threshold met" in page.text
    assert "Rhein Parent: Against" in page.text
    venture = client.get(f"/ventures/{ids['venture']}")
    assert f'href="/governance/board-resolutions#jv-{ids["R-2"]}"' in venture.text
    assert f'id="resolution-{ids["R-2"]}"' in venture.text
    korean = login(base_url, world.users["manager"])
    korean.cookies.set("lang", "ko")
    ko_page = korean.get("/governance/board-resolutions", headers={"Accept-Language": "ko"})
    assert "이사회 결의 대장" in ko_page.text
