"""Logistics partners as real lanes: the lane master, shipments on lanes, carrier KPIs."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="logistics",
    models="cofab.logistics.models",
    api=("cofab.logistics.api:router",),
    pages=("cofab.logistics.pages:router",),
    templates=True,
    nav=(NavEntry("/logistics/lanes", N_("Lanes"), "all", menu=N_("Operate")),),
    cli=SubCommand(
        "logistics",
        "cofab.logistics.cli:app",
        help="Logistics lanes: list, import and export the lane master; carrier KPIs.",
    ),
    hooks=("cofab.logistics.receipt_hooks",),  # a receipt re-scores the carrier of its shipment
)
