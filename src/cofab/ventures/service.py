"""What the ventures domain offers other domains (with models.py): the ventures a partner
company is party to, and the board arithmetic, so a governance page can show a JV board's
votes without reaching into this domain's inner modules."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.ventures import jv
from cofab.ventures.models import Venture
from cofab.ventures.voting import Ballot, Outcome, Rule, tally

__all__ = ["Ballot", "Outcome", "Rule", "tally", "ventures_of_partner"]


def ventures_of_partner(session: Session, *, actor: Actor, partner_id: int) -> list[Venture]:
    """The ventures the actor may see in which ``partner_id`` is the JV or a parent."""
    return [v for v in jv.list_ventures(session, actor=actor) if partner_id in jv.party_ids(v)]
