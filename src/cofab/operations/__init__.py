"""Operations with partners: orders, progress, shipments, receipts, inventory, tickets and the
partner's to-do list. (KPIs, scorecards and reviews are the performance domain.)"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="operations",
    models="cofab.operations.models",
    api=("cofab.operations.api:routers",),
    pages=("cofab.operations.pages:routers",),
    templates=True,
    nav=(NavEntry("/operations", N_("Operations"), "all", menu=N_("Operate")),),
    cli=SubCommand(
        "ops",
        "cofab.operations.cli:app",
        help="Orders, shipments, receipts, inventory, KPIs and scorecards.",
    ),
    hooks=(
        "cofab.operations.thread_subject",  # orders as discussion subjects
        "cofab.operations.contract_feed",  # receipts -> contracts' penalty feed
    ),
)
