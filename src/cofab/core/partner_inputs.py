"""A write that changes what a partner is measured on tells whoever scores partners, without
knowing who that is.

Inspections, NCRs and audits (quality), training records and SOP acknowledgements (training),
shipments on a carrier's lane and their readings and arrivals (logistics) are read by the stored
scorecards; the scoring side imports those domains' services to read them, so a call from them
back into it would close an import cycle. They call ``partner_inputs_changed`` here instead (one
line where they write, in the writing transaction), and the scoring side registers its listener
when the composition root wires it in. Without a listener nothing happens. Operations' own KPI
writes keep their registry in ``operations.service`` (the same listener hears both).

``days`` are the days the change touched (an inspection's recording day, a shipment's ship day);
``onward`` says the input is a standing state read as of each period's end (the latest audit, a
training record's validity), so every later period is touched too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from cofab.core.wiring import ensure_wired


class InputsListener(Protocol):
    def __call__(
        self, session: Session, partner_id: int, days: Iterable[date | None], *, onward: bool
    ) -> object: ...


_listeners: list[InputsListener] = []


def register_inputs_listener(listener: InputsListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def partner_inputs_changed(
    session: Session,
    partner_id: int | None,
    days: Iterable[date | None],
    *,
    onward: bool = False,
) -> None:
    """Tell every listener that ``partner_id``'s measured inputs changed on ``days``."""
    if partner_id is None:
        return
    ensure_wired()
    wanted = tuple(days)
    for listener in _listeners:
        listener(session, partner_id, wanted, onward=onward)
