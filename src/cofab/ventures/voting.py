"""Does a JV board resolution pass? A pure function of the votes, the parents' weights and the
rule, so the outcome can be checked by hand and recomputed from what is stored.

Weights. Each parent weighs its equity % (basis ``equity``) or its number of board seats
(basis ``seats``); ``W`` is the total weight of all parents, present or not.

Quorum. A parent is present unless it is marked ``absent`` (an abstention is present). The
board has a quorum when the present parents weigh at least ``quorum_pct`` % of ``W`` on the
venture's quorum basis (default 50 % of the seats). Without a quorum nothing can pass, and the
service refuses to record the vote (the field ``votes`` is named).

Passing, by rule (``F`` = weight voting for, on the rule's basis):
- ``ordinary``: ``F`` is more than half of the weight present (abstentions are present and so
  weigh like a no — "a majority of those present", as in Korean Commercial Act art. 391(1)
  for a board);
- ``qualified``: ``F`` is at least ``threshold_pct`` % of ``W`` — of *all* equity or seats, not
  only of those present, so an absent parent cannot be outvoted by staying away;
- ``unanimous``: every parent votes for (an abstention, a no or an absence blocks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)
PCT_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Ballot:
    """One parent's vote with both of its weights."""

    equity_pct: Decimal
    seats: int
    vote: str  # for | against | abstain | absent


@dataclass(frozen=True)
class Rule:
    kind: str  # ordinary | qualified | unanimous
    basis: str  # equity | seats
    threshold_pct: Decimal | None = None  # qualified only


@dataclass(frozen=True)
class Outcome:
    quorum_met: bool
    present_pct: Decimal  # of W on the quorum basis
    for_pct: Decimal  # of W on the rule's basis
    against_pct: Decimal
    abstain_pct: Decimal
    required_pct: Decimal  # what ``for_pct`` had to reach (ordinary: > half of those present)
    passed: bool


def _weight(ballot: Ballot, basis: str) -> Decimal:
    return ballot.equity_pct if basis == "equity" else Decimal(ballot.seats)


def _share(part: Decimal, total: Decimal) -> Decimal:
    return (part * HUNDRED / total).quantize(PCT_PLACES) if total else Decimal(0)


def tally(
    ballots: Sequence[Ballot], rule: Rule, *, quorum_pct: Decimal, quorum_basis: str
) -> Outcome:
    total_q = sum((_weight(b, quorum_basis) for b in ballots), Decimal(0))
    present_q = sum((_weight(b, quorum_basis) for b in ballots if b.vote != "absent"), Decimal(0))
    quorum_met = total_q > 0 and present_q * HUNDRED >= quorum_pct * total_q

    def weight_of(vote: str) -> Decimal:
        return sum((_weight(b, rule.basis) for b in ballots if b.vote == vote), Decimal(0))

    total = sum((_weight(b, rule.basis) for b in ballots), Decimal(0))
    votes_for, against, abstain = weight_of("for"), weight_of("against"), weight_of("abstain")
    present = votes_for + against + abstain
    if rule.kind == "unanimous":
        required = HUNDRED
        passes = bool(ballots) and all(b.vote == "for" for b in ballots)
    elif rule.kind == "qualified":
        required = rule.threshold_pct if rule.threshold_pct is not None else HUNDRED
        passes = total > 0 and votes_for * HUNDRED >= required * total
    else:
        required = _share(present, total) / 2
        passes = votes_for * 2 > present
    return Outcome(
        quorum_met=quorum_met,
        present_pct=_share(present_q, total_q),
        for_pct=_share(votes_for, total),
        against_pct=_share(against, total),
        abstain_pct=_share(abstain, total),
        required_pct=required.quantize(PCT_PLACES),
        passed=quorum_met and passes,
    )
