"""scripts/import_picture.py draws the domains side by side and flags any arrow that breaks a
house rule; today's picture has none (docs/architecture.md shows it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.file_modules import load_file_module

ROOT = Path(__file__).resolve().parents[2]
picture = load_file_module("scripts/import_picture.py", "import_picture")


def test_the_picture_prints_every_domain_and_flags_no_arrow() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_picture.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stdout.splitlines()[-1]) == (0, "flagged arrows: none")
    assert any(line.startswith("performance ") for line in run.stdout.splitlines())


def test_an_arrow_into_another_domains_inner_module_is_flagged() -> None:
    edges = [
        picture.Edge("cofab.selection.evidence", "cofab.vault.service", 3, "module"),
        picture.Edge("cofab.selection.evidence", "cofab.vault.keys", 4, "function"),
        picture.Edge("cofab.core.jobs", "cofab.planning.jobs", 9, "by-name"),
        picture.Edge("cofab.planning.engine.model", "cofab.core.i18n", 2, "module"),
    ]
    assert picture.flagged(edges) == [
        "cofab.core.jobs -> cofab.planning.jobs (a shared layer names planning)",
        "cofab.planning.engine.model -> cofab.core.i18n (planning/engine imports cofab)",
        "cofab.selection.evidence -> cofab.vault.keys (not vault's service or models)",
    ]
