"""What a new password must be: long enough, and not on a list of common or breached passwords.

The list is the top 100,000 of the "10 million passwords" collection as kept in SecLists (see
``common_passwords.NOTICE.md``). Entries shorter than the minimum length are refused by length
already, so only the longer ones are held in memory (a few thousand strings, read once).

The public demo password is published in the README and on the login page, so it counts as
breached for every account except the demo accounts themselves. Those are recognised by their
e-mail under the reserved ``.example`` domain (RFC 2606): no real person can receive mail there,
so no real account can have such an address by accident.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from cofab.core.errors import FieldProblem
from cofab.core.i18n import N_
from cofab.core.security import MIN_PASSWORD_LENGTH

COMMON_PASSWORDS_FILE = "common_passwords.txt.gz"
# Passwords cofab itself publishes (the demo data's); tests check the demo's is listed here.
PUBLISHED_PASSWORDS = frozenset({"cofab-demo-2026"})
DEMO_EMAIL_SUFFIX = ".example"
MAX_PASSWORD_LENGTH = 200


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    raw = resources.files("cofab.accounts").joinpath(COMMON_PASSWORDS_FILE).read_bytes()
    words = gzip.decompress(raw).decode("utf-8").splitlines()
    return frozenset(w.lower() for w in words if len(w) >= MIN_PASSWORD_LENGTH)


def is_demo_account(email: str) -> bool:
    return email.strip().lower().endswith(DEMO_EMAIL_SUFFIX)


def password_problems(password: str, *, email: str, field: str = "password") -> list[FieldProblem]:
    """Every reason ``password`` may not be used for the account ``email`` (empty when fine)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            FieldProblem(
                field, N_("Must be at least {min} characters."), {"min": MIN_PASSWORD_LENGTH}
            )
        ]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [
            FieldProblem(
                field, N_("Must be at most {max} characters."), {"max": MAX_PASSWORD_LENGTH}
            )
        ]
    folded = password.strip().lower()
    if folded in common_passwords():
        return [
            FieldProblem(
                field,
                N_("This password is on a list of common or breached passwords; choose another."),
            )
        ]
    if folded in PUBLISHED_PASSWORDS and not is_demo_account(email):
        return [
            FieldProblem(
                field,
                N_("This is the public demo password; choose a password of your own."),
            )
        ]
    local = email.strip().lower().split("@")[0]
    if folded == email.strip().lower() or (len(local) >= 4 and folded == local):
        return [FieldProblem(field, N_("Must not be your e-mail address."))]
    return []
