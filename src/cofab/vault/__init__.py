"""The document vault: encrypted files, sharing with partners, access and exit reports."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="vault",
    models="cofab.vault.models",
    api=("cofab.vault.api:router",),
    pages=("cofab.vault.pages:router",),
    templates=True,
    nav=(NavEntry("/vault", N_("Documents"), "all", menu=N_("Agreements")),),
    cli=SubCommand("vault", "cofab.vault.cli:app", help="The encrypted document vault."),
)
