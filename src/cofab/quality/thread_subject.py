"""NCRs as discussion subjects: a thread on an NCR is as visible as the NCR itself."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.discussions import service as discussions_service
from cofab.quality import ncrs


def ncr_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    ncr = ncrs.get_ncr(session, actor=actor, ncr_id=object_id)
    return discussions_service.Subject(
        partner_id=ncr.partner_id,
        unit_id=ncr.unit_id,
        title=f"NCR-{ncr.id} · {ncr.product} · {ncr.defect_code}",
        url=f"/quality/ncrs/{ncr.id}",
    )


discussions_service.register_subject("ncr", ncr_subject)
