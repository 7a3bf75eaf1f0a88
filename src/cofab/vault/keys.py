"""Where master keys come from, how they are kept on disk, and how they rotate.

The current master key is ``COFAB_MASTER_KEY`` (base64 of 32 bytes) when set, otherwise
``<data_dir>/master.key``, generated on first use with mode 0600.  Every key that was ever
current stays in ``<data_dir>/master-keys/<key_id>.key`` so a wrapped data key can always find
the master key it names: rotation then needs no lock-step between the key file and the
database — if the transaction that stores the re-wrapped keys rolls back, the old wrapping
still opens with the archived key, and the next rotation simply tries again.

Key files are refused (like ssh does) when group or others can read them. Keys never appear in
logs, exception messages or reprs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from cofab.core.i18n import N_
from cofab.vault.crypto import (
    KEY_BYTES,
    MasterKey,
    new_data_key,
    unwrap_key,
    wrap_key,
    wrapped_key_id,
)
from cofab.vault.errors import MasterKeyError, WrongMasterKey

ENV_MASTER_KEY = "COFAB_MASTER_KEY"
ENV_PREVIOUS_KEYS = "COFAB_MASTER_KEY_PREVIOUS"
MASTER_KEY_FILE = "master.key"
ARCHIVE_DIR = "master-keys"
FILE_MODE = 0o600
DIR_MODE = 0o700

MSG_BAD_ENCODING = N_("{source} is not the base64 encoding of a 32-byte key.")
MSG_UNSAFE_MODE = N_(
    "The master key file {path} can be read by other users (mode {mode}); run: chmod 600 {path}"
)
MSG_UNREADABLE = N_("The master key file {path} cannot be read: {reason}")
MSG_ENV_ROTATION = N_(
    "The master key comes from COFAB_MASTER_KEY: put the new key in COFAB_MASTER_KEY and the "
    "old one in COFAB_MASTER_KEY_PREVIOUS, then run the rotation again."
)

_KEY_FILE_NAME = re.compile(r"^[0-9a-f]{16}\.key$")
Ref = TypeVar("Ref")


@dataclass(frozen=True)
class Keyring:
    """The current master key plus every older one still able to unwrap data keys."""

    current: MasterKey
    by_id: Mapping[str, MasterKey] = field(repr=False)
    from_environment: bool = False

    def wrap(self, data_key: bytes) -> bytes:
        return wrap_key(data_key, self.current)

    def unwrap(self, wrapped: bytes) -> bytes:
        key_id = wrapped_key_id(wrapped)
        master = self.by_id.get(key_id)
        if master is None:
            raise WrongMasterKey(key_id=key_id)
        return unwrap_key(wrapped, master)

    def new_wrapped_data_key(self) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form, for one new file version."""
        data_key = new_data_key()
        return data_key, self.wrap(data_key)


def encode_key(secret: bytes) -> str:
    """The text form used by COFAB_MASTER_KEY and the key files."""
    return base64.b64encode(secret).decode("ascii")


def decode_key(text: str, *, source: str) -> MasterKey:
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(MSG_BAD_ENCODING, source=source) from None
    if len(secret) != KEY_BYTES:
        raise MasterKeyError(MSG_BAD_ENCODING, source=source)
    return MasterKey.from_secret(secret)


def load_keyring(data_dir: Path, *, environ: Mapping[str, str] | None = None) -> Keyring:
    """The keyring for this process; creates ``master.key`` on first use when no env key is set."""
    env = os.environ if environ is None else environ
    data_dir = Path(data_dir)
    archived = _read_archive(data_dir)
    env_value = env.get(ENV_MASTER_KEY, "").strip()
    if env_value:
        current = decode_key(env_value, source=ENV_MASTER_KEY)
        previous = [
            decode_key(part, source=ENV_PREVIOUS_KEYS)
            for part in env.get(ENV_PREVIOUS_KEYS, "").split(",")
            if part.strip()
        ]
        keys = {key.key_id: key for key in [*archived, *previous, current]}
        return Keyring(current=current, by_id=keys, from_environment=True)
    current = _load_or_create_current(data_dir)
    keys = {key.key_id: key for key in [*archived, current]}
    return Keyring(current=current, by_id=keys, from_environment=False)


