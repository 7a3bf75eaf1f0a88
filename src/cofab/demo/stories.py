"""What happens in each demo case's operations: who makes what, what goes wrong, what was agreed.

The three cases follow the domain text's case studies, so each one has its own vocabulary:
SMT defects and a new-product ramp at the electronics brand's CMs; a cell capacity ramp at the
automaker's battery JV and a cathode supplier that delivers material, not cells; batches,
deviations and a cold-chain carrier at the biologics company's CDMO. A partner that is not in
``makes`` (a logistics partner, a prospect) receives no manufacturing orders.

Texts are written the way the partner would write them: Korean partners' in Korean, everyone
else's in English (``language_of``). Both languages are kept for texts picked at random, so a
case can gain a Korean or a foreign partner without a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["en", "ko"]


def language_of(country: str) -> Lang:
    """Korean companies write to a Korean owner in Korean; everyone else in English."""
    return "ko" if country == "KR" else "en"


@dataclass(frozen=True)
class Product:
    name: str
    family: str
    usd: float
    quantities: tuple[int, ...] = (200, 500, 800, 1200, 2000)
    ramp: bool = False  # a new product or a capacity ramp: each order a little bigger


@dataclass(frozen=True)
class Action:
    title: str
    side: Literal["owner", "partner"]
    due_in_days: int  # negative: overdue on the day the demo is loaded


@dataclass(frozen=True)
class ReviewStory:
    partner: str
    title: str  # "{quarter}" becomes e.g. 2026-Q3
    decisions: tuple[str, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class CaseStory:
    makes: dict[str, tuple[Product, ...]]
    tickets: dict[str, tuple[str, ...]]  # partner ref → subjects, in that partner's language
    reject_reasons: dict[Lang, tuple[str, ...]]
    proposal_reason: dict[Lang, str]
    ticket_answer: dict[Lang, tuple[str, str]]  # first response, resolution
    carriers: tuple[str, ...]
    reviews: tuple[ReviewStory, ...] = field(default_factory=tuple)


STORIES: dict[str, CaseStory] = {
    "electronics": CaseStory(
        makes={
            "E-SGP": (
                Product("Main board SM-A1 (SMT)", "smartphone", 18.5),
                Product("Smartphone SM-A1 final assembly", "smartphone", 41.0),
                Product("Smartphone SM-A2 (new product ramp)", "smartphone", 46.0, ramp=True),
            ),
            "E-SZE": (
                Product("Main board SM-A1 (SMT)", "smartphone", 18.2),
                Product("Wearable board WB-3 (SMT)", "wearable", 6.4),
                Product("Tablet housing TB-7", "tablet", 4.1),
            ),
            "E-PNG": (
                Product("Camera module CM-12", "camera module", 7.2),
                Product("Functional test SM-A1", "smartphone", 1.1),
            ),
            "E-KGC": (Product("Cover glass CG-61", "cover glass", 2.3),),
        },
        tickets={
            "E-SGP": (
                "Solder bridging on SM-A1 U12 (PMIC) after stencil change",
                "AOI false calls on SMT line 1 above 3 %",
                "SM-A2 pilot build: first-pass yield 91 %",
                "ECN 0142: alternate 0201 capacitor",
                "Second SMT line: reflow oven profiling",
            ),
            "E-SZE": (
                "BGA voiding on WB-3 above 25 %",
                "Tombstoned 0201 capacitors on night shift",
                "Housing TB-7 sink marks near the hinge",
            ),
            "E-PNG": (
                "Camera module focus drift after reflow",
                "Functional test fixture calibration",
            ),
            "E-KGC": ("Cover glass edge chipping in transit", "Packaging specification update"),
            "E-BWL": ("Customs hold in Ho Chi Minh City", "Pallet label format for the hub"),
        },
        reject_reasons={
            "en": (
                "Solder bridging (AOI)",
                "Tombstoned 0201 capacitor",
                "BGA voiding above 25 % (X-ray)",
                "Missing component (AOI)",
                "Scratched cover glass",
            ),
            "ko": ("솔더 브리지(AOI)", "0201 커패시터 툼스톤", "BGA 보이드 25 % 초과", "부품 누락"),
        },
        proposal_reason={
            "en": "PMIC allocation: the supplier ships 60 % of the order this week",
            "ko": "PMIC 배정 물량 부족으로 이번 주 60 %만 입고",
        },
        ticket_answer={
            "en": ("Process engineer assigned; 8D opened", "Stencil reworked, yield back to plan"),
            "ko": ("공정 엔지니어 배정, 8D 착수", "스텐실 수정 후 수율 정상화"),
        },
        carriers=("BlueWave Logistics", "DHL", "Maersk"),
        reviews=(
            ReviewStory(
                partner="E-SGP",
                title="Quarterly business review {quarter} — SMT quality and SM-A2 ramp",
                decisions=(
                    "Weekly SMT yield call until first-pass yield is above 98 %",
                    "SM-A2 volume steps up only after three weeks at 95 % first-pass yield",
                    "A second SMT line at Binh Duong is qualified before the SM-A2 volume step",
                ),
                actions=(
                    Action("Second SMT line qualified", "partner", -5),
                    Action("Rolling 13-week forecast published", "owner", 20),
                ),
            ),
        ),
    ),
    "automotive": CaseStory(
        makes={
            "A-NCP": (
                Product("Pouch cell NCM-811 60 Ah", "NMC pouch cell", 42.0, ramp=True),
                Product("Pouch cell NCM-811 60 Ah, B-sample", "NMC pouch cell", 55.0, (50, 100)),
            ),
            "A-UCW": (
                Product("배터리 모듈 BM-60 조립", "battery module", 310.0, (50, 80, 120)),
                Product("모듈 트레이 MT-3", "battery module", 12.5),
            ),
            "A-PCM": (
                Product("NCM 양극재 CAM-9 (kg)", "NCM cathode", 31.0, (5000, 8000, 12000)),
                Product("NCM 전구체 pCAM-9 (kg)", "NCM precursor", 18.0, (3000, 6000)),
            ),
        },
        tickets={
            "A-NCP": (
                "Formation line 2 yield below the ramp plan",
                "Electrolyte filling machine downtime",
                "Dry-room dew point excursion in hall B",
                "Cell swelling after 45 °C storage test",
            ),
            "A-UCW": (
                "모듈 버스바 레이저 용접 불량 분석",
                "셀 입고 검사 기준 문의",
                "모듈 트레이 도면 개정 요청",
            ),
            "E-BWL": ("UN3480 papers for module pallets Ulsan → Bremerhaven",),
            "A-PCM": (
                "양극재 니켈 함량 성적서 누락",
                "로트 추적성 자료 요청",
                "납품 포장(톤백) 규격 변경 문의",
            ),
        },
        reject_reasons={
            "en": (
                "Capacity below 58 Ah at formation",
                "Electrolyte leak at the pouch seal",
                "Self-discharge above limit (OCV drop)",
                "Tab weld pull test failed",
            ),
            "ko": (
                "입도 분포(D50) 규격 이탈",
                "잔류 리튬 규격 초과",
                "수분 함량 규격 초과",
                "버스바 용접 인장 시험 불합격",
            ),
        },
        proposal_reason={
            "en": "Ramp plan: formation capacity is booked until the second line is released",
            "ko": "소성로 정기 보수로 생산 일정 조정",
        },
        ticket_answer={
            "en": ("Cell engineer assigned", "Root cause fixed and verified on three lots"),
            "ko": ("품질 담당자 배정", "원인 조치 후 3개 로트 검증 완료"),
        },
        carriers=("Baltic Auto Logistics", "DB Schenker", "CJ Logistics"),
        reviews=(
            ReviewStory(
                partner="A-NCP",
                title="JV capacity ramp review {quarter}",
                decisions=(
                    "Keep the ramp plan: 1.2 M cells a month now, 2.5 M by the end of next year",
                    "Offtake for next year confirmed at 70 % of the JV's output",
                ),
                actions=(
                    Action("Formation line 2 released for series production", "partner", -12),
                    Action("Offtake forecast for next year signed", "owner", 25),
                ),
            ),
            ReviewStory(
                partner="A-PCM",
                title="양극재 장기 공급 분기 리뷰 {quarter}",
                decisions=(
                    "니켈·코발트 가격 연동 주기는 분기로 유지",
                    "2라인 증설 일정은 매월 공유",
                ),
                actions=(
                    Action("수분 함량 관리 기준 개정", "partner", 15),
                    Action("내년 확정 물량 통보", "owner", 30),
                ),
            ),
        ),
    ),
    "pharma": CaseStory(
        makes={
            "P-IBL": (
                Product("mAb-07 원료의약품 배치 (15,000 L)", "monoclonal antibody", 1.15e6, (1, 2)),
                Product("mAb-07 완제 충전 배치 (바이알)", "vial", 95_000.0, (1, 2, 3)),
            ),
            "P-BFF": (
                Product("mAb-07 fill-finish batch, 2 mL vials", "vial", 88_000.0, (1, 2)),
                Product("mAb-07 lyophilised batch", "vial", 120_000.0, (1,)),
            ),
        },
        tickets={
            "P-IBL": (
                "일탈 DEV-2026-014: 배양 pH 이탈",
                "일탈 DEV-2026-021: 정제 컬럼 압력 상승",
                "변경 관리 CC-088: 배지 공급처 변경",
                "OOS 조사: 엔도톡신 결과",
                "배치 기록서 검토 의견",
            ),
            "P-BFF": (
                "Deviation DEV-BFF-031: grade A environmental monitoring excursion",
                "Stopper supplier lot change",
                "Media fill requalification schedule",
            ),
            "P-CCL": (
                "Temperature logger excursion on shipment to Frankfurt",
                "Shipper requalification for summer profile",
            ),
        },
        reject_reasons={
            "en": (
                "Visible particles above limit",
                "Fill volume out of range",
                "Crimp defect (visual inspection)",
                "Temperature excursion in transit",
            ),
            "ko": (
                "엔도톡신 규격 초과",
                "응집체(HMW) 규격 초과",
                "바이오버든 한도 초과",
                "배치 기록 누락(데이터 무결성)",
            ),
        },
        proposal_reason={
            "en": "Filling line booked for media fill; next free slot in ten days",
            "ko": "배양 슈트 일정 조정(선행 배치 일탈 조사)",
        },
        ticket_answer={
            "en": ("QA contact assigned; deviation opened", "Deviation closed with CAPA"),
            "ko": ("QA 담당자 배정, 일탈 조사 착수", "근본 원인 확인, CAPA 완료 후 종결"),
        },
        carriers=("ColdChain Pharma Logistics",),
        reviews=(
            ReviewStory(
                partner="P-IBL",
                title="CDMO 품질·공급 분기 리뷰 {quarter}",
                decisions=(
                    "일탈 DEV-2026-014 근본 원인 조사 결과 승인",
                    "PPQ 배치 3건 일정 확정, 배치마다 QA 입회",
                ),
                actions=(
                    Action("DEV-2026-014 CAPA 완료 및 효과성 확인", "partner", -8),
                    Action("연간 제품 품질 평가(APQR) 자료 제출", "partner", 30),
                ),
            ),
        ),
    ),
}
