"""Signed checkpoints of the sealed audit chain: what catches truncation and wholesale rewrites.

A hash chain alone proves only that the rows that are there fit together: delete the last five
entries and what is left is still a perfect chain. A checkpoint records the chain's head (``seq``,
its ``hash``) and the entry count at a moment, signed with an Ed25519 key kept in the data folder.
Checkpoints are appended as JSON lines to ``audit-checkpoints.jsonl`` beside the key, outside the
database, and can be exported with the public key so an auditor keeps a copy nobody at the site
can change. Verification then proves that every checkpointed position still holds the hash it had.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit_keys
from cofab.core.audit import AuditEntry, chain_head
from cofab.db.base import utcnow

CHECKPOINTS_FILE = "audit-checkpoints.jsonl"
EXPORT_KEEP = 10


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    count: int
    at: str
    key_id: str
    signature: str = ""

    def signed_bytes(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    def signature_ok(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class CheckpointFile:
    """The checkpoints read from one file, with the public key they are checked against and the
    line number of the first one that is unreadable or not signed by that key."""

    checkpoints: tuple[Checkpoint, ...]
    public_key: Ed25519PublicKey
    first_bad_line: int | None = None

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: c.seq, default=None)


def checkpoints_path(data_dir: Path) -> Path:
    return data_dir / CHECKPOINTS_FILE


def has_checkpoints(data_dir: Path) -> bool:
    path = checkpoints_path(data_dir)
    return path.exists() and path.stat().st_size > 0


def sealed_head(session: Session) -> tuple[int, str, int] | None:
    """(seq, hash, sealed entry count) of the chain's head, or None while nothing is sealed."""
    head = chain_head(session)
    if head is None:
        return None
    count = session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.seq.is_not(None))
    ).scalar_one()
    return head[0], head[1], int(count)


def sign_checkpoint(data_dir: Path, *, seq: int, head_hash: str, count: int) -> Checkpoint:
    key = audit_keys.signing_key(data_dir)
    unsigned = Checkpoint(
        seq=seq,
        hash=head_hash,
        count=count,
        at=utcnow().isoformat(timespec="seconds"),
        key_id=audit_keys.key_id(key.public_key()),
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def append_checkpoint(data_dir: Path, checkpoint: Checkpoint) -> None:
    """One line per checkpoint; O_APPEND keeps concurrent writers' lines whole."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(checkpoints_path(data_dir), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(checkpoint.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _parse(raw: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        seq=int(raw["seq"]),
        hash=str(raw["hash"]),
        count=int(raw["count"]),
        at=str(raw["at"]),
        key_id=str(raw["key_id"]),
        signature=str(raw["signature"]),
    )


def _checked(lines: Iterable[tuple[int, Any]], public_key: Ed25519PublicKey) -> CheckpointFile:
    good: list[Checkpoint] = []
    first_bad: int | None = None
    for number, raw in lines:
        try:
            checkpoint = _parse(raw)
        except (KeyError, TypeError, ValueError):
            checkpoint = None
        if checkpoint is None or not checkpoint.signature_ok(public_key):
            first_bad = first_bad or number
            continue
        good.append(checkpoint)
    return CheckpointFile(tuple(good), public_key, first_bad)


def read_local(data_dir: Path) -> CheckpointFile:
    """The data folder's checkpoints, checked against the data folder's own key."""
    public_key = audit_keys.signing_key(data_dir).public_key()
    path = checkpoints_path(data_dir)
    if not path.exists():
        return CheckpointFile((), public_key)
    return _checked(_json_lines(path.read_text(encoding="utf-8")), public_key)


def read_file(path: Path, data_dir: Path) -> CheckpointFile:
    """An auditor's copy: an export (public key + checkpoints, trusted as given) or a JSON-lines
    file of checkpoints (checked against the data folder's key). Raises ValueError when the file
    is neither."""
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and "public_key" in document:
        public_key = audit_keys.load_public_key(str(document["public_key"]))
        items = document.get("checkpoints")
        if not isinstance(items, list):
            raise ValueError("no checkpoints in the export")
        return _checked(enumerate(items, start=1), public_key)
    public_key = audit_keys.signing_key(data_dir).public_key()
    return _checked(_json_lines(text), public_key)


def _json_lines(text: str) -> list[tuple[int, Any]]:
    lines: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append((number, json.loads(line)))
        except json.JSONDecodeError:
            lines.append((number, None))
    return lines


def export_document(data_dir: Path, checkpoints: Sequence[Checkpoint]) -> dict[str, Any]:
    public_key = audit_keys.signing_key(data_dir).public_key()
    latest = sorted(checkpoints, key=lambda c: c.seq)[-EXPORT_KEEP:]
    return {
        "format": "cofab-audit-checkpoints/1",
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "key_id": audit_keys.key_id(public_key),
        "public_key": audit_keys.public_key_pem(public_key),
        "checkpoints": [asdict(c) for c in latest],
    }
