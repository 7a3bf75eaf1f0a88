"""Filesystem object store: atomic writes, safe keys, size limit, no plaintext on disk."""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cofab.core.i18n import translate
from cofab.vault import crypto, errors, keys
from cofab.vault.errors import (
    InvalidObjectKey,
    ObjectNotFound,
    UploadTooLarge,
    VaultIntegrityError,
    WrongMasterKey,
)
from cofab.vault.keys import load_keyring, rotate_master_key
from cofab.vault.storage import (
    FileSystemStorage,
    StorageBackend,
    check_object_key,
    new_object_key,
    open_decrypted,
    store_encrypted,
)

MARKER = b"CONFIDENTIAL-MARKER-7f3a9c"
NO_ENV: dict[str, str] = {}


def every_file(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def storage(tmp_path: Path) -> FileSystemStorage:
    return FileSystemStorage(tmp_path / "objects")


def test_filesystem_storage_meets_the_protocol(storage: FileSystemStorage) -> None:
    backend: StorageBackend = storage
    key = new_object_key()
    assert not backend.exists(key)
    with backend.open_write(key) as writer:
        writer.write(b"abc")
        writer.write(memoryview(b"defg"))
        assert writer.written == 7
    assert backend.exists(key)
    with backend.open_read(key) as handle:
        assert handle.read() == b"abcdefg"
    assert stat.S_IMODE(storage.path_for(key).stat().st_mode) == 0o600
    backend.delete(key)
    backend.delete(key)  # idempotent
    assert not backend.exists(key)
    with pytest.raises(ObjectNotFound), backend.open_read(key):
        pass


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "a/b", "", "..", "A" * 32, "0" * 31, "0" * 33, "/" + "0" * 31, "g" * 32],
)
def test_only_generated_ids_are_accepted_as_object_keys(
    storage: FileSystemStorage, key: str
) -> None:
    with pytest.raises(InvalidObjectKey):
        check_object_key(key)
    with pytest.raises(InvalidObjectKey):
        storage.exists(key)
    with pytest.raises(InvalidObjectKey), storage.open_write(key):
        pass


def test_object_paths_stay_inside_root(storage: FileSystemStorage) -> None:
    key = new_object_key()
    assert len(key) == 32 and key != new_object_key()
    path = storage.path_for(key).resolve()
    assert path.is_relative_to(storage.root.resolve())
    assert path.parent.name == key[:2]


def test_failed_write_leaves_nothing(storage: FileSystemStorage) -> None:
    key = new_object_key()
    with pytest.raises(RuntimeError), storage.open_write(key) as writer:
        writer.write(b"partial ciphertext")
        raise RuntimeError("client went away")
    assert not storage.exists(key)
    assert every_file(storage.root) == []


def test_storage_byte_limit_is_enforced_while_streaming(storage: FileSystemStorage) -> None:
    key = new_object_key()
    with storage.open_write(key, max_bytes=10) as writer:
        writer.write(b"0123456789")
    with pytest.raises(UploadTooLarge), storage.open_write(new_object_key(), max_bytes=10) as w:
        w.write(b"01234")
        w.write(b"567890")
    assert every_file(storage.root) == [storage.path_for(key)]


