"""Scorecards hear of quality, training and logistics changes through ``core.partner_inputs``.

Performance reads those domains through their services, so they cannot call performance back;
they announce a change in core and this module, listed in performance's ``PARTS.hooks``, puts
the debounced recompute of ``scorecard_refresh`` behind it — the one operations' KPI writes use.
"""

from __future__ import annotations

from cofab.core.partner_inputs import register_inputs_listener
from cofab.performance import scorecard_refresh

register_inputs_listener(scorecard_refresh.stale)
