"""Browsing and verifying the hash-chained audit log (the chain itself lives in core.audit)."""

from cofab.core.domain_parts import DomainParts, NavEntry
from cofab.core.i18n import N_

PARTS = DomainParts(
    name="auditlog",
    api=("cofab.auditlog.api:router",),
    pages=("cofab.auditlog.pages:router",),
    templates=True,
    nav=(NavEntry("/audit", N_("Audit log"), "admin"),),
)
