"""Who is asking: the users' side of ``core.web``'s actor loader.

Core reads what a request presents (a Bearer token, the session cookie's user and epoch) but
knows no users table; the composition root registers ``load_actor`` at start-up
(``core.web.register_actor_loader``), so core never imports this domain.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.accounts import service
from cofab.accounts.models import User
from cofab.core.access import Actor
from cofab.core.errors import Unauthorized
from cofab.core.i18n import N_
from cofab.core.web import Presented


def load_actor(session: Session, presented: Presented) -> Actor | None:
    """The actor a token or a cookie names; a token that names nobody is refused outright,
    a cookie of a user signed out elsewhere or deactivated is simply no longer signed in."""
    if presented.token is not None:
        user = service.user_for_token(session, presented.token)
        if user is None:
            raise Unauthorized(N_("The API token is not valid."))
        return _signed_in(session, user, presented.locale)
    if presented.user_id is None:
        return None
    cookie_user = session.get(User, presented.user_id)
    if (
        cookie_user is None
        or not cookie_user.is_active
        or presented.session_epoch != cookie_user.session_epoch
    ):
        return None
    return _signed_in(session, cookie_user, presented.locale)


def _signed_in(session: Session, user: User, locale: str) -> Actor:
    """The actor, with the user row held for the rest of the request.

    The session's identity map holds rows weakly: once the actor is built the row would be
    collected, and the actor refiners' ``session.get(User, ...)`` (business units) would read
    it again — one more round trip on every request."""
    session.info[SIGNED_IN_USER] = user
    return service.actor_for(user, locale)


SIGNED_IN_USER = "cofab.signed_in_user"
