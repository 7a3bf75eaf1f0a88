"""Quality with partners: inspection plans, lots and inspections, NCRs, 8Ds and partner audits.

The ISO 2859-1 tables, switching rules and SPC live in ``quality.engine`` (pure numerics); this
package keeps the records a supplier-quality engineer works in and the web around them.
"""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="quality",
    models="cofab.quality.models",
    api=(
        "cofab.quality.api:router",
        "cofab.quality.api_spc:router",
        "cofab.quality.api_files:router",
    ),
    pages=(
        "cofab.quality.pages:router",
        "cofab.quality.pages_spc:router",
        "cofab.quality.pages_files:router",
    ),
    templates=True,
    nav=(NavEntry("/quality", N_("Quality"), "all", menu=N_("Operate")),),
    cli=SubCommand(
        "quality",
        "cofab.quality.cli:app",
        help="Quality: sampling plans and process capability.",
    ),
    hooks=(
        "cofab.quality.thread_subject",  # NCRs as discussion subjects
        "cofab.quality.lots",  # receipts booked by operations open inspection lots
        "cofab.quality.inbox_source",  # 8D steps/actions, audit findings in the inbox
        "cofab.quality.portal_source",  # alerts on the partner's start page
    ),
)
