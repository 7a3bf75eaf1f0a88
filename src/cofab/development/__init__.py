"""Joint development with a technology partner (issue 17): projects with stage gates, the
contribution ledger, the invention/IP register whose owners follow the contract's IP terms,
and technology-transfer checklists."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="development",
    models="cofab.development.models",
    api=("cofab.development.api:router",),
    pages=("cofab.development.pages:router",),
    templates=True,
    nav=(NavEntry("/development", N_("Joint development"), "all", menu=N_("Collaborate")),),
    cli=SubCommand(
        "dev",
        "cofab.development.cli:app",
        help="Joint development: projects, the IP register and transfer checklists.",
    ),
)
