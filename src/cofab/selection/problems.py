"""Bad input described as data, so the CLI, the API (problem+json) and pages render it alike.

A problem names the field it is about with a JSON Pointer (RFC 6901) into the input document and
carries an English msgid plus parameters; translation happens where it is shown, never here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal

from cofab.core.i18n import translate

Severity = Literal["error", "warning"]

CriterionField = Callable[[int], str]
"""Maps a criterion index to the pointer of that criterion in the caller's document."""

ScoreField = Callable[[int, int, int], str]
"""Maps (evaluator, candidate, criterion) indices to the pointer of that score."""


def pointer(*parts: str | int) -> str:
    """Build a JSON Pointer, escaping '~' and '/' inside keys as RFC 6901 requires."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "".join("/" + part for part in escaped)


def default_criterion_field(index: int) -> str:
    return pointer("criteria", index)


def default_score_field(evaluator: int, candidate: int, criterion: int) -> str:
    return pointer("scores", evaluator, candidate, criterion)


class Label(str):
    """A parameter that is itself an English msgid (a figure's name, a zone), translated too."""

    __slots__ = ()


@dataclass(frozen=True, eq=False)
class Problem:
    """One field-level finding; ``severity='warning'`` never blocks a computation."""

    code: str
    field: str
    message: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict)
    severity: Severity = "error"

    def render(self, locale: str) -> str:
        params = {
            key: translate(value, locale) if isinstance(value, Label) else value
            for key, value in self.params.items()
        }
        return translate(self.message, locale, **params)

    def as_dict(self, locale: str) -> dict[str, object]:
        """The shape of one entry of a problem+json ``errors`` list."""
        return {
            "code": self.code,
            "pointer": self.field,
            "detail": self.render(locale),
            "severity": self.severity,
            "params": {key: _plain(value) for key, value in self.params.items()},
        }


def _plain(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class SelectionInputError(ValueError):
    """Raised with every problem found, not just the first, so one correction round suffices."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(p.render("en") for p in self.problems))


def raise_if_errors(problems: Sequence[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SelectionInputError(errors)
