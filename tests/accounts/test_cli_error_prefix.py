"""A refused CLI command starts its line with the error word in the reader's language: a Korean
reader got "error:" in English before the Korean text."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _refused(lang: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cofab", "partners", "import", "/nonexistent.csv"],
        capture_output=True,
        text=True,
        env={**os.environ, "COFAB_LANG": lang, "COLUMNS": "200"},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ko", "오류: 파일을 찾을 수 없습니다: /nonexistent.csv"),
        ("en", "error: File not found: /nonexistent.csv"),
    ],
)
def test_refusal_line_prefix_follows_the_language(lang: str, line: str) -> None:
    result = _refused(lang)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == line
