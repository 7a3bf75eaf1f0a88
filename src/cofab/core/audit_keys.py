"""The audit log's two keys, kept in the data folder and never in the database.

Someone who can write to the database can edit an entry and recompute every hash after it; what
they cannot do without these files is make a matching HMAC seal (``audit-seal.key``) or sign a
checkpoint (``audit-signing.pem``, Ed25519). Both are created on first use with mode 0600, written
to a temporary file and linked into place, so two processes starting at once agree on one key and
nobody ever reads a half-written one. Key material is never logged or printed; only the public
key is exportable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEAL_KEY_FILE = "audit-seal.key"
SIGNING_KEY_FILE = "audit-signing.pem"


def _read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def seal_key(data_dir: Path) -> bytes:
    """The HMAC key that seals each chained entry (32 random bytes, stored as hex)."""
    raw = _read_or_create(data_dir / SEAL_KEY_FILE, lambda: secrets.token_hex(32).encode())
    return bytes.fromhex(raw.decode("ascii").strip())


def signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """The Ed25519 key that signs checkpoints."""
    raw = _read_or_create(
        data_dir / SIGNING_KEY_FILE,
        lambda: Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    key = serialization.load_pem_private_key(raw, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{SIGNING_KEY_FILE} does not hold an Ed25519 key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint, so a checkpoint says which key signed it."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]
