"""Passwords (argon2id), personal API tokens (hashed at rest) and CSRF tokens.

CSRF tokens are HMACs of the session id, so no server-side store is needed and a token from one
session is useless in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
TOKEN_PREFIX = "cofab_"
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Burn the same time for an unknown e-mail as for a wrong password, so login timing does not
# reveal which e-mails exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    """SHA-256 is enough here: tokens are 256-bit random, so there is nothing to brute-force."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret_key: str, session_id: str) -> str:
    return hmac.new(secret_key.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret_key: str, session_id: str, presented: str | None) -> bool:
    if not presented or not session_id:
        return False
    return hmac.compare_digest(csrf_token(secret_key, session_id), presented)
