"""Operations with partners: orders, progress, shipments, inventory, KPIs, scorecards."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="operations",
    models="cofab.operations.models",
    api=("cofab.operations.api:routers",),
    pages=("cofab.operations.pages:routers",),
    templates=True,
    nav=(
        NavEntry("/operations", N_("Operations"), "all"),
        NavEntry("/kpis", N_("KPIs"), "all"),
        NavEntry("/scorecards", N_("Scorecards"), "all"),
    ),
    cli=SubCommand(
        "ops",
        "cofab.operations.cli:app",
        help="Orders, shipments, receipts, inventory, KPIs and scorecards.",
    ),
    jobs=("cofab.operations.scorecard_refresh",),
    hooks=(
        "cofab.operations.thread_subject",  # orders as discussion subjects
        "cofab.operations.contract_feed",  # receipts -> contracts' penalty feed
    ),
)
