"""The benefit/cost-sharing statement of an alliance for one period: a pure function of the
entries and the keys, so every figure can be recomputed by hand (docs/ventures.md).

For party ``p`` and the entries ``e`` of the period (each for co-investment ``c(e)`` with the key
``k[c, p]`` in %, summing to 100 over the parties, paid or received by party ``q(e)``):

    cost_share[p]    = Σ over cost entries     a_e · k[c(e), p] / 100
    paid[p]          = Σ over cost entries with q(e) = p       a_e
    benefit_share[p] = Σ over benefit entries  a_e · k[c(e), p] / 100
    received[p]      = Σ over benefit entries with q(e) = p    a_e
    net[p]           = benefit_share[p] − cost_share[p]
    settlement[p]    = (paid[p] − cost_share[p]) − (received[p] − benefit_share[p])

A positive settlement is what the other parties owe ``p`` (it paid more than its share, or
received less); a negative one is what ``p`` owes. Each entry's shares are rounded to the cent
by the largest remainder (ties to the party listed first), so the shares of an entry add up to
the entry exactly and the settlements of all parties add up to zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Entry:
    coinvestment: int
    party: int  # who paid the cost or received the benefit
    kind: str  # cost | benefit
    amount: Decimal


@dataclass(frozen=True)
class PartyLine:
    party: int
    cost_share: Decimal
    paid: Decimal
    benefit_share: Decimal
    received: Decimal

    @property
    def net(self) -> Decimal:
        return self.benefit_share - self.cost_share

    @property
    def settlement(self) -> Decimal:
        return (self.paid - self.cost_share) - (self.received - self.benefit_share)


def split(amount: Decimal, keys: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` shared by ``keys`` (% per party), in cents, adding up to ``amount`` exactly."""
    total = amount.quantize(CENT)
    exact = {p: total * k / HUNDRED for p, k in keys.items()}
    shares = {p: v.quantize(CENT, rounding=ROUND_DOWN) for p, v in exact.items()}
    left = int((total - sum(shares.values(), Decimal(0))) / CENT)
    order = sorted(keys, key=lambda p: (-(exact[p] - shares[p]), list(keys).index(p)))
    step = CENT if left >= 0 else -CENT
    for party in order[: abs(left)]:
        shares[party] += step
    return shares


def statement(
    parties: Sequence[int],
    keys: Mapping[int, Mapping[int, Decimal]],
    entries: Sequence[Entry],
) -> list[PartyLine]:
    """One line per party, in the order given; ``keys[coinvestment][party]`` in %."""
    zero = Decimal("0.00")
    cost = dict.fromkeys(parties, zero)
    paid = dict.fromkeys(parties, zero)
    benefit = dict.fromkeys(parties, zero)
    received = dict.fromkeys(parties, zero)
    for entry in entries:
        shares = split(entry.amount, keys[entry.coinvestment])
        target = cost if entry.kind == "cost" else benefit
        for party, share in shares.items():
            target[party] += share
        (paid if entry.kind == "cost" else received)[entry.party] += entry.amount.quantize(CENT)
    return [PartyLine(p, cost[p], paid[p], benefit[p], received[p]) for p in parties]
