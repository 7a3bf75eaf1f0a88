"""core.validation without a server: pydantic's error types become our msgids in ko/en, field
keys become labels, and nothing of pydantic's English reaches the reader (issue 13, defect 6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

import cofab.partners.schemas  # noqa: F401  (registers the registry's field labels)
from cofab.core.i18n import translate
from cofab.core.validation import field_label, labelled, problems_from


class Sample(BaseModel):
    price: Decimal = Field(max_digits=8, decimal_places=2)
    kind: Literal["csv", "xlsx"]
    valid_to: int
    mystery_field_x: int = 0


@pytest.mark.parametrize(
    ("locale", "digits", "choices", "whole"),
    [
        (
            "en",
            "Must have at most 8 digits.",
            "Must be one of: csv, xlsx.",
            "Must be a whole number.",
        ),
        ("ko", "최대 8자리까지 입력할 수 있습니다.", "다음 중 하나여야 합니다: csv, xlsx.", None),
    ],
)
def test_pydantic_errors_read_in_the_readers_language(
    locale: str, digits: str, choices: str, whole: str | None
) -> None:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(
            {"price": "123456789", "kind": "pdf", "valid_to": "soon", "mystery_field_x": 1.5}
        )
    lines = labelled(problems_from(caught.value), locale)
    messages = [line["message"] for line in lines]
    assert digits in messages and choices in messages
    if whole:
        assert whole in messages
    text = " ".join(line["field"] + " " + line["message"] for line in lines)
    for raw in ("Decimal input", "Input should", " or ", "valid_to", "mystery_field_x", "'csv'"):
        assert raw not in text, raw
    fields = [line["field"] for line in lines]
    assert ("Valid to" if locale == "en" else "만료일") in fields
    assert "Mystery field x" in fields  # nobody labelled it: humanised, never the key


def test_labels_of_rows_columns_and_paths() -> None:
    assert field_label("name_ko", "ko") == "이름(한국어)"
    assert field_label("row 3: valid_to", "en") == "row 3, Valid to (valid_to)"
    assert field_label("row 3: valid_to", "ko") == "3행, 만료일(valid_to 열)"
    assert field_label("row 4: types.0", "ko") == "4행, 파트너 유형(types 열)"
    assert field_label("row 2.due_date", "en") == "row 2, Due date (due_date)"
    assert field_label("column status", "ko") == "status 열"
    assert field_label("row 7", "ko") == "7행"
    assert field_label("body", "ko") == "요청 내용"
    assert field_label("$.sites[0].capacity", "ko") == "$.sites[0].capacity"
    assert translate("Must be one of: {expected}.", "ko", expected="a, b").endswith("a, b.")
