"""Streamed envelope encryption: round trips, tamper detection, key wrapping."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from cofab.vault.crypto import (
    HEADER_BYTES,
    TAG_BYTES,
    WRAPPED_KEY_BYTES,
    MasterKey,
    ciphertext_size,
    decrypt_stream,
    decrypt_to_path,
    encrypt_stream,
    master_key_id,
    new_data_key,
    rewrap,
    unwrap_key,
    wrap_key,
    wrapped_key_id,
)
from cofab.vault.errors import UploadTooLarge, VaultIntegrityError, WrongMasterKey

CHUNK = 64  # small chunks make multi-record cases cheap; the format is the same at 1 MiB


def seal(data: bytes, key: bytes, chunk_size: int = CHUNK, context: bytes = b"") -> bytes:
    sink = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sink, key, chunk_size=chunk_size, context=context)
    return sink.getvalue()


def records(blob: bytes, chunk_size: int = CHUNK) -> tuple[bytes, list[bytes]]:
    """Split a sealed object into header and records (hand-made from the documented format)."""
    size = chunk_size + TAG_BYTES
    body = blob[HEADER_BYTES:]
    return blob[:HEADER_BYTES], [body[i : i + size] for i in range(0, len(body), size)]


def open_all(blob: bytes, key: bytes, context: bytes = b"") -> bytes:
    return b"".join(decrypt_stream(io.BytesIO(blob), key, context=context))


@pytest.mark.parametrize(
    ("size", "expected_records"),
    [(0, 1), (1, 1), (CHUNK - 1, 1), (CHUNK, 1), (2 * CHUNK, 2), (3 * CHUNK + 5, 4)],
)
def test_round_trip_small_chunks(size: int, expected_records: int) -> None:
    data = os.urandom(size)
    key = new_data_key()
    sink = io.BytesIO()
    info = encrypt_stream(io.BytesIO(data), sink, key, chunk_size=CHUNK)
    blob = sink.getvalue()
    assert info.size == size
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.chunks == expected_records
    assert len(blob) == HEADER_BYTES + size + expected_records * TAG_BYTES
    assert info.ciphertext_size == len(blob) == ciphertext_size(size, CHUNK)
    assert open_all(blob, key) == data


@pytest.mark.parametrize("size", [0, 1, 2 << 20, (2 << 20) + 1, (1 << 20) + 12345])
def test_round_trip_default_chunk_size(size: int) -> None:
    data = os.urandom(size)
    key = new_data_key()
    blob = seal(data, key, chunk_size=1 << 20)
    chunks = list(decrypt_stream(io.BytesIO(blob), key))
    assert b"".join(chunks) == data
    assert len(chunks) == max(1, -(-size // (1 << 20)))


def test_iterable_source_with_ragged_parts_gives_same_plaintext() -> None:
    data = os.urandom(1000)
    cuts = [0, 1, 1, 7, 64, 65, 300, 999, 1000]
    parts = [data[a:b] for a, b in itertools.pairwise(cuts)]
    key = new_data_key()
    sink = io.BytesIO()
    info = encrypt_stream(parts, sink, key, chunk_size=CHUNK)
    assert info.chunks == 16  # ceil(1000 / 64)
    assert open_all(sink.getvalue(), key) == data


def test_same_plaintext_never_gives_same_ciphertext_and_never_shows_through() -> None:
    data = b"MARKER-" * 100
    key = new_data_key()
    first, second = seal(data, key), seal(data, key)
    assert first != second  # random nonce prefix per file
    assert b"MARKER" not in first


def test_context_binds_ciphertext_to_its_owner() -> None:
    key = new_data_key()
    blob = seal(b"drawing rev C", key, context=b"version:41")
    assert open_all(blob, key, context=b"version:41") == b"drawing rev C"
    with pytest.raises(VaultIntegrityError):
        open_all(blob, key, context=b"version:42")


def test_upload_limit_counts_plaintext() -> None:
    key = new_data_key()
    encrypt_stream(io.BytesIO(b"x" * 100), io.BytesIO(), key, chunk_size=CHUNK, max_size=100)
    with pytest.raises(UploadTooLarge) as caught:
        encrypt_stream(io.BytesIO(b"x" * 101), io.BytesIO(), key, chunk_size=CHUNK, max_size=100)
    assert caught.value.status == 413
    assert caught.value.limit_bytes == 100
    assert str(UploadTooLarge(limit_bytes=20 << 20)) == "The upload is larger than 20 MB."


# --- tampering ------------------------------------------------------------------------------


def flip(blob: bytes, position: int) -> bytes:
    return blob[:position] + bytes([blob[position] ^ 0x01]) + blob[position + 1 :]


def tampered_variants() -> Iterator[tuple[str, bytes, bytes]]:
    """(name, original plaintext, tampered object) for every attack the format must catch."""
    key = FIXED_KEY
    data = bytes(range(256)) * 1  # 4 full records of 64 bytes
    odd = data + b"tail!"  # 4 full records + a 5-byte final record
    blob = seal(data, key)
    header, recs = records(blob)
    odd_header, odd_recs = records(seal(odd, key))
    yield "flip byte in first record", data, flip(blob, HEADER_BYTES + 3)
    yield "flip byte in a tag", data, flip(blob, HEADER_BYTES + CHUNK + 2)
    yield "flip byte in header chunk size", data, flip(blob, 6)
    yield "flip byte in nonce prefix", data, flip(blob, HEADER_BYTES - 1)
    yield "swap records 1 and 2", data, header + recs[0] + recs[2] + recs[1] + recs[3]
    yield "drop the first record", data, header + b"".join(recs[1:])
    yield "truncate last record entirely", data, header + b"".join(recs[:-1])
    yield "truncate inside last record", odd, odd_header + b"".join(odd_recs)[:-3]
    yield "truncate to header only", data, header
    yield "truncate inside header", data, header[:10]
    yield "append a copy of a record", data, blob + recs[1]
    yield "append a few bytes", data, blob + b"\x00" * 20
    yield "replay final record of other file", odd, odd_header + b"".join(odd_recs[:-1]) + recs[-1]


FIXED_KEY = new_data_key()
VARIANTS = list(tampered_variants())


@pytest.mark.parametrize(("name", "plain", "blob"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_tampering_is_detected(name: str, plain: bytes, blob: bytes) -> None:
    with pytest.raises(VaultIntegrityError):
        open_all(blob, FIXED_KEY)


@pytest.mark.parametrize(("name", "plain", "blob"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_tampering_leaves_no_file_behind(
    tmp_path: Path, name: str, plain: bytes, blob: bytes
) -> None:
    dest = tmp_path / "out" / "drawing.png"
    dest.parent.mkdir()
    with pytest.raises(VaultIntegrityError):
        decrypt_to_path(io.BytesIO(blob), FIXED_KEY, dest)
    assert list(dest.parent.iterdir()) == []


def test_only_authentic_chunks_are_yielded_before_the_error() -> None:
    data = os.urandom(4 * CHUNK)
    key = new_data_key()
    header, recs = records(seal(data, key))
    stream = decrypt_stream(io.BytesIO(header + recs[0] + recs[2] + recs[1] + recs[3]), key)
    assert next(stream) == data[:CHUNK]
    with pytest.raises(VaultIntegrityError):
        next(stream)


def test_wrong_data_key_is_an_integrity_error(tmp_path: Path) -> None:
    blob = seal(b"secret process sheet", new_data_key())
    with pytest.raises(VaultIntegrityError):
        decrypt_to_path(io.BytesIO(blob), new_data_key(), tmp_path / "sheet.txt")
    assert list(tmp_path.iterdir()) == []


def test_decrypt_to_path_writes_whole_file_and_reports_digest(tmp_path: Path) -> None:
    data = os.urandom(5 * CHUNK + 1)
    key = new_data_key()
    dest = tmp_path / "bom.xlsx"
    dest.write_bytes(b"old content is replaced atomically")
    info = decrypt_to_path(io.BytesIO(seal(data, key)), key, dest)
    assert dest.read_bytes() == data
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.chunks == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bom.xlsx"]


def test_memory_stays_flat_while_streaming_32_mib(tmp_path: Path) -> None:
    """Peak Python allocations stay a few 1 MiB chunks, not the 32 MiB file (bench: real RSS)."""
    size = 32 << 20
    key = new_data_key()
    piece = os.urandom(1 << 16)

    def source() -> Iterator[bytes]:
        for _ in range(size // len(piece)):
            yield piece

    blob_path = tmp_path / "object"
    with blob_path.open("wb") as sink:
        tracemalloc.start()
        try:
            info = encrypt_stream(source(), sink, key)
            _, encrypt_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    null = _NullSink()
    with blob_path.open("rb") as src:
        tracemalloc.start()
        try:
            for chunk in decrypt_stream(src, key):
                null.write(chunk)
            _, decrypt_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert info.size == null.count == size
    assert encrypt_peak < 8 << 20  # a read-ahead pool of four chunks + one output chunk
    assert decrypt_peak < 8 << 20


class _NullSink:
    def __init__(self) -> None:
        self.count = 0

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        self.count += len(data)
        return len(data)


# --- key wrapping ---------------------------------------------------------------------------


def test_wrap_unwrap_round_trip_and_format() -> None:
    master = MasterKey.from_secret(os.urandom(32))
    data_key = new_data_key()
    wrapped = wrap_key(data_key, master)
    assert len(wrapped) == WRAPPED_KEY_BYTES == 49
    assert wrapped_key_id(wrapped) == master.key_id
    assert data_key not in wrapped
    assert unwrap_key(wrapped, master) == data_key


def test_wrong_master_key_names_the_key_it_needs() -> None:
    right = MasterKey.from_secret(os.urandom(32))
    wrong = MasterKey.from_secret(os.urandom(32))
    wrapped = wrap_key(new_data_key(), right)
    with pytest.raises(WrongMasterKey) as caught:
        unwrap_key(wrapped, wrong)
    assert caught.value.params["key_id"] == right.key_id
    assert right.key_id in str(caught.value)


def test_same_id_but_damaged_wrapped_key_is_integrity_error() -> None:
    master = MasterKey.from_secret(os.urandom(32))
    wrapped = wrap_key(new_data_key(), master)
    with pytest.raises(VaultIntegrityError):
        unwrap_key(flip(wrapped, 20), master)
    with pytest.raises(VaultIntegrityError):
        unwrap_key(wrapped[:-1], master)


def test_rewrap_moves_key_to_new_master() -> None:
    old = MasterKey.from_secret(os.urandom(32))
    new = MasterKey.from_secret(os.urandom(32))
    data_key = new_data_key()
    moved = rewrap(wrap_key(data_key, old), old, new)
    assert wrapped_key_id(moved) == new.key_id
    assert unwrap_key(moved, new) == data_key
    with pytest.raises(WrongMasterKey):
        unwrap_key(moved, old)


def test_master_key_id_is_stable_and_secret_never_in_repr() -> None:
    secret = os.urandom(32)
    master = MasterKey.from_secret(secret)
    assert master.key_id == master_key_id(secret) == MasterKey.from_secret(secret).key_id
    assert len(master.key_id) == 16
    assert master.key_id != master_key_id(os.urandom(32))
    text = repr(master)
    assert secret.hex() not in text and repr(secret) not in text and "secret" not in text


def test_keys_must_be_256_bit() -> None:
    with pytest.raises(ValueError):
        MasterKey.from_secret(os.urandom(16))
    with pytest.raises(ValueError):
        encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), os.urandom(16))


def test_source_failure_mid_stream_propagates_and_stops_the_reader() -> None:
    baseline = threading.active_count()

    def flaky() -> Iterator[bytes]:
        yield b"a" * 200
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        encrypt_stream(flaky(), _NullSink(), new_data_key(), chunk_size=CHUNK)
    assert threading.active_count() == baseline


def test_abandoned_download_stops_its_reader() -> None:
    key = new_data_key()
    blob = seal(os.urandom(10 * CHUNK), key)
    baseline = threading.active_count()
    stream = decrypt_stream(io.BytesIO(blob), key)
    next(stream)
    assert threading.active_count() == baseline + 1
    stream.close()
    assert threading.active_count() == baseline
