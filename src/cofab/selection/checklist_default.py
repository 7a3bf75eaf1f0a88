"""Default due-diligence checklist items, as plain data the database layer seeds from.

An item is ``mandatory`` for the partner types listed: the qualification gate refuses approval
while a mandatory item is not signed off. ``fields`` name what an item records beyond the
common status / owner / due date / evidence / sign-off, so forms and exports know what to ask.
"""

from __future__ import annotations

from dataclasses import dataclass

from cofab.selection.altman import FIGURE_LABELS
from cofab.selection.templates_default import PARTNER_TYPES, PartnerType

CHECKLIST_DATA_VERSION = 1

ALL_TYPES: tuple[PartnerType, ...] = PARTNER_TYPES


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    name_en: str
    name_ko: str
    description_en: str
    description_ko: str
    mandatory_for: tuple[PartnerType, ...]
    fields: tuple[str, ...] = ()


DEFAULT_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "site_audit",
        "Site audit",
        "현장 실사",
        "Visit the production site and assess facilities, processes and controls.",
        "생산 시설을 방문하여 설비, 공정, 관리 체계를 평가합니다.",
        ("contract_manufacturer", "supplier", "logistics"),
        ("audit_date", "auditor", "findings", "score"),
    ),
    ChecklistItem(
        "reference_checks",
        "Reference checks with existing customers",
        "기존 고객사 참고 조회",
        "Ask existing customers about quality, delivery and cooperation.",
        "기존 고객사에 품질, 납기, 협력 태도에 대해 확인합니다.",
        ALL_TYPES,
        ("customers_contacted", "summary"),
    ),
    ChecklistItem(
        "financial_review",
        "Financial review (Altman Z-score)",
        "재무 검토(Altman Z-score)",
        "Enter the financial figures; the Altman Z-score and its zone are computed.",
        "재무 수치를 입력하면 Altman Z-score와 해당 구간이 계산됩니다.",
        ALL_TYPES,
        ("fiscal_year", "model", *FIGURE_LABELS),
    ),
    ChecklistItem(
        "certificate_verification",
        "Certificate verification",
        "인증서 검증",
        "Verify quality, environment and safety certificates with the issuing body.",
        "품질·환경·안전 인증서를 발급 기관을 통해 확인합니다.",
        ("contract_manufacturer", "supplier"),
        ("certificates", "verified_with", "valid_until"),
    ),
    ChecklistItem(
        "information_security_questionnaire",
        "Information-security questionnaire",
        "정보 보안 설문",
        "The partner answers the information-security questionnaire; review the answers.",
        "파트너가 정보 보안 설문에 답하고, 그 답변을 검토합니다.",
        ("contract_manufacturer", "technology"),
        ("questionnaire_version", "result"),
    ),
    ChecklistItem(
        "environment_safety_compliance",
        "Environment and safety compliance",
        "환경 및 안전 규정 준수 확인",
        "Check permits, incident history and compliance with environment and safety rules.",
        "인허가, 사고 이력, 환경·안전 규정 준수 여부를 확인합니다.",
        ("contract_manufacturer", "supplier", "logistics"),
        ("permits_checked", "incidents", "result"),
    ),
    ChecklistItem(
        "conflict_of_interest",
        "Conflict-of-interest declaration",
        "이해 상충 신고",
        "Everyone who evaluates or approves declares any conflict of interest.",
        "평가·승인에 참여하는 모든 사람이 이해 상충 여부를 신고합니다.",
        ALL_TYPES,
        ("declarations",),
    ),
)


def checklist_for(partner_type: PartnerType) -> tuple[tuple[ChecklistItem, bool], ...]:
    """Every default item with whether it is mandatory for ``partner_type``."""
    return tuple((item, partner_type in item.mandatory_for) for item in DEFAULT_CHECKLIST)
