"""Partner selection: weighted criteria, AHP weights, TOPSIS, rank robustness, due diligence.

The numerics are pure modules (arrays in, arrays out) so the database layer, the CLI and the
benchmark share one implementation.
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="selection",
    models="cofab.selection.models",
    api=("cofab.selection.api:router",),
    pages=("cofab.selection.pages:router",),
    templates=True,
    nav=(NavEntry("/selection", N_("Selection"), "owner", menu=N_("Sourcing")),),
    cli=SubCommand(
        "select",
        "cofab.selection.cli:app",
        help="Partner selection: rank candidates by weighted sum and TOPSIS, test robustness.",
    ),
    hooks=(
        "cofab.selection.evidence",  # evidence files -> the vault's key holders (rotation)
    ),
)
