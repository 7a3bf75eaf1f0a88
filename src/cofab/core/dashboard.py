"""Cards on the home dashboard, contributed by any domain.

The dashboard page belongs to no domain in particular; each domain registers its card here at
import time, so the page lists them without importing the domains (they are peers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from cofab.core.access import Actor

Widget = Callable[[Session, Actor], tuple[str, dict[str, Any]] | None]
DASHBOARD_WIDGETS: list[Widget] = []


def register_dashboard_widget(widget: Widget) -> None:
    """``widget(session, actor) -> (template, context) | None`` adds a card to the dashboard."""
    if widget not in DASHBOARD_WIDGETS:
        DASHBOARD_WIDGETS.append(widget)
