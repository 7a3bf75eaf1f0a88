"""The action-item inbox: one list over every domain's open items, through registered sources.

A domain that has action items (an 8D step, an audit finding, a risk mitigation, a meeting's
action item) registers a source from a hook module of its own folder: a function that lists the
items the actor may see, queried through that domain's own access rules, and optionally one that
marks an item done through that domain's service. The inbox never reads another domain's tables,
so a partner user sees exactly what each domain would show it, and marking done keeps each
domain's audit trail and rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import InvalidTransition, NotFound
from cofab.core.i18n import N_, translate
from cofab.core.wiring import ensure_wired

Side = Literal["owner", "partner"]
OPEN, DONE = "open", "done"


@dataclass(frozen=True)
class InboxItem:
    """One action item, normalised. The title is a msgid with parameters so that each reader
    sees it in their language; ``owner`` is who must act (a user's e-mail or a person's name),
    ``side`` whether that is the owner company or the partner."""

    kind: str
    id: int
    title_msgid: str
    owner: str
    side: Side
    partner_id: int | None
    due: date | None
    status: str  # OPEN or DONE
    url: str
    title_params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # the source's own state, an English msgid ("Submitted, awaiting review")

    def overdue(self, today: date) -> bool:
        return self.status == OPEN and self.due is not None and self.due < today

    def title(self, locale: str) -> str:
        return translate(self.title_msgid, locale, **self.title_params)


ListFn = Callable[[Session, Actor, date], Iterable[InboxItem]]
MarkDoneFn = Callable[[Session, Actor, int, date], None]


@dataclass(frozen=True)
class InboxSource:
    kind: str
    list_items: ListFn
    mark_done: MarkDoneFn | None
    label: str


_sources: dict[str, InboxSource] = {}

NO_SUCH_KIND = N_("There is no inbox source called {kind}.")
NOT_DONE_HERE = N_("This item is closed on its own page, not from the inbox.")


def register_inbox_source(
    kind: str, list_fn: ListFn, mark_done_fn: MarkDoneFn | None, *, label: str | None = None
) -> None:
    """Called by a domain's hook module at import; ``label`` is an English msgid (N_)."""
    _sources[kind] = InboxSource(kind, list_fn, mark_done_fn, label or kind)


def inbox_sources() -> dict[str, InboxSource]:
    ensure_wired()  # every domain's hook module has registered its source
    return dict(_sources)


@dataclass(frozen=True)
class InboxFilter:
    kind: str | None = None
    side: str | None = None
    status: str | None = OPEN  # None: open and done
    overdue_only: bool = False
    due_before: date | None = None
    owner: str | None = None
    # "mine": items whose owner is one of these (the actor's e-mail and name)
    owners: tuple[str, ...] = ()


def list_inbox(
    session: Session, *, actor: Actor, flt: InboxFilter | None = None, today: date | None = None
) -> list[InboxItem]:
    """Every source's items the actor may see, filtered, the most urgent first (overdue, then
    by due date; items without a due date last)."""
    flt = flt or InboxFilter()
    day = today or date.today()
    items: list[InboxItem] = []
    for source in inbox_sources().values():
        if flt.kind and source.kind != flt.kind:
            continue
        items.extend(source.list_items(session, actor, day))
    wanted = [item for item in items if _matches(item, flt, day)]
    return sorted(wanted, key=lambda i: (i.due is None, i.due or day, i.kind, i.id))


def _matches(item: InboxItem, flt: InboxFilter, day: date) -> bool:
    if flt.side and item.side != flt.side:
        return False
    if flt.status and item.status != flt.status:
        return False
    if flt.overdue_only and not item.overdue(day):
        return False
    if flt.due_before and (item.due is None or item.due >= flt.due_before):
        return False
    if flt.owners and item.owner.casefold() not in {o.casefold() for o in flt.owners}:
        return False
    return not (flt.owner and item.owner.casefold() != flt.owner.casefold())


def can_mark_done(kind: str) -> bool:
    source = inbox_sources().get(kind)
    return source is not None and source.mark_done is not None


def mark_done(
    session: Session, *, actor: Actor, kind: str, item_id: int, today: date | None = None
) -> None:
    """Done through the item's own domain (its access rules, its audit entry)."""
    source = inbox_sources().get(kind)
    if source is None:
        raise NotFound(NO_SUCH_KIND, kind=kind)
    if source.mark_done is None:
        raise InvalidTransition(NOT_DONE_HERE)
    source.mark_done(session, actor, item_id, today or date.today())
