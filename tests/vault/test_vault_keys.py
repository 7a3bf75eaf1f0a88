"""Master key source, key file safety and rotation without re-encrypting files."""

from __future__ import annotations

import base64
import io
import logging
import os
import stat
import threading
from pathlib import Path

import pytest

from cofab.vault.crypto import MasterKey, decrypt_stream, encrypt_stream, wrap_key, wrapped_key_id
from cofab.vault.errors import MasterKeyError, WrongMasterKey
from cofab.vault.keys import (
    ARCHIVE_DIR,
    ENV_MASTER_KEY,
    ENV_PREVIOUS_KEYS,
    MASTER_KEY_FILE,
    encode_key,
    load_keyring,
    rotate_master_key,
)

NO_ENV: dict[str, str] = {}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_use_generates_a_0600_key_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    keyring = load_keyring(data_dir, environ=NO_ENV)
    key_file = data_dir / MASTER_KEY_FILE
    assert mode_of(key_file) == 0o600
    secret = base64.b64decode(key_file.read_text())
    assert len(secret) == 32
    assert keyring.current == MasterKey.from_secret(secret)
    archived = data_dir / ARCHIVE_DIR / f"{keyring.current.key_id}.key"
    assert mode_of(archived) == 0o600
    assert mode_of(data_dir / ARCHIVE_DIR) == 0o700
    assert load_keyring(data_dir, environ=NO_ENV).current == keyring.current


def test_key_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_keyring(tmp_path, environ=NO_ENV)
    finally:
        os.umask(old)
    assert mode_of(tmp_path / MASTER_KEY_FILE) == 0o600


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_keyring(tmp_path, environ=NO_ENV)
    key_file = tmp_path / MASTER_KEY_FILE
    key_file.chmod(0o644)
    with pytest.raises(MasterKeyError) as caught:
        load_keyring(tmp_path, environ=NO_ENV)
    assert "chmod 600" in str(caught.value)
    assert "0644" in str(caught.value)


def test_concurrent_first_use_agrees_on_one_key(tmp_path: Path) -> None:
    ids: list[str] = []

    def load() -> None:
        ids.append(load_keyring(tmp_path, environ=NO_ENV).current.key_id)

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    assert len(list((tmp_path / ARCHIVE_DIR).iterdir())) == 1


