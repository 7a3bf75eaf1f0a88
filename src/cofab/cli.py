"""The ``cofab`` command line: one Typer app, one sub-app per domain.

Every command pays for this module's imports, so they stay light (Typer, Rich, messages):
SQLAlchemy, the settings and the domains are imported inside the commands that use them, and
the domain sub-apps through ``cofab.lazy_typer`` — ``cofab --help`` and a rejected argument
answer in a fraction of a second (tests/core/test_cli_speed.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cofab.accounts.cli import add_user_admin_commands
from cofab.core.cli_errors import fail, fail_with
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.core.wiring import set_wiring
from cofab.domains import DOMAINS
from cofab.lazy_typer import lazy_typer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from cofab.config import Settings
    from cofab.demo.loader import DemoAccess

app = typer.Typer(
    help="cofab — run manufacturing-expansion partnerships end to end.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
partners_app = typer.Typer(help="Partner registry import and export.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(demo_app, name="demo")
app.add_typer(audit_app, name="audit")
app.add_typer(partners_app, name="partners")

console = Console()
err = Console(stderr=True)


def _wire_domains() -> None:
    """Every domain's tables, hooks and job handlers: run by ``core.wiring`` when a command first
    reads a hook registry (a worker's handlers, the vault's key holders), never on ``--help``."""
    from cofab.domains import wire

    wire()


set_wiring(_wire_domains)


def get_settings() -> Settings:
    """The settings, read when a command needs them (pydantic-settings is slow to import)."""
    from cofab.config import get_settings as read_settings

    return read_settings()


def _engine() -> Engine:
    from cofab.db.session import engine_for

    return engine_for(get_settings().database_url)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """``cofab.db.session.unit_of_work``, imported when a command opens one."""
    from cofab.db.session import unit_of_work as open_unit_of_work

    with open_unit_of_work(engine) as session:
        yield session


def migrate() -> None:
    from cofab.db.migrate import upgrade

    upgrade(_engine())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    migrate()
    console.print(translate("Database is up to date.", cli_locale()))


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="Login e-mail")],
    role: Annotated[
        str, typer.Option(help="admin, manager, quality, viewer or partner")
    ] = "viewer",
    name: Annotated[str, typer.Option(help="Display name")] = "",
    partner_id: Annotated[
        int | None, typer.Option(help="Partner company id (partner users)")
    ] = None,
    password: Annotated[str | None, typer.Option(help="Password; asked for when omitted")] = None,
    locale: Annotated[str | None, typer.Option(help="ko or en")] = None,
) -> None:
    """Create a user (owner-company role or a partner user bound to one partner)."""
    from cofab.accounts import service as accounts_service

    migrate()
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work(_engine()) as session:
            user = accounts_service.create_user(
                session,
                actor=None,
                email=email,
                password=password,
                display_name=name or email,
                role=role,
                partner_id=partner_id,
                locale=locale,
            )
            user_id = user.id
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate("Created user {email} (id {id}).", cli_locale(), email=email, id=user_id)
    )


add_user_admin_commands(user_app)  # passwd, deactivate, activate, role, unlock


@demo_app.command("load")
def demo_load(
    case: Annotated[
        str, typer.Option("--case", help="electronics, automotive, pharma or all")
    ] = "all",
) -> None:
    """Load a demo case (idempotent: existing demo rows are kept)."""
    from cofab.demo.loader import load_case

    migrate()
    try:
        with unit_of_work(_engine()) as session:
            logins = load_case(session, case)
    except CofabError as exc:
        fail_with(exc)
    print_logins(logins)


def print_logins(logins: Sequence[DemoAccess]) -> None:
    """Which login sees what: role, business unit and scope, in the reader's language."""
    from cofab.demo.cases import DEMO_PASSWORD
    from cofab.demo.logins import HEADINGS, PASSWORD_NOTE, access_rows

    locale = cli_locale()
    caption = translate(PASSWORD_NOTE, locale, password=DEMO_PASSWORD)
    table = Table(title=translate("Demo logins", locale), caption=caption)
    for index, heading in enumerate(HEADINGS):
        table.add_column(translate(heading, locale), no_wrap=index == 0)
    for row in access_rows(logins, locale):
        table.add_row(*row)
    console.print(table)


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="Check against this checkpoint file (an export or a JSON-lines copy) "
            "instead of the data folder's",
        ),
    ] = None,
) -> None:
    """Check every audit entry, its seal and the signed checkpoints; exit 1 naming a fault."""
    from cofab.core.audit_verify import verify_audit

    if checkpoint is not None and not checkpoint.is_file():
        fail("File not found: {path}", path=str(checkpoint))
    migrate()
    try:
        verdict = verify_audit(_engine(), get_settings().data_dir, checkpoint_file=checkpoint)
    except (OSError, ValueError):
        fail("Not a cofab checkpoint file: {path}", path=str(checkpoint))
    locale = cli_locale()
    if verdict.ok:
        console.print(verdict.message(locale), highlight=False, soft_wrap=True)
        return
    err.print(verdict.message(locale), highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Also write the latest checkpoints and the public key to this JSON file "
            "for an auditor to keep",
        ),
    ] = None,
) -> None:
    """Sign a checkpoint of the sealed chain's head now and print it."""
    import json

    from cofab.core import audit_checkpoint as checkpoints
    from cofab.core.audit_sealer import CheckpointRefused, write_checkpoint

    migrate()
    data_dir = get_settings().data_dir
    try:
        written = write_checkpoint(_engine(), data_dir)
    except CheckpointRefused:
        fail(
            "The audit chain does not verify, so no checkpoint was signed: run cofab audit verify."
        )
    if written is None:
        fail("The audit log is empty: nothing to checkpoint.")
    console.print(written.to_json(), highlight=False, soft_wrap=True)
    if export is not None:
        document = checkpoints.export_document(
            data_dir, checkpoints.read_local(data_dir).checkpoints
        )
        try:
            export.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError:
            fail("Cannot write {path}.", path=str(export))
        console.print(
            translate(
                "Wrote the checkpoints and the public key to {path}.",
                cli_locale(),
                path=str(export),
            ),
            highlight=False,
        )


