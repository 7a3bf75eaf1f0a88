"""Training and SOP acknowledgement for partner staff (issue 17): training records with their
validity, vault-shared SOPs and work instructions that need a partner's confirmation per version,
and the compliance per partner that the partner's page shows."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="training",
    models="cofab.training.models",
    api=("cofab.training.api:router",),
    pages=("cofab.training.pages:router",),
    templates=True,
    nav=(NavEntry("/training", N_("Training"), "all", menu=N_("Agreements")),),
    cli=SubCommand(
        "training",
        "cofab.training.cli:app",
        help="Training records and SOP acknowledgement of partner staff.",
    ),
)
