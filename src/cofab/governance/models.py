"""Governance tables: committees, members, meetings, agenda, decisions and action items."""

from __future__ import annotations

from cofab.governance import scheduling_models  # noqa: F401  (working hours, holidays)
