"""Partnership governance: joint committees, meetings across time zones, decisions and action
items (issue 17).

Two halves share the package: the committee/meeting records (``models``, ``service``, ``api``,
``pages``) and the scheduling that respects every participant's time zone and working hours
(``scheduling`` for the pure slot finder, ``scheduling_models``, ``ical``, ``api_scheduling``,
``pages_scheduling``, and the ``cofab meet`` CLI).
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="governance",
    models="cofab.governance.models",
    api=("cofab.governance.api:router", "cofab.governance.api_scheduling:router"),
    pages=("cofab.governance.pages:router", "cofab.governance.pages_scheduling:router"),
    templates=True,
    nav=(NavEntry("/governance", N_("Governance"), "all", menu=N_("Collaborate")),),
    cli=SubCommand(
        "meet",
        "cofab.governance.cli:app",
        help="Joint committees and meetings: common time slots across time zones.",
    ),
    hooks=(
        "cofab.governance.review_mirror",  # performance reviews mirrored as meetings
        "cofab.governance.thread_subject",  # meetings as discussion subjects
        "cofab.governance.inbox_source",  # meetings' action items in the inbox
    ),
)