def rotate_master_key(
    data_dir: Path,
    wrapped_keys: Iterable[tuple[Ref, bytes]],
    *,
    environ: Mapping[str, str] | None = None,
) -> list[tuple[Ref, bytes]]:
    """Make a new current master key and re-wrap every given data key under it.

    Files are not touched. The caller (``cofab vault rotate-master-key``) stores the returned
    pairs in one transaction; the old key stays archived, so a rollback loses nothing.
    With COFAB_MASTER_KEY set the operator supplies the new key (we cannot change the
    environment): every data key not yet under the current env key is re-wrapped to it, using
    COFAB_MASTER_KEY_PREVIOUS to open the old ones.
    """
    data_dir = Path(data_dir)
    keyring = load_keyring(data_dir, environ=environ)
    pairs = list(wrapped_keys)
    if keyring.from_environment:
        current_id = keyring.current.key_id
        if all(wrapped_key_id(wrapped) == current_id for _, wrapped in pairs):
            raise MasterKeyError(MSG_ENV_ROTATION)
    # open every data key before anything changes on disk: one that cannot be opened stops
    # the rotation with the key files exactly as they were
    data_keys = [(ref, keyring.unwrap(wrapped)) for ref, wrapped in pairs]
    if keyring.from_environment:
        new_master = keyring.current
    else:
        new_master = MasterKey.from_secret(secrets.token_bytes(KEY_BYTES))
        _archive(data_dir, keyring.current)
        _archive(data_dir, new_master)  # archived first, so it is never lost if we stop here
    result = [(ref, wrap_key(data_key, new_master)) for ref, data_key in data_keys]
    if not keyring.from_environment:
        _write_key_file(data_dir / MASTER_KEY_FILE, new_master, replace=True)
    return result


def check_file_mode(path: Path) -> None:
    """Refuse a key file that group or others may read or write."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise MasterKeyError(MSG_UNSAFE_MODE, path=str(path), mode=f"{mode:04o}")


def _load_or_create_current(data_dir: Path) -> MasterKey:
    path = data_dir / MASTER_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        created = MasterKey.from_secret(secrets.token_bytes(KEY_BYTES))
        _write_key_file(path, created, replace=False)  # loses the race quietly if another won
        _archive(data_dir, _read_key_file(path))
    return _read_key_file(path)


def _read_key_file(path: Path) -> MasterKey:
    try:
        check_file_mode(path)
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "encoding"
        raise MasterKeyError(MSG_UNREADABLE, path=str(path), reason=reason) from None
    return decode_key(text, source=str(path))


def _read_archive(data_dir: Path) -> list[MasterKey]:
    folder = data_dir / ARCHIVE_DIR
    if not folder.is_dir():
        return []
    keys = []
    for entry in sorted(folder.iterdir()):
        if _KEY_FILE_NAME.match(entry.name):
            keys.append(_read_key_file(entry))
    return keys


def _archive(data_dir: Path, key: MasterKey) -> None:
    folder = data_dir / ARCHIVE_DIR
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path = folder / f"{key.key_id}.key"
    if not path.exists():
        _write_key_file(path, key, replace=False)


def _write_key_file(path: Path, key: MasterKey, *, replace: bool) -> None:
    """Write via a 0600 temp file, then publish atomically.

    ``replace=False`` publishes with ``os.link``, which fails if the name exists, so two
    processes starting at once cannot each create a different first key.
    """
    temp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(encode_key(key.secret) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        check_file_mode(temp)
        if replace:
            os.replace(temp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
