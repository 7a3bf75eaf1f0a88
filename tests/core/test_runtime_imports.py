"""Building the web app imports none of numpy, scipy or highspy: a server process (and every
worker of ``cofab serve --workers N``) starts without them and loads them on the first solve or
analysis that needs them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("numpy", "scipy", "highspy")

PROBE = textwrap.dedent(
    f"""
    import json, sys, tempfile
    from cofab.app import create_app
    from cofab.config import Settings

    folder = tempfile.mkdtemp()
    create_app(
        Settings(database_url=f"sqlite:///{{folder}}/c.db", data_dir=folder, secret_key="k" * 40)
    )
    print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
    """
)


def test_create_app_imports_no_numerics() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_numerics_load_on_first_use() -> None:
    probe = PROBE.replace(
        "print(",
        "from cofab.selection.ahp import ahp_weights\n"
        "assert [round(float(w), 3) for w in ahp_weights([[1, 3], [1 / 3, 1]]).weights]"
        " == [0.75, 0.25]\n"
        "print(",
        1,
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert "numpy" in json.loads(done.stdout.strip().splitlines()[-1])
