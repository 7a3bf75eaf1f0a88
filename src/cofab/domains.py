"""The one list of cofab's domains, for the few things that must know them all at once.

``core/`` and ``db/`` know no domain (tests/core/test_import_rules.py), yet the migrations and
the tests need every table, a worker needs every job handler, and a hook (contracts' receipts
feed, the vault's key holders) must be registered before it is read. So the list lives here, in
the composition root beside ``app.py`` and ``cli.py``, which call it; adding a domain adds its
lines here and nothing in ``core/`` or ``db/`` changes.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from cofab.db.base import Base

# Modules that declare tables: the foundation's own, then one line per domain.
MODEL_MODULES: tuple[str, ...] = (
    "cofab.core.audit",
    "cofab.core.jobs",
    "cofab.partners.models",
    "cofab.accounts.models",
    "cofab.units.models",
    "cofab.operations.models",
    "cofab.contracts.models",
    "cofab.selection.models",
    "cofab.vault.models",
    "cofab.planning.models",
)

# Modules that register background-job handlers (``core.jobs.register``) when imported.
JOB_MODULES: tuple[str, ...] = ("cofab.planning.jobs", "cofab.operations.scorecard_refresh")

# Modules that register a hook with another domain or with core when imported.
HOOK_MODULES: tuple[str, ...] = (
    "cofab.operations.contract_feed",  # receipts -> contracts' penalty feed
    "cofab.selection.evidence",  # evidence files -> the vault's key holders (rotation)
)


def load_all_models() -> MetaData:
    """Every table of every domain, for migrations (autogenerate), test set-up and benches."""
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
