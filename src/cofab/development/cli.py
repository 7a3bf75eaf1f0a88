"""``cofab dev``."""

import typer

app = typer.Typer(help="Joint development: projects, the IP register and transfer checklists.")
