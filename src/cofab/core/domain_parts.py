"""What a domain hands the composition root: its parts, named as strings in its package.

The app, the CLI and the table list each need something of every domain, and they used to hold
a hand-written block per domain. Each domain now describes its parts once, in its package's
``__init__`` (``PARTS = DomainParts(...)``), and ``cofab.domains`` lists the domains; ``app.py``
and ``cli.py`` walk that list. The parts are module names, not modules: reading them imports
nothing of the domain, so ``cofab --help`` lists a sub-app with its help without loading its
models or web modules (tests/core/test_cli_speed.py), and the web modules are imported only by
the app that mounts them. Nothing here names a domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Who sees a navigation entry: everyone, owner-company users, or admins (in the admin menu).
Audience = Literal["all", "owner", "admin"]


@dataclass(frozen=True)
class NavEntry:
    """One link of the top navigation; ``label`` is an English msgid marked with ``N_``."""

    path: str
    label: str
    audience: Audience = "owner"
    # The top-bar menu (an English msgid) the link sits in; "" keeps it on the bar itself.
    # Twenty domains' links do not fit one row at 1366 px, so they are grouped by what the
    # user is doing: sourcing, agreeing, planning, operating, collaborating.
    menu: str = ""


@dataclass(frozen=True)
class SubCommand:
    """The domain's Typer sub-app, imported only when one of its commands runs.

    ``help`` repeats the sub-app's own one-line help so that ``cofab --help`` can list it without
    the import (tests/core/test_cli_speed.py checks the two agree)."""

    name: str
    target: str  # "module:attribute", e.g. "cofab.planning.cli:app"
    help: str


@dataclass(frozen=True)
class DomainParts:
    """Every part of one domain the composition root wires in; empty parts are simply absent.

    ``api`` and ``pages`` name "module:attribute" where the attribute is an ``APIRouter`` or a
    sequence of them. The app includes every domain's API routers, then every domain's page
    routers, each in the order of ``cofab.domains.DOMAINS``."""

    name: str
    models: str | None = None  # the module that declares the domain's tables
    api: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    templates: bool = False  # templates/<name>/ in the package, added to the template search
    nav: tuple[NavEntry, ...] = ()
    cli: SubCommand | None = None
    jobs: tuple[str, ...] = ()  # modules that register job handlers when imported
    hooks: tuple[str, ...] = ()  # modules that register a hook with core or another domain

    @property
    def package(self) -> str:
        return f"cofab.{self.name}"
