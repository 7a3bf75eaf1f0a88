"""How many requests a process runs at once: the default per core, an override, and a typo in
the override that must not break every request (issue 11)."""

from __future__ import annotations

import os

import pytest

from cofab.core import web


def test_default_override_and_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COFAB_ACTIVE_REQUESTS", raising=False)
    default = max(8, web.ACTIVE_REQUESTS_PER_CORE * (os.cpu_count() or 2))
    assert web.active_requests() == default
    monkeypatch.setenv("COFAB_ACTIVE_REQUESTS", "40")
    assert web.active_requests() == 40
    for typo in ("abc", "0", "-3", "4.5"):
        monkeypatch.setenv("COFAB_ACTIVE_REQUESTS", typo)
        assert web.active_requests() == default
