"""Who sees what, decided in one place.

Owner-company roles see every partner; a partner user sees only rows whose ``partner_id`` is
their own company. Another partner's rows answer 404, not 403, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select

from cofab.core.errors import Forbidden, NotFound

OWNER_ROLES = frozenset({"admin", "manager", "quality", "viewer"})
REGISTRY_WRITERS = frozenset({"admin", "manager"})

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Actor:
    user_id: int
    email: str
    display_name: str
    role: str
    partner_id: int | None
    locale: str = "en"
    timezone: str = "UTC"
    # Business units (a registered refiner fills these): ``None`` sees every unit (group scope);
    # otherwise only records of these units. ``current_unit_id`` is where new records go, and
    # ``unit_choices`` (id, ko name, en name) what the unit switcher offers.
    unit_ids: frozenset[int] | None = None
    current_unit_id: int | None = None
    unit_choices: tuple[tuple[int, str, str], ...] = ()

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"

    @property
    def is_owner_staff(self) -> bool:
        return self.role in OWNER_ROLES


SYSTEM_ACTOR = Actor(0, "system", "system", "admin", None)


def scope_to_partner(stmt: SelectT, actor: Actor, partner_column: Any) -> SelectT:
    """Filter a query on a partner-owned table to what the actor may see."""
    if actor.is_partner:
        return stmt.where(partner_column == actor.partner_id)
    return stmt


def ensure_partner_visible(actor: Actor, partner_id: int | None) -> None:
    if actor.is_partner and partner_id != actor.partner_id:
        raise NotFound()


def ensure_partner_writable(actor: Actor, partner_id: int | None) -> None:
    """Owner writers may change any partner; a partner user only its own company's rows."""
    ensure_partner_visible(actor, partner_id)
    if actor.is_partner:
        return
    if actor.role not in REGISTRY_WRITERS:
        raise Forbidden()


def require_roles(actor: Actor, roles: frozenset[str] | set[str]) -> None:
    if actor.role not in roles:
        raise Forbidden()


def ensure_owner_staff(actor: Actor, roles: frozenset[str] | None = None) -> None:
    """For an area only the owner's staff know of (selection, planning, risk): to anyone else it
    does not exist (404, so a partner user cannot learn what is in it); ``roles`` then narrows
    who on the staff may act (403)."""
    if not actor.is_owner_staff:
        raise NotFound()
    if roles is not None:
        require_roles(actor, roles)


# The viewer role reads everything and changes nothing. That is decided here, once, for every
# route: a route that validates its form before its service checks the role would otherwise
# answer a viewer 422 (or, with a forgotten check, write). Routes that change only the caller's
# own account, or calculate without storing, are marked with ``viewer_may_call``.
READ_ONLY_ROLES = frozenset({"viewer"})
_VIEWER_MAY_CALL = "__cofab_viewer_may_call__"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def viewer_may_call(endpoint: EndpointT) -> EndpointT:
    """Mark a write-method route that a read-only user may call (own account, pure calculator)."""
    setattr(endpoint, _VIEWER_MAY_CALL, True)
    return endpoint


def refuse_read_only_writes(actor: Actor, method: str, endpoint: Any) -> None:
    if (
        actor.role in READ_ONLY_ROLES
        and method in {"POST", "PUT", "PATCH", "DELETE"}
        and not getattr(endpoint, _VIEWER_MAY_CALL, False)
    ):
        raise Forbidden()
