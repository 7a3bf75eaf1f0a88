"""How every ``cofab`` command reports bad input: one readable line (plus one per field problem)
on stderr in the user's language, and exit code 1 — never a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from cofab.core.errors import CofabError
from cofab.core.i18n import cli_locale, translate

err = Console(stderr=True)


def fail(message: str, **params: object) -> NoReturn:
    err.print(f"[red]error:[/red] {translate(message, cli_locale(), **params)}", highlight=False)
    raise typer.Exit(1)


def fail_with(exc: CofabError) -> NoReturn:
    from cofab.core.validation import labelled  # pydantic: not on the fast path of every call

    locale = cli_locale()
    err.print(f"[red]error:[/red] {translate(exc.message, locale, **exc.params)}", highlight=False)
    for problem in labelled(exc.problems, locale):
        err.print(f"  {problem['field']}: {problem['message']}", highlight=False)
    raise typer.Exit(1)
