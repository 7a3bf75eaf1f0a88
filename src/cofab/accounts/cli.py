"""``cofab user passwd|deactivate|activate|role|unlock``: user administration from the shell.

Registered on the ``user`` sub-app of ``cofab.cli`` (beside ``user create``). The shell runs
with the machine's trust (no signed-in actor), and every change is audit-logged as ``system``.
Only Typer is imported here at load time, so ``cofab --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from cofab.core.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


def _engine() -> Engine:
    from cofab.config import get_settings
    from cofab.db.session import engine_for

    return engine_for(get_settings().database_url)


def _migrate(engine: Engine) -> None:
    from cofab.db.migrate import upgrade

    upgrade(engine)


def _run(work: Callable[[Session], str]) -> None:
    """Migrate, run ``work`` in one unit of work and print its message; errors as one line."""
    from rich.console import Console

    from cofab.core.cli_errors import fail_with
    from cofab.core.errors import CofabError
    from cofab.db.session import unit_of_work

    engine = _engine()
    _migrate(engine)
    try:
        with unit_of_work(engine) as session:
            message = work(session)
    except CofabError as exc:
        fail_with(exc)
    Console().print(message, highlight=False)


def _say(message: str, **params: object) -> str:
    from cofab.core.i18n import cli_locale, translate

    return translate(message, cli_locale(), **params)


def _user_id(session: Session, email: str) -> int:
    from cofab.accounts.user_admin import user_by_email

    return user_by_email(session, email).id


def passwd(
    email: Annotated[str, typer.Argument(help="The user's login e-mail")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the new password from the first line of standard input"
        ),
    ] = False,
) -> None:
    """Set a user's password (asked for twice unless --password-stdin); their sessions end."""
    from cofab.core.cli_errors import fail

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(_say(N_("New password")), hide_input=True, confirmation_prompt=True)
    if not password:
        fail("No password given.")

    def work(session: Session) -> str:
        from cofab.accounts.user_admin import set_password

        set_password(session, actor=None, user_id=_user_id(session, email), password=password)
        return _say(N_("Password of {email} changed; their sessions have ended."), email=email)

    _run(work)


def deactivate(email: Annotated[str, typer.Argument(help="The user's login e-mail")]) -> None:
    """Deactivate a user: their sessions and API tokens end at once."""

    def work(session: Session) -> str:
        from cofab.accounts.user_admin import deactivate as deactivate_user

        deactivate_user(session, actor=None, user_id=_user_id(session, email))
        return _say(N_("{email} is deactivated; sessions and API tokens have ended."), email=email)

    _run(work)


def activate(email: Annotated[str, typer.Argument(help="The user's login e-mail")]) -> None:
    """Reactivate a user (revoked API tokens stay revoked)."""

    def work(session: Session) -> str:
        from cofab.accounts.user_admin import activate as activate_user

        activate_user(session, actor=None, user_id=_user_id(session, email))
        return _say(N_("{email} is active again."), email=email)

    _run(work)


def role(
    email: Annotated[str, typer.Argument(help="The user's login e-mail")],
    new_role: Annotated[
        str, typer.Argument(metavar="ROLE", help="admin, manager, quality, viewer or partner")
    ],
    partner_id: Annotated[
        int | None, typer.Option(help="Partner company id (required for the partner role)")
    ] = None,
) -> None:
    """Change a user's role."""

    def work(session: Session) -> str:
        from cofab.accounts.user_admin import change_role

        change_role(
            session,
            actor=None,
            user_id=_user_id(session, email),
            role=new_role,
            partner_id=partner_id,
        )
        return _say(N_("{email} now has the role {role}."), email=email, role=new_role)

    _run(work)


def unlock(email: Annotated[str, typer.Argument(help="The user's login e-mail")]) -> None:
    """Unlock an account locked by failed sign-ins (clears them)."""

    def work(session: Session) -> str:
        from cofab.accounts.user_admin import unlock as unlock_user

        cleared = unlock_user(session, actor=None, user_id=_user_id(session, email))
        return _say(
            N_("{email} is unlocked ({count} failed sign-ins cleared)."), email=email, count=cleared
        )

    _run(work)


def add_user_admin_commands(user_app: typer.Typer) -> None:
    user_app.command("passwd")(passwd)
    user_app.command("deactivate")(deactivate)
    user_app.command("activate")(activate)
    user_app.command("role")(role)
    user_app.command("unlock")(unlock)