def chunks_of(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_upload_over_limit_is_refused_and_leaves_nothing(
    storage: FileSystemStorage, tmp_path: Path
) -> None:
    keyring = load_keyring(tmp_path / "data", environ=NO_ENV)
    limit = 3 * 64 + 10
    stored = store_encrypted(
        storage, io.BytesIO(b"x" * limit), keyring, max_size=limit, chunk_size=64
    )
    assert stored.info.size == limit
    with pytest.raises(UploadTooLarge) as caught:
        store_encrypted(
            storage, chunks_of(b"y" * (limit + 1), 7), keyring, max_size=limit, chunk_size=64
        )
    assert caught.value.status == 413
    assert every_file(storage.root) == [storage.path_for(stored.object_key)]


def test_plaintext_never_reaches_the_storage_folder(
    storage: FileSystemStorage, tmp_path: Path
) -> None:
    source = tmp_path / "upload" / "drawing.dxf"
    source.parent.mkdir()
    # the marker sits inside chunks and across a 1 MiB chunk boundary
    body = (b"LINE 0 0 10 10 " + MARKER + b"\n") * 20_000
    cut = (1 << 20) - len(MARKER) // 2
    source.write_bytes(body[:cut] + MARKER + body[cut:])
    keyring = load_keyring(tmp_path / "data", environ=NO_ENV)
    with source.open("rb") as src:
        stored = store_encrypted(storage, src, keyring)
    with source.open("rb") as src:
        small = store_encrypted(storage, src, keyring, chunk_size=4096)
    files = every_file(storage.root)
    assert len(files) == 2
    for path in files:
        assert MARKER not in path.read_bytes()
        assert MARKER.decode() not in path.name
    for ref in (stored, small):
        plain = b"".join(open_decrypted(storage, ref.object_key, ref.wrapped_key, keyring))
        assert plain == source.read_bytes()


def test_rotation_keeps_every_stored_file_readable(
    storage: FileSystemStorage, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    keyring = load_keyring(data_dir, environ=NO_ENV)
    plains = [os.urandom(n) for n in (0, 1, 4096, 70_000)]
    stored = [store_encrypted(storage, io.BytesIO(p), keyring, chunk_size=4096) for p in plains]
    before = {path: path.read_bytes() for path in every_file(storage.root)}
    rotated = dict(
        rotate_master_key(data_dir, [(s.object_key, s.wrapped_key) for s in stored], environ=NO_ENV)
    )
    assert {path: path.read_bytes() for path in every_file(storage.root)} == before  # untouched
    fresh = load_keyring(data_dir, environ=NO_ENV)
    assert fresh.current.key_id != keyring.current.key_id
    for plain, ref in zip(plains, stored, strict=True):
        new_wrapped = rotated[ref.object_key]
        assert crypto.wrapped_key_id(new_wrapped) == fresh.current.key_id
        assert b"".join(open_decrypted(storage, ref.object_key, new_wrapped, fresh)) == plain


def test_download_reports_wrong_master_key_before_streaming(
    storage: FileSystemStorage, tmp_path: Path
) -> None:
    keyring = load_keyring(tmp_path / "a", environ=NO_ENV)
    other = load_keyring(tmp_path / "b", environ=NO_ENV)
    stored = store_encrypted(storage, io.BytesIO(b"bill of materials"), keyring)
    with pytest.raises(WrongMasterKey) as caught:
        open_decrypted(storage, stored.object_key, stored.wrapped_key, other)
    assert caught.value.params["key_id"] == keyring.current.key_id
    with pytest.raises(ObjectNotFound):
        open_decrypted(storage, new_object_key(), stored.wrapped_key, keyring)


def test_download_of_damaged_object_is_integrity_error(
    storage: FileSystemStorage, tmp_path: Path
) -> None:
    keyring = load_keyring(tmp_path / "data", environ=NO_ENV)
    stored = store_encrypted(storage, io.BytesIO(os.urandom(10_000)), keyring, chunk_size=4096)
    path = storage.path_for(stored.object_key)
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(VaultIntegrityError):
        b"".join(open_decrypted(storage, stored.object_key, stored.wrapped_key, keyring))


def test_stale_temp_files_can_be_swept(storage: FileSystemStorage) -> None:
    key = new_object_key()
    folder = storage.path_for(key).parent
    folder.mkdir()
    (folder / f".{key}.abcd.tmp").write_bytes(b"ciphertext from a crashed writer")
    assert storage.remove_stale_temp_files() == 1
    assert every_file(storage.root) == []


def test_every_vault_message_has_a_korean_translation() -> None:
    messages = [
        cls.title
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.VaultError)
    ]
    messages += [value for name, value in vars(crypto).items() if name.startswith("MSG_")]
    messages += [value for name, value in vars(keys).items() if name.startswith("MSG_")]
    assert len(messages) >= 12
    for message in messages:
        korean = translate(message, "ko")
        assert korean != message, message
        assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), message
        assert set(re.findall(r"{(\w+)}", korean)) == set(re.findall(r"{(\w+)}", message))
