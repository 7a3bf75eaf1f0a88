"""Default templates and checklist data, and the Korean catalog covering every message."""

from __future__ import annotations

import ast
from pathlib import Path

from cofab.core.i18n import catalog
from cofab.selection.checklist_default import DEFAULT_CHECKLIST, checklist_for
from cofab.selection.templates_default import (
    CRITERION_GROUPS,
    DEFAULT_TEMPLATES,
    PARTNER_TYPES,
    template_for,
)

SOURCES = Path(__file__).resolve().parents[2] / "src" / "cofab" / "selection"


def test_every_partner_type_has_a_template_covering_the_twelve_groups() -> None:
    groups = {group.key for group in CRITERION_GROUPS}
    assert len(groups) == 12
    assert {t.partner_type for t in DEFAULT_TEMPLATES} == set(PARTNER_TYPES)
    for template in DEFAULT_TEMPLATES:
        assert sum(c.weight for c in template.criteria) == 100, template.partner_type
        assert {c.group for c in template.criteria} == groups, template.partner_type
        keys = [c.key for c in template.criteria]
        assert len(keys) == len(set(keys))
        for criterion in template.criteria:
            assert criterion.weight > 0 and criterion.name_ko and criterion.name_en
            assert (criterion.unit is not None) == (criterion.scale == "measured")
    assert template_for("logistics").name_ko == "물류·유통 파트너 선정"


def test_checklist_has_the_issue_items_and_mandatory_flags() -> None:
    keys = {item.key for item in DEFAULT_CHECKLIST}
    assert keys == {
        "site_audit",
        "reference_checks",
        "financial_review",
        "certificate_verification",
        "information_security_questionnaire",
        "environment_safety_compliance",
        "conflict_of_interest",
    }
    site = next(item for item in DEFAULT_CHECKLIST if item.key == "site_audit")
    assert set(site.fields) >= {"audit_date", "auditor", "findings", "score"}
    mandatory = {item.key for item, needed in checklist_for("technology") if needed}
    assert "conflict_of_interest" in mandatory and "site_audit" not in mandatory


def test_every_marked_message_has_a_korean_translation() -> None:
    ko = catalog("ko")
    msgids: list[str] = []
    for path in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                msgids.append(node.args[0].value)  # type: ignore[attr-defined]
    assert len(msgids) > 80
    missing = [m for m in msgids if not ko.get(m)]
    assert missing == []
