"""What the ventures domain offers other domains (with models.py): the ventures a partner
company is party to, and the board arithmetic, so a governance page can show a JV board's
votes without reaching into this domain's inner modules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cofab.core.access import Actor, ensure_partner_visible
from cofab.core.errors import NotFound
from cofab.partners.models import Partner
from cofab.ventures import alliances, jv
from cofab.ventures.models import Alliance, Venture
from cofab.ventures.voting import Ballot, Outcome, Rule, tally

__all__ = ["Ballot", "Outcome", "PartyTo", "Rule", "party_to", "tally", "ventures_of_partner"]


def ventures_of_partner(session: Session, *, actor: Actor, partner_id: int) -> list[Venture]:
    """The ventures the actor may see in which ``partner_id`` is the JV or a parent."""
    return [v for v in jv.list_ventures(session, actor=actor) if partner_id in jv.party_ids(v)]


@dataclass(frozen=True)
class PartyTo:
    ventures: list[tuple[Venture, str]]  # with the company's role: "jv" or "parent"
    alliances: list[Alliance]


def party_to(session: Session, *, actor: Actor, partner_id: int) -> PartyTo:
    """What a partner company is party to, as far as the actor may see (a partner user only
    for its own company; another's is 404, like the partner itself)."""
    ensure_partner_visible(actor, partner_id)
    if session.get(Partner, partner_id) is None:
        raise NotFound()
    ventures = [
        (v, "jv" if v.partner_id == partner_id else "parent")
        for v in ventures_of_partner(session, actor=actor, partner_id=partner_id)
    ]
    found = [
        a
        for a in alliances.list_alliances(session, actor=actor)
        if partner_id in {p.partner_id for p in a.parties}
    ]
    return PartyTo(ventures, found)
