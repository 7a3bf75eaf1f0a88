"""Board arithmetic, checked against figures worked out by hand (ventures/voting.py)."""

from __future__ import annotations

from decimal import Decimal

from cofab.ventures.voting import Ballot, Rule, tally

D = Decimal
# A 51/29/20 JV with 3/2/1 seats (6 seats in all).
KR, SE, NO = (D(51), 3), (D(29), 2), (D(20), 1)


def _board(*votes: str) -> list[Ballot]:
    return [Ballot(eq, seats, v) for (eq, seats), v in zip((KR, SE, NO), votes, strict=True)]


def _run(votes: list[Ballot], rule: Rule, quorum: str = "50", basis: str = "seats"):  # type: ignore[no-untyped-def]
    return tally(votes, rule, quorum_pct=D(quorum), quorum_basis=basis)


def test_qualified_majority_by_equity_counts_all_equity_not_only_those_present() -> None:
    rule = Rule("qualified", "equity", D(75))
    # 51 + 29 = 80 % of all equity >= 75 %
    assert _run(_board("for", "for", "against"), rule).passed
    # 51 + 20 = 71 % < 75 %, even though NO's 29 % is absent (present: 4 of 6 seats = quorum)
    outcome = _run(_board("for", "absent", "for"), rule)
    assert outcome.quorum_met and outcome.for_pct == D("71.0000")
    assert not outcome.passed


def test_qualified_majority_by_seats_weighs_seats() -> None:
    rule = Rule("qualified", "seats", D("66.67"))
    # 3 + 1 = 4 of 6 seats = 66.6667 % < 66.67 %: fails by a hair
    outcome = _run(_board("for", "against", "for"), rule)
    assert outcome.for_pct == D("66.6667") and not outcome.passed
    # 3 + 2 = 5 of 6 = 83.33 %
    assert _run(_board("for", "for", "against"), rule).passed
    # the same votes by equity: 51 + 20 = 71 % passes a 66.67 % equity threshold
    assert _run(_board("for", "against", "for"), Rule("qualified", "equity", D("66.67"))).passed


def test_unanimity_is_blocked_by_an_abstention_a_no_or_an_absence() -> None:
    rule = Rule("unanimous", "equity")
    assert _run(_board("for", "for", "for"), rule).passed
    assert not _run(_board("for", "for", "abstain"), rule).passed
    assert not _run(_board("for", "against", "for"), rule).passed
    absent = _run(_board("for", "for", "absent"), rule)
    assert absent.quorum_met and not absent.passed  # 5 of 6 seats present


def test_ordinary_resolution_is_a_majority_of_those_present_and_abstentions_weigh_like_no() -> None:
    rule = Rule("ordinary", "seats")
    # present 6 seats, for 3: 3 is not more than half of 6
    assert not _run(_board("for", "against", "abstain"), rule).passed
    # NO absent: present 5 seats, for 3 > 2.5
    outcome = _run(_board("for", "against", "absent"), rule)
    assert outcome.passed and outcome.present_pct == D("83.3333")
    # KR abstains: present 6, for 3 (SE 2 + NO 1) -> not more than 3
    assert not _run(_board("abstain", "for", "for"), rule).passed


def test_no_quorum_means_not_passed_whatever_the_votes() -> None:
    # only KR present: 3 of 6 seats = 50 % meets a 50 % quorum…
    alone = _run(_board("for", "absent", "absent"), Rule("ordinary", "seats"))
    assert alone.quorum_met and alone.passed
    # …but not a 60 % one, and then even a unanimous-looking vote does not pass
    assert not _run(_board("for", "absent", "absent"), Rule("ordinary", "seats"), "60").quorum_met
    votes, rule = _board("absent", "for", "for"), Rule("qualified", "equity", D(75))
    equity_quorum = _run(votes, rule, "50", "equity")
    assert equity_quorum.present_pct == D("49.0000") and not equity_quorum.quorum_met
    assert not equity_quorum.passed


def test_fifty_fifty_jv_deadlocks_on_an_ordinary_vote() -> None:
    board = [Ballot(D(50), 2, "for"), Ballot(D(50), 2, "against")]
    outcome = tally(board, Rule("ordinary", "equity"), quorum_pct=D(100), quorum_basis="seats")
    assert outcome.quorum_met and not outcome.passed
    assert outcome.required_pct == D("50.0000") and outcome.for_pct == D("50.0000")
