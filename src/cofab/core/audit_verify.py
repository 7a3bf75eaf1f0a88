"""Full audit verification: seal what is pending, walk the chain with its seals, then hold the
chain against every signed checkpoint.

What this proves: every sealed entry is unchanged since it was sealed (its HMAC seal matches and
its hash links to the one before), no position between 1 and the head is missing, and every
checkpointed position still holds the hash it had when it was signed, so entries cut off the end
or a chain rebuilt from some point are caught. What it cannot prove: that an entry was ever
written (a change made straight in the database, bypassing cofab, leaves none), nor anything
against someone who holds the keys in the data folder — for that, verify against an exported
checkpoint copy kept by an auditor, whose public key they hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from cofab.core import audit_checkpoint, audit_keys
from cofab.core.audit import ChainReport, verify_chain
from cofab.core.audit_checkpoint import Checkpoint, CheckpointFile
from cofab.core.audit_sealer import seal_pending
from cofab.core.i18n import N_, translate
from cofab.db.session import unit_of_work

BAD_CHECKPOINT = N_("checkpoint line {line} is not validly signed: the checkpoint file is refused")
TRUNCATED = N_(
    "entries from {first} on are missing: the checkpoint of {at} covers entries up to {seq}"
)
REWRITTEN = N_(
    "entry {seq} does not match the checkpoint of {at}: entries from {first} to {seq} were "
    "removed or rewritten"
)
FEWER = N_("{count} sealed entries, fewer than the {expected} of the checkpoint of {at}")


@dataclass(frozen=True)
class AuditVerdict:
    chain: ChainReport | None
    checkpoints: CheckpointFile | None
    reason: str | None = None
    reason_params: dict[str, object] = field(default_factory=dict)
    first_broken_seq: int | None = None
    first_broken_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def checked(self) -> int:
        return self.chain.checked if self.chain else 0

    @property
    def latest(self) -> Checkpoint | None:
        return self.checkpoints.latest if self.checkpoints else None

    def reason_text(self, locale: str) -> str | None:
        return translate(self.reason, locale, **self.reason_params) if self.reason else None

    def message(self, locale: str) -> str:
        """One line for the CLI, the page and the API."""
        if not self.ok:
            if self.first_broken_seq is None:
                return translate(
                    "Audit log check failed: {reason}", locale, reason=self.reason_text(locale)
                )
            return translate(
                "Audit chain broken at entry {seq}: {reason}",
                locale,
                seq=self.first_broken_seq,
                reason=self.reason_text(locale),
            )
        text = translate("Audit chain intact: {n} entries checked.", locale, n=self.checked)
        latest = self.latest
        if latest is None:
            return f"{text} {translate('No signed checkpoint yet.', locale)}"
        count = len(self.checkpoints.checkpoints) if self.checkpoints else 0
        return f"{text} " + translate(
            "{n} signed checkpoints match; the latest covers entries up to {seq} ({at}).",
            locale,
            n=count,
            seq=latest.seq,
            at=latest.at,
        )


def _fail(
    chain: ChainReport | None,
    checkpoints: CheckpointFile | None,
    reason: str,
    broken_seq: int | None = None,
    broken_id: int | None = None,
    /,
    **params: object,
) -> AuditVerdict:
    return AuditVerdict(chain, checkpoints, reason, dict(params), broken_seq, broken_id)


def verify_audit(
    engine: Engine, data_dir: Path, *, checkpoint_file: Path | None = None
) -> AuditVerdict:
    """Raises OSError/ValueError only for an unreadable ``checkpoint_file``; every finding about
    the log itself is in the verdict."""
    checkpoints = (
        audit_checkpoint.read_file(checkpoint_file, data_dir)
        if checkpoint_file is not None
        else audit_checkpoint.read_local(data_dir)
    )
    if checkpoints.first_bad_line is not None:
        return _fail(None, checkpoints, BAD_CHECKPOINT, line=checkpoints.first_bad_line)
    seal_pending(engine, data_dir)
    key = audit_keys.seal_key(data_dir)
    with unit_of_work(engine) as session:
        chain = verify_chain(
            session,
            seal_key=key,
            remember=frozenset(c.seq for c in checkpoints.checkpoints),
        )
    if not chain.ok:
        return _fail(
            chain,
            checkpoints,
            chain.reason or "",
            chain.first_broken_seq,
            chain.first_broken_id,
            **chain.reason_params,
        )
    matched = 0
    for checkpoint in sorted(checkpoints.checkpoints, key=lambda c: c.seq):
        if checkpoint.seq > chain.head_seq:
            first = chain.head_seq + 1
            return _fail(
                chain, checkpoints, TRUNCATED, first, None,
                first=first, at=checkpoint.at, seq=checkpoint.seq,
            )  # fmt: skip
        if chain.hashes_at.get(checkpoint.seq) != checkpoint.hash:
            return _fail(
                chain, checkpoints, REWRITTEN, checkpoint.seq, None,
                seq=checkpoint.seq, at=checkpoint.at, first=matched + 1,
            )  # fmt: skip
        if chain.checked < checkpoint.count:
            return _fail(
                chain, checkpoints, FEWER, None, None,
                count=chain.checked, expected=checkpoint.count, at=checkpoint.at,
            )  # fmt: skip
        matched = checkpoint.seq
    return AuditVerdict(chain, checkpoints)
