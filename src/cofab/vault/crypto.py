"""Envelope encryption: one random data key per file version, wrapped by a master key.

Why envelope encryption: rotating the master key only re-wraps 49-byte data keys instead of
re-encrypting every stored file, and each file version is sealed by a key nobody else shares.
All primitives come from the ``cryptography`` package; this module only fixes the framing.
How the bytes are read and written (memory maps, read-ahead, write-back) is ``chunk_io``'s
business: this module is the format, which every stored object depends on.

Stored object format ("CFV1"), streamed in chunks so a 1 GiB file never sits in memory::

    object  = header || record_0 || record_1 || ... || record_{n-1}        (n >= 1)
    header  = b"CFV" || 0x01 (format version) || u32be(chunk_size) || nonce_prefix(8 random bytes)
    record_i = AES-256-GCM(data_key, nonce_i, plaintext_i, aad_i)  = ciphertext_i || tag_i(16)
    nonce_i = nonce_prefix || u32be(i)                                     (12 bytes)
    aad_i   = header || u32be(i) || final_i || context
    final_i = 0x01 for the last record, 0x00 otherwise

Every record but the last holds exactly ``chunk_size`` plaintext bytes; the last holds 0 to
``chunk_size`` bytes (an empty file is one empty final record).  The decoder knows which record
is last only from the end of the stream, so:

* a flipped bit anywhere fails that record's tag; a changed header fails every record (it is in
  every aad);
* swapping or reordering records fails (index in nonce and aad);
* cutting the stream at a record boundary fails, because the new last record was sealed with
  final = 0; cutting mid-record fails the short record's tag;
* appending a record (or any bytes) fails, because the old last record was sealed with final = 1;
* ``context`` (optional, e.g. the document-version id) binds the ciphertext to its database row.

Data keys are wrapped with AES Key Wrap (RFC 3394, NIST SP 800-38F) under the master key::

    wrapped = 0x01 (wrap format) || key_id (8 bytes) || AES-KW(master, data_key) (40 bytes)

``key_id`` is derived from the master key (HMAC), so the same key always has the same id whether
it comes from the environment or a file, and a reader knows which master key to ask for.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from cofab.core.i18n import N_
from cofab.vault import chunk_io
from cofab.vault.errors import UploadTooLarge, VaultIntegrityError, WrongMasterKey

KEY_BYTES = 32
TAG_BYTES = 16
MAGIC = b"CFV"
FORMAT_VERSION = 1
NONCE_PREFIX_BYTES = 8
HEADER_BYTES = len(MAGIC) + 1 + 4 + NONCE_PREFIX_BYTES
DEFAULT_CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 16
MAX_CHUNK_SIZE = 64 << 20  # bounds what a crafted header can make the decoder allocate
MAX_RECORDS = 1 << 32

WRAP_FORMAT = 1
KEY_ID_BYTES = 8
WRAPPED_KEY_BYTES = 1 + KEY_ID_BYTES + KEY_BYTES + 8

_KEY_ID_LABEL = b"cofab vault master key id v1"

MSG_TRUNCATED = N_("The stored file is truncated or empty; nothing was delivered.")
MSG_NOT_VAULT = N_("The stored file is not in the vault format (version {version}).")
MSG_BAD_WRAPPED = N_("The wrapped file key is damaged or does not match master key {key_id}.")
MSG_BAD_KEY = N_("A vault key must be exactly {expected} bytes, got {actual}.")


class Writable(Protocol):
    """Anything with ``write``: a file, ``BytesIO``, or a storage writer.

    ``write`` must consume the bytes before returning (files and ``BytesIO`` copy them); the
    encoder reuses its output buffer for the next record to keep memory flat.
    """

    def write(self, data: bytes | bytearray | memoryview, /) -> object: ...


@dataclass(frozen=True)
class MasterKey:
    """A master key and its id; ``repr`` never shows the secret so it cannot leak into logs."""

    key_id: str
    secret: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: bytes) -> MasterKey:
        _check_key(secret)
        return cls(key_id=master_key_id(secret), secret=bytes(secret))


@dataclass(frozen=True)
class EncryptedInfo:
    """What the database stores beside the object: sizes and the plaintext SHA-256 (hex)."""

    size: int
    sha256: str
    chunks: int
    ciphertext_size: int


def master_key_id(secret: bytes) -> str:
    """16 hex characters identifying a master key without revealing anything usable about it."""
    digest = hmac.new(secret, _KEY_ID_LABEL, hashlib.sha256).digest()
    return digest[:KEY_ID_BYTES].hex()


def new_data_key() -> bytes:
    """A fresh random 256-bit data key; one per file version, never reused."""
    return AESGCM.generate_key(bit_length=256)


def ciphertext_size(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Exact stored size, e.g. for an S3 Content-Length or a storage quota check."""
    records = max(1, -(-plaintext_size // chunk_size))
    return HEADER_BYTES + plaintext_size + records * TAG_BYTES


# --- key wrapping ---------------------------------------------------------------------------


def wrap_key(data_key: bytes, master: MasterKey) -> bytes:
    _check_key(data_key)
    body = aes_key_wrap(master.secret, data_key)
    return bytes([WRAP_FORMAT]) + bytes.fromhex(master.key_id) + body


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the master key a wrapped data key needs (the DB can index on it)."""
    if len(wrapped) != WRAPPED_KEY_BYTES or wrapped[0] != WRAP_FORMAT:
        raise VaultIntegrityError(MSG_BAD_WRAPPED, key_id="?")
    return wrapped[1 : 1 + KEY_ID_BYTES].hex()


def unwrap_key(wrapped: bytes, master: MasterKey) -> bytes:
    key_id = wrapped_key_id(wrapped)
    if key_id != master.key_id:
        raise WrongMasterKey(key_id=key_id)
    try:
        return aes_key_unwrap(master.secret, wrapped[1 + KEY_ID_BYTES :])
    except InvalidUnwrap:
        raise VaultIntegrityError(MSG_BAD_WRAPPED, key_id=key_id) from None


def rewrap(wrapped: bytes, old_master: MasterKey, new_master: MasterKey) -> bytes:
    """Move a data key under a new master key; the file itself is untouched."""
    return wrap_key(unwrap_key(wrapped, old_master), new_master)


# --- streamed encryption --------------------------------------------------------------------


def encrypt_stream(
    src: BinaryIO | Iterable[bytes],
    sink: Writable,
    data_key: bytes,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    context: bytes = b"",
    max_size: int | None = None,
) -> EncryptedInfo:
    """Encrypt ``src`` into ``sink`` chunk by chunk; memory is five chunks whatever the size.

    ``max_size`` is the plaintext upload limit: the stream is refused with ``UploadTooLarge``
    as soon as it is crossed, before the over-limit chunk reaches ``sink``; the caller's
    storage writer then discards the partial object.
    """
    _check_key(data_key)
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be within {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE}")
    header = MAGIC + bytes([FORMAT_VERSION]) + chunk_size.to_bytes(4, "big")
    header += secrets.token_bytes(NONCE_PREFIX_BYTES)
    prefix = header[-NONCE_PREFIX_BYTES:]
    aead = AESGCM(data_key)
    hasher = hashlib.sha256()
    out = bytearray(chunk_size + TAG_BYTES)
    out_view = memoryview(out)
    sink.write(header)
    size = 0
    index = 0
    reader = src if hasattr(src, "read") else chunk_io.IterableReader(src)
    with contextlib.closing(chunk_io.blocks(reader, chunk_size, hasher)) as blocks:
        for plain, final in blocks:
            size += len(plain)
            if max_size is not None and size > max_size:
                raise UploadTooLarge(limit_bytes=max_size)
            if index >= MAX_RECORDS:
                raise ValueError("file too large for the vault format")
            nonce = prefix + index.to_bytes(4, "big")
            aad = header + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00") + context
            sealed = out_view[: len(plain) + TAG_BYTES]
            aead.encrypt_into(nonce, plain, aad, sealed)
            sink.write(sealed)
            index += 1
    return EncryptedInfo(
        size=size,
        sha256=hasher.hexdigest(),
        chunks=index,
        ciphertext_size=HEADER_BYTES + size + index * TAG_BYTES,
    )


def decrypt_stream(
    src: BinaryIO, data_key: bytes, *, context: bytes = b""
) -> Generator[bytes, None, None]:
    """Yield plaintext chunks, each authenticated before it is yielded.

    A bad record raises ``VaultIntegrityError`` before any of its bytes leave; chunks already
    yielded were authentic but the file is incomplete, so a consumer writing to disk must use
    ``decrypt_to_path`` and a streaming HTTP response must abort the connection on the error.
    """
    _check_key(data_key)
    header = chunk_io.read_full(src, HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise VaultIntegrityError(MSG_TRUNCATED)
    if header[: len(MAGIC)] != MAGIC or header[len(MAGIC)] != FORMAT_VERSION:
        raise VaultIntegrityError(MSG_NOT_VAULT, version=header[len(MAGIC)])
    chunk_size = int.from_bytes(header[len(MAGIC) + 1 : len(MAGIC) + 5], "big")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise VaultIntegrityError()
    prefix = header[-NONCE_PREFIX_BYTES:]
    aead = AESGCM(data_key)
    with contextlib.closing(chunk_io.blocks(src, chunk_size + TAG_BYTES, None)) as records:
        for index, (record, final) in enumerate(records):
            if len(record) < TAG_BYTES:  # a stub shorter than a tag cannot be a record
                raise VaultIntegrityError(MSG_TRUNCATED)
            if index >= MAX_RECORDS:
                raise VaultIntegrityError()
            nonce = prefix + index.to_bytes(4, "big")
            aad = header + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00") + context
            try:
                plain = aead.decrypt(nonce, record, aad)
            except InvalidTag:
                raise VaultIntegrityError() from None
            yield plain


def decrypt_to_path(
    src: BinaryIO, data_key: bytes, dest: Path, *, context: bytes = b""
) -> EncryptedInfo:
    """Decrypt into ``dest`` so that ``dest`` appears only when every record verified.

    A record that fails authentication stops ``decrypt_stream`` with an error, which
    ``write_complete_file`` turns into removing its temporary file: no partial plaintext
    survives.
    """
    with contextlib.closing(decrypt_stream(src, data_key, context=context)) as chunks:
        written = chunk_io.write_complete_file(chunks, dest)
    return EncryptedInfo(
        size=written.size,
        sha256=written.sha256,
        chunks=written.chunks,
        ciphertext_size=HEADER_BYTES + written.size + written.chunks * TAG_BYTES,
    )


# --- helpers --------------------------------------------------------------------------------


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(MSG_BAD_KEY.format(expected=KEY_BYTES, actual=len(key)))
