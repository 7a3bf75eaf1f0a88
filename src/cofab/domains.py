"""The one list of cofab's domains: add a domain by adding one line to ``DOMAINS``.

``core/`` and ``db/`` know no domain (tests/core/test_import_rules.py), yet the web app mounts
every domain's routers, the CLI lists every sub-app, the migrations and the tests need every
table, a worker needs every job handler, and a hook (contracts' receipts feed, the vault's key
holders) must be registered before it is read. Each domain names those parts once, in its
package (``cofab.<domain>.PARTS``, a ``core.domain_parts.DomainParts`` of module names); this
list, in the composition root beside ``app.py`` and ``cli.py``, is the only place that knows
them all, and ``app.py`` and ``cli.py`` walk it. Loading it imports no domain module, no model
and no SQLAlchemy, so ``cofab --help`` reads the sub-apps' help from it at once.

The order is the order of the navigation and of the routers (an earlier router answers a path
first); the tables are sorted by their foreign keys, whatever the order.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cofab import (
    accounts,
    auditlog,
    contracts,
    development,
    discussions,
    forecast,
    governance,
    jobs,
    logistics,
    notifications,
    operations,
    partners,
    performance,
    planning,
    quality,
    risk,
    selection,
    training,
    units,
    vault,
    ventures,
)
from cofab.core.domain_parts import DomainParts

if TYPE_CHECKING:
    from sqlalchemy import MetaData

DOMAINS: tuple[DomainParts, ...] = (
    partners.PARTS,
    auditlog.PARTS,
    accounts.PARTS,
    units.PARTS,
    jobs.PARTS,
    operations.PARTS,
    performance.PARTS,
    selection.PARTS,
    contracts.PARTS,
    vault.PARTS,
    planning.PARTS,
    forecast.PARTS,
    logistics.PARTS,
    quality.PARTS,
    risk.PARTS,
    discussions.PARTS,
    notifications.PARTS,
    governance.PARTS,
    ventures.PARTS,
    development.PARTS,
    training.PARTS,
)

# Tables of the foundation itself (the audit chain, the job queue).
FOUNDATION_MODEL_MODULES: tuple[str, ...] = ("cofab.core.audit", "cofab.core.jobs")

# Modules that declare tables: the foundation's own, then each domain's.
MODEL_MODULES: tuple[str, ...] = (
    *FOUNDATION_MODEL_MODULES,
    *(parts.models for parts in DOMAINS if parts.models),
)
# Modules that register background-job handlers (``core.jobs.register``) when imported.
JOB_MODULES: tuple[str, ...] = tuple(name for parts in DOMAINS for name in parts.jobs)
# Modules that register a hook with another domain or with core when imported.
HOOK_MODULES: tuple[str, ...] = tuple(name for parts in DOMAINS for name in parts.hooks)


def load_all_models() -> MetaData:
    """Every table of every domain, for migrations (autogenerate), test set-up and benches."""
    from cofab.db.base import Base  # SQLAlchemy: not for the CLI's ``--help``, which reads DOMAINS

    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata


def load_job_handlers() -> None:
    """Register every domain's job handlers; a worker calls this before claiming jobs."""
    for name in JOB_MODULES:
        importlib.import_module(name)


def wire() -> None:
    """Every table, job handler and cross-domain hook registered (idempotent: imports only).

    The app calls it at start-up; the CLI hands it to ``core.wiring.set_wiring`` so that it runs
    when a command first reads a hook registry, not on ``cofab --help``."""
    load_all_models()
    for name in HOOK_MODULES:
        importlib.import_module(name)
    load_job_handlers()
