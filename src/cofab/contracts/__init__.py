"""Contracts, quality agreements and NDAs as living, versioned documents."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="contracts",
    models="cofab.contracts.models",
    api=("cofab.contracts.api:router",),
    pages=("cofab.contracts.pages:router",),
    templates=True,
    nav=(NavEntry("/contracts", N_("Contracts"), "all", menu=N_("Agreements")),),
    cli=SubCommand(
        "contracts",
        "cofab.contracts.cli:app",
        help="Contracts: penalties, contracts needing attention, agreement coverage.",
    ),
    hooks=("cofab.contracts.thread_subject",),  # contracts as discussion subjects
)
