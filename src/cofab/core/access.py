"""Who sees what, decided in one place.

Owner-company roles see every partner; a partner user sees only rows whose ``partner_id`` is
their own company. Another partner's rows answer 404, not 403, so ids cannot be probed.
"""

from __future__ import annotations

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
