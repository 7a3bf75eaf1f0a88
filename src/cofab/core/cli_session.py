"""The database and the acting user of a domain's ``cofab`` command, written once for every CLI.

A domain's ``cli.py`` binds them to module names (``engine``, ``_actor``) and its commands call
those names when they run, so a test still points one module at its own database with
``monkeypatch.setattr(<module>, "engine", ...)``. Core knows no users' table: the ``--as`` lookup
is the accounts domain's function, handed in by the CLI module that binds ``_actor``. Nothing
heavy is imported until a command runs: some CLI modules are read for ``--help`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cofab.core.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from cofab.core.access import Actor

MSG_NO_USER = N_("No user with e-mail {email}.")

ActorLookup = Callable[["Session", str], "Actor | None"]
ActingUser = Callable[["Engine", str | None], "Actor"]


def migrated_engine() -> Engine:
    """The configured database, migrated to the newest schema before a command touches it."""
    from cofab.config import get_settings
    from cofab.db.migrate import upgrade
    from cofab.db.session import engine_for

    bound = engine_for(get_settings().database_url)
    upgrade(bound)
    return bound


def acting_user(lookup: ActorLookup) -> ActingUser:
    """``--as <e-mail>`` as an actor (the system actor without it); an unknown e-mail is one
    line and exit 1, before the command writes anything."""

    def actor(bound: Engine, email: str | None) -> Actor:
        from cofab.core.access import SYSTEM_ACTOR
        from cofab.core.cli_errors import fail
        from cofab.db.session import unit_of_work

        if not email:
            return SYSTEM_ACTOR
        with unit_of_work(bound, write=False) as session:
            found = lookup(session, email.lower())
        if found is None:
            fail(MSG_NO_USER, email=email)
        return found

    return actor
