"""What other domains plug into operations: the order gate, KPI-input changes, the partner's
to-do list, overdue items on the dashboards and commands under ``cofab ops``.

Performance (scorecards, reviews) is built on operations' data, so it imports operations; for
operations to ask something of performance in return — may this partner get a new order, which
scorecards does a receipt make stale, which review items are overdue — would close a loop.
Instead operations keeps these registries and performance registers with them when it is wired
in (``performance/operations_hooks.py``, listed in its ``PARTS.hooks``). Every reader calls
``ensure_wired`` first, so a web request, a CLI command and a worker see the same hooks; with no
hook registered operations simply has no gate, no stale scorecards and no review items.
Other domains reach these functions through ``operations.service``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.wiring import ensure_wired

# How hard a gate holds a new order, from none to the hardest: "approval" opens the order as
# pending approval, "block" refuses it.
GATE_ACTIONS: tuple[str, ...] = ("none", "warning", "approval", "block")


class OrderGate(Protocol):
    def __call__(self, session: Session, *, partner_id: int) -> str: ...


class KpiInputListener(Protocol):
    def __call__(
        self, session: Session, partner_id: int, days: Iterable[date | None]
    ) -> object: ...


class OverdueSource(Protocol):
    def __call__(
        self, session: Session, *, actor: Actor, partner_id: int | None = None
    ) -> Sequence[Any]: ...


@dataclass
class TodoEntry:
    """One card of a partner's to-do list: a count, the first few rows and the list it opens."""

    key: str
    count: int
    link: str
    rows: list[dict[str, Any]] = field(default_factory=list)


class OutcomeOwner(Protocol):
    def __call__(self, session: Session, *, receipt_id: int) -> bool: ...


class TodoSource(Protocol):
    def __call__(self, session: Session, *, actor: Actor, today: date) -> TodoEntry: ...


@dataclass(frozen=True)
class _Todo:
    key: str
    title: str  # an English msgid with an optional {days}
    source: TodoSource


_gates: list[OrderGate] = []
_kpi_listeners: list[KpiInputListener] = []
_overdue_sources: list[OverdueSource] = []
_todo_sources: list[_Todo] = []
_cli_extensions: list[Callable[[Any], None]] = []
_outcome_owners: list[OutcomeOwner] = []


def _add(registry: list[Any], item: Any) -> None:
    if item not in registry:
        registry.append(item)


def register_order_gate(gate: OrderGate) -> None:
    """``gate`` answers one of ``GATE_ACTIONS`` for a new order to a partner (a scorecard grade
    that warns, holds or blocks)."""
    _add(_gates, gate)


def order_gate(session: Session, *, partner_id: int) -> str:
    """The hardest answer of every registered gate ("none" without any)."""
    ensure_wired()
    answers = [gate(session, partner_id=partner_id) for gate in _gates]
    return max(answers, key=GATE_ACTIONS.index, default="none")


def register_kpi_input_listener(listener: KpiInputListener) -> None:
    """``listener`` hears of every write that moves a KPI input of ``partner_id`` on ``days``."""
    _add(_kpi_listeners, listener)


def kpi_inputs_changed(session: Session, partner_id: int, days: Iterable[date | None]) -> None:
    """Called in the writing transaction by each write that feeds a KPI (a receipt, an answer or
    change to a line, a cancelled order, a ticket opened, answered or closed)."""
    ensure_wired()
    wanted = tuple(days)
    for listener in _kpi_listeners:
        listener(session, partner_id, wanted)


def register_outcome_owner(owner: OutcomeOwner) -> None:
    """``owner`` answers whether a receipt's accepted/rejected split is its decision (quality's
    inspection verdict or disposition) rather than what the dock typed."""
    _add(_outcome_owners, owner)


def outcome_decided_elsewhere(session: Session, *, receipt_id: int) -> bool:
    """True when a registered domain has set this receipt's split since it was booked: the
    original receipt, sent again, then still carries the dock's split and must count as the same
    receipt, not as a conflicting one."""
    ensure_wired()
    return any(owner(session, receipt_id=receipt_id) for owner in _outcome_owners)


def register_overdue_source(source: OverdueSource) -> None:
    """``source`` lists overdue items (rows with ``title``, ``due_date`` and ``review_id``) for
    the live panel and the owner's dashboard card."""
    _add(_overdue_sources, source)


def overdue_items(session: Session, *, actor: Actor, partner_id: int | None = None) -> list[Any]:
    ensure_wired()
    return [
        item
        for source in _overdue_sources
        for item in source(session, actor=actor, partner_id=partner_id)
    ]


def register_todo_source(key: str, title: str, source: TodoSource) -> None:
    """A card of the partner's to-do list, shown after operations' own waiting items."""
    if all(todo.key != key for todo in _todo_sources):
        _todo_sources.append(_Todo(key, title, source))


def todo_titles() -> dict[str, str]:
    ensure_wired()
    return {todo.key: todo.title for todo in _todo_sources}


def todo_entries(session: Session, *, actor: Actor, today: date) -> list[TodoEntry]:
    ensure_wired()
    return [todo.source(session, actor=actor, today=today) for todo in _todo_sources]


def register_cli_extension(extend: Callable[[Any], None]) -> None:
    """``extend(app)`` adds commands to ``cofab ops`` (the Typer app) when it is built."""
    _add(_cli_extensions, extend)


def extend_cli(app: Any) -> None:
    ensure_wired()
    for extend in _cli_extensions:
        extend(app)