@partners_app.command("import")
def partners_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file", exists=False)],
    kind: Annotated[
        str, typer.Option(help="partners, sites, capabilities or certifications")
    ] = "partners",
    as_user: Annotated[
        str | None, typer.Option("--as", help="Record the import as this user's e-mail")
    ] = None,
) -> None:
    """Import partners, sites, capabilities or certificates; all rows land or none do."""
    if not file.is_file():
        fail("File not found: {path}", path=str(file))
    from sqlalchemy import select

    from cofab.accounts import service as accounts_service
    from cofab.accounts.models import User
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.tabular import read_table
    from cofab.partners import importing

    migrate()
    try:
        with unit_of_work(_engine()) as session:
            actor = SYSTEM_ACTOR
            if as_user:
                user = session.execute(
                    select(User).where(User.email == as_user.lower())
                ).scalar_one_or_none()
                if user is None:
                    fail("No user with e-mail {email}.", email=as_user)
                actor = accounts_service.actor_for(user)
            report = importing.import_rows(
                session, actor=actor, kind=kind, rows=read_table(file.read_bytes(), file.name)
            )
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(
            "Imported {kind}: {created} created, {updated} updated, {unchanged} unchanged.",
            cli_locale(),
            kind=kind,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        )
    )


@partners_app.command("export")
def partners_export(
    out: Annotated[Path, typer.Argument(help="Output file (.csv or .xlsx)")],
    kind: Annotated[
        str, typer.Option(help="partners, sites, capabilities or certifications")
    ] = "partners",
) -> None:
    """Export the registry (all partners) to CSV or XLSX."""
    from cofab.core.access import SYSTEM_ACTOR
    from cofab.core.tabular import write_csv, write_xlsx
    from cofab.partners import exporting, service

    if kind not in exporting.EXPORT_KINDS:
        fail("Must be one of: {expected}.", expected=", ".join(exporting.EXPORT_KINDS))
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail("Name the output file .csv or .xlsx (got {path}).", path=str(out))
    migrate()
    with unit_of_work(_engine()) as session:
        headers, rows = exporting.export_table(
            session, actor=SYSTEM_ACTOR, kind=kind, filters=service.PartnerFilters()
        )
    data = (
        write_xlsx(headers, rows, kind)
        if out.suffix.lower() == ".xlsx"
        else write_csv(headers, rows)
    )
    out.write_bytes(data)
    console.print(translate("Wrote {n} rows to {path}.", cli_locale(), n=len(rows), path=str(out)))