def test_environment_key_wins_and_nothing_is_written(tmp_path: Path) -> None:
    secret = os.urandom(32)
    keyring = load_keyring(tmp_path, environ={ENV_MASTER_KEY: encode_key(secret)})
    assert keyring.current == MasterKey.from_secret(secret)
    assert keyring.from_environment
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "value",
    ["not base64!", encode_key(os.urandom(16)), "QUJD"],
    ids=["not-base64", "16-byte-key", "3-byte-key"],
)
def test_malformed_environment_key_is_a_clear_error_without_the_value(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(MasterKeyError) as caught:
        load_keyring(tmp_path, environ={ENV_MASTER_KEY: value})
    assert ENV_MASTER_KEY in str(caught.value)
    assert value not in str(caught.value)


def test_key_never_reaches_logs_or_reprs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    keyring = load_keyring(tmp_path, environ=NO_ENV)
    rotate_master_key(tmp_path, [], environ=NO_ENV)
    rotated = load_keyring(tmp_path, environ=NO_ENV)
    for ring in (keyring, rotated):
        encoded = encode_key(ring.current.secret)
        assert encoded not in caplog.text
        assert encoded not in repr(ring)
        assert ring.current.secret.hex() not in repr(ring)


def sealed_files(count: int, keyring_dir: Path) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """``count`` encrypted files: plaintexts, ciphertexts, wrapped keys (current master)."""
    keyring = load_keyring(keyring_dir, environ=NO_ENV)
    plains, blobs, wrapped = [], [], []
    for index in range(count):
        plain = f"spec sheet {index} ".encode() * (index * 40 + 1)
        data_key, wrapped_key = keyring.new_wrapped_data_key()
        sink = io.BytesIO()
        encrypt_stream(io.BytesIO(plain), sink, data_key, chunk_size=64)
        plains.append(plain)
        blobs.append(sink.getvalue())
        wrapped.append(wrapped_key)
    return plains, blobs, wrapped


def test_rotation_rewraps_every_key_and_every_file_stays_readable(tmp_path: Path) -> None:
    plains, blobs, wrapped = sealed_files(5, tmp_path)
    before = load_keyring(tmp_path, environ=NO_ENV).current
    refs = [f"version-{i}" for i in range(5)]
    rotated = rotate_master_key(tmp_path, zip(refs, wrapped, strict=True), environ=NO_ENV)
    after = load_keyring(tmp_path, environ=NO_ENV)
    assert after.current.key_id != before.key_id
    assert [ref for ref, _ in rotated] == refs
    assert {wrapped_key_id(w) for _, w in rotated} == {after.current.key_id}
    assert mode_of(tmp_path / MASTER_KEY_FILE) == 0o600
    for plain, blob, (_, new_wrapped) in zip(plains, blobs, rotated, strict=True):
        data_key = after.unwrap(new_wrapped)
        assert b"".join(decrypt_stream(io.BytesIO(blob), data_key)) == plain
    # a rolled-back transaction keeps the old wrapping: the archived old key still opens it
    assert after.unwrap(wrapped[0]) == after.unwrap(rotated[0][1])


def test_second_rotation_keeps_files_readable(tmp_path: Path) -> None:
    plains, blobs, wrapped = sealed_files(3, tmp_path)
    pairs = list(enumerate(wrapped))
    ids = {load_keyring(tmp_path, environ=NO_ENV).current.key_id}
    for _ in range(2):
        pairs = rotate_master_key(tmp_path, pairs, environ=NO_ENV)
        ids.add(load_keyring(tmp_path, environ=NO_ENV).current.key_id)
    assert len(ids) == 3
    keyring = load_keyring(tmp_path, environ=NO_ENV)
    for index, new_wrapped in pairs:
        data_key = keyring.unwrap(new_wrapped)
        assert b"".join(decrypt_stream(io.BytesIO(blobs[index]), data_key)) == plains[index]


def test_rotation_stops_before_changing_anything_if_a_key_cannot_be_opened(
    tmp_path: Path,
) -> None:
    _, _, wrapped = sealed_files(2, tmp_path)
    stranger = MasterKey.from_secret(os.urandom(32))
    foreign = wrap_key(os.urandom(32), stranger)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    with pytest.raises(WrongMasterKey) as caught:
        rotate_master_key(tmp_path, [(1, wrapped[0]), (2, foreign)], environ=NO_ENV)
    assert caught.value.params["key_id"] == stranger.key_id
    after = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert after == before


def test_environment_rotation_moves_keys_from_previous_to_current(tmp_path: Path) -> None:
    old_secret, new_secret = os.urandom(32), os.urandom(32)
    old_env = {ENV_MASTER_KEY: encode_key(old_secret)}
    old_ring = load_keyring(tmp_path, environ=old_env)
    data_key, wrapped = old_ring.new_wrapped_data_key()
    with pytest.raises(MasterKeyError):  # nothing to rotate while the old key is still current
        rotate_master_key(tmp_path, [("v1", wrapped)], environ=old_env)
    new_env = {ENV_MASTER_KEY: encode_key(new_secret), ENV_PREVIOUS_KEYS: encode_key(old_secret)}
    [(ref, moved)] = rotate_master_key(tmp_path, [("v1", wrapped)], environ=new_env)
    assert ref == "v1"
    assert wrapped_key_id(moved) == MasterKey.from_secret(new_secret).key_id
    only_new = load_keyring(tmp_path, environ={ENV_MASTER_KEY: encode_key(new_secret)})
    assert only_new.unwrap(moved) == data_key
    with pytest.raises(WrongMasterKey):
        only_new.unwrap(wrapped)
    assert list(tmp_path.iterdir()) == []  # environment keys are never written to disk
