"""Shared forecasts: partners' capacity declarations, the owner's demand forecast, and the
approved plan published to partners as a rolling forecast they commit to or counter-propose."""

from cofab.core.domain_parts import DomainParts, NavEntry, SubCommand
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="forecast",
    models="cofab.forecast.models",
    api=("cofab.forecast.api:router",),
    pages=("cofab.forecast.pages:router",),
    templates=True,
    nav=(NavEntry("/forecast", N_("Forecast"), "all", menu=N_("Plan")),),
    cli=SubCommand(
        "forecast",
        "cofab.forecast.cli:app",
        help="Capacity declarations, demand forecasts, plan publication and forecast accuracy.",
    ),
    hooks=("cofab.forecast.thread_subject",),  # forecast lines as discussion subjects
)
