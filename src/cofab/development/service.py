"""Joint development's public surface: what other domains (and the demo) may call.

from cofab.development import service as development_service
development_service.create_project(session, actor=actor, data=...)
"""

from __future__ import annotations

from cofab.development.inventions import (
    confirm_inventor,
    create_invention,
    get_invention,
    ip_terms_of,
    list_inventions,
    set_filing,
    update_invention,
)
from cofab.development.ip_ownership import Ownership, owners_of
from cofab.development.projects import (
    add_contribution,
    add_milestone,
    create_project,
    create_template,
    decide_gate,
    ensure_builtin_templates,
    get_project,
    instantiate_checklist,
    ledger,
    list_projects,
    list_templates,
    update_checklist_item,
)

__all__ = [
    "Ownership",
    "add_contribution",
    "add_milestone",
    "confirm_inventor",
    "create_invention",
    "create_project",
    "create_template",
    "decide_gate",
    "ensure_builtin_templates",
    "get_invention",
    "get_project",
    "instantiate_checklist",
    "ip_terms_of",
    "ledger",
    "list_inventions",
    "list_projects",
    "list_templates",
    "owners_of",
    "set_filing",
    "update_checklist_item",
    "update_invention",
]
