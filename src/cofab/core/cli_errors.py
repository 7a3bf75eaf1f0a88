"""How every ``cofab`` command reports bad input: one readable line (plus one per field problem)
on stderr in the user's language, and exit code 1 — never a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate

err = Console(stderr=True)

# The line's first word: a Korean reader gets "오류:" before the Korean text, not English.
ERROR_PREFIX = N_("error")


def error_prefix(locale: str) -> str:
    """The red "error:" that starts a refusal line, in ``locale`` (other CLIs may reuse it)."""
    return f"[red]{translate(ERROR_PREFIX, locale)}:[/red]"


def fail(message: str, **params: object) -> NoReturn:
    locale = cli_locale()
    err.print(f"{error_prefix(locale)} {translate(message, locale, **params)}", highlight=False)
    raise typer.Exit(1)


def fail_with(exc: CofabError) -> NoReturn:
    from cofab.core.validation import labelled  # pydantic: not on the fast path of every call

    locale = cli_locale()
    message = translate(exc.message, locale, **exc.params)
    err.print(f"{error_prefix(locale)} {message}", highlight=False)
    for problem in labelled(exc.problems, locale):
        err.print(f"  {problem['field']}: {problem['message']}", highlight=False)
    raise typer.Exit(1)
