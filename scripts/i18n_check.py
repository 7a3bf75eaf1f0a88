"""Find every user-facing msgid in cofab that has no Korean translation yet.

English text is the msgid, so a forgotten translation never crashes: it silently shows English to
a Korean reader. This check makes that visible (exit code 1) and, with ``--write-missing``, drafts
the missing entries into a .po file for a translator. It also checks that each Korean msgstr keeps
the msgid's ``{placeholders}``: ``translate`` fills them with ``str.format``, so a renamed or
dropped placeholder would show the English fallback or lose a value.

Usable as a module (the i18n catalog test imports it) and as ``python scripts/i18n_check.py``.
"""

from __future__ import annotations

import argparse
import ast
import re
import string
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import escape, read_po, write_po
from jinja2 import Environment, TemplateSyntaxError
from jinja2.ext import extract_from_ast

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cofab"
KO_MESSAGES = PACKAGE / "locales" / "ko" / "LC_MESSAGES"

# Folders whose helpers keep their own .po file; everything else is the foundation (core.po).
DOMAIN_FOLDERS = ("planning", "selection", "vault", "contracts", "operations")

# Calls whose argument is a msgid; every CofabError subclass is added (``raise NotFound("...")``).
BASE_KEYWORDS: dict[str, Any] = {
    "N_": None,
    "_": None,
    "translate": (1,),
    "fail": (1,),
    "FieldProblem": (2,),
}
ERROR_ROOT = "CofabError"
# msgids a template shows through a variable (``_(kind)``), invisible to any extractor.
IMPORT_RESULT = "src/cofab/partners/templates/partners/import_result.html"
DYNAMIC_MSGIDS: dict[str, str] = {
    "partners": IMPORT_RESULT,
    "sites": IMPORT_RESULT,
    "capabilities": IMPORT_RESULT,
    "certifications": IMPORT_RESULT,
}
TEMPLATE_FUNCTIONS = ("_", "gettext")
# Location prefix of the ``cofab`` command line's --help texts, read from the built command tree
# (Typer cleans docstrings up, so the msgid is the tree's text, not the source literal).
CLI_LOCATION = "<cli> "

# Fallback for a template Jinja cannot parse: the first literal inside _( ... ).
TEMPLATE_CALL = re.compile(
    r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", re.DOTALL
)
PO_HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: cofab\\n"\n'
    '"Language: ko\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=1; plural=0;\\n"\n'
)


@dataclass
class Message:
    """One msgid and every place it is used (repo-relative ``path:line``)."""

    msgid: str
    locations: list[tuple[str, int]] = field(default_factory=list)

    @property
    def domains(self) -> set[str]:
        return {domain_of(path) for path, _ in self.locations}

    def where(self) -> str:
        return ", ".join(f"{path}:{line}" for path, line in self.locations)


@dataclass
class PlaceholderMismatch:
    po_file: str
    msgid: str
    msgstr: str
    expected: frozenset[str] | None
    found: frozenset[str] | None


def domain_of(path: str) -> str:
    """'planning' for src/cofab/planning/..., 'core' for every foundation file."""
    if path.startswith(CLI_LOCATION):
        return "cli"
    parts = Path(path).parts
    if len(parts) > 3 and parts[:2] == ("src", "cofab") and parts[2] in DOMAIN_FOLDERS:
        return parts[2]
    return "core"


def is_translatable(msgid: str) -> bool:
    """A msgid with no letters outside placeholders ("{n}", "—") reads the same in Korean."""
    text = re.sub(r"\{[^{}]*\}", "", msgid)
    return any(ch.isalpha() for ch in text)


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


CLASS_LINE = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)


