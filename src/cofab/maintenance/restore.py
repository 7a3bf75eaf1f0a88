"""Put a ``cofab backup`` archive back into an empty install, then prove it all came back.

Everything is checked before anything is written: the manifest, the database kind, that the
target database and data folder are empty, and the SHA-256 of every member (extracted to a
staging folder first). Only then is the database restored and the files moved into place, and
the row count of every table and every file's checksum are compared with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine, inspect, text

from cofab.core.i18n import N_
from cofab.maintenance.backup import (
    CHUNK,
    DATA_PREFIX,
    MANIFEST,
    BackupError,
    Manifest,
    data_files,
    heads_of,
    pg_tool,
    run_pg_tool,
    search_path_schema,
    sha256_file,
    sqlite_path,
    table_counts,
)


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(N_("{path} is not a cofab backup."), path=MANIFEST)
    try:
        return Manifest.from_json(json.loads(handle.read()))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(N_("{path} is not a cofab backup."), path=MANIFEST) from exc


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not name.startswith(DATA_PREFIX):
        raise BackupError(N_("The backup holds an unsafe path: {path}"), path=name)
    return PurePosixPath(*path.parts[1:])


def _ensure_empty(engine: Engine, data_dir: Path, skip: set[Path]) -> None:
    if data_files(data_dir, skip):
        raise BackupError(
            N_("Restore needs an empty install: the data folder {path} is not empty."),
            path=str(data_dir),
        )
    url = engine.url
    if engine.dialect.name == "sqlite":
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return
    schema = search_path_schema(url) if engine.dialect.name == "postgresql" else None
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names(schema=schema)
    if tables:
        raise BackupError(
            N_("Restore needs an empty install: the database already has {n} tables."),
            n=len(tables),
        )


def _extract(tar: tarfile.TarFile, name: str, target: Path, expected_sha: str) -> None:
    source = tar.extractfile(name)
    if source is None:
        raise BackupError(N_("The backup is missing {path}."), path=name)
    member = tar.getmember(name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, member.mode & 0o777 or 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected_sha:
        raise BackupError(
            N_("The backup is damaged: {path} does not match its checksum."), path=name
        )


def restore(engine: Engine, data_dir: Path, source: Path) -> RestoreReport:
    """Put an archive back into an empty install, then prove every table and file came back."""
    data_dir = Path(data_dir)
    try:
        tar = tarfile.open(source, "r")  # noqa: SIM115 — closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(N_("{path} is not a cofab backup."), path=str(source)) from exc
    with tar:
        manifest = read_manifest(tar)
        if manifest.db_kind != engine.dialect.name:
            raise BackupError(
                N_("This backup is of a {kind} database; the configured database is {target}."),
                kind=manifest.db_kind,
                target=engine.dialect.name,
            )
        skip = {sqlite_path(engine.url)} if engine.dialect.name == "sqlite" else set()
        _ensure_empty(engine, data_dir, skip)
        with tempfile.TemporaryDirectory(
            dir=data_dir.parent if data_dir.parent.is_dir() else None
        ) as work:
            dump = Path(work) / manifest.db_member
            _extract(tar, manifest.db_member, dump, manifest.db_sha256)
            staged = Path(work) / "data"
            for entry in manifest.files:
                _extract(tar, entry["path"], staged / _safe_member(entry["path"]), entry["sha256"])
            _restore_database(engine, dump, manifest)
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            for entry in manifest.files:
                relative = _safe_member(entry["path"])
                (data_dir / relative).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.move(staged / relative, data_dir / relative)
    return check_restored(engine, data_dir, manifest)


def _restore_database(engine: Engine, dump: Path, manifest: Manifest) -> None:
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine.dispose()
        source, target = sqlite3.connect(dump), sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        return
    schema = search_path_schema(engine.url)
    if manifest.db_schema and schema != manifest.db_schema:
        raise BackupError(
            N_("This backup holds schema {schema}: point the database URL's search_path at it."),
            schema=manifest.db_schema,
        )
    pg_restore = pg_tool("pg_restore")
    if manifest.db_schema:
        # The dump creates its schema; an empty one of that name (checked) would stop it.
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{manifest.db_schema}" RESTRICT'))
    run_pg_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            str(engine.url.database),
            str(dump),
        ],
        engine.url,
    )


def check_restored(engine: Engine, data_dir: Path, manifest: Manifest) -> RestoreReport:
    schema = search_path_schema(engine.url) if engine.dialect.name == "postgresql" else None
    with engine.connect() as conn:
        counts, heads = table_counts(conn, schema), heads_of(conn)
    if heads != manifest.alembic_heads:
        raise BackupError(N_("The restored database is at other migrations than the backup."))
    for table, expected in manifest.row_counts.items():
        if counts.get(table) != expected:
            raise BackupError(
                N_("Table {table} has {found} rows after the restore; the backup had {expected}."),
                table=table,
                found=counts.get(table, 0),
                expected=expected,
            )
    for entry in manifest.files:
        path = data_dir / _safe_member(entry["path"])
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BackupError(
                N_("The backup is damaged: {path} does not match its checksum."), path=entry["path"]
            )
    return RestoreReport(
        tables=len(manifest.row_counts),
        rows=sum(manifest.row_counts.values()),
        files=len(manifest.files),
    )
