"""Capacity expansion planning: where volume goes, what to engage, what to build or buy.

The numerics live in :mod:`cofab.planning.engine` (arrays in, arrays out); this package adds the
JSON input format, its validation, the plan document and the ``cofab plan`` commands around them.
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="planning",
    models="cofab.planning.models",
    api=("cofab.planning.api:router",),
    pages=("cofab.planning.pages:router", "cofab.planning.pages_conversions:router"),
    templates=True,
    nav=(NavEntry("/planning", N_("Planning"), "owner", menu=N_("Plan")),),
    cli=SubCommand(
        "plan",
        "cofab.planning.cli:app",
        help=(
            "Capacity planning: allocate demand over own plants and partners (HiGHS MILP), "
            "disruption Monte Carlo, scenario comparison, make-or-buy."
        ),
    ),
    jobs=("cofab.planning.jobs",),
    hooks=("cofab.planning.live_sources",),
)