def _python_sources(package: Path) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(package.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def error_classes(sources: Mapping[Path, str]) -> set[str]:
    """Names of every class that (by name, transitively) subclasses CofabError, so a domain's
    own ``raise SomethingWrong("...")`` is extracted without listing it here."""
    bases: dict[str, set[str]] = {}
    for text in sources.values():
        for name, raw_bases in CLASS_LINE.findall(text):
            parents = {b.strip().split("[")[0].split(".")[-1] for b in raw_bases.split(",")}
            bases.setdefault(name, set()).update(parents)
    found = {ERROR_ROOT}
    grew = True
    while grew:
        fresh = {name for name, parents in bases.items() if parents & found} - found
        found |= fresh
        grew = bool(fresh)
    return found


def python_keywords(sources: Mapping[Path, str]) -> dict[str, Any]:
    return {**{name: (1,) for name in error_classes(sources)}, **BASE_KEYWORDS}


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _python_messages(package: Path) -> Iterator[tuple[str, int, str]]:
    """String literals passed at a keyword's msgid position, read from the syntax tree.

    Babel's tokenizing Python extractor was the first choice, but it does not see brackets:
    ``translate(STAGES["build"], locale)`` came out as the msgid "build". The tree knows what
    the argument really is; implicit concatenation and parenthesised strings come out joined.
    Files that call no keyword at all (most numeric modules) are not parsed.
    """
    sources = _python_sources(package)
    keywords = python_keywords(sources)
    calls = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, keywords)) + r")\s*\(")
    for path, text in sources.items():
        if not calls.search(text):
            continue
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError as exc:
            print(f"warning: {_relative(path)}: not parsed ({exc})", file=sys.stderr)
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name not in keywords:
                continue
            position = (keywords[name] or (1,))[0]
            if len(node.args) < position:
                continue
            argument = node.args[position - 1]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield _relative(path), argument.lineno, argument.value


def _template_files(package: Path) -> Iterator[Path]:
    for path in sorted(package.rglob("*.html")):
        if "templates" in path.relative_to(package).parts:
            yield path


def _regex_template_messages(text: str) -> Iterator[tuple[int, str]]:
    for match in TEMPLATE_CALL.finditer(text):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        lineno = text.count("\n", 0, match.start()) + 1
        yield lineno, re.sub(r"\\(.)", r"\1", raw)


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    # One parsing environment for every template: Babel's jinja2 entry point builds a new one
    # per file, which doubles the cost of the check.
    return Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])


def _template_messages(path: Path) -> Iterator[tuple[int, str]]:
    """Jinja's own extractor (real parse, so comments and raw blocks are honoured); a file it
    cannot parse still gets checked with the regex rather than silently yielding nothing."""
    text = path.read_text(encoding="utf-8")
    try:
        tree = _jinja().parse(text)
    except TemplateSyntaxError as exc:
        print(
            f"warning: {_relative(path)}: Jinja could not parse it ({exc}); using regex",
            file=sys.stderr,
        )
        yield from _regex_template_messages(text)
        return
    for lineno, _function, found in extract_from_ast(tree, TEMPLATE_FUNCTIONS):
        message = found[0] if isinstance(found, tuple) else found
        if isinstance(message, str):
            yield lineno, message


def _cli_help_messages() -> Iterator[tuple[str, int, str]]:
    """Help texts of every ``cofab`` command, option and argument (shown in Korean by
    ``cofab.core.cli_help``); located as ``<cli> cofab <group> <command> --option``."""
    try:
        from cofab.cli import app
        from cofab.core.cli_help import TYPER_STRINGS, command_tree, help_texts
    except ImportError as exc:
        print(f"warning: CLI help texts not checked ({exc})", file=sys.stderr)
        return
    for slot in help_texts(command_tree(app)):
        yield CLI_LOCATION + slot.where, 0, slot.text
    for name, msgid in TYPER_STRINGS.items():
        yield CLI_LOCATION + "typer.rich_utils." + name, 0, msgid


def collect_messages(package: Path = PACKAGE) -> dict[str, Message]:
    """Every translatable msgid in Python code and templates under ``package``."""
    messages: dict[str, Message] = {}

    def add(msgid: str, path: str, lineno: int) -> None:
        if not msgid or not is_translatable(msgid):
            return
        messages.setdefault(msgid, Message(msgid)).locations.append((path, lineno))

    for path, lineno, msgid in _python_messages(package):
        add(msgid, path, lineno)
    for template in _template_files(package):
        for lineno, msgid in _template_messages(template):
            add(msgid, _relative(template), lineno)
    if package == PACKAGE:
        for msgid, path in DYNAMIC_MSGIDS.items():
            if (ROOT / path).exists():
                add(msgid, path, 0)
        for path, lineno, msgid in _cli_help_messages():
            add(msgid, path, lineno)
    return messages


def po_files(folder: Path = KO_MESSAGES) -> list[Path]:
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def read_translations(folder: Path = KO_MESSAGES) -> dict[Path, dict[str, str]]:
    """msgid → msgstr per .po file, same rules as the runtime loader (empty msgstr = missing)."""
    result: dict[Path, dict[str, str]] = {}
    for path in po_files(folder):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ko")
        result[path] = {
            str(m.id): str(m.string)
            for m in catalog
            if m.id and isinstance(m.id, str) and m.string and isinstance(m.string, str)
        }
    return result


