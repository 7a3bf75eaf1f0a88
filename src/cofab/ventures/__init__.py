"""Joint ventures and alliances (issue 17, domain text §2.2–§2.3): who owns a JV and how its
board decides, the capital its parents promised and paid, what they take off it; alliances'
shared goals, co-investments and the sharing of their costs and benefits."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="ventures",
    models="cofab.ventures.models",
    api=("cofab.ventures.api:router",),
    pages=("cofab.ventures.forms:router", "cofab.ventures.pages:router"),
    templates=True,
    nav=(NavEntry("/ventures", N_("Ventures"), "all", menu=N_("Collaborate")),),
    cli=SubCommand(
        "ventures",
        "cofab.ventures.cli:app",
        help="Joint ventures and alliances: boards, capital calls, sharing statements.",
    ),
)
