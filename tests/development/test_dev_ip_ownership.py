"""IP ownership from the contract's IP terms, by hand: every clause value, every kind of
result, and the no-contract default."""

from __future__ import annotations

import pytest

from cofab.development.ip_ownership import as_code, clause_of, from_code, owners_of

TERMS = {"background_ip": "each_party_keeps", "foreground_ip": "owner", "improvements": "owner"}


@pytest.mark.parametrize(
    ("foreground", "expected"),
    [("owner", {"owner"}), ("partner", {"partner"}), ("joint", {"owner", "partner"})],
)
def test_foreground_follows_foreground_ip(foreground: str, expected: set[str]) -> None:
    result = owners_of("foreground", TERMS | {"foreground_ip": foreground}, ["partner"])
    assert result.owners == expected
    assert not result.licence_back
    assert result.rule == f"foreground_ip={foreground}"


@pytest.mark.parametrize("kind", ["improvement_owner_background", "improvement_partner_background"])
@pytest.mark.parametrize(
    ("improvements", "expected", "licence_back"),
    [
        ("owner", {"owner"}, False),
        ("partner", {"partner"}, False),
        ("joint", {"owner", "partner"}, False),
        ("grant_back", {"partner"}, True),
    ],
)
def test_improvements_follow_the_improvements_clause(
    kind: str, improvements: str, expected: set[str], licence_back: bool
) -> None:
    # the foreground clause says something else on purpose: it must not be the one applied
    terms = TERMS | {"improvements": improvements, "foreground_ip": "joint"}
    result = owners_of(kind, terms, ["owner"])
    assert result.owners == expected
    assert result.licence_back is licence_back
    assert clause_of(kind) == "improvements"


def test_background_each_party_keeps_what_it_brought() -> None:
    assert owners_of("background_owner", TERMS).owners == {"owner"}
    assert owners_of("background_partner", TERMS).owners == {"partner"}


def test_background_assigned_to_one_party() -> None:
    terms = TERMS | {"background_ip": "owner"}
    assert owners_of("background_partner", terms).owners == {"owner"}
    terms = TERMS | {"background_ip": "partner"}
    assert owners_of("background_owner", terms).owners == {"partner"}


def test_no_contract_inventors_employers_own_it() -> None:
    assert owners_of("foreground", None, ["owner", "owner"]).owners == {"owner"}
    assert owners_of("foreground", None, ["partner"]).owners == {"partner"}
    both = owners_of("improvement_owner_background", None, ["owner", "partner"])
    assert both.owners == {"owner", "partner"} and both.code == "joint"
    assert owners_of("background_partner", None, ["owner"]).owners == {"partner"}
    with pytest.raises(ValueError):
        owners_of("foreground", None, [])


def test_codes_round_trip_and_unknown_kind() -> None:
    for code in ("owner", "partner", "joint"):
        assert as_code(from_code(code)) == code
    with pytest.raises(ValueError):
        owners_of("stolen", TERMS)
    with pytest.raises(ValueError):
        as_code(set())
