"""Who owns an invention, from the contract's IP terms — a pure function, so the rule can be
read, tested by hand and shown to both sides exactly as it is applied.

The rule (the contract's ``terms.ip``; see ``contracts/terms.py::IpTerms``):

1. **A new result of the joint work** (``foreground``) goes by ``foreground_ip``:
   ``owner`` → our company, ``partner`` → the partner, ``joint`` → both, jointly.
2. **An improvement of one party's background IP** (``improvement_owner_background`` /
   ``improvement_partner_background``) goes by ``improvements``: ``owner`` → our company,
   ``partner`` → the partner, ``joint`` → both, ``grant_back`` → the partner owns it and
   licenses it back to us (the contracts domain's label: "Partner owns, licence back to us").
   Which party's background was improved does not change the clause; it is recorded because the
   improved background itself stays with its owner (rule 3).
3. **Background IP brought in** (``background_owner`` / ``background_partner``) goes by
   ``background_ip``: ``each_party_keeps`` → the party that brought it, ``owner`` → our company,
   ``partner`` → the partner.
4. **No contract** names the terms: the inventors' employers own it — one side's inventors only
   → that side; inventors from both sides → jointly (the statutory default in both KR and DE
   for a joint invention without an agreement).

The result is a set of parties (``{"owner"}``, ``{"partner"}`` or both) plus the licence-back
flag; ``as_code`` turns the set into the register's ``owner | partner | joint``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OWNER = "owner"
PARTNER = "partner"
BOTH = frozenset({OWNER, PARTNER})

FOREGROUND = "foreground"
IMPROVEMENT_KINDS = ("improvement_owner_background", "improvement_partner_background")
BACKGROUND_KINDS = {"background_owner": OWNER, "background_partner": PARTNER}
RESULT_KINDS = (FOREGROUND, *IMPROVEMENT_KINDS, *BACKGROUND_KINDS)


@dataclass(frozen=True)
class Ownership:
    owners: frozenset[str]
    licence_back: bool  # the partner owns it and licenses it back to us (grant-back)
    rule: str  # which clause decided: "foreground_ip=joint", "no_contract:inventors", …

    @property
    def code(self) -> str:
        return as_code(self.owners)


def as_code(owners: Iterable[str]) -> str:
    parties = frozenset(owners)
    if parties == BOTH:
        return "joint"
    if len(parties) != 1:
        raise ValueError(f"no owner in {sorted(parties)}")
    return next(iter(parties))


def from_code(code: str) -> frozenset[str]:
    return BOTH if code == "joint" else frozenset({code})


def _by_clause(value: str) -> frozenset[str]:
    return BOTH if value == "joint" else frozenset({value})


def owners_of(
    result_kind: str,
    ip_terms: Mapping[str, str] | None,
    inventor_sides: Iterable[str] = (),
) -> Ownership:
    """The owner(s) of one invention. ``ip_terms`` is the contract's ``terms.ip`` (``None`` when
    no contract applies); ``inventor_sides`` are the sides of its inventors (rule 4 only)."""
    if result_kind not in RESULT_KINDS:
        raise ValueError(f"unknown result kind {result_kind!r}")
    if ip_terms is None:
        sides = frozenset(inventor_sides) & BOTH
        if not sides:
            raise ValueError("without a contract the owner follows the inventors: name one")
        if result_kind in BACKGROUND_KINDS:
            return Ownership(
                frozenset({BACKGROUND_KINDS[result_kind]}), False, "no_contract:brought"
            )
        return Ownership(sides, False, "no_contract:inventors")
    if result_kind == FOREGROUND:
        value = ip_terms.get("foreground_ip", "owner")
        return Ownership(_by_clause(value), False, f"foreground_ip={value}")
    if result_kind in IMPROVEMENT_KINDS:
        value = ip_terms.get("improvements", "owner")
        if value == "grant_back":
            return Ownership(frozenset({PARTNER}), True, "improvements=grant_back")
        return Ownership(_by_clause(value), False, f"improvements={value}")
    value = ip_terms.get("background_ip", "each_party_keeps")
    if value == "each_party_keeps":
        brought = BACKGROUND_KINDS[result_kind]
        return Ownership(frozenset({brought}), False, "background_ip=each_party_keeps")
    return Ownership(frozenset({value}), False, f"background_ip={value}")


def clause_of(result_kind: str) -> str:
    """The terms field that decides this kind (named in the refusal of a contradicting owner)."""
    if result_kind == FOREGROUND:
        return "foreground_ip"
    if result_kind in IMPROVEMENT_KINDS:
        return "improvements"
    return "background_ip"
