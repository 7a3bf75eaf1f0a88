"""User administration: passwords, one-time reset links, deactivation, roles and unlocking.

Every action is an admin's (or, for the CLI, the machine's: ``actor`` None) except changing
one's own password and redeeming a reset link. Each is audit-logged without its secret: the
entries name what changed, never a password, a hash or a link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from cofab.accounts.models import ApiToken, LoginFailure, PasswordReset, Role, User
from cofab.accounts.password_policy import password_problems
from cofab.accounts.service import actor_for, confine_to_actor_units
from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.core.security import hash_api_token, hash_password, verify_password
from cofab.db.base import utcnow
from cofab.db.session import after_unit_of_work
from cofab.partners.models import Partner
from cofab.units import service as units_service

ADMIN_ONLY = frozenset({"admin"})
RESET_PREFIX = "reset_"

# The audit log shows these actions by label.
register_labels(
    {
        "password_change": N_("Password changed"),
        "password_set": N_("Password set"),
        "password_reset_issue": N_("Reset link issued"),
        "password_reset": N_("Password reset by link"),
        "deactivate": N_("Deactivated"),
        "activate": N_("Reactivated"),
        "role_change": N_("Role changed"),
        "unlock": N_("Unlocked"),
    }
)


def _admin(actor: Actor | None) -> None:
    """``None`` is the CLI, which runs with the machine's trust."""
    if actor is not None:
        require_roles(actor, ADMIN_ONLY)


def _within_reach(session: Session, actor: Actor | None, user: User) -> bool:
    """A unit admin administers the users of his own units (and the partner users of partners
    those units work with), never a group user: he must not widen his own world."""
    if actor is None or actor.unit_ids is None or user.id == actor.user_id:
        return True
    if user.role == Role.PARTNER:
        return user.partner_id in units_service.unit_partner_ids(session, actor.unit_ids)
    if user.all_units:
        return False
    return bool(set(units_service.units_of_user(session, user.id)) & actor.unit_ids)


def get_user(session: Session, *, actor: Actor | None, user_id: int) -> User:
    _admin(actor)
    user = session.get(User, user_id)
    if user is None or not _within_reach(session, actor, user):
        raise NotFound()
    return user


def list_users(session: Session, *, actor: Actor) -> list[User]:
    _admin(actor)
    users = session.execute(select(User).order_by(User.email)).scalars()
    return [u for u in users if _within_reach(session, actor, u)]


def user_by_email(session: Session, email: str) -> User:
    user = session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(N_("No user with e-mail {email}."), email=email)
    return user


def _record(
    session: Session,
    actor: Actor | None,
    action: str,
    user: User,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        before=before,
        after={"email": user.email} | (after or {}),
    )


def _end_everything(session: Session, user: User) -> int:
    """Sign the user out everywhere and revoke every API token; the number revoked."""
    user.session_epoch += 1
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _active_admins(session: Session) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.is_active.is_(True))
        ).scalar_one()
    )


def _keep_one_admin(session: Session, user: User) -> None:
    if user.role == Role.ADMIN and user.is_active and _active_admins(session) <= 1:
        raise Conflict(
            N_("{email} is the last active admin; make another admin first."), email=user.email
        )


# --- passwords ---------------------------------------------------------------------------------


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_epoch += 1  # every other session of the old password ends
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    max_failures: int = 5,
    lock_minutes: int = 15,
) -> User:
    """A wrong current password counts as a failed sign-in, so a borrowed session cannot be used
    to guess it; the caller's session epoch moves on (the caller keeps theirs by reading it)."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    since = utcnow() - timedelta(minutes=lock_minutes)
    failures = session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == user.email, LoginFailure.at >= since)
    ).scalar_one()
    if failures >= max_failures:
        raise TooManyRequests(minutes=lock_minutes)
    if not verify_password(user.password_hash, current_password):
        failure = LoginFailure(email=user.email, client="password-change")
        after_unit_of_work(session, lambda side: side.add(failure))
        raise ValidationFailed(
            problems=[FieldProblem("current_password", N_("Is not your current password."))]
        )
    problems = password_problems(new_password, email=user.email, field="new_password")
    if not problems and new_password == current_password:
        problems = [FieldProblem("new_password", N_("Must differ from the current password."))]
    if problems:
        raise ValidationFailed(problems=problems)
    _set_password(session, user, new_password)
    session.flush()
    _record(session, actor, "password_change", user)
    return user


def set_password(session: Session, *, actor: Actor | None, user_id: int, password: str) -> User:
    """An admin (or the CLI) sets a password outright; the user's sessions end."""
    user = get_user(session, actor=actor, user_id=user_id)
    problems = password_problems(password, email=user.email)
    if problems:
        raise ValidationFailed(problems=problems)
    _set_password(session, user, password)
    session.flush()
    _record(session, actor, "password_set", user)
    return user


@dataclass(frozen=True)
class IssuedReset:
    reset: PasswordReset
    user: User
    secret: str  # shown once (or mailed); only its hash is stored


