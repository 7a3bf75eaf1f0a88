"""Every message a user can see has Korean, and no Korean text can break ``str.format``."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from tests.file_modules import load_file_module

from cofab.core.i18n import catalog, translate


def _load_checker() -> ModuleType:
    return load_file_module("scripts/i18n_check.py", "i18n_check")


checker = _load_checker()


@pytest.fixture(scope="module")
def translations() -> dict[Path, dict[str, str]]:
    result: dict[Path, dict[str, str]] = checker.read_translations()
    return result


def test_every_msgid_has_korean(translations: dict[Path, dict[str, str]]) -> None:
    messages = checker.collect_messages()
    assert len(messages) > 100, "the extractor found suspiciously few messages"
    missing = checker.missing_messages(messages, checker.merged(translations))
    report = "\n".join(
        f"[{'/'.join(sorted(m.domains))}] {m.msgid!r} at {m.where()}" for m in missing
    )
    assert not missing, f"{len(missing)} msgid(s) without Korean:\n{report}"


def test_korean_keeps_the_placeholders(translations: dict[Path, dict[str, str]]) -> None:
    problems = checker.placeholder_mismatches(translations)
    report = "\n".join(
        f"{p.po_file}: {p.msgid!r} has {sorted(p.expected or [])}, "
        f"Korean has {sorted(p.found or ['<invalid format>'])}"
        for p in problems
    )
    assert not problems, report


def test_placeholder_check_catches_a_renamed_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    broken.write_text(
        checker.PO_HEADER
        + '\nmsgid "Row {row} is bad."\nmsgstr "{line}행이 잘못되었습니다."\n'
        + '\nmsgid "Fine {n}."\nmsgstr "괜찮음 {n}."\n'
        + '\nmsgid "Unbalanced {n}."\nmsgstr "짝이 안 맞음 {n."\n',
        encoding="utf-8",
    )
    problems = checker.placeholder_mismatches(checker.read_translations(tmp_path))
    assert {p.msgid for p in problems} == {"Row {row} is bad.", "Unbalanced {n}."}
    by_id = {p.msgid: p for p in problems}
    assert by_id["Row {row} is bad."].found == frozenset({"line"})
    assert by_id["Unbalanced {n}."].found is None


def test_extractor_reads_python_keywords_and_templates(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "things" / "templates").mkdir(parents=True)
    (package / "things" / "errors.py").write_text(
        "class CofabError(Exception): ...\n"
        "class Gone(CofabError):\n"
        "    title = N_('It is gone.')\n"
        "def f(locale):\n"
        "    fail('No file {path}.', path='x')\n"
        "    raise Gone('Gone since {day}.', day=1)\n"
        "    print(f\"{N_('Inside an f-string')}: {translate(STAGES['build'], locale)}\")\n"
        "    return translate('Hello {name}.', locale, name='a') + translate(locale, 'x')\n",
        encoding="utf-8",
    )
    (package / "things" / "templates" / "page.html").write_text(
        '{% block b %}<h1>{{ _("Title here") }}</h1>\n'
        "<p>{{ _('{n} rows', n=3) }} {{ _(variable) }}</p>{# _('Hidden') #}{% endblock %}\n",
        encoding="utf-8",
    )
    (package / "things" / "templates" / "broken.html").write_text(
        "{% if x %}{{ _('Still found') }}{# _('Only a comment') #}\n", encoding="utf-8"
    )
    found = checker.collect_messages(package)
    assert set(found) - {"Still found", "Only a comment"} == {
        "It is gone.",
        "No file {path}.",
        "Gone since {day}.",
        "Hello {name}.",
        "Inside an f-string",
        "Title here",
        "{n} rows",
    }
    assert found["{n} rows"].locations[0][1] == 2
    # Jinja cannot parse broken.html (unclosed if), so the regex fallback still finds its text.
    assert "Still found" in found


def test_write_missing_appends_empty_entries(tmp_path: Path) -> None:
    target = tmp_path / "draft.po"
    message = checker.Message("New text {n}", [("src/cofab/x.py", 3)])
    assert checker.write_missing(target, [message]) == 1
    assert checker.write_missing(target, [message]) == 0  # already drafted: not twice
    drafted = checker.read_translations(tmp_path)
    assert drafted[target] == {}  # empty msgstr still counts as missing
    assert 'msgid "New text {n}"' in target.read_text(encoding="utf-8")


def test_translate_returns_korean() -> None:
    catalog.cache_clear()
    assert translate("Please log in.", "ko") == "로그인하세요."
    assert translate("Please log in.", "en") == "Please log in."
    assert translate("Page {page} of {pages}", "ko", page=2, pages=5) == "2 / 5 페이지"
