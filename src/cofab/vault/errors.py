"""Errors raised by the vault's crypto, key and storage layers.

They are ``CofabError`` subclasses so a route renders them as problem+json / a page message in
the reader's language with no extra mapping; none of them is a 500, because the issue lists a
corrupted ciphertext and a wrong master key as bad input that needs a clear answer.
Messages never contain key material.
"""

from __future__ import annotations

from cofab.core.errors import CofabError, PayloadTooLarge
from cofab.core.i18n import N_


class VaultError(CofabError):
    """Base of every vault error, so callers can catch the domain in one clause."""

    status = 422
    code = "vault_error"
    title = N_("The document vault could not complete the request.")


class VaultIntegrityError(VaultError):
    """Ciphertext or wrapped key failed authentication: tampered, truncated or wrong key."""

    status = 422
    code = "vault_integrity"
    title = N_(
        "The stored file failed its integrity check (it was altered, truncated or the key is "
        "wrong); nothing was delivered."
    )


class WrongMasterKey(VaultError):
    """The wrapped data key names a master key that is not the one (or not among those) given."""

    status = 422
    code = "vault_wrong_master_key"
    title = N_(
        "This file's key is wrapped with master key {key_id}, which is not available here: "
        "restore that key file or set the right COFAB_MASTER_KEY."
    )


class MasterKeyError(VaultError):
    """The master key source itself is unusable (bad format, unsafe file mode, unreadable)."""

    status = 422
    code = "vault_master_key"
    title = N_("The master key could not be loaded.")


class UploadTooLarge(PayloadTooLarge):
    """The streamed upload passed the configured limit; whatever was written has been removed."""

    code = "vault_upload_too_large"

    def __init__(self, *, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        super().__init__(limit_mb=f"{limit_bytes / (1 << 20):g}")  # MB = MiB, as core.uploads


class ObjectNotFound(VaultError):
    """The storage holds no object under this key (deleted, or the database points nowhere)."""

    status = 404
    code = "vault_object_not_found"
    title = N_("The stored file {object_key} was not found.")


class InvalidObjectKey(VaultError):
    """Object keys are random ids we generate; anything else is refused before touching disk."""

    status = 422
    code = "vault_invalid_object_key"
    title = N_("Invalid storage object key.")


class WatermarkTooLarge(VaultError):
    """The document must be stamped, but this file is over the in-memory stamping limit.

    Refused rather than delivered unstamped: the owner asked for every PDF/PNG copy to name its
    downloader. Turning the document's watermark off (an audited edit) releases the file.
    """

    status = 422
    code = "vault_watermark_too_large"
    title = N_(
        "Downloads of this document are watermarked, but version {number} is larger than the "
        "{limit_mb} MB that can be watermarked; nothing was delivered."
    )


class WatermarkFailed(VaultError):
    """The file claims to be a PDF/PNG but cannot be opened to stamp it (damaged, encrypted)."""

    status = 422
    code = "vault_watermark_failed"
    title = N_(
        "Downloads of this document are watermarked, but version {number} could not be opened "
        "as a PDF or PNG to stamp it (it may be damaged or password-protected); nothing was "
        "delivered."
    )
