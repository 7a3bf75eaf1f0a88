"""Structured terms validation, version diffs, and the RACI rules — pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from tests.contracts.contract_factories import terms

from cofab.contracts.diff import term_changes, text_diff
from cofab.contracts.raci import validate_matrix
from cofab.contracts.terms import ContractTerms, check_terms, terms_document, unit_price_for


def _problems(doc: dict[str, object]) -> set[str]:
    return {p.field for p in check_terms(ContractTerms.model_validate(doc))}


def test_dates_are_utc_instants_and_bare_dates_mean_midnight() -> None:
    parsed = ContractTerms.model_validate(
        terms(term={"start": "2026-03-01", "end": "2026-09-01T09:00:00+09:00"})
    )
    assert parsed.term.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert parsed.term.end == datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
    assert terms_document(parsed)["term"]["end"] == "2026-09-01T00:00:00Z"


def test_cross_field_rules_name_the_field() -> None:
    assert _problems(terms()) == set()
    assert _problems(terms(term={"start": "2026-05-01", "end": "2026-05-01"})) == {"terms.term.end"}
    tiers = {
        "currency": "USD",
        "price_tiers": [
            {"min_volume": "10", "unit_price": "1"},
            {"min_volume": "5", "unit_price": "1"},
        ],
    }
    assert _problems(terms(cost=tiers)) == {
        "terms.cost.price_tiers.0.min_volume",
        "terms.cost.price_tiers.1.min_volume",
    }
    assert _problems(terms(cost=None)) == {"terms.cost"}  # penalties without a currency
    twice = [
        {"family": "tablet", "period": "month", "volume": "1"},
        {"family": "Tablet", "period": "month", "volume": "2"},
    ]
    assert _problems(terms(production_targets=twice)) == {"terms.production_targets.1.family"}
    no_target = terms(
        quality={"max_ppm": None},
        penalties={"defect_chargeback": {"mode": "per_ppm", "amount": "1"}},
    )
    assert _problems(no_target) == {"terms.penalties.defect_chargeback.target_ppm"}


@pytest.mark.parametrize(
    ("section", "value", "path"),
    [
        ("penalties", {"late_delivery": {"rate_pct_per_day": "1", "cap_pct": "-0.01"}}, "cap_pct"),
        ("logistics", {"incoterm": "FOB2", "named_place": "Busan"}, "incoterm"),
        ("cost", {"currency": "usd"}, "currency"),
        ("renewal", {"notice_days": -1}, "notice_days"),
    ],
)
def test_field_rules_reject_bad_values(section: str, value: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ContractTerms.model_validate(terms(**{section: value}))
    assert any(e["loc"][-1] == path for e in caught.value.errors())


def test_price_tier_lookup() -> None:
    parsed = ContractTerms.model_validate(terms())
    from decimal import Decimal

    assert unit_price_for(parsed, Decimal(999)) == Decimal("12.50")
    assert unit_price_for(parsed, Decimal(1000)) == Decimal("11.00")


def test_term_diff_lists_changed_added_and_removed_leaves() -> None:
    old = terms_document(ContractTerms.model_validate(terms()))
    new_doc = terms(
        penalties={"late_delivery": {"rate_pct_per_day": "0.5", "cap_pct": "8", "grace_days": 1}},
        logistics=None,
    )
    new_doc["quality"]["required_certifications"] = ["ISO 9001", "IATF 16949"]
    new = terms_document(ContractTerms.model_validate(new_doc))
    changes = {c.path: (c.kind, c.old, c.new) for c in term_changes(old, new)}
    assert changes["penalties.late_delivery.cap_pct"] == ("changed", "5", "8")
    assert changes["quality.required_certifications.1"] == ("added", None, "IATF 16949")
    assert changes["logistics.incoterm"] == ("removed", "FCA", None)
    assert changes["penalties.defect_chargeback.mode"] == ("removed", "per_unit", None)
    assert "term.start" not in changes
    assert term_changes(old, old) == []


def test_text_diff_is_a_unified_diff_of_clause_text() -> None:
    v1 = [
        {
            "code": "C1",
            "title_en": "Scope",
            "title_ko": "범위",
            "text_en": "Line A\nLine B",
            "text_ko": "가\n나",
        }
    ]
    v2 = [
        {
            "code": "C1",
            "title_en": "Scope",
            "title_ko": "범위",
            "text_en": "Line A\nLine C",
            "text_ko": "가\n나",
        }
    ]
    diff = text_diff(v1, v2, locale="en", old_label="v1", new_label="v2")
    assert diff.startswith("--- v1\n+++ v2\n")
    assert "-Line B\n" in diff and "+Line C\n" in diff
    assert text_diff(v1, v2, locale="ko", old_label="v1", new_label="v2") == ""


def test_raci_needs_exactly_one_accountable_and_a_responsible() -> None:
    parties = ["owner", "7"]
    assert validate_matrix({"production": {"owner": "A", "7": "R"}}, parties) == []
    problems = validate_matrix(
        {
            "design": {"owner": "AR", "7": "A"},  # two A
            "shipping": {"owner": "C", "7": "I"},  # no A, no R
            "customs": {"owner": "RX", "9": "A"},  # bad letter, not a party
        },
        parties,
    )
    by_field: dict[str, list[str]] = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p.message.format(**p.params))
    assert by_field["matrix.design"] == ["Exactly one party must be Accountable (found 2)."]
    assert sorted(by_field["matrix.shipping"]) == [
        "At least one party must be Responsible.",
        "Exactly one party must be Accountable (found 0).",
    ]
    assert "matrix.customs.owner" in by_field and "matrix.customs.9" in by_field
    assert validate_matrix({}, parties)[0].field == "matrix"
