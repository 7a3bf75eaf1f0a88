"""The partner registry: companies, contacts, sites, capabilities and certifications."""

from cofab.core.domain_parts import DomainParts, NavEntry
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="partners",
    models="cofab.partners.models",
    api=("cofab.partners.api:router",),
    pages=("cofab.partners.pages:router",),
    templates=True,
    nav=(
        NavEntry("/", N_("Dashboard"), "all"),
        NavEntry("/partners", N_("Partners"), "all", menu=N_("Sourcing")),
        NavEntry("/certifications", N_("Certificates"), "all", menu=N_("Sourcing")),
    ),
)
