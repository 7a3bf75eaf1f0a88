"""Forecast lines as discussion subjects: a partner talks about one product in one period of
the forecast published to it; the thread is as visible as the line."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.discussions import service as discussions_service
from cofab.forecast import publication
from cofab.forecast.models import Publication


def line_subject(session: Session, actor: Actor, object_id: int) -> discussions_service.Subject:
    line = publication.get_line(session, actor=actor, line_id=object_id)
    published = session.get(Publication, line.publication_id)
    return discussions_service.Subject(
        partner_id=line.partner_id,
        unit_id=published.unit_id if published else None,
        title=f"{line.product} · {line.period} · {line.site}",
        url=f"/forecast/publications/{line.publication_id}",
    )


discussions_service.register_subject("forecast_line", line_subject)
