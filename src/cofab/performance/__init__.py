"""Performance of partners: KPIs, scorecards with grades that gate new orders, drill-down to the
lines behind a number, and performance reviews with their action items — built on operations'
orders, receipts and tickets."""

from cofab.core.domain_parts import DomainParts, NavEntry
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="performance",
    models="cofab.performance.models",
    api=("cofab.performance.api:router",),
    pages=("cofab.performance.pages:router",),
    templates=True,
    nav=(
        NavEntry("/kpis", N_("KPIs"), "all", menu=N_("Operate")),
        NavEntry("/scorecards", N_("Scorecards"), "all", menu=N_("Operate")),
    ),
    # ``cofab ops kpis`` and ``cofab ops score``: added to operations' sub-app by the hook below
    jobs=("cofab.performance.scorecard_refresh",),
    hooks=(
        "cofab.performance.operations_hooks",  # order gate, stale scorecards, review items, CLI
        "cofab.performance.inbox_source",  # review action items in the notifications inbox
        "cofab.performance.input_hooks",  # quality/training/logistics changes: stale scorecards
    ),
)
