"""The partner's start page (operations' ``/portal``) gets a card: the SOPs and work
instructions waiting for this partner's confirmation. Registered when the domain is wired in,
so operations never imports training."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.operations import service as operations
from cofab.training import sops

KEY = "sop_acknowledgements"
TITLE = N_("SOPs and work instructions to acknowledge")
SHOWN = 5


def pending_sops(session: Session, *, actor: Actor, today: date) -> operations.TodoEntry:
    """Requirements whose current version nobody of the partner has confirmed yet."""
    requirements = sops.list_requirements(session, actor=actor)
    documents = sops.documents_of(session, requirements)
    pending = [
        read
        for read in (sops.read(r, documents.get(r.document_id)) for r in requirements)
        if read.status == "pending"
    ]
    rows = [
        {"href": "/training", "text": f"{p.document_title} · v{p.current_version}", "date": ""}
        for p in pending[:SHOWN]
    ]
    return operations.TodoEntry(KEY, len(pending), "/training", rows)


operations.register_todo_source(KEY, TITLE, pending_sops)