def merged(translations: Mapping[Path, Mapping[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entries in translations.values():
        out.update(entries)
    return out


def missing_messages(
    messages: Mapping[str, Message], translations: Mapping[str, str]
) -> list[Message]:
    return sorted(
        (m for m in messages.values() if m.msgid not in translations),
        key=lambda m: (min(m.domains), m.locations[0]),
    )


def format_fields(text: str) -> frozenset[str] | None:
    """Names of ``{placeholders}``; None if ``str.format`` would reject the text."""
    try:
        names = {
            name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text)
            if name is not None
        }
    except ValueError:
        return None
    return frozenset(names)


def placeholder_mismatches(
    translations: Mapping[Path, Mapping[str, str]],
) -> list[PlaceholderMismatch]:
    problems: list[PlaceholderMismatch] = []
    for path, entries in translations.items():
        for msgid, msgstr in entries.items():
            expected, found = format_fields(msgid), format_fields(msgstr)
            if expected != found:
                problems.append(
                    PlaceholderMismatch(_relative(path), msgid, msgstr, expected, found)
                )
    return problems


def conflicting_translations(
    translations: Mapping[Path, Mapping[str, str]],
) -> dict[str, list[tuple[str, str]]]:
    """msgids that two .po files translate differently; the loader keeps the last file's."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for path, entries in translations.items():
        for msgid, msgstr in entries.items():
            seen.setdefault(msgid, []).append((path.name, msgstr))
    return {k: v for k, v in seen.items() if len({msgstr for _, msgstr in v}) > 1}


def write_missing(target: Path, missing: Iterable[Message]) -> int:
    """Append the missing msgids with empty msgstr; skip ids already in ``target``."""
    existing: set[str] = set()
    if target.exists():
        with target.open("rb") as handle:
            existing = {str(m.id) for m in read_po(handle, locale="ko") if m.id}
    fresh = [m for m in missing if m.msgid not in existing]
    if not fresh:
        return 0
    if not target.exists():
        catalog = Catalog(locale="ko", project="cofab", charset="utf-8")
        for message in fresh:
            catalog.add(message.msgid, "", locations=message.locations)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False)
        return len(fresh)
    chunks: list[str] = []
    for message in fresh:
        refs = "".join(f"#: {path}:{line}\n" for path, line in message.locations)
        chunks.append(f'\n{refs}msgid {escape(message.msgid)}\nmsgstr ""\n')
    text = target.read_text(encoding="utf-8")
    with target.open("a", encoding="utf-8") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        handle.write("".join(chunks))
    return len(fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--write-missing",
        metavar="FILE.po",
        type=Path,
        help="append missing msgids with an empty msgstr to this .po file",
    )
    parser.add_argument(
        "--domain",
        action="append",
        help="only report msgids used in this domain ('core' = foundation); repeatable",
    )
    args = parser.parse_args(argv)

    messages = collect_messages()
    translations = read_translations()
    missing = missing_messages(messages, merged(translations))
    if args.domain:
        wanted = set(args.domain)
        missing = [m for m in missing if m.domains & wanted]
    mismatches = placeholder_mismatches(translations)

    for message in missing:
        print(f"{message.where()}: [{'/'.join(sorted(message.domains))}] {message.msgid!r}")
    for problem in mismatches:
        print(
            f"{problem.po_file}: placeholders differ for {problem.msgid!r}: "
            f"msgid {sorted(problem.expected or ['<invalid>'])}, "
            f"msgstr {sorted(problem.found or ['<invalid>'])}"
        )
    for msgid, versions in conflicting_translations(translations).items():
        shown = "; ".join(f"{name}: {msgstr!r}" for name, msgstr in versions)
        print(f"note: {msgid!r} is translated differently ({shown})", file=sys.stderr)
    if args.write_missing is not None:
        count = write_missing(args.write_missing, missing)
        print(f"wrote {count} empty entr{'y' if count == 1 else 'ies'} to {args.write_missing}")
    print(
        f"{len(messages)} msgids, {len(missing)} without Korean, "
        f"{len(mismatches)} placeholder mismatches",
        file=sys.stderr,
    )
    return 1 if missing or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
