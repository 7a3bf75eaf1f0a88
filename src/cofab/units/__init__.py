"""Owner business units: one group, several businesses, each seeing only its own records."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="units",
    models="cofab.units.models",
    api=("cofab.units.api:router",),
    pages=("cofab.units.pages:router",),
    templates=True,
    nav=(NavEntry("/units", N_("Business units"), "admin"),),
    cli=SubCommand("unit", "cofab.units.cli:app", help="Business units of the owner group."),
)
