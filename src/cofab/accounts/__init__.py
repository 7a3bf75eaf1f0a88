"""People who log in: owner-company roles and partner users, their API tokens and sign-in guard."""

from cofab.core.domain_parts import DomainParts, NavEntry
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="accounts",
    models="cofab.accounts.models",
    api=("cofab.accounts.api:router",),
    pages=("cofab.accounts.pages:router",),
    templates=True,
    nav=(NavEntry("/users", N_("Users"), "admin"),),
    jobs=("cofab.accounts.jobs",),
)
