"""Partner names for forecast pages and exports, which otherwise carry only partner ids."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.partners.models import Partner


def partner_names(
    session: Session, partner_ids: Iterable[int], locale: str = "en"
) -> dict[int, str]:
    """Id → the partner's name in the reader's language (English where Korean is empty)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Partner.id, Partner.name_en, Partner.name_ko).where(Partner.id.in_(ids))
    ).all()
    return {pid: (ko if locale == "ko" and ko else en) for pid, en, ko in rows}
