"""The sharing statement's formula, checked by hand (ventures/sharing.py, docs/ventures.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cofab.ventures.periods import contains, period_bounds
from cofab.ventures.sharing import Entry, split, statement

D = Decimal


def test_split_rounds_to_cents_and_adds_up_exactly() -> None:
    # 100.00 by thirds: 33.333.. each, one cent left over goes to the first (ties by order)
    assert split(D("100"), {1: D("33.3333"), 2: D("33.3333"), 3: D("33.3334")}) == {
        1: D("33.33"),
        2: D("33.33"),
        3: D("33.34"),
    }
    shares = split(D("1000.01"), {1: D(60), 2: D(40)})
    assert shares == {1: D("600.01"), 2: D("400.00")}  # 600.006 / 400.004: 1 gets the cent
    assert sum(shares.values()) == D("1000.01")


def test_statement_by_hand() -> None:
    # Co-investment 10 shared 60/40 by parties 1 and 2; co-investment 11 shared 50/50.
    keys = {10: {1: D(60), 2: D(40)}, 11: {1: D(50), 2: D(50)}}
    entries = [
        Entry(10, 1, "cost", D("1000")),  # 1 paid 1000: shares 600 / 400
        Entry(11, 2, "cost", D("300")),  # 2 paid 300: shares 150 / 150
        Entry(10, 2, "benefit", D("500")),  # 2 received 500: shares 300 / 200
    ]
    one, two = statement([1, 2], keys, entries)
    assert (one.cost_share, one.paid, one.benefit_share, one.received) == (
        D("750.00"),
        D("1000.00"),
        D("300.00"),
        D("0.00"),
    )
    # 1 paid 250 more than its share and received 300 less than its share: owed 550
    assert one.settlement == D("550.00") and one.net == D("-450.00")
    assert (two.cost_share, two.paid, two.benefit_share, two.received) == (
        D("550.00"),
        D("300.00"),
        D("200.00"),
        D("500.00"),
    )
    assert two.settlement == D("-550.00")
    assert one.settlement + two.settlement == 0


def test_periods() -> None:
    assert period_bounds("2027-Q1") == (date(2027, 1, 1), date(2027, 3, 31))
    assert period_bounds("2028-02")[1].day == 29
    assert period_bounds("2027-12")[1].isoformat() == "2027-12-31"
    assert contains("2027-Q1", "2027-03") and not contains("2027-Q1", "2027-04")
    assert contains("2027", "2027-Q4") and not contains("2027-03", "2027-Q1")
