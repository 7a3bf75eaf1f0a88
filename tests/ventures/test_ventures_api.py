"""Joint ventures and alliances over the API: the rules refuse bad input naming the field and
save nothing, the board's votes are counted, partners see only what they are party to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from tests.conftest import World, make_partner, make_user
from tests.operations.ops_factories import deliver, line_ids, make_order
from tests.ventures.ventures_factories import make_venture

from cofab.accounts.models import User
from cofab.core.audit import AuditEntry
from cofab.core.tabular import read_table
from cofab.db.session import unit_of_work
from cofab.ventures.models import Resolution, Venture

BASE = "/api/v1/ventures"


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


def _count(engine: Engine, model: Any) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _venture_body(world: World, equity: tuple[str, str]) -> dict[str, Any]:
    return {
        "partner_id": world.partner_a,
        "name": "Nordic Cell JV",
        "currency": "EUR",
        "quorum_pct": "50",
        "quorum_basis": "seats",
        "parents": [
            {"partner_id": None, "equity_pct": equity[0], "board_seats": 3},
            {"partner_id": world.partner_b, "equity_pct": equity[1], "board_seats": 2},
        ],
        "matters": [
            {"code": "BUDGET", "title": "Annual budget", "rule": "unanimous"},
            {
                "code": "CAPEX",
                "title": "Capex over EUR 10m",
                "rule": "qualified",
                "basis": "equity",
                "threshold_pct": "75",
            },
        ],
    }


def test_equity_not_adding_to_100_is_refused_naming_the_field(
    world: World, api, engine: Engine
) -> None:
    manager = api(world.users["manager"])
    response = manager.post(BASE, json=_venture_body(world, ("51", "48.5")))
    assert response.status_code == 422
    assert "parents.equity_pct" in _fields(response)
    assert "99.5" in response.text
    assert _count(engine, Venture) == 0
    assert manager.post(BASE, json=_venture_body(world, ("51", "49"))).status_code == 201


def test_capital_calls_payments_and_the_board(world: World, api, engine: Engine) -> None:
    manager = api(world.users["manager"])
    venture = manager.post(BASE, json=_venture_body(world, ("60", "40"))).json()
    vid = venture["id"]
    owner, bravo = (p["id"] for p in venture["parents"])
    matters = {m["code"]: m["id"] for m in venture["matters"]}

    call = manager.post(
        f"{BASE}/{vid}/capital-calls",
        json={
            "parent_id": bravo,
            "reference": "CC-1",
            "due_on": "2027-02-28",
            "amount": "4000000",
            "currency": "EUR",
            "called_on": "2027-01-15",
        },
    ).json()
    later = manager.post(
        f"{BASE}/{vid}/capital-calls",
        json={
            "parent_id": bravo,
            "reference": "CC-2",
            "due_on": "2027-08-31",
            "amount": "2000000",
            "currency": "EUR",
        },
    )
    pay = f"{BASE}/{vid}/capital-calls/{call['id']}/payments"
    paid = manager.post(pay, json={"paid_on": "2027-02-20", "amount": "2500000", "currency": "EUR"})
    assert paid.status_code == 201 and Decimal(paid.json()["paid"]) == 2_500_000
    over = manager.post(pay, json={"paid_on": "2027-02-21", "amount": "1500001", "currency": "EUR"})
    assert over.status_code == 422 and _fields(over) == ["amount"]
    krw = manager.post(pay, json={"paid_on": "2027-02-21", "amount": "1", "currency": "KRW"})
    assert _fields(krw) == ["currency"]

    detail = manager.get(f"{BASE}/{vid}").json()
    line = next(c for c in detail["capital"] if c["parent_id"] == bravo)
    # committed 6m, called 4m (CC-2 not yet called), paid 2.5m, outstanding 1.5m, 62.5 %
    assert [Decimal(line[k]) for k in ("committed", "called", "paid", "outstanding")] == [
        6_000_000,
        4_000_000,
        2_500_000,
        1_500_000,
    ]
    assert Decimal(line["paid_pct"]) == Decimal("62.5")
    early = manager.post(
        f"{BASE}/{vid}/capital-calls/{later.json()['id']}/payments",
        json={"paid_on": "2027-02-21", "amount": "1", "currency": "EUR"},
    )
    assert early.status_code == 422 and _fields(early) == ["paid_on"]  # not called yet
    notice = f"{BASE}/{vid}/capital-calls/{later.json()['id']}/call"
    assert manager.post(notice, json={"called_on": "2027-06-01"}).status_code == 200
    twice = manager.post(notice, json={"called_on": "2027-06-02"})
    assert twice.status_code == 422 and "2027-06-01" in twice.text
    detail = manager.get(f"{BASE}/{vid}").json()
    line = next(c for c in detail["capital"] if c["parent_id"] == bravo)
    assert Decimal(line["called"]) == 6_000_000 and Decimal(line["outstanding"]) == 3_500_000

    unanimous = manager.post(
        f"{BASE}/{vid}/resolutions",
        json={
            "number": "2027-01",
            "resolved_on": "2027-01-20",
            "title": "Budget 2027",
            "matter_id": matters["BUDGET"],
            "votes": [{"parent_id": owner, "vote": "for"}, {"parent_id": bravo, "vote": "for"}],
        },
    )
    assert unanimous.status_code == 201 and unanimous.json()["passed"] is True
    # 60 % of equity for < 75 %: recorded, not passed
    capex = manager.post(
        f"{BASE}/{vid}/resolutions",
        json={
            "number": "2027-02",
            "resolved_on": "2027-03-01",
            "title": "Line 2",
            "matter_id": matters["CAPEX"],
            "votes": [{"parent_id": owner, "vote": "for"}, {"parent_id": bravo, "vote": "against"}],
        },
    ).json()
    assert capex["passed"] is False and Decimal(capex["for_pct"]) == 60
    assert Decimal(capex["required_pct"]) == 75
    assert [v["vote"] for v in capex["votes"]] == ["for", "against"]

    # quorum 50 % of 5 seats: Bravo's 2 seats alone are 40 % → refused, nothing saved
    no_quorum = manager.post(
        f"{BASE}/{vid}/resolutions",
        json={
            "number": "2027-03",
            "resolved_on": "2027-03-02",
            "title": "Line 3",
            "matter_id": matters["CAPEX"],
            "votes": [{"parent_id": owner, "vote": "absent"}, {"parent_id": bravo, "vote": "for"}],
        },
    )
    assert no_quorum.status_code == 422 and _fields(no_quorum) == ["votes"]
    assert "40" in no_quorum.json()["errors"][0]["message"]
    missing = manager.post(
        f"{BASE}/{vid}/resolutions",
        json={
            "number": "2027-04",
            "resolved_on": "2027-03-02",
            "title": "Line 4",
            "votes": [{"parent_id": owner, "vote": "for"}],
        },
    )
    assert _fields(missing) == ["votes"]
    assert _count(engine, Resolution) == 2

    # a share transfer: 70/30 is taken, 70/20 refused naming the field, dropping Bravo (which
    # has calls and votes) refused
    parents = f"{BASE}/{vid}/parents"
    split = [
        {"partner_id": None, "equity_pct": "70", "board_seats": 3},
        {"partner_id": world.partner_b, "equity_pct": "30", "board_seats": 1},
    ]
    moved = manager.put(parents, json={"parents": split})
    assert moved.status_code == 200
    assert [Decimal(p["equity_pct"]) for p in moved.json()["parents"]] == [70, 30]
    assert [p["id"] for p in moved.json()["parents"]] == [owner, bravo]  # same rows, history kept
    split[1]["equity_pct"] = "20"
    short = manager.put(parents, json={"parents": split})
    assert short.status_code == 422 and _fields(short) == ["parents.equity_pct"]
    alone = manager.put(parents, json={"parents": [{"partner_id": None, "equity_pct": "100"}]})
    assert alone.status_code == 409

    # partner B (a parent) reads the JV but changes nothing; audit has every change
    bravo_user = api(world.users["partner_b"])
    assert bravo_user.get(f"{BASE}/{vid}").status_code == 200
    assert (
        bravo_user.post(
            pay, json={"paid_on": "2027-02-22", "amount": "1", "currency": "EUR"}
        ).status_code
        == 403
    )
    with unit_of_work(engine) as session:
        actions = set(
            session.execute(
                select(AuditEntry.action).where(AuditEntry.entity.like("venture%"))
            ).scalars()
        )
    assert {"create", "capital_payment", "board_vote"} <= actions


def test_partners_see_only_ventures_they_are_party_to(world: World, api, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        outsider = make_partner(session, "Charlie Cells", "DE").id
        make_user(session, "user@charlie.test", "partner", outsider)
        venture = make_venture(
            session, world.partner_a, [(None, "50", 2), (world.partner_b, "50", 2)]
        )
        vid = venture.id
    for email in (world.users["partner_a"], world.users["partner_b"]):  # the JV, a parent
        client = api(email)
        assert [v["id"] for v in client.get(BASE).json()] == [vid]
    charlie = api("user@charlie.test")
    assert charlie.get(BASE).json() == []
    assert charlie.get(f"{BASE}/{vid}").status_code == 404


def test_offtake_actuals_come_from_receipts_of_the_jvs_orders(
    world: World, api, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        venture = make_venture(
            session, world.partner_a, [(None, "70", 3), (world.partner_b, "30", 1)]
        )
        vid, owner, bravo = venture.id, venture.parents[0].id, venture.parents[1].id
        order = make_order(
            session,
            world.partner_a,
            "JV-PO-1",
            [("CELL", 5000, 10, date(2026, 8, 1)), ("CELL", 900, 10, date(2026, 10, 1))],
            family="pouch cell",
        )
        first, second = line_ids(session, order)
        deliver(session, first, "ASN-1", date(2026, 8, 10), 3000)
        deliver(session, first, "ASN-2", date(2026, 9, 30), 1000)
        deliver(session, second, "ASN-3", date(2026, 10, 2), 900)  # next quarter
    manager = api(world.users["manager"])
    for body in (
        {"parent_id": owner, "period": "2026-Q3", "product_family": "pouch cell", "volume": "5000"},
        {
            "parent_id": bravo,
            "period": "2026-Q3",
            "product_family": "pouch cell",
            "volume": "2000",
            "reported_actual": "1800",
        },
    ):
        assert manager.post(f"{BASE}/{vid}/offtake", json=body).status_code == 201
    bad = manager.post(
        f"{BASE}/{vid}/offtake",
        json={"parent_id": owner, "period": "2027-Q5", "product_family": "x", "volume": "1"},
    )
    assert bad.status_code == 422 and _fields(bad) == ["period"]
    rows = {r["parent_id"]: r for r in manager.get(f"{BASE}/{vid}").json()["offtake"]}
    assert Decimal(rows[owner]["actual"]) == 4000 and rows[owner]["actual_source"] == "receipts"
    assert Decimal(rows[owner]["fulfilment_pct"]) == 80
    assert Decimal(rows[bravo]["actual"]) == 1800 and rows[bravo]["actual_source"] == "reported"


def test_alliance_statement_by_keys_and_its_xlsx_reads_back(
    world: World, api, engine: Engine
) -> None:
    manager = api(world.users["manager"])
    alliance = manager.post(
        f"{BASE}/alliances",
        json={
            "name": "Recycling alliance",
            "currency": "EUR",
            "parties": [{"partner_id": None, "role": "lead"}, {"partner_id": world.partner_b}],
        },
    ).json()
    aid = alliance["id"]
    us, them = (p["id"] for p in alliance["parties"])
    bad = manager.post(
        f"{BASE}/alliances/{aid}/coinvestments",
        json={
            "title": "Pilot line",
            "budget": "1000000",
            "keys": [{"party_id": us, "share_pct": "70"}, {"party_id": them, "share_pct": "20"}],
        },
    )
    assert bad.status_code == 422 and _fields(bad) == ["keys.share_pct"]
    pilot = manager.post(
        f"{BASE}/alliances/{aid}/coinvestments",
        json={
            "title": "Pilot line",
            "budget": "1000000",
            "keys": [{"party_id": us, "share_pct": "70"}, {"party_id": them, "share_pct": "30"}],
        },
    ).json()
    entries = [
        (us, "2027-01", "cost", "100000"),  # shares 70 000 / 30 000
        (them, "2027-Q1", "cost", "50000"),  # 35 000 / 15 000
        (them, "2027-02", "benefit", "20000"),  # 14 000 / 6 000
        (us, "2027-04", "cost", "999"),  # another quarter: left out
    ]
    for party, period, kind, amount in entries:
        response = manager.post(
            f"{BASE}/alliances/{aid}/entries",
            json={
                "coinvestment_id": pilot["id"],
                "party_id": party,
                "period": period,
                "kind": kind,
                "amount": amount,
                "currency": "EUR",
            },
        )
        assert response.status_code == 201
    statement = manager.get(f"{BASE}/alliances/{aid}/statement", params={"period": "2027-Q1"})
    lines = {line["party_id"]: line for line in statement.json()["lines"]}
    ours = {k: Decimal(v) for k, v in lines[us].items() if k not in ("party_id", "name")}
    assert ours == {
        "cost_share": Decimal("105000.00"),
        "paid": Decimal("100000.00"),
        "benefit_share": Decimal("14000.00"),
        "received": Decimal("0.00"),
        "net": Decimal("-91000.00"),
        # (100 000 − 105 000) − (0 − 14 000) = 9 000: the partner owes us 9 000
        "settlement": Decimal("9000.00"),
    }
    assert Decimal(lines[them]["settlement"]) == Decimal("-9000.00")
    xlsx = manager.get(
        f"{BASE}/alliances/{aid}/statement", params={"period": "2027-Q1", "format": "xlsx"}
    )
    rows = read_table(xlsx.content, "statement.xlsx")
    assert [Decimal(r.values["settlement"]) for r in rows] == [Decimal(9000), Decimal(-9000)]
    assert Decimal(rows[0].values["cost_share"]) == Decimal(105000)
    partner_a = api(world.users["partner_a"])
    assert partner_a.get(f"{BASE}/alliances/{aid}").status_code == 404
    assert api(world.users["partner_b"]).get(f"{BASE}/alliances/{aid}").status_code == 200


def test_a_unit_user_sees_ordinary_and_reserved_resolutions(
    world: World, api, engine: Engine
) -> None:
    """An ordinary resolution names no reserved matter; the unit scope must still find it
    through its venture (it did not while ``matter_id`` was a foreign key)."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.units import service as units
    from cofab.ventures import jv, schemas

    with unit_of_work(engine) as session:
        unit = units.ensure_unit(session, code="bat", name_ko="배터리", name_en="Battery")
        for partner in (world.partner_a, world.partner_b):
            units.link_partner(session, partner_id=partner, unit_id=unit.id)
        make_user(session, "unit@owner.test", "manager")
        user_id = session.execute(
            select(User.id).where(User.email == "unit@owner.test")
        ).scalar_one()
        units.set_user_units(session, None, user_id=user_id, unit_ids=[unit.id], all_units=False)
        with units.working_in(session, unit.id):
            venture = make_venture(
                session,
                world.partner_a,
                [(None, "50", 1), (world.partner_b, "50", 1)],
                matters=[{"code": "BUDGET", "title": "Budget", "rule": "unanimous"}],
            )
            for number, matter in (("R-1", venture.matters[0].id), ("R-2", None)):
                jv.record_resolution(
                    session,
                    actor=SYSTEM_ACTOR,
                    venture_id=venture.id,
                    data=schemas.ResolutionIn(
                        number=number,
                        resolved_on=date(2026, 11, 1),
                        title=number,
                        matter_id=matter,
                        votes=[schemas.VoteIn(parent_id=p.id, vote="for") for p in venture.parents],
                    ),
                )
        vid = venture.id
    detail = api("unit@owner.test").get(f"{BASE}/{vid}").json()
    assert [r["number"] for r in detail["resolutions"]] == ["R-1", "R-2"]
    assert detail["parents"][0]["name"] == "Battery"  # the owner parent reads as its unit
