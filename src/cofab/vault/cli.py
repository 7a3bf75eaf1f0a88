"""``cofab vault``: master-key rotation, a full readability check of the stored files, and the
storage sweep that removes what a crash left behind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine, select

from cofab.config import Settings, get_settings
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.cli_errors import fail_with
from cofab.core.errors import CofabError
from cofab.core.i18n import N_, cli_locale, translate
from cofab.db.session import engine_for, unit_of_work
from cofab.vault import deletion, rotation
from cofab.vault.documents import vault_store, version_context
from cofab.vault.models import VaultVersion
from cofab.vault.storage import FileSystemStorage, open_decrypted

app = typer.Typer(help="The encrypted document vault.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

MSG_ROTATED = N_(
    "Master key rotated to {key_id}: {count} file keys re-wrapped, no file re-encrypted."
)
MSG_VERIFIED = N_("All {count} stored files open and match their SHA-256.")
MSG_BROKEN = N_("{count} of {total} stored files cannot be read:")
MSG_SWEPT = N_(
    "Removed {orphans} orphaned objects ({size} bytes) and {temps} stale temp files; "
    "{kept} file versions in the database keep their objects."
)
MSG_SWEEP_DRY = N_(
    "Dry run: would remove {orphans} orphaned objects ({size} bytes) and {temps} stale temp "
    "files; {kept} file versions in the database keep their objects."
)
MSG_NOT_FILESYSTEM = N_("The sweep only knows the filesystem storage.")


@dataclass(frozen=True)
class Target:
    engine: Engine
    settings: Settings


def target() -> Target:
    """The database and data folder from the settings (tests replace this function)."""
    settings = get_settings()
    from cofab.db.migrate import upgrade

    engine = engine_for(settings.database_url)
    upgrade(engine)
    return Target(engine, settings)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


@app.command("rotate-master-key")
def rotate_master_key(
    verify: Annotated[
        bool, typer.Option(help="Decrypt every file afterwards to prove it is still readable")
    ] = True,
) -> None:
    """Make a new master key and re-wrap every file's data key under it, in one transaction.

    Files are not re-encrypted. The old key stays archived in the data folder, so nothing
    becomes unreadable if the run stops half-way. With COFAB_MASTER_KEY set, put the new key
    there and the old one in COFAB_MASTER_KEY_PREVIOUS first.
    """
    where = target()
    locale = cli_locale()
    try:
        with _progress() as progress:
            task = progress.add_task(translate("Re-wrapping file keys", locale), total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            with unit_of_work(where.engine) as session:
                result = rotation.rotate(
                    session,
                    actor=SYSTEM_ACTOR,
                    data_dir=Path(where.settings.data_dir),
                    progress=advance,
                )
    except CofabError as exc:
        fail_with(exc)
    console.print(
        translate(MSG_ROTATED, locale, key_id=result.new_key_id, count=result.rewrapped),
        highlight=False,
    )
    if verify:
        _verify(where)


@app.command("verify")
def verify_files() -> None:
    """Decrypt every stored file version (without writing it anywhere) and check its SHA-256."""
    _verify(target())


def _verify(where: Target) -> None:
    locale = cli_locale()
    store = vault_store(where.settings)
    with unit_of_work(where.engine) as session:
        versions = list(session.execute(select(VaultVersion).order_by(VaultVersion.id)).scalars())
    broken: list[str] = []
    with _progress() as progress:
        task = progress.add_task(
            translate("Checking files", locale), total=sum(v.size for v in versions) or 1
        )
        for version in versions:
            digest = hashlib.sha256()
            try:
                for chunk in open_decrypted(
                    store.storage,
                    version.object_key,
                    version.wrapped_key,
                    store.keyring,
                    context=version_context(version.document_id, version.uid),
                ):
                    digest.update(chunk)
                    progress.advance(task, len(chunk))
                if digest.hexdigest() != version.sha256:
                    broken.append(f"{version.id} {version.filename}: SHA-256")
            except CofabError as exc:
                broken.append(
                    f"{version.id} {version.filename}: "
                    + translate(exc.message, locale, **exc.params)
                )
    if broken:
        err.print(translate(MSG_BROKEN, locale, count=len(broken), total=len(versions)))
        for line in broken:
            err.print(f"  {line}", highlight=False)
        raise typer.Exit(1)
    console.print(translate(MSG_VERIFIED, locale, count=len(versions)), highlight=False)


@app.command("sweep")
def sweep_storage(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only count what would be removed")
    ] = False,
    min_age_minutes: Annotated[
        int,
        typer.Option(min=0, help="Leave files younger than this alone (uploads still finishing)"),
    ] = int(deletion.SWEEP_MIN_AGE.total_seconds() // 60),
) -> None:
    """Remove encrypted objects no file version points at (left by a crash between an upload or
    a deletion and its database commit) and temp files of interrupted writes. The removed
    objects are unreadable anyway: their keys were only ever in the missing rows."""
    where = target()
    locale = cli_locale()
    storage = vault_store(where.settings).storage
    if not isinstance(storage, FileSystemStorage):  # pragma: no cover - the only backend today
        err.print(translate(MSG_NOT_FILESYSTEM, locale))
        raise typer.Exit(1)
    with unit_of_work(where.engine) as session:
        report = deletion.sweep(
            session, storage, dry_run=dry_run, min_age=timedelta(minutes=min_age_minutes)
        )
    message = MSG_SWEEP_DRY if dry_run else MSG_SWEPT
    console.print(
        translate(
            message,
            locale,
            orphans=len(report.orphans),
            size=f"{report.orphan_bytes:,}",
            temps=report.temp_files,
            kept=report.referenced,
        ),
        highlight=False,
    )
