"""One archive holds a whole install: the database and the data folder, consistent with each other.

What goes in: a database snapshot (SQLite's online backup API, or ``pg_dump -Fc`` on PostgreSQL)
and every file of the data folder — vault objects, master keys, the audit signing key and its
checkpoints, whatever a later release adds there — except the SQLite database itself and temp
files. A ``manifest.json`` names the database kind, the migration heads, the row count of every
table and the SHA-256 of every file, so a restore can prove it put everything back.

Why the order is what it is: vault objects and keys are written before the rows that point at
them commit and are never changed afterwards, so files taken *after* the database snapshot are
enough for every row. The audit checkpoints point the other way — a checkpoint signs entries that
already exist — so a checkpoint must not be newer than the snapshot, or the restored log would
look truncated. Hence: (1) every data file is copied, (2) the database snapshot is taken,
(3) files that appeared meanwhile are added (new objects and keys; no row of the snapshot needs
them). A file that changed between (1) and (2) is kept as it was in (1): the checkpoint log as
of before the snapshot, and a vault object that was deleted after it still present.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL

from cofab.core.i18n import N_

FORMAT = "cofab-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
TEMP_SUFFIXES = (".tmp", ".partial", ".lock")
CHUNK = 1024 * 1024

PG_TOOLS_MISSING = N_(
    "{tool} was not found: install the PostgreSQL client tools of the server's version "
    "(Debian: apt-get install postgresql-client)."
)


def _installed_version() -> str:
    try:
        return version("cofab")
    except PackageNotFoundError:
        return ""


class BackupError(Exception):
    """A refusal with a one-line, translatable reason (the CLI prints it and exits 1)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass
class Manifest:
    db_kind: str
    db_member: str
    db_sha256: str
    db_schema: str | None
    alembic_heads: list[str]
    row_counts: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = ""
    cofab_version: str = field(default_factory=lambda: _installed_version())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "cofab_version": self.cofab_version,
            "created_at": self.created_at,
            "database": {
                "kind": self.db_kind,
                "member": self.db_member,
                "sha256": self.db_sha256,
                "schema": self.db_schema,
            },
            "alembic_heads": self.alembic_heads,
            "row_counts": self.row_counts,
            "files": self.files,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise BackupError(N_("{path} is not a cofab backup."), path="manifest.json")
        db = data["database"]
        return cls(
            db_kind=db["kind"],
            db_member=db["member"],
            db_sha256=db["sha256"],
            db_schema=db.get("schema"),
            alembic_heads=list(data["alembic_heads"]),
            row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
            files=list(data["files"]),
            created_at=data.get("created_at", ""),
            cofab_version=data.get("cofab_version", ""),
        )


# --- what the database holds ------------------------------------------------------------------


def table_counts(conn: Connection, schema: str | None = None) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names(schema=schema))
    prefix = f'"{schema}".' if schema else ""
    return {
        name: int(conn.execute(text(f'SELECT count(*) FROM {prefix}"{name}"')).scalar_one())
        for name in names
    }


def heads_of(conn: Connection) -> list[str]:
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(conn).get_current_heads())


def search_path_schema(url: URL) -> str | None:
    """The first schema of a ``?options=-csearch_path=...`` URL (how cofab points at a schema)."""
    options = url.query.get("options")
    text_options = " ".join(options) if isinstance(options, tuple) else (options or "")
    for part in text_options.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip('"') or None
    return None


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(N_("An in-memory SQLite database cannot be backed up or restored."))
    return Path(url.database).resolve()


# --- files ------------------------------------------------------------------------------------


def _is_skipped(path: Path, skip: set[Path]) -> bool:
    name = path.name
    return (
        path.resolve() in skip
        or name.endswith(TEMP_SUFFIXES)
        or name.endswith(("-wal", "-shm", "-journal"))
    )


