"""Default evaluation templates per partner type, as plain data the database layer seeds from.

Criteria follow the twelve groups of the domain text (§3.1). Each template's weights add up to
100; a partner type stresses what matters for it (process capability and quality for a contract
manufacturer, delivery and capacity for logistics, innovation and information security for a
technology partner). Names are data in both languages because templates are user-editable
records, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TEMPLATE_DATA_VERSION = 1
"""Bump when the defaults change, so a seeding step can tell old defaults from new ones."""

PartnerType = Literal["contract_manufacturer", "supplier", "logistics", "technology"]
Direction = Literal["benefit", "cost"]
Scale = Literal["1-5", "0-100", "measured"]

PARTNER_TYPES: tuple[PartnerType, ...] = (
    "contract_manufacturer",
    "supplier",
    "logistics",
    "technology",
)


@dataclass(frozen=True)
class CriterionGroup:
    key: str
    name_en: str
    name_ko: str


CRITERION_GROUPS: tuple[CriterionGroup, ...] = (
    CriterionGroup("technology", "Technology and production capability", "기술력과 생산 역량"),
    CriterionGroup("capacity", "Production capacity", "생산 능력"),
    CriterionGroup("financial", "Financial stability", "재무 안정성"),
    CriterionGroup("quality", "Quality management system", "품질 관리 체계"),
    CriterionGroup("culture", "Culture and values fit", "기업 문화와 가치관 적합성"),
    CriterionGroup("supply_chain", "Supply-chain management", "공급망 관리 능력"),
    CriterionGroup("delivery", "Delivery record", "납기 준수 이력"),
    CriterionGroup(
        "environment_safety", "Environment and safety compliance", "환경 및 안전 규정 준수"
    ),
    CriterionGroup("information_security", "Information security", "정보 보호 및 보안 체계"),
    CriterionGroup("innovation", "Innovation", "혁신 의지"),
    CriterionGroup("flexibility", "Flexibility", "유연한 대응 능력"),
    CriterionGroup("ethics", "Business ethics", "비즈니스 윤리"),
)


@dataclass(frozen=True)
class DefaultCriterion:
    key: str
    group: str
    name_en: str
    name_ko: str
    direction: Direction
    scale: Scale
    weight: int  # percent; a template's weights add up to 100
    unit: str | None = None  # measured criteria only


@dataclass(frozen=True)
class DefaultTemplate:
    partner_type: PartnerType
    name_en: str
    name_ko: str
    criteria: tuple[DefaultCriterion, ...]


def _c(
    key: str,
    group: str,
    name_en: str,
    name_ko: str,
    weight: int,
    scale: Scale = "1-5",
    direction: Direction = "benefit",
    unit: str | None = None,
) -> DefaultCriterion:
    return DefaultCriterion(key, group, name_en, name_ko, direction, scale, weight, unit)


_CULTURE = ("culture_fit", "culture", "Culture and values fit", "기업 문화·가치관 적합성")
_ETHICS = ("business_ethics", "ethics", "Business ethics and integrity", "비즈니스 윤리·청렴성")
_FINANCE = (
    "financial_health",
    "financial",
    "Financial health (financial review)",
    "재무 건전성(재무 검토 결과)",
)
_ENV = (
    "environment_safety",
    "environment_safety",
    "Environment and safety compliance",
    "환경·안전 규정 준수",
)
_OTD = ("on_time_delivery", "delivery", "On-time delivery rate", "납기 준수율")
_LEAD_TIME = ("quoted_lead_time", "delivery", "Quoted lead time", "제시 리드타임")

DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        "contract_manufacturer",
        "Contract manufacturer selection",
        "계약 제조업체(CM) 선정",
        (
            _c(
                "process_capability",
                "technology",
                "Process and product technology fit",
                "공정·제품 기술 적합성",
                14,
            ),
            _c(
                "available_capacity",
                "capacity",
                "Available monthly capacity",
                "월간 가용 생산 능력",
                10,
                "measured",
                unit="units/month",
            ),
            _c(*_FINANCE, 8),
            _c(
                "qms_maturity",
                "quality",
                "Quality system maturity (ISO 9001 / IATF 16949)",
                "품질 시스템 성숙도(ISO 9001 / IATF 16949)",
                12,
            ),
            _c(
                "defect_rate",
                "quality",
                "Outgoing defect rate",
                "출하 불량률",
                6,
                "measured",
                "cost",
                unit="ppm",
            ),
            _c(*_CULTURE, 4),
            _c(
                "material_management",
                "supply_chain",
                "Material sourcing and supply-chain control",
                "자재 조달·공급망 관리",
                6,
            ),
            _c(*_OTD, 10, "0-100"),
            _c(*_LEAD_TIME, 5, "measured", "cost", unit="days"),
            _c(*_ENV, 6),
            _c(
                "ip_protection",
                "information_security",
                "IP and information protection",
                "지식재산·정보 보호",
                6,
            ),
            _c(
                "improvement_culture",
                "innovation",
                "Continuous improvement and innovation",
                "지속 개선·혁신 의지",
                4,
            ),
            _c(
                "volume_flexibility",
                "flexibility",
                "Volume and mix flexibility",
                "물량·제품 구성 변경 대응력",
                5,
            ),
            _c(*_ETHICS, 4),
        ),
    ),
    DefaultTemplate(
        "supplier",
        "Supplier selection",
        "공급업체 선정",
        (
            _c(
                "specification_fit",
                "technology",
                "Material / component specification fit",
                "자재·부품 사양 적합성",
                12,
            ),
            _c("supply_capacity", "capacity", "Supply capacity headroom", "공급 능력 여유", 8),
            _c(*_FINANCE, 10),
            _c(
                "qms_maturity",
                "quality",
                "Quality system maturity (ISO 9001)",
                "품질 시스템 성숙도(ISO 9001)",
                12,
            ),
            _c(
                "defect_rate",
                "quality",
                "Incoming defect rate",
                "입고 불량률",
                8,
                "measured",
                "cost",
                unit="ppm",
            ),
            _c(*_CULTURE, 3),
            _c(
                "sub_tier_control",
                "supply_chain",
                "Sub-tier supplier control",
                "하위 협력사 관리",
                8,
            ),
            _c(*_OTD, 10, "0-100"),
            _c(*_LEAD_TIME, 6, "measured", "cost", unit="days"),
            _c(*_ENV, 6),
            _c(
                "data_protection",
                "information_security",
                "Information protection",
                "정보 보호 체계",
                4,
            ),
            _c(
                "product_innovation",
                "innovation",
                "Product and process innovation",
                "제품·공정 혁신",
                4,
            ),
            _c(
                "order_flexibility",
                "flexibility",
                "Order change flexibility",
                "주문 변경 대응력",
                5,
            ),
            _c(*_ETHICS, 4),
        ),
    ),
    DefaultTemplate(
        "logistics",
        "Logistics and distribution partner selection",
        "물류·유통 파트너 선정",
        (
            _c(
                "systems_visibility",
                "technology",
                "Tracking and warehouse systems",
                "화물 추적·창고 관리 시스템",
                8,
            ),
            _c(
                "network_capacity", "capacity", "Warehouse and fleet capacity", "창고·운송 능력", 10
            ),
            _c(*_FINANCE, 8),
            _c(
                "handling_quality",
                "quality",
                "Handling quality and damage control",
                "취급 품질·파손 관리",
                10,
            ),
            _c(*_CULTURE, 4),
            _c(
                "network_coverage",
                "supply_chain",
                "Network coverage and carrier management",
                "네트워크 범위·운송사 관리",
                10,
            ),
            _c("on_time_delivery", "delivery", "On-time delivery rate", "정시 배송률", 16, "0-100"),
            _c(
                "transit_time",
                "delivery",
                "Average transit time",
                "평균 운송 시간",
                6,
                "measured",
                "cost",
                unit="days",
            ),
            _c(*_ENV, 6),
            _c(
                "shipment_data_security",
                "information_security",
                "Shipment data security",
                "화물·고객 정보 보안",
                6,
            ),
            _c("logistics_innovation", "innovation", "Logistics innovation", "물류 혁신", 3),
            _c(
                "peak_flexibility",
                "flexibility",
                "Peak and urgent-order flexibility",
                "성수기·긴급 주문 대응력",
                9,
            ),
            _c(*_ETHICS, 4),
        ),
    ),
    DefaultTemplate(
        "technology",
        "Technology partner selection",
        "기술 협력 파트너 선정",
        (
            _c(
                "technical_depth",
                "technology",
                "Technical depth and track record",
                "기술 수준·개발 실적",
                18,
            ),
            _c(
                "engineering_capacity",
                "capacity",
                "Engineering capacity for the project",
                "프로젝트 투입 가능 인력",
                8,
            ),
            _c(*_FINANCE, 8),
            _c(
                "development_quality",
                "quality",
                "Development quality process",
                "개발 품질 관리 프로세스",
                8,
            ),
            _c(*_CULTURE, 7),
            _c(
                "industrialisation",
                "supply_chain",
                "Path to industrialisation and supply",
                "양산 이전·공급 연계 역량",
                5,
            ),
            _c(
                "milestone_record",
                "delivery",
                "Milestone delivery record",
                "개발 일정 준수 이력",
                8,
            ),
            _c(*_ENV, 4),
            _c(
                "ip_protection",
                "information_security",
                "IP and information protection",
                "지식재산·정보 보호",
                12,
            ),
            _c(
                "innovation_capability",
                "innovation",
                "Innovation capability and roadmap",
                "혁신 역량·기술 로드맵",
                12,
            ),
            _c(
                "collaboration_flexibility",
                "flexibility",
                "Flexibility in scope and collaboration",
                "범위 변경·협업 유연성",
                5,
            ),
            _c(*_ETHICS, 5),
        ),
    ),
)


def template_for(partner_type: PartnerType) -> DefaultTemplate:
    for template in DEFAULT_TEMPLATES:
        if template.partner_type == partner_type:
            return template
    raise KeyError(partner_type)
