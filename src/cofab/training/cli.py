"""``cofab training``."""

import typer

app = typer.Typer(help="Training records and SOP acknowledgement of partner staff.")
