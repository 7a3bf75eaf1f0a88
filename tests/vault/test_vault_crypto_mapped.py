"""Regular files are encrypted and decrypted through a memory map; these pin that path down.

The in-memory tests in ``test_vault_crypto.py`` go through the read-ahead thread (``BytesIO``
and iterables cannot be mapped); the cases here use real files so the mapped path gets the
same framing, tampering, limit and clean-up checks, plus the two things only it can get
wrong: the file position and the process's memory (pages must be handed back as it goes).
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pytest

from cofab.vault import crypto
from cofab.vault.crypto import (
    HEADER_BYTES,
    TAG_BYTES,
    decrypt_stream,
    decrypt_to_path,
    encrypt_stream,
    new_data_key,
)
from cofab.vault.errors import UploadTooLarge, VaultIntegrityError

CHUNK = 64


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def seal_file(
    source: Path, target: Path, key: bytes, chunk_size: int = CHUNK
) -> crypto.EncryptedInfo:
    with source.open("rb") as src, target.open("wb") as sink:
        return encrypt_stream(src, sink, key, chunk_size=chunk_size)


def mapped_paths() -> list[str]:
    """Paths the process has mapped now (Linux); the test using it is skipped elsewhere."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return [line.split(maxsplit=5)[-1].strip() for line in maps if line.count(" ") >= 5]


@pytest.mark.parametrize(
    ("size", "expected_records"),
    [(1, 1), (CHUNK - 1, 1), (CHUNK, 1), (CHUNK + 1, 2), (2 * CHUNK, 2), (3 * CHUNK + 5, 4)],
)
def test_file_round_trip_has_the_same_framing_as_a_stream(
    tmp_path: Path, size: int, expected_records: int
) -> None:
    data = os.urandom(size)
    key = new_data_key()
    info = seal_file(write(tmp_path / "plain", data), tmp_path / "object", key)
    blob = (tmp_path / "object").read_bytes()
    assert info.size == size and info.chunks == expected_records
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert len(blob) == info.ciphertext_size == HEADER_BYTES + size + expected_records * TAG_BYTES
    # Decrypt from the file (mapped) and from memory (read-ahead): both give the plaintext.
    with (tmp_path / "object").open("rb") as src:
        assert b"".join(decrypt_stream(src, key)) == data
    assert b"".join(decrypt_stream(io.BytesIO(blob), key)) == data


def test_file_read_from_its_position_and_left_at_its_end(tmp_path: Path) -> None:
    data = os.urandom(5 * CHUNK + 3)
    key = new_data_key()
    source = write(tmp_path / "plain", b"HEADER-NOT-MINE" + data)
    with source.open("rb") as src, (tmp_path / "object").open("wb") as sink:
        src.seek(len(b"HEADER-NOT-MINE"))
        info = encrypt_stream(src, sink, key, chunk_size=CHUNK)
        assert src.tell() == len(b"HEADER-NOT-MINE") + len(data)
        assert src.read() == b""
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    with (tmp_path / "object").open("rb") as src:
        assert b"".join(decrypt_stream(src, key)) == data


def test_empty_file_is_one_empty_record(tmp_path: Path) -> None:
    key = new_data_key()
    info = seal_file(write(tmp_path / "plain", b""), tmp_path / "object", key)
    assert (info.size, info.chunks) == (0, 1)
    with (tmp_path / "object").open("rb") as src:
        assert list(decrypt_stream(src, key)) == [b""]


@pytest.mark.parametrize(
    "damage",
    ["flip-last-byte", "flip-first-record", "cut-last-record", "append", "swap-records"],
)
def test_damaged_object_file_is_refused_and_no_plaintext_is_left(
    tmp_path: Path, damage: str
) -> None:
    data = os.urandom(4 * CHUNK)
    key = new_data_key()
    seal_file(write(tmp_path / "plain", data), tmp_path / "object", key)
    blob = bytearray((tmp_path / "object").read_bytes())
    record = CHUNK + TAG_BYTES
    if damage == "flip-last-byte":
        blob[-1] ^= 1
    elif damage == "flip-first-record":
        blob[HEADER_BYTES + 3] ^= 0x80
    elif damage == "cut-last-record":
        del blob[-record:]
    elif damage == "append":
        blob += blob[-record:]
    else:
        first = slice(HEADER_BYTES, HEADER_BYTES + record)
        second = slice(HEADER_BYTES + record, HEADER_BYTES + 2 * record)
        blob[first], blob[second] = blob[second], blob[first]
    write(tmp_path / "object", bytes(blob))
    out = tmp_path / "out"
    out.mkdir()
    with (tmp_path / "object").open("rb") as src, pytest.raises(VaultIntegrityError):
        decrypt_to_path(src, key, out / "drawing.dwg")
    assert list(out.iterdir()) == []


def test_upload_limit_applies_to_a_file_and_releases_the_map(tmp_path: Path) -> None:
    source = write(tmp_path / "plain", b"x" * (10 * CHUNK))
    baseline = threading.active_count()
    with source.open("rb") as src, pytest.raises(UploadTooLarge):
        encrypt_stream(src, io.BytesIO(), new_data_key(), chunk_size=CHUNK, max_size=3 * CHUNK)
    assert threading.active_count() == baseline
    if os.path.exists("/proc/self/maps"):
        assert str(source) not in mapped_paths()


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs Linux /proc")
def test_abandoned_file_download_unmaps_the_object(tmp_path: Path) -> None:
    key = new_data_key()
    seal_file(write(tmp_path / "plain", os.urandom(10 * CHUNK)), tmp_path / "object", key)
    with (tmp_path / "object").open("rb") as src:
        stream = decrypt_stream(src, key)
        next(stream)
        assert str(tmp_path / "object") in mapped_paths()
        stream.close()
        assert str(tmp_path / "object") not in mapped_paths()


def mapped_rss_kib(path: Path) -> int:
    """Resident KiB of ``path``'s mapping in this process, from /proc/self/smaps."""
    total = 0
    inside = False
    with open("/proc/self/smaps", encoding="utf-8") as smaps:
        for line in smaps:
            first = line.split(maxsplit=1)[0]
            if "-" in first and not first.endswith(":"):
                inside = line.rstrip().endswith(str(path))
            elif inside and first == "Rss:":
                total += int(line.split()[1])
    return total


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="needs Linux /proc")
def test_mapped_pages_are_handed_back_while_streaming(tmp_path: Path) -> None:
    """Without ``MADV_DONTNEED`` the map's RSS would grow with every chunk, to 40 MiB."""
    key = new_data_key()
    chunk = 1 << 20
    source = write(tmp_path / "plain", os.urandom(40 * chunk))
    seal_file(source, tmp_path / "object", key, chunk_size=chunk)
    with (tmp_path / "object").open("rb") as src:
        peak = 0
        for index, _plain in enumerate(decrypt_stream(src, key)):
            if index >= 10:
                peak = max(peak, mapped_rss_kib(tmp_path / "object"))
    assert 0 < peak <= 16 << 10  # KiB: one 8 MiB drop step plus a few chunks in flight