def issue_reset(
    session: Session, *, actor: Actor | None, user_id: int, valid_hours: int = 24
) -> IssuedReset:
    """A new link replaces any earlier unused one, so only the latest link works."""
    user = get_user(session, actor=actor, user_id=user_id)
    if not user.is_active:
        raise Conflict(
            N_("{email} is deactivated; reactivate the account first."), email=user.email
        )
    now = utcnow()
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    secret = RESET_PREFIX + secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id,
        token_hash=hash_api_token(secret),
        issued_by=actor.user_id if actor is not None and actor.user_id else None,
        created_at=now,
        expires_at=now + timedelta(hours=max(1, valid_hours)),
    )
    session.add(reset)
    session.flush()
    _record(session, actor, "password_reset_issue", user, after={"expires_at": reset.expires_at})
    return IssuedReset(reset, user, secret)


def _live_reset(session: Session, secret: str) -> tuple[PasswordReset, User] | None:
    if not secret.startswith(RESET_PREFIX) or len(secret) > 100:
        return None
    reset = session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == hash_api_token(secret))
    ).scalar_one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    user = session.get(User, reset.user_id)
    if user is None or not user.is_active:
        return None
    return reset, user


def reset_target(session: Session, secret: str) -> User | None:
    """The user a reset link is for, while it is unused, unexpired and the user active."""
    live = _live_reset(session, secret)
    return live[1] if live else None


def redeem_reset(session: Session, *, secret: str, new_password: str) -> User:
    live = _live_reset(session, secret)
    if live is None:
        raise NotFound(N_("This link is not valid: it was used, has expired or was replaced."))
    reset, user = live
    problems = password_problems(new_password, email=user.email, field="new_password")
    if problems:
        raise ValidationFailed(problems=problems)
    _set_password(session, user, new_password)
    reset.used_at = utcnow()
    session.flush()
    _record(session, actor_for(user), "password_reset", user)
    return user


# --- status, role, lock -----------------------------------------------------------------------


def deactivate(session: Session, *, actor: Actor | None, user_id: int) -> User:
    """Sessions and API tokens end at once: the next request of either is refused."""
    user = get_user(session, actor=actor, user_id=user_id)
    if actor is not None and actor.user_id == user.id:
        raise Conflict(N_("You cannot deactivate your own account."))
    if not user.is_active:
        return user
    _keep_one_admin(session, user)
    user.is_active = False
    revoked = _end_everything(session, user)
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    session.flush()
    _record(
        session,
        actor,
        "deactivate",
        user,
        before={"is_active": True},
        after={"is_active": False, "tokens_revoked": revoked},
    )
    return user


def activate(session: Session, *, actor: Actor | None, user_id: int) -> User:
    """Revoked tokens stay revoked; the user signs in again with their password."""
    user = get_user(session, actor=actor, user_id=user_id)
    if user.is_active:
        return user
    user.is_active = True
    session.flush()
    _record(
        session, actor, "activate", user, before={"is_active": False}, after={"is_active": True}
    )
    return user


def change_role(
    session: Session,
    *,
    actor: Actor | None,
    user_id: int,
    role: str,
    partner_id: int | None = None,
) -> User:
    """A partner user belongs to one partner company; an owner-side role to none."""
    user = get_user(session, actor=actor, user_id=user_id)
    roles = [r.value for r in Role]
    problems: list[FieldProblem] = []
    if role not in roles:
        problems.append(
            FieldProblem("role", N_("Must be one of: {expected}."), {"expected": ", ".join(roles)})
        )
    elif role == Role.PARTNER and partner_id is None:
        problems.append(
            FieldProblem("partner_id", N_("A partner user must belong to a partner company."))
        )
    elif role != Role.PARTNER:
        partner_id = None
    if partner_id is not None and session.get(Partner, partner_id) is None:
        problems.append(
            FieldProblem("partner_id", N_("No partner has the id {id}."), {"id": partner_id})
        )
    if problems:
        raise ValidationFailed(problems=problems)
    if user.role == role and user.partner_id == partner_id:
        return user
    if actor is not None and actor.user_id == user.id and role != Role.ADMIN:
        raise Conflict(N_("You cannot take away your own admin role."))
    if role != Role.ADMIN:
        _keep_one_admin(session, user)
    before: dict[str, object] = {"role": user.role, "partner_id": user.partner_id}
    if user.partner_id != partner_id:
        # Moving between companies: what the old sessions and tokens could see is not theirs now.
        _end_everything(session, user)
    was_partner = user.role == Role.PARTNER
    user.role = role
    user.partner_id = partner_id
    session.flush()
    if was_partner:
        confine_to_actor_units(session, actor, user)
    _record(
        session,
        actor,
        "role_change",
        user,
        before=before,
        after={"role": role, "partner_id": partner_id},
    )
    return user


def is_locked(session: Session, email: str, *, max_failures: int, lock_minutes: int) -> bool:
    since = utcnow() - timedelta(minutes=lock_minutes)
    count = session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.at >= since)
    ).scalar_one()
    return int(count) >= max_failures


def locked_emails(session: Session, *, max_failures: int, lock_minutes: int) -> set[str]:
    since = utcnow() - timedelta(minutes=lock_minutes)
    rows = session.execute(
        select(LoginFailure.email)
        .where(LoginFailure.at >= since)
        .group_by(LoginFailure.email)
        .having(func.count() >= max_failures)
    ).scalars()
    return set(rows)


def unlock(session: Session, *, actor: Actor | None, user_id: int) -> int:
    """Clear the failed sign-ins that lock the account; the number cleared."""
    user = get_user(session, actor=actor, user_id=user_id)
    result = session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    cleared = int(result.rowcount or 0)  # type: ignore[attr-defined]
    _record(session, actor, "unlock", user, after={"failures_cleared": cleared})
    return cleared
