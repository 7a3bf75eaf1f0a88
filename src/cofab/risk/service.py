"""The risk domain's public surface: the one module other domains (and hooks) import.

The rules live in ``register`` (the risk register), ``signals`` (risks opened from other
domains' facts), ``spend`` (concentration on received spend, per quarter and region),
``contingency`` (plans and drills), ``single_source`` and ``transitions`` (exit plans);
time-to-survive is pure numerics in ``engine/tts``.
"""

from __future__ import annotations

from cofab.risk.contingency import create_plan, get_plan, list_plans, record_drill
from cofab.risk.disruptions import site_profiles
from cofab.risk.register import (
    add_mitigation,
    change_status,
    create_risk,
    get_risk,
    list_risks,
    mark_reviewed,
    update_risk,
)
from cofab.risk.signals import raise_signals
from cofab.risk.single_source import single_sources
from cofab.risk.spend import SpendQuery, concentration_report, concentration_trend
from cofab.risk.transitions import (
    get_transition,
    list_transitions,
    open_mandatory_steps,
    start_transition,
    update_step,
)

__all__ = [
    "SpendQuery",
    "add_mitigation",
    "change_status",
    "concentration_report",
    "concentration_trend",
    "create_plan",
    "create_risk",
    "get_plan",
    "get_risk",
    "get_transition",
    "list_plans",
    "list_risks",
    "list_transitions",
    "mark_reviewed",
    "open_mandatory_steps",
    "raise_signals",
    "record_drill",
    "single_sources",
    "site_profiles",
    "start_transition",
    "update_risk",
    "update_step",
]
