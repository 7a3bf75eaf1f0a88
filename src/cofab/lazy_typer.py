"""Domain sub-apps of ``cofab`` that are imported only when one of their commands runs.

Importing every domain's CLI module pulls in the SQLAlchemy models of all domains, numpy and
FastAPI (2–3 s) before Click has even read ``argv`` — a typo or ``cofab --help`` waited as long
as a plan solve's start-up. The root group needs no more than each sub-app's name and one-line
help to list it, so a stand-in group carries those and imports the module when a context is made
for it: when one of its commands (or its own ``--help``) runs, or shell completion walks into it.
"""

from __future__ import annotations

import importlib
from collections.abc import MutableMapping, Sequence
from typing import Any

import typer
import typer.main
from typer import _click
from typer.core import TyperGroup


class LazyGroup(TyperGroup):
    """Stand-in for the Typer sub-app ``target`` ("module:attribute") until it is needed."""

    target = ""

    def __init__(self, **attrs: Any) -> None:
        self._real: TyperGroup | None = None
        self.localise_to: str | None = None  # set by cofab.core.cli_help for a Korean run
        super().__init__(**attrs)

    @property
    def deferred(self) -> bool:
        """True while the sub-app's module has not been imported."""
        return self._real is None

    def real_group(self) -> TyperGroup:
        """The sub-app's own Click group (imported and built on the first call)."""
        if self._real is None:
            module_name, _, attribute = self.target.partition(":")
            sub_app = getattr(importlib.import_module(module_name), attribute or "app")
            # Built as a sub-group, exactly as a direct add_typer would (a root would grow
            # --install-completion and lose the callback's place).
            holder = typer.Typer()
            name = self.name or ""
            holder.add_typer(sub_app, name=name)
            root = typer.main.get_command(holder)
            real = root.commands.get(name) if isinstance(root, TyperGroup) else None
            if not isinstance(real, TyperGroup):
                raise TypeError(f"{self.target} is not a Typer app with commands")
            self._real = real
            if self.localise_to is not None:
                from cofab.core.cli_help import localise_help

                localise_help(real, self.localise_to)
        return self._real

    # Typer's __init__ assigns ``commands``; the stand-in has none of its own.
    @property
    def commands(self) -> MutableMapping[str, _click.Command]:
        return self.real_group().commands

    @commands.setter
    def commands(self, value: MutableMapping[str, _click.Command] | Sequence[Any]) -> None:
        if value:
            raise ValueError("a lazy sub-app gets its commands from its module")

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        return self.real_group().make_context(info_name, args, parent=parent, **extra)


def lazy_typer(target: str, *, help: str) -> typer.Typer:
    """A Typer app to ``add_typer`` in place of ``target``'s app, listed with ``help``.

    ``help`` repeats the sub-app's own help text (tests/core/test_cli_speed.py checks they
    match), because reading it from the module would import the module.
    """
    stand_in = type(f"Lazy[{target}]", (LazyGroup,), {"target": target})
    return typer.Typer(cls=stand_in, help=help, no_args_is_help=True)
