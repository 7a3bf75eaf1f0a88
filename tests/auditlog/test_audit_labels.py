"""The audit log names actions in the reader's language (issue 13, defect 13).

It used to show raw codes (``solved``, ``share``, ``grant``) and "생성 일시" (creation time) for
the action "created", because one English msgid "Created" carried both meanings with two
Korean texts, and whichever the catalog kept won everywhere.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from tests.conftest import World, csrf_of, login

import cofab.contracts.lifecycle  # registers the contract events' labels
from cofab.auditlog.action_labels import action_msgid
from cofab.core.i18n import translate

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cofab"
KO_MESSAGES = PACKAGE / "locales" / "ko" / "LC_MESSAGES"
CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")
# Helpers that take the action as a positional argument before handing it to audit.record.
RECORDING_HELPERS = {"_record", "_audit", "_audit_version"}
# Codes chosen at run time, so no literal reaches a recording call: order-line answers
# (operations.schemas) and the owner's answer to a proposal (operations.orders).
RUNTIME_CODES = {"accept", "reject", "propose", "proposal_accepted", "proposal_rejected"}


def _literals(node: ast.AST) -> set[str]:
    """String constants an expression can evaluate to (a literal or a conditional of literals)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()


def recorded_action_codes() -> set[str]:
    codes: set[str] = set(RUNTIME_CODES)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    codes |= _literals(keyword.value)
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in RECORDING_HELPERS:
                for argument in node.args:
                    codes |= {c for c in _literals(argument) if CODE.match(c)}
    codes |= {action for action, _roles in cofab.contracts.lifecycle.MOVES.values()}
    return {code for code in codes if CODE.match(code)}


def test_the_scan_finds_the_codes_of_every_kind_of_record() -> None:
    codes = recorded_action_codes()
    # keyword literal, conditional, positional helper, state machine, run time
    assert {"solved", "share", "grant", "deactivate", "internal_approval", "propose"} <= codes
    assert len(codes) > 40


def test_every_recorded_action_has_a_label_in_both_languages() -> None:
    unlabelled = []
    for code in sorted(recorded_action_codes()):
        msgid = action_msgid(code)
        korean = translate(msgid, "ko")
        if msgid == code or korean == msgid or not re.search("[가-힣]", korean):
            unlabelled.append(f"{code}: {msgid!r} -> {korean!r}")
    assert not unlabelled, "audit actions shown as raw codes:\n" + "\n".join(unlabelled)


@pytest.mark.parametrize(
    ("code", "english", "korean"),
    [
        ("create", "Created", "생성"),
        ("solved", "Solved", "계산 완료"),
        ("share", "Shared with a partner", "파트너와 공유"),
        ("grant", "Access granted", "열람 권한 부여"),
        ("partner_approved", "Partner approved", None),  # the contract lifecycle's own label
    ],
)
def test_labels_read_as_actions(code: str, english: str, korean: str | None) -> None:
    assert translate(action_msgid(code), "en") == english
    if korean is not None:
        assert translate(action_msgid(code), "ko") == korean


def test_creation_time_and_the_created_action_are_different_messages() -> None:
    assert translate("Created", "ko") == "생성"
    assert translate("Created at", "ko") == "생성 일시"


def _po_entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every entry, duplicates kept (Babel's reader merges them)."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            keyword = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
            if keyword:
                current = keyword.group(1)
                fields[current] = keyword.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid") and "msgctxt" not in fields:
            entries.append((fields["msgid"], fields.get("msgstr", "")))
    return entries


def test_no_msgid_has_two_korean_texts() -> None:
    texts: dict[str, set[str]] = defaultdict(set)
    where: dict[str, set[str]] = defaultdict(set)
    for po in sorted(KO_MESSAGES.glob("*.po")):
        for msgid, msgstr in _po_entries(po.read_text(encoding="utf-8")):
            texts[msgid].add(msgstr)
            where[msgid].add(po.name)
    clashes = {m: (sorted(t), sorted(where[m])) for m, t in texts.items() if len(t) > 1}
    assert not clashes, f"one English msgid, several meanings: {clashes}"


def test_the_audit_page_shows_labels_not_codes(base_url: str, world: World) -> None:
    admin = login(base_url, world.users["admin"])  # the world was built with "create" entries
    for locale, label in (("en", "Created"), ("ko", "생성")):
        admin.post("/lang", data={"csrf_token": csrf_of(admin), "locale": locale})
        page = admin.get("/audit", params={"action": "create"})
        assert page.status_code == 200
        badges = re.findall(r'data-testid="audit-action">([^<]*)<', page.text)
        assert badges and set(badges) == {label}, badges
        assert f'<option value="share" >{translate("Shared with a partner", locale)}' in (page.text)
