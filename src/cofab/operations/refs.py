"""How operations files name partners and sites: by external reference, or ``#<id>`` when the
record has none.

Why: partners and sites made on the pages often have no external reference, and an export that
leaves the column blank cannot be imported back ("partner_ref is required"). The export writes
``#<id>`` for those, and the importer reads either form, so every export re-imports unchanged.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.partners.models import Partner, Site


def ref_of(external_ref: str | None, row_id: int) -> str:
    return external_ref or f"#{row_id}"


def _row_id(ref: str) -> int | None:
    text = ref.strip()
    if text.startswith("#") and text[1:].isdigit() and len(text) < 19:
        return int(text[1:])
    return None


def partner_by_ref(session: Session, ref: str) -> Partner | None:
    row_id = _row_id(ref)
    if row_id is not None:
        return session.get(Partner, row_id)
    stmt = select(Partner).where(Partner.external_ref == ref.strip())
    return session.execute(stmt).scalar_one_or_none()


def site_by_ref(session: Session, ref: str) -> Site | None:
    row_id = _row_id(ref)
    if row_id is not None:
        return session.get(Site, row_id)
    stmt = select(Site).where(Site.external_ref == ref.strip())
    return session.execute(stmt).scalar_one_or_none()