def data_files(data_dir: Path, skip: set[Path]) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(
        p
        for p in data_dir.rglob("*")
        if p.is_file() and not p.is_symlink() and not _is_skipped(p, skip)
    )


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, source: Path, member: str) -> dict[str, Any] | None:
    """Add one file (read once: hashed while it streams in); None if it vanished meanwhile."""
    try:
        handle = source.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(member)
        info.size, info.mode, info.mtime = stat.st_size, stat.st_mode & 0o777, int(stat.st_mtime)
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"path": member, "size": info.size, "sha256": reader.digest.hexdigest()}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL tools -------------------------------------------------------------------------


def _pg_env(url: URL) -> dict[str, str]:
    env = os.environ.copy()
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(PG_TOOLS_MISSING, tool=name)
    return found


def run_pg_tool(args: list[str], url: URL) -> None:
    done = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            N_("{tool} failed: {reason}"),
            tool=Path(args[0]).name,
            reason=lines[-1] if lines else "",
        )


# --- backup -----------------------------------------------------------------------------------


@contextmanager
def _snapshot(
    engine: Engine, workdir: Path
) -> Iterator[tuple[Path, str | None, list[str], dict[str, int]]]:
    """The database frozen at one moment: its dump file, schema, heads and row counts."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        target = workdir / SQLITE_MEMBER
        source = sqlite3.connect(sqlite_path(url))
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        copy_engine = create_engine(f"sqlite:///{target}")
        try:
            with copy_engine.connect() as conn:
                yield target, None, heads_of(conn), table_counts(conn)
        finally:
            copy_engine.dispose()
        return
    if engine.dialect.name != "postgresql":
        raise BackupError(
            N_("Backups support SQLite and PostgreSQL, not {kind}."), kind=engine.dialect.name
        )
    pg_dump = pg_tool("pg_dump")
    schema = search_path_schema(url)
    target = workdir / PG_MEMBER
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
        conn.begin(),
    ):
        snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        heads, counts = heads_of(conn), table_counts(conn, schema)
        args = [pg_dump, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}"]
        args += [f"--schema={schema}"] if schema else []
        run_pg_tool([*args, "-f", str(target)], url)
        yield target, schema, heads, counts


def backup(engine: Engine, data_dir: Path, destination: Path) -> Manifest:
    """Write the whole install to ``destination`` (a tar file; replaced only when complete)."""
    data_dir = Path(data_dir)
    skip: set[Path] = set()
    if engine.dialect.name == "sqlite":
        skip.add(sqlite_path(engine.url))
    destination = destination.resolve()
    skip.add(destination)
    partial = destination.with_name(destination.name + ".partial")
    files: list[dict[str, Any]] = []
    try:
        with (
            tempfile.TemporaryDirectory(dir=destination.parent) as work,
            tarfile.open(partial, "w") as tar,
        ):
            before = data_files(data_dir, skip)
            for path in before:  # (1) every file, before the snapshot
                added = _add_file(tar, path, DATA_PREFIX + path.relative_to(data_dir).as_posix())
                if added:
                    files.append(added)
            with _snapshot(engine, Path(work)) as (dump, schema, heads, counts):  # (2)
                db_sha = sha256_file(dump)
                tar.add(dump, arcname=dump.name)
            taken = {Path(f["path"][len(DATA_PREFIX) :]) for f in files}
            for path in data_files(data_dir, skip):  # (3) what appeared meanwhile
                relative = path.relative_to(data_dir)
                if relative not in taken and (
                    added := _add_file(tar, path, DATA_PREFIX + relative.as_posix())
                ):
                    files.append(added)
            manifest = Manifest(
                db_kind=engine.dialect.name,
                db_member=dump.name,
                db_sha256=db_sha,
                db_schema=schema,
                alembic_heads=heads,
                row_counts=counts,
                files=files,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            payload = json.dumps(manifest.to_json(), indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(payload), 0o600
            tar.addfile(info, io.BytesIO(payload))
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return manifest
