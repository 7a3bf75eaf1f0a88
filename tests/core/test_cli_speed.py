"""``cofab --help`` and a rejected argument answer at once (issue 13, defect 15).

Every call used to import the models of all domains, numpy and FastAPI first (2.1–2.8 s even
for an instant error). The bound here is generous (a loaded 2-core machine); the import check
is the exact one: what ``--help`` must not load at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib import import_module

import pytest
import typer
from typer.testing import CliRunner

from cofab import cli
from cofab.config import Settings
from cofab.domains import DOMAINS
from cofab.lazy_typer import LazyGroup

BOUND_S = 2.0
HEAVY_PREFIXES = ("sqlalchemy", "numpy", "scipy", "fastapi", "starlette", "pydantic_settings")
DOMAIN_NAMES = tuple(parts.name for parts in DOMAINS)  # every domain's modules are heavy
# Domain modules the root CLI imports on purpose: they import only Typer at load time.
LIGHT_DOMAIN_MODULES = {"cofab.accounts.cli"}

# Runs the real entry point in a fresh interpreter and reports what it had imported.
HARNESS = """
import json, sys
sys.argv = ["cofab", *json.loads(sys.argv[1])]
from cofab.cli import main
try:
    main()
except SystemExit as stop:
    code = stop.code
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "COFAB_LANG": "en", "COLUMNS": "100"}


def _fastest_run(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Best of three wall times: one slow start on a busy machine is not the CLI's doing."""
    best = float("inf")
    result: subprocess.CompletedProcess[str] | None = None
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "cofab", *args],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def _imported_by(args: list[str]) -> tuple[object, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", HARNESS, json.dumps(args)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout.rsplit("\n", 2)[-2])
    return report["code"], report["modules"]


def _heavy(modules: list[str]) -> list[str]:
    domain_modules = tuple(f"cofab.{domain}." for domain in DOMAIN_NAMES)
    return [
        name
        for name in modules
        if name.startswith(HEAVY_PREFIXES)
        or (name.startswith(domain_modules) and name not in LIGHT_DOMAIN_MODULES)
    ]


def test_help_answers_quickly() -> None:
    seconds, result = _fastest_run(["--help"])
    assert result.returncode == 0, result.stderr
    assert "partners" in result.stdout and "select" in result.stdout
    assert seconds < BOUND_S, f"cofab --help took {seconds:.2f} s"


def test_a_rejected_argument_answers_quickly() -> None:
    seconds, result = _fastest_run(["partners", "import", "/nonexistent.csv"])
    assert result.returncode == 1
    assert result.stderr.strip() == "error: File not found: /nonexistent.csv"
    assert seconds < BOUND_S, f"the error took {seconds:.2f} s"


@pytest.mark.parametrize(
    "args", [["--help"], ["partners", "import", "/nonexistent.csv"]], ids=["help", "error"]
)
def test_no_models_numpy_or_web_framework_are_imported(args: list[str]) -> None:
    code, modules = _imported_by(args)
    assert code == (0 if args == ["--help"] else 1)
    assert "cofab.cli" in modules  # the harness did run the CLI
    assert _heavy(modules) == []


def test_a_sub_app_is_imported_when_one_of_its_commands_runs() -> None:
    code, modules = _imported_by(["select", "--help"])
    assert code == 0
    assert "cofab.selection.cli" in modules
    assert "cofab.planning.cli" not in modules and "cofab.vault.cli" not in modules


def test_each_stand_in_lists_its_sub_app_with_the_sub_app_own_help() -> None:
    tree = typer.main.get_command(cli.app)
    stand_ins = {
        name: command
        for name, command in tree.commands.items()  # type: ignore[attr-defined]
        if isinstance(command, LazyGroup)
    }
    assert set(stand_ins) == {parts.cli.name for parts in DOMAINS if parts.cli is not None}
    assert {"select", "plan", "contracts", "vault", "ops", "unit"} <= set(stand_ins)
    for name, stand_in in stand_ins.items():
        assert stand_in.deferred
        module_name, _, attribute = stand_in.target.partition(":")
        sub_app = getattr(import_module(module_name), attribute)
        assert stand_in.help == sub_app.info.help, name
        real = stand_in.real_group()
        assert not stand_in.deferred and real.help == sub_app.info.help
        direct = typer.main.get_command(sub_app)
        assert set(real.commands) == set(direct.commands), name  # type: ignore[attr-defined]


def test_commands_of_a_lazy_sub_app_run_and_report_like_before() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli.app, ["vault", "--help"])
    assert listed.exit_code == 0
    assert "rotate-master-key" in listed.output
    assert "--install-completion" not in listed.output  # built as a sub-group, not a root
    wrong = runner.invoke(cli.app, ["vault", "no-such-command"])
    assert wrong.exit_code == 2
    assert "No such command 'no-such-command'" in wrong.output


def test_up_help_shows_the_settings_defaults_and_variables() -> None:
    assert Settings.model_fields["host"].default == cli.DEFAULT_HOST
    assert Settings.model_fields["port"].default == cli.DEFAULT_PORT
    result = CliRunner().invoke(cli.app, ["up", "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "[env var: COFAB_PORT] [default: 8000]" in text
    assert "[env var: COFAB_HOST] [default: 127.0.0.1]" in text
    assert "[default: 10.0]" in text  # --graceful-timeout