@app.command("worker")
def worker(
    once: Annotated[bool, typer.Option(help="Run queued jobs, then exit")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between polls of an empty queue")] = 1.0,
) -> None:
    """Run background jobs (plan solves, simulations, big imports). Start as many as you like."""
    from cofab.maintenance.runtime import exit_on_stop_signal

    exit_on_stop_signal()  # SIGTERM: an interrupted job goes back to the queue
    from cofab.core.audit_sealer import start_sealer
    from cofab.core.jobs import work

    migrate()
    sealer = start_sealer(_engine(), get_settings().data_dir)
    try:
        ran = work(_engine(), poll_seconds=poll, once=once)
    finally:
        sealer.stop()
    console.print(translate("Ran {n} jobs.", cli_locale(), n=ran))


# The settings' defaults and variables (cofab.config.Settings; tests/core/test_cli_speed.py
# checks they agree), named here so --help shows them without importing the settings.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
HOST_OPTION = typer.Option(help="Bind address", envvar="COFAB_HOST")
PORT_OPTION = typer.Option(help="Port", envvar="COFAB_PORT")


@app.command("up")
def up(
    host: Annotated[str, HOST_OPTION] = DEFAULT_HOST,
    port: Annotated[int, PORT_OPTION] = DEFAULT_PORT,
    demo: Annotated[bool, typer.Option(help="Load demo data into an empty database")] = True,
    worker: Annotated[
        bool, typer.Option(help="Start a background-job worker beside the server")
    ] = True,
    graceful_timeout: Annotated[
        float, typer.Option(help="Seconds open requests get to finish after SIGTERM")
    ] = 10.0,
) -> None:
    """Migrate, load demo data into an empty database, print demo logins and serve cofab."""
    from sqlalchemy import func, select

    from cofab.accounts.models import User
    from cofab.demo.loader import demo_access, demo_logins, load_case

    settings = get_settings()
    migrate()
    with unit_of_work(_engine()) as session:
        empty = session.execute(select(func.count()).select_from(User)).scalar_one() == 0
        if empty and demo:
            load_case(session, "all")
    if demo:
        print_logins(demo_access())
    bind_host, bind_port = _announce(host, port)
    from cofab.app import create_app

    application = create_app(settings)
    if demo:
        application.state.demo_logins = demo_logins()
    from cofab.maintenance import runtime

    runtime.serve(
        application,
        host=bind_host,
        port=bind_port,
        graceful_timeout=graceful_timeout,
        worker=runtime.start_worker_process() if worker else None,
    )


def _announce(host: str, port: int) -> tuple[str, int]:
    """Say where cofab answers (both `up` and `serve`), and hand the address on."""
    message = N_("cofab is running at http://{host}:{port} (API docs at /docs).")
    console.print(translate(message, cli_locale(), host=host, port=port))
    return host, port


@app.command("serve")
def serve(
    host: Annotated[str, HOST_OPTION] = DEFAULT_HOST,
    port: Annotated[int, PORT_OPTION] = DEFAULT_PORT,
    workers: Annotated[
        int, typer.Option(help="Server processes (PostgreSQL; 2 cores: 2, plus one cofab worker)")
    ] = 1,
    graceful_timeout: Annotated[
        float, typer.Option(help="Seconds open requests get to finish after SIGTERM")
    ] = 10.0,
    access_log: Annotated[
        bool,
        typer.Option(
            help="One log line per request (turn off behind a proxy that logs them already)"
        ),
    ] = True,
) -> None:
    """Serve cofab without demo data or a job worker: run `cofab worker` separately, anywhere."""
    settings = get_settings()
    if workers < 1:
        fail("--workers must be 1 or more.")
    if workers > 1 and settings.database_url.startswith("sqlite"):
        fail("Several server processes need PostgreSQL; on SQLite use cofab up.")
    migrate()
    bind_host, bind_port = _announce(host, port)
    from cofab.maintenance import runtime

    if workers == 1:
        runtime.serve(
            "cofab.app:create_app",
            host=bind_host,
            port=bind_port,
            graceful_timeout=graceful_timeout,
            factory=True,
            access_log=access_log,
        )
        return
    import uvicorn

    uvicorn.run(
        "cofab.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        timeout_graceful_shutdown=int(max(1, graceful_timeout)),
        log_level="info",
        access_log=access_log,
    )


@app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="Archive file to write (a tar file)")],
) -> None:
    """Write the database, vault files and keys, and audit checkpoints to one archive."""
    from cofab.maintenance import backup as archive

    if path.is_dir():
        fail("{path} is a folder: name the archive file to write.", path=str(path))
    if not path.resolve().parent.is_dir():
        fail("Folder not found: {path}", path=str(path.resolve().parent))
    try:
        manifest = archive.backup(_engine(), get_settings().data_dir, path)
    except archive.BackupError as exc:
        fail(exc.message, **exc.params)
    console.print(
        translate(
            "Backed up {tables} tables ({rows} rows) and {files} files to {path}.",
            cli_locale(),
            tables=len(manifest.row_counts),
            rows=sum(manifest.row_counts.values()),
            files=len(manifest.files),
            path=str(path),
        ),
        highlight=False,
    )


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="Archive written by cofab backup")],
) -> None:
    """Restore an archive into an empty install, then check every table's rows and every file."""
    from cofab.maintenance.backup import BackupError
    from cofab.maintenance.restore import restore as restore_archive

    if not path.is_file():
        fail("File not found: {path}", path=str(path))
    try:
        report = restore_archive(_engine(), get_settings().data_dir, path)
    except BackupError as exc:
        fail(exc.message, **exc.params)
    console.print(
        translate(
            "Restored {tables} tables ({rows} rows) and {files} files; all match the backup.",
            cli_locale(),
            tables=report.tables,
            rows=report.rows,
            files=report.files,
        ),
        highlight=False,
    )


def main() -> None:
    """The ``cofab`` script: ``app`` with its ``--help`` in the CLI language (Korean or English)."""
    from cofab.core.cli_help import run

    sys.exit(run(app))


# --- domain sub-apps: one per domain that has one, from cofab.domains ------------------------
# Imported when one of their commands runs (cofab.lazy_typer); the domain's parts carry the
# sub-app's help, so listing them imports no domain module.
for _parts in DOMAINS:
    if _parts.cli is not None:
        app.add_typer(lazy_typer(_parts.cli.target, help=_parts.cli.help), name=_parts.cli.name)
