"""Every ``cofab --help`` text exists in Korean, and the ``cofab`` script shows it.

The msgids are read from the built Click tree (what Typer really shows), so a new command,
option or argument without a Korean help text fails here by name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Annotated

import pytest
import typer
from tests.file_modules import load_file_module
from typer import rich_utils

from cofab.cli import app
from cofab.core.cli_help import (
    TYPER_STRINGS,
    command_tree,
    help_texts,
    localise_help,
    localise_typer_strings,
)
from cofab.core.i18n import translate

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def needs_korean(text: str) -> bool:
    """Texts that are only placeholders or symbols read the same in both languages."""
    return any(ch.isalpha() for ch in re.sub(r"\{[^{}]*\}", "", text))


def untranslated(command: typer.Typer) -> list[str]:
    return [
        f"{slot.where} ({slot.attribute}): {slot.text!r}"
        for slot in help_texts(command_tree(command))
        if needs_korean(slot.text) and translate(slot.text, "ko") in ("", slot.text)
    ]


def test_every_help_text_of_the_cli_has_korean() -> None:
    slots = list(help_texts(command_tree(app)))
    walked = {slot.where.split(" ")[1] for slot in slots if " " in slot.where}
    # The walk reaches every group and top-level command, not just the root.
    expected = {"db", "user", "demo", "audit", "partners", "worker", "up"}
    expected |= {"select", "plan", "contracts", "vault", "ops"}
    assert expected <= walked, expected - walked
    assert len(slots) > 100, "the walk found suspiciously few help texts"
    missing = untranslated(app)
    assert not missing, f"{len(missing)} help text(s) without Korean:\n" + "\n".join(missing)


def test_typer_own_strings_have_korean() -> None:
    missing = [m for m in TYPER_STRINGS.values() if translate(m, "ko") == m]
    assert not missing


def test_a_command_without_korean_help_is_reported() -> None:
    extra = typer.Typer(help="User accounts.")

    @extra.command("known")
    def known(port: Annotated[int, typer.Option(help="Port")] = 1) -> None:
        """Run queued jobs, then exit"""

    @extra.command("fresh")
    def fresh(
        level: Annotated[int, typer.Option(help="A knob nobody has translated yet")] = 1,
    ) -> None:
        """A command added without a Korean docstring."""

    missing = untranslated(extra)
    assert len(missing) == 2
    assert any("fresh --level" in m and "A knob nobody" in m for m in missing)
    assert any("A command added without a Korean docstring." in m for m in missing)


def test_localising_rewrites_this_tree_only() -> None:
    tree = localise_help(command_tree(app), "ko")
    ops = tree.commands["ops"]  # type: ignore[attr-defined]
    assert ops.help == "주문, 출하, 입고, 재고, KPI와 스코어카드."
    rotate = tree.commands["vault"].commands["rotate-master-key"]  # type: ignore[attr-defined]
    # A multi-paragraph docstring (cleaned up by Typer) is matched as a whole.
    assert rotate.help is not None and rotate.help.startswith("새 마스터 키를 만들고")
    assert "\n\n파일 자체는 다시 암호화하지 않습니다." in rotate.help
    # Typer builds a new tree per run: the app (and CliRunner tests) stay English.
    fresh = command_tree(app).commands["ops"]  # type: ignore[attr-defined]
    assert fresh.help == "Orders, shipments, receipts, inventory, KPIs and scorecards."
    assert localise_help(command_tree(app), "en").commands["ops"].help == fresh.help  # type: ignore[attr-defined]


def test_typer_panel_titles_follow_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TYPER_STRINGS:
        monkeypatch.setattr(rich_utils, name, getattr(rich_utils, name))
    monkeypatch.setattr(rich_utils, "_make_rich_text", rich_utils._make_rich_text)
    localise_typer_strings("en")
    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"
    localise_typer_strings("ko")
    assert rich_utils.OPTIONS_PANEL_TITLE == "옵션"
    assert rich_utils.REQUIRED_LONG_STRING == "[필수]"


def _load_checker() -> ModuleType:
    return load_file_module("scripts/i18n_check.py", "i18n_check_cli")


def test_i18n_check_sees_the_cli_help_texts() -> None:
    checker = _load_checker()
    found = {msgid for _, _, msgid in checker._cli_help_messages()}
    assert {slot.text for slot in help_texts(command_tree(app))} <= found
    assert set(TYPER_STRINGS.values()) <= found
    assert checker.domain_of(checker.CLI_LOCATION + "cofab ops") == "cli"


def _cofab(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sysconfig.get_path("scripts")) / "cofab"
    assert script.exists(), f"{script} missing: run `pip install -e .`"
    environment = {
        k: v for k, v in os.environ.items() if k not in ("COFAB_LANG", "LC_ALL", "LC_MESSAGES")
    }
    environment.update(env)
    done = subprocess.run(
        [str(script), *args], env=environment, capture_output=True, text=True, timeout=120
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, ANSI.sub("", done.stdout), ANSI.sub("", done.stderr)
    )


def test_the_cofab_script_runs_the_localising_entry_point() -> None:
    (script,) = entry_points(group="console_scripts", name="cofab")
    assert script.value == "cofab.cli:main"


def test_cofab_help_in_korean_and_english() -> None:
    korean = _cofab("ops", "--help", COFAB_LANG="ko")
    assert korean.returncode == 0, korean.stderr
    assert "주문, 출하, 입고, 재고, KPI와 스코어카드." in korean.stdout
    assert "옵션" in korean.stdout and "이 도움말을 보여 주고 끝냅니다." in korean.stdout
    assert "Orders, shipments" not in korean.stdout

    english = _cofab("ops", "--help", COFAB_LANG="en", LANG="ko_KR.UTF-8")
    assert english.returncode == 0, english.stderr
    assert "Orders, shipments, receipts, inventory, KPIs and scorecards." in english.stdout
    assert "Show this message and exit." in english.stdout
    assert not HANGUL.search(english.stdout)

    from_lang = _cofab("vault", "verify", "--help", LANG="ko_KR.UTF-8")
    assert from_lang.returncode == 0, from_lang.stderr
    assert "SHA-256을 확인합니다" in " ".join(from_lang.stdout.split())
