"""Performance answers operations through registered hooks, never through an import: the order
gate, the scorecard refresh, review items on the dashboards and the partner's to-do list, and
``cofab ops kpis`` / ``cofab ops score`` under their old names."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cofab.cli import app as cli_app
from cofab.core.wiring import ensure_wired
from cofab.operations import extensions
from cofab.performance import operations_hooks, reviews, scorecard_refresh, scorecards


def test_the_wired_process_holds_performances_answers() -> None:
    ensure_wired()
    assert scorecards.order_gate in extensions._gates
    assert scorecard_refresh.stale in extensions._kpi_listeners
    assert reviews.overdue_items in extensions._overdue_sources
    assert extensions.todo_titles()["action_items"] == operations_hooks.ACTION_ITEMS_TITLE


def test_the_hardest_gate_wins() -> None:
    """Two gates answer "warning" and "approval" for partner 7 and "none" otherwise: the order
    is held for approval, however the gates are ordered."""
    ensure_wired()

    def warns(session: Session, *, partner_id: int) -> str:
        return "warning" if partner_id == 7 else "none"

    def holds(session: Session, *, partner_id: int) -> str:
        return "approval" if partner_id == 7 else "none"

    saved = list(extensions._gates)
    extensions._gates[:] = []  # without performance's gate: no database needed
    try:
        extensions.register_order_gate(warns)
        extensions.register_order_gate(holds)
        extensions.register_order_gate(warns)  # registering twice changes nothing
        assert len(extensions._gates) == 2
        assert extensions.order_gate(None, partner_id=7) == "approval"  # type: ignore[arg-type]
        assert extensions.order_gate(None, partner_id=8) == "none"  # type: ignore[arg-type]
    finally:
        extensions._gates[:] = saved


def test_ops_lists_the_performance_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFAB_LANG", "en")
    shown = CliRunner().invoke(cli_app, ["ops", "--help"])
    assert shown.exit_code == 0, shown.output
    for command in ("import", "export", "kpis", "score"):
        assert command in shown.output
