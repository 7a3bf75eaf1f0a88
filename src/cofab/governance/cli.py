"""``cofab meet``: committees and meetings from the command line."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Joint committees and meetings: common time slots across time zones.",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """Joint committees and meetings: common time slots across time zones."""


@app.command("zones")
def zones(
    contains: str = typer.Argument("", help="Only names containing this text, e.g. Seoul."),
) -> None:
    """List the IANA time-zone names cofab accepts (for user, site and meeting time zones)."""
    from zoneinfo import available_timezones

    for name in sorted(n for n in available_timezones() if contains.lower() in n.lower()):
        typer.echo(name)
