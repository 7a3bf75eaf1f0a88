"""Sign-in, throttling, users and API tokens."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from cofab.accounts.models import ApiToken, LoginFailure, Role, User
from cofab.accounts.password_policy import password_problems
from cofab.core import audit
from cofab.core.access import Actor, require_roles
from cofab.core.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from cofab.core.i18n import N_, SUPPORTED_LOCALES
from cofab.core.security import (
    burn_password_check,
    hash_api_token,
    hash_password,
    new_api_token,
    verify_password,
)
from cofab.db.base import utcnow
from cofab.db.session import after_unit_of_work
from cofab.partners.models import Partner
from cofab.units import service as units_service

ADMIN_ONLY = frozenset({"admin"})
log = logging.getLogger("cofab.accounts")


def actor_for(user: User, locale: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        partner_id=user.partner_id,
        locale=user.locale or locale or "en",
        timezone=user.timezone,
    )


def actor_by_email(session: Session, email: str) -> Actor | None:
    """Who a command's ``--as <e-mail>`` names (``core.cli_session.acting_user`` asks it)."""
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return None if user is None else actor_for(user)


def _recent_failures(session: Session, email: str, window: timedelta) -> int:
    since = utcnow() - window
    total = session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.at >= since)
    ).scalar_one()
    return int(total)


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    client: str,
    max_failures: int,
    lock_minutes: int,
) -> User:
    """Check a password; after ``max_failures`` misses the e-mail is locked for a while."""
    email = email.strip().lower()
    window = timedelta(minutes=lock_minutes)
    if _recent_failures(session, email, window) >= max_failures:
        raise TooManyRequests(minutes=lock_minutes)
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        burn_password_check(password)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        # Recorded in its own transaction: the request's own one is rolled back by the error.
        failure = LoginFailure(email=email, client=client[:64])
        after_unit_of_work(session, lambda side: side.add(failure))
        raise Unauthorized(N_("E-mail or password is wrong."))
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def validate_new_user(
    session: Session, *, email: str, password: str, role: str, partner_id: int | None
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "@" not in email or len(email) > 254:
        problems.append(FieldProblem("email", N_("Has the wrong format.")))
    elif session.execute(select(User.id).where(User.email == email.lower())).first():
        problems.append(FieldProblem("email", N_("A user with this e-mail already exists.")))
    problems += password_problems(password, email=email)
    roles = [r.value for r in Role]
    if role not in roles:
        problems.append(
            FieldProblem("role", N_("Must be one of: {expected}."), {"expected": ", ".join(roles)})
        )
    if role == Role.PARTNER and partner_id is None:
        problems.append(
            FieldProblem("partner_id", N_("A partner user must belong to a partner company."))
        )
    if role != Role.PARTNER and partner_id is not None:
        problems.append(
            FieldProblem("partner_id", N_("Only partner users belong to a partner company."))
        )
    if partner_id is not None and session.get(Partner, partner_id) is None:
        problems.append(
            FieldProblem("partner_id", N_("No partner has the id {id}."), {"id": partner_id})
        )
    return problems


def create_user(
    session: Session,
    *,
    actor: Actor | None,
    email: str,
    password: str,
    display_name: str,
    role: str,
    partner_id: int | None = None,
    locale: str | None = None,
) -> User:
    """``actor`` is None only for the CLI and demo loader, which run with the machine's trust."""
    if actor is not None:
        require_roles(actor, ADMIN_ONLY)
    problems = validate_new_user(
        session, email=email, password=password, role=role, partner_id=partner_id
    )
    if problems:
        raise ValidationFailed(problems=problems)
    user = User(
        email=email.strip().lower(),
        display_name=display_name or email,
        password_hash=hash_password(password),
        role=role,
        partner_id=partner_id,
        locale=locale,
    )
    session.add(user)
    session.flush()
    confine_to_actor_units(session, actor, user)
    after = audit.snapshot(user)
    after.pop("password_hash", None)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=user.id,
        partner_id=partner_id,
        after=after,
    )
    return user


def confine_to_actor_units(session: Session, actor: Actor | None, user: User) -> None:
    """An owner user made (or turned into one) by a unit admin works in that admin's current
    unit, not the whole group: a unit admin must not create users who see more than he does."""
    if actor is None or actor.unit_ids is None or user.role == Role.PARTNER:
        return
    unit_id = actor.current_unit_id or min(actor.unit_ids, default=None)
    units_service.set_user_units(
        session,
        None,
        user_id=user.id,
        unit_ids=[unit_id] if unit_id is not None else [],
        all_units=False,
    )


def set_locale(session: Session, *, actor: Actor, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValidationFailed(
            problems=[
                FieldProblem("locale", N_("Must be one of: {expected}."), {"expected": "ko, en"})
            ]
        )
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    user.locale = locale
    session.flush()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def create_token(session: Session, *, actor: Actor, name: str) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValidationFailed(problems=[FieldProblem("name", N_("This field is required."))])
    count = session.execute(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None))
    ).scalar_one()
    if count >= 20:
        raise Conflict(N_("You already have 20 active tokens; revoke one first."))
    secret = new_api_token()
    token = ApiToken(
        user_id=actor.user_id,
        name=name[:100],
        token_hash=hash_api_token(secret),
        prefix=secret[:12],
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="api_token",
        entity_id=token.id,
        partner_id=actor.partner_id,
        after={"name": token.name, "prefix": token.prefix},
    )
    return IssuedToken(token, secret)


def list_tokens(session: Session, *, actor: Actor) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc())
    return list(session.execute(stmt).scalars())


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="revoke",
            entity="api_token",
            entity_id=token.id,
            partner_id=actor.partner_id,
            after={"name": token.name},
        )


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user an unrevoked token names; token and user in one round trip, since
    every API request starts here (bench/load.py)."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_api_token(secret), ApiToken.revoked_at.is_(None))
    ).one_or_none()
    if found is None:
        return None
    token, user = found
    if not user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        _note_token_use(session, token, now)
    return user


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def _note_token_use(session: Session, token: ApiToken, now: datetime) -> None:
    """Record token use at most once a minute, in a short transaction of its own.

    Writing ``last_used_at`` on every request turned every API read into a write transaction
    and made concurrent requests of one token queue on its row. The write runs once the
    request's unit of work has ended, and the conditional UPDATE lets only one of several
    simultaneous requests write; the request's own session never becomes a writer. Losing a
    use to a busy database is fine: the next request a minute on records it.
    """
    stale = or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_USE_RESOLUTION
    )
    token_id = token.id

    def note(side: Session) -> None:
        side.execute(
            update(ApiToken).where(ApiToken.id == token_id, stale).values(last_used_at=now)
        )

    after_unit_of_work(session, note)


def end_sessions(session: Session, user_id: int) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops being honoured,
    including a copy taken from the browser before the user signed out."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_epoch += 1
