"""Risk and continuity: how long the business survives a partner or site going down, and the
register of what could go wrong (issue 16).

The numerics (time to survive, performance impact, concentration) live in ``risk.engine``;
this package adds the network file, the register and the web around them.
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="risk",
    models="cofab.risk.models",
    api=("cofab.risk.api:router",),
    pages=("cofab.risk.pages:router",),
    templates=True,
    nav=(NavEntry("/risk", N_("Risk"), "owner", menu=N_("Plan")),),
    cli=SubCommand(
        "risk",
        "cofab.risk.cli:app",
        help="Risk and continuity: time to survive and recover per site and partner.",
    ),
    jobs=("cofab.risk.jobs",),
    hooks=(
        "cofab.risk.thread_subject",  # risks as discussion subjects
        "cofab.risk.inbox_source",  # mitigations and drills in the inbox
        "cofab.risk.exit_gate",  # no exit while a transition plan's mandatory step is open
    ),
)
