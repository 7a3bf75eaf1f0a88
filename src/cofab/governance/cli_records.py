"""``cofab meet committees|meetings|actions|series``: the committee and meeting records from the
command line (the scheduling commands of ``cofab meet`` live in ``cli``, which registers these).

Reads and writes go through ``governance.service`` as the system actor, in one unit of work;
bad input is one line per field on stderr and exit code 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cofab.core.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
Runner = Callable[[Callable[["Session"], Any]], Any]

MSG_NOT_A_TIME = N_("Not a date and time (YYYY-MM-DDTHH:MM): {value}")
MSG_PLANNED = N_("{count} meeting(s) planned for committee {id}.")
HEAD_COMMITTEES = (N_("Id"), N_("Committee"), N_("Kind"), N_("Cadence"), N_("Time zone"))
HEAD_MEETINGS = (N_("Id"), N_("Meeting"), N_("Kind"), N_("Starts (UTC)"), N_("Time zone"))
HEAD_ITEMS = (N_("Id"), N_("Action item"), N_("Side"), N_("Owner"), N_("Due"), N_("Status"))


def _print(rows: list[list[str]], headings: tuple[str, ...], as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from cofab.core.i18n import cli_locale, translate

    if as_json:
        keys = [h.lower().replace(" ", "_").replace("(", "").replace(")", "") for h in headings]
        typer.echo(json.dumps([dict(zip(keys, r, strict=True)) for r in rows], ensure_ascii=False))
        return
    table = Table()
    for heading in headings:
        table.add_column(translate(heading, cli_locale()))
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def register(app: typer.Typer, run: Runner) -> None:
    """Add the record commands to ``cofab meet``; ``run`` is its one-unit-of-work helper."""

    @app.command("committees")
    def committees(
        partner: Annotated[
            int | None, typer.Option("--partner", help="Only this partner id.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the joint committees with their kind, cadence and time zone."""
        from cofab.core.access import SYSTEM_ACTOR
        from cofab.governance import service

        def work(session: Session) -> list[list[str]]:
            rows = service.list_committees(session, actor=SYSTEM_ACTOR, partner_id=partner)
            return [[str(c.id), c.name, c.kind, c.cadence, c.timezone] for c in rows]

        _print(run(work), HEAD_COMMITTEES, as_json)

    @app.command("meetings")
    def meetings(
        committee: Annotated[
            int | None, typer.Option("--committee", help="Only this committee id.")
        ] = None,
        upcoming: Annotated[
            bool, typer.Option("--upcoming", help="Only scheduled meetings still to come.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List meetings (performance reviews included), with the start in UTC."""
        from cofab.core.access import SYSTEM_ACTOR
        from cofab.governance import service

        def work(session: Session) -> list[list[str]]:
            flt = service.MeetingFilter(committee_id=committee, upcoming_only=upcoming)
            rows = service.list_meetings(session, actor=SYSTEM_ACTOR, flt=flt)
            return [
                [str(m.id), m.title, m.kind, m.starts_at.strftime("%Y-%m-%d %H:%M"), m.timezone]
                for m in rows
            ]

        _print(run(work), HEAD_MEETINGS, as_json)

    @app.command("actions")
    def actions(
        open_only: Annotated[bool, typer.Option("--open", help="Only open items.")] = False,
        overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue items.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the meetings' action items, earliest due first."""
        from cofab.core.access import SYSTEM_ACTOR
        from cofab.governance import service

        def work(session: Session) -> list[list[str]]:
            rows = service.list_action_items(
                session, SYSTEM_ACTOR, open_only=open_only, overdue_only=overdue
            )
            return [
                [str(i.id), i.title, i.side, i.owner_name, i.due_date.isoformat(), i.status]
                for i, _ in rows
            ]

        _print(run(work), HEAD_ITEMS, as_json)

    @app.command("series")
    def series(
        committee: Annotated[int, typer.Argument(help="The committee's id.")],
        first: Annotated[
            str, typer.Option("--first", help="First meeting, local time: 2027-01-14T10:00.")
        ],
        count: Annotated[int, typer.Option("--count", help="How many meetings.")] = 4,
    ) -> None:
        """Plan the next meetings of a committee's cadence at the same local time."""
        from pydantic import ValidationError

        from cofab.core.access import SYSTEM_ACTOR
        from cofab.core.cli_errors import fail, fail_with
        from cofab.core.errors import ValidationFailed
        from cofab.core.i18n import cli_locale, translate
        from cofab.core.validation import problems_from
        from cofab.governance import schemas, service

        try:
            start = datetime.fromisoformat(first)
        except ValueError:
            fail(MSG_NOT_A_TIME, value=first)
        try:
            body = schemas.SeriesIn(first_start=start, count=count)
        except ValidationError as exc:  # a count out of range
            fail_with(ValidationFailed(problems=problems_from(exc)))

        def work(session: Session) -> int:
            made = service.generate_series(
                session, actor=SYSTEM_ACTOR, committee_id=committee, data=body
            )
            return len(made)

        made = run(work)
        typer.echo(translate(MSG_PLANNED, cli_locale(), count=made, id=committee))
