"""``cofab unit``: found business units, file partners and users under them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from cofab.core.cli_errors import fail_with
from cofab.core.cli_session import migrated_engine as _engine
from cofab.core.errors import CofabError, FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_, cli_locale, translate

app = typer.Typer(help="Business units of the owner group.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_units() -> None:
    """Every unit with its members and how many partners it works with."""
    from cofab.db.session import unit_of_work
    from cofab.units import service

    locale = cli_locale()
    table = Table(
        translate("Code", locale),
        translate("Name", locale),
        translate("Members", locale),
        translate("Partners", locale),
    )
    with unit_of_work(_engine()) as session:
        for unit in service.list_units(session):
            members = ", ".join(u.email for u in service.members_of_unit(session, unit.id))
            name = unit.name_ko if locale == "ko" else unit.name_en
            partners = str(len(service.partners_of_unit(session, unit.id)))
            table.add_row(unit.code, name, members or "—", partners)
    console.print(table)


@app.command("create")
def create(
    code: Annotated[str, typer.Argument(help="Short code, e.g. electronics")],
    name_ko: Annotated[str, typer.Option("--name-ko", help="Korean name")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name")],
) -> None:
    """Found a unit (idempotent: an existing code is left as it is)."""
    from cofab.db.session import unit_of_work
    from cofab.units import service

    try:
        with unit_of_work(_engine()) as session:
            if not service.CODE_RE.match(code.strip().lower()):
                raise ValidationFailed(
                    problems=[
                        FieldProblem(
                            "code",
                            service.MSG_CODE,
                        )
                    ]
                )
            unit = service.ensure_unit(
                session, code=code.strip().lower(), name_ko=name_ko, name_en=name_en
            )
            unit_id = unit.id
    except CofabError as exc:
        fail_with(exc)
    console.print(translate("Business unit {code} (id {id}).", cli_locale(), code=code, id=unit_id))


@app.command("link")
def link(
    code: Annotated[str, typer.Argument(help="Unit code")],
    partner_id: Annotated[int, typer.Argument(help="Partner company id")],
) -> None:
    """Start the unit's relationship with a partner company."""
    from cofab.db.session import unit_of_work
    from cofab.partners.models import Partner
    from cofab.units import service

    try:
        with unit_of_work(_engine()) as session:
            unit = service.unit_by_code(session, code)
            if unit is None or session.get(Partner, partner_id) is None:
                raise NotFound()
            service.link_partner(session, partner_id=partner_id, unit_id=unit.id)
    except CofabError as exc:
        fail_with(exc)
    console.print(translate("Saved.", cli_locale()))


@app.command("member")
def member(
    email: Annotated[str, typer.Argument(help="Login e-mail of an owner user")],
    units: Annotated[
        list[str] | None, typer.Option("--unit", help="Unit code; repeat for several")
    ] = None,
    group: Annotated[bool, typer.Option("--all-units", help="Sees every unit")] = False,
) -> None:
    """Set which units an owner user belongs to (replaces the current memberships)."""
    from cofab.accounts.models import User
    from cofab.db.session import unit_of_work
    from cofab.units import service

    try:
        with unit_of_work(_engine()) as session:
            user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
            if user is None:
                raise NotFound()
            ids = []
            for code in units or []:
                unit = service.unit_by_code(session, code)
                if unit is None:
                    raise ValidationFailed(
                        problems=[
                            FieldProblem("unit", N_("Unknown business unit: {ids}."), {"ids": code})
                        ]
                    )
                ids.append(unit.id)
            service.set_user_units(session, None, user_id=user.id, unit_ids=ids, all_units=group)
    except CofabError as exc:
        fail_with(exc)
    console.print(translate("Saved.", cli_locale()))
