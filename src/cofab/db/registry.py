"""Import every domain's models so metadata is complete for migrations and tests."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from cofab.db.base import Base

MODEL_MODULES = [
    "cofab.partners.models",
    "cofab.accounts.models",
    "cofab.core.audit",
    "cofab.core.jobs",
    # --- domain model modules (one line each) ---
    "cofab.operations.models",
    "cofab.contracts.models",
    "cofab.selection.models",
    "cofab.vault.models",
    "cofab.planning.models",
    # --- end of domain model modules ---
]


def load_all_models() -> MetaData:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
