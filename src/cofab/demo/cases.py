"""The three demo cases as plain data (invented names; modelled on the domain text's §6).

The cases are three businesses of one Korean group (``GROUP``): each case is self-contained and
keyed by its case name, which is also its business unit (``unit``: code, Korean and English
name). Its owner users live under the case's mail domain and see only that unit; the group
admin sees all three.

A case may also work with another case's partner (``shared_partners``): that partner then has
a relationship with both units, and each unit sees only its own side of it.

Each partner: ref, name_ko, name_en, types, form, status, country, website, sites.
Each site: name, city/address, country, region, lat, lon, tz, capabilities, certificates.
Capability: (process, families, capacity, unit, period). Certificate: (standard, days_valid_left).
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "cofab-demo-2026"

GROUP: dict[str, str] = {
    "name_ko": "한마루 그룹",
    "name_en": "Hanmaru Group",
    "domain": "hanmaru-group.example",
}

CASES: dict[str, dict[str, Any]] = {
    "electronics": {
        "title": "Hanbit Electronics — smartphones and tablets built by contract manufacturers",
        "domain": "hanbit.example",
        "unit": ("electronics", "한빛전자", "Hanbit Electronics"),
        "partners": [
            (
                "E-SGP",
                "사이공 정밀조립",
                "Saigon Precision Assembly",
                ["contract_manufacturer"],
                "vertical",
                "active",
                "VN",
                [
                    (
                        "Binh Duong Plant 1",
                        "Lot A2, VSIP II, Binh Duong",
                        "VN",
                        "Southeast",
                        11.0753,
                        106.6918,
                        "Asia/Ho_Chi_Minh",
                        [
                            (
                                "SMT assembly",
                                ["smartphone", "tablet"],
                                1_200_000,
                                "boards",
                                "month",
                            ),
                            ("Final assembly", ["smartphone"], 900_000, "units", "month"),
                        ],
                        [("ISO 9001", 420), ("ISO 14001", 65)],
                    ),
                    (
                        "Bac Ninh Plant 2",
                        "Que Vo Industrial Park, Bac Ninh",
                        "VN",
                        "North",
                        21.1424,
                        106.1578,
                        "Asia/Ho_Chi_Minh",
                        [("Final assembly", ["tablet", "wearable"], 400_000, "units", "month")],
                        [("ISO 45001", 300)],
                    ),
                ],
            ),
            (
                "E-SZE",
                "선전 에버브라이트 EMS",
                "Shenzhen Everbright EMS",
                ["contract_manufacturer"],
                "vertical",
                "active",
                "CN",
                [
                    (
                        "Longhua Campus",
                        "Longhua District, Shenzhen",
                        "CN",
                        "Guangdong",
                        22.6563,
                        114.0301,
                        "Asia/Shanghai",
                        [
                            (
                                "SMT assembly",
                                ["smartphone", "wearable"],
                                2_000_000,
                                "boards",
                                "month",
                            ),
                            (
                                "Final assembly",
                                ["smartphone", "tablet"],
                                1_500_000,
                                "units",
                                "month",
                            ),
                            ("Injection moulding", ["enclosures"], 3_000_000, "parts", "month"),
                        ],
                        [("ISO 9001", 35), ("ISO 27001", 500), ("ISO 14001", 700)],
                    )
                ],
            ),
            (
                "E-GDL",
                "과달라하라 테크 제조",
                "Guadalajara Tech Manufacturing",
                ["contract_manufacturer"],
                "horizontal",
                "approved",
                "MX",
                [
                    (
                        "El Salto Plant",
                        "Parque Industrial El Salto, Jalisco",
                        "MX",
                        "Jalisco",
                        20.5186,
                        -103.1788,
                        "America/Mexico_City",
                        [
                            ("Final assembly", ["tablet", "laptop"], 250_000, "units", "month"),
                            ("Repair and refurbishment", ["smartphone"], 60_000, "units", "month"),
                        ],
                        [("ISO 9001", 210)],
                    )
                ],
            ),
            (
                "E-CHN",
                "첸나이 서킷웍스",
                "Chennai Circuit Works",
                ["contract_manufacturer"],
                "vertical",
                "qualifying",
                "IN",
                [
                    (
                        "Sriperumbudur Plant",
                        "SIPCOT, Sriperumbudur, Tamil Nadu",
                        "IN",
                        "Tamil Nadu",
                        12.9675,
                        79.9419,
                        "Asia/Kolkata",
                        [("SMT assembly", ["smartphone"], 600_000, "boards", "month")],
                        [("ISO 9001", 80)],
                    )
                ],
            ),
            (
                "E-PNG",
                "페낭 마이크로시스템즈",
                "Penang Microsystems",
                ["contract_manufacturer", "technology"],
                "strategic_alliance",
                "active",
                "MY",
                [
                    (
                        "Bayan Lepas FTZ",
                        "Bayan Lepas Free Industrial Zone, Penang",
                        "MY",
                        "Penang",
                        5.2946,
                        100.2594,
                        "Asia/Kuala_Lumpur",
                        [
                            (
                                "Camera module assembly",
                                ["camera module"],
                                3_500_000,
                                "modules",
                                "month",
                            ),
                            (
                                "Functional test",
                                ["smartphone", "tablet"],
                                2_000_000,
                                "units",
                                "month",
                            ),
                        ],
                        [("ISO 9001", 610), ("IATF 16949", 45)],
                    )
                ],
            ),
            (
                "E-KGC",
                "규슈 글라스 컴포넌츠",
                "Kyushu Glass Components",
                ["supplier"],
                "vertical",
                "active",
                "JP",
                [
                    (
                        "Kumamoto Works",
                        "Kikuyo, Kumamoto",
                        "JP",
                        "Kyushu",
                        32.8625,
                        130.7800,
                        "Asia/Tokyo",
                        [
                            (
                                "Cover glass strengthening",
                                ["cover glass"],
                                5_000_000,
                                "pieces",
                                "month",
                            )
                        ],
                        [("ISO 9001", 365), ("ISO 14001", 20)],
                    )
                ],
            ),
            (
                "E-TBP",
                "타오위안 배터리팩",
                "Taoyuan Battery Pack",
                ["supplier"],
                "vertical",
                "suspended",
                "TW",
                [
                    (
                        "Guishan Plant",
                        "Guishan District, Taoyuan",
                        "TW",
                        "Taoyuan",
                        25.0330,
                        121.3570,
                        "Asia/Taipei",
                        [("Battery pack assembly", ["battery pack"], 1_800_000, "packs", "month")],
                        [("ISO 9001", -10), ("UL 2054", 150)],
                    )
                ],
            ),
            (
                "E-BWL",
                "블루웨이브 로지스틱스",
                "BlueWave Logistics",
                ["logistics"],
                "vertical",
                "active",
                "SG",
                [
                    (
                        "Tuas Distribution Hub",
                        "Tuas South Avenue, Singapore",
                        "SG",
                        "West",
                        1.3190,
                        103.6370,
                        "Asia/Singapore",
                        [("Regional distribution", ["all"], 250_000, "cartons", "week")],
                        [("TAPA FSR", 240), ("ISO 9001", 88)],
                    )
                ],
            ),
            (
                "E-DDL",
                "대전 디스플레이 랩스",
                "Daejeon Display Labs",
                ["technology"],
                "strategic_alliance",
                "prospect",
                "KR",
                [
                    (
                        "대덕 연구센터",
                        "대전광역시 유성구 대덕연구개발특구",
                        "KR",
                        "충청",
                        36.3725,
                        127.3628,
                        "Asia/Seoul",
                        [("마이크로 LED 시제품 제작", ["display"], 2_000, "panels", "month")],
                        [("ISO 27001", 400)],
                    )
                ],
            ),
        ],
    },
    "automotive": {
        "title": "Hanul Motors — battery-cell joint venture, cell offtake and cathode supply",
        "domain": "hanul-motors.example",
        "unit": ("battery", "한울모터스 배터리", "Hanul Motors Battery"),
        # Another case's partner this unit works with too: the group's Asian 3PL also moves the
        # battery business's module pallets, so it has a relationship with two units.
        "shared_partners": ["E-BWL"],
        "partners": [
            (
                "A-NCP",
                "노르딕 셀파워 합작법인",
                "Nordic Cell Power JV",
                ["contract_manufacturer", "technology"],
                "joint_venture",
                "active",
                "SE",
                [
                    (
                        "Skellefteå Gigafactory",
                        "Skellefteå, Västerbotten",
                        "SE",
                        "Norrland",
                        64.7507,
                        20.9528,
                        "Europe/Stockholm",
                        [
                            ("Cell manufacturing", ["NMC pouch cell"], 2_500_000, "cells", "month"),
                            (
                                "Formation and ageing",
                                ["NMC pouch cell"],
                                2_400_000,
                                "cells",
                                "month",
                            ),
                        ],
                        [("IATF 16949", 55), ("ISO 14001", 400), ("ISO 45001", 380)],
                    )
                ],
            ),
            (
                "A-UCW",
                "울산 모듈웍스",
                "Ulsan Module Works",
                ["contract_manufacturer"],
                "vertical",
                "active",
                "KR",
                [
                    (
                        "온산 공장",
                        "울산광역시 울주군 온산국가산업단지",
                        "KR",
                        "영남",
                        35.4300,
                        129.3400,
                        "Asia/Seoul",
                        [
                            ("모듈 조립", ["battery module"], 60_000, "modules", "month"),
                            (
                                "모듈 출하 검사",
                                ["battery module"],
                                60_000,
                                "modules",
                                "month",
                            ),
                        ],
                        [("IATF 16949", 600), ("ISO 9001", 75)],
                    )
                ],
            ),
            (
                "A-PCM",
                "포항 양극재",
                "Pohang Cathode Materials",
                ["supplier"],
                "vertical",
                "active",
                "KR",
                [
                    (
                        "영일만 공장",
                        "경상북도 포항시 북구 영일만산업단지",
                        "KR",
                        "영남",
                        36.1000,
                        129.4200,
                        "Asia/Seoul",
                        [("양극 활물질 생산", ["NCM cathode"], 4_000, "tonnes", "month")],
                        [("ISO 9001", 300), ("ISO 14001", 12)],
                    )
                ],
            ),
            (
                "A-SBM",
                "실레시아 배터리 모듈",
                "Silesia Battery Modules",
                ["contract_manufacturer"],
                "horizontal",
                "qualifying",
                "PL",
                [
                    (
                        "Wrocław Plant",
                        "Biskupice Podgórne, Wrocław",
                        "PL",
                        "Lower Silesia",
                        51.0700,
                        16.8700,
                        "Europe/Warsaw",
                        [
                            ("Module assembly", ["battery module"], 45_000, "modules", "month"),
                            ("Pack assembly", ["battery pack"], 8_000, "packs", "month"),
                        ],
                        [("IATF 16949", 140)],
                    )
                ],
            ),
            (
                # the JV's German parent (49 %): cell chemistry and the European customers; a
                # technology partner with no production capacity of its own in the registry
                "A-RZW",
                "라인 첼베르크",
                "Rhein Zellwerk GmbH",
                ["technology"],
                "strategic_alliance",
                "active",
                "DE",
                [
                    (
                        "Ludwigshafen headquarters and cell lab",
                        "Industriestraße 12, Ludwigshafen am Rhein",
                        "DE",
                        "Rheinland-Pfalz",
                        49.4774,
                        8.4452,
                        "Europe/Berlin",
                        [],
                        [("ISO 9001", 500), ("ISO 14001", 320)],
                    )
                ],
            ),
            (
                "A-BAL",
                "발틱 오토 로지스틱스",
                "Baltic Auto Logistics",
                ["logistics"],
                "vertical",
                "approved",
                "DE",
                [
                    (
                        "Bremerhaven Terminal",
                        "Kaiserhafen, Bremerhaven",
                        "DE",
                        "Bremen",
                        53.5700,
                        8.5600,
                        "Europe/Berlin",
                        [
                            (
                                "Dangerous-goods transport (UN3480)",
                                ["battery module", "battery pack"],
                                12_000,
                                "pallets",
                                "month",
                            )
                        ],
                        [("ISO 9001", 500), ("ADR certification", 60)],
                    )
                ],
            ),
            (
                "A-GTR",
                "그린 리사이클링 테크",
                "GreenLoop Battery Recycling",
                ["technology", "supplier"],
                "strategic_alliance",
                "prospect",
                "NO",
                [
                    (
                        "Fredrikstad Pilot Plant",
                        "Øra Industrial Area, Fredrikstad",
                        "NO",
                        "Viken",
                        59.2100,
                        10.9400,
                        "Europe/Oslo",
                        [("Hydrometallurgical recycling", ["black mass"], 800, "tonnes", "month")],
                        [("ISO 14001", 700)],
                    )
                ],
            ),
        ],
    },
    "pharma": {
        "title": "Seoul BioPharm — biologics and clinical supply through CDMOs",
        "domain": "seoulbiopharm.example",
        "unit": ("biologics", "서울바이오팜", "Seoul BioPharm"),
        "partners": [
            (
                "P-IBL",
                "인천 바이오로직스 CDMO",
                "Incheon BioLogics CDMO",
                ["contract_manufacturer"],
                "vertical",
                "active",
                "KR",
                [
                    (
                        "송도 3공장",
                        "인천광역시 연수구 송도 바이오클러스터",
                        "KR",
                        "인천",
                        37.3800,
                        126.6600,
                        "Asia/Seoul",
                        [
                            (
                                "동물세포 배양(15,000 L)",
                                ["monoclonal antibody"],
                                45_000,
                                "litres",
                                "month",
                            ),
                            (
                                "정제 공정",
                                ["monoclonal antibody"],
                                120,
                                "kg",
                                "month",
                            ),
                        ],
                        [("GMP", 400), ("ISO 14001", 200)],
                    ),
                    (
                        "송도 충전·포장 라인",
                        "인천광역시 연수구 송도 바이오클러스터",
                        "KR",
                        "인천",
                        37.3810,
                        126.6620,
                        "Asia/Seoul",
                        [
                            (
                                "무균 충전·포장",
                                ["vial", "prefilled syringe"],
                                2_000_000,
                                "units",
                                "month",
                            )
                        ],
                        [("GMP", 70)],
                    ),
                ],
            ),
            (
                "P-BFF",
                "바젤 필피니시",
                "Basel Fill-Finish AG",
                ["contract_manufacturer"],
                "vertical",
                "active",
                "CH",
                [
                    (
                        "Stein Site",
                        "Stein AG, Aargau",
                        "CH",
                        "Aargau",
                        47.5400,
                        7.9500,
                        "Europe/Zurich",
                        [
                            (
                                "Aseptic fill-finish",
                                ["vial", "cartridge"],
                                1_500_000,
                                "units",
                                "month",
                            ),
                            ("Lyophilisation", ["vial"], 300_000, "units", "month"),
                        ],
                        [("GMP", 30), ("ISO 13485", 500)],
                    )
                ],
            ),
            (
                "P-HAL",
                "하이데라바드 API 랩스",
                "Hyderabad API Labs",
                ["supplier", "contract_manufacturer"],
                "vertical",
                "qualifying",
                "IN",
                [
                    (
                        "Genome Valley Unit 2",
                        "Genome Valley, Hyderabad",
                        "IN",
                        "Telangana",
                        17.4200,
                        78.6000,
                        "Asia/Kolkata",
                        [("Small-molecule API synthesis", ["API"], 20, "tonnes", "month")],
                        [("GMP", 150), ("ISO 9001", 50)],
                    )
                ],
            ),
            (
                "P-NCC",
                "노스캐롤라이나 임상공급",
                "North Carolina Clinical Supply",
                ["contract_manufacturer", "logistics"],
                "vertical",
                "approved",
                "US",
                [
                    (
                        "Research Triangle Park",
                        "RTP, Durham, North Carolina",
                        "US",
                        "North Carolina",
                        35.9000,
                        -78.8600,
                        "America/New_York",
                        [
                            (
                                "Clinical packaging and labelling",
                                ["clinical kit"],
                                80_000,
                                "kits",
                                "month",
                            )
                        ],
                        [("GMP", 260)],
                    )
                ],
            ),
            (
                "P-CCL",
                "콜드체인 파마 로지스틱스",
                "ColdChain Pharma Logistics",
                ["logistics"],
                "vertical",
                "active",
                "NL",
                [
                    (
                        "Schiphol Cool Centre",
                        "Schiphol-Rijk, Haarlemmermeer",
                        "NL",
                        "North Holland",
                        52.2900,
                        4.7500,
                        "Europe/Amsterdam",
                        [
                            (
                                "2–8 °C distribution",
                                ["vial", "prefilled syringe"],
                                15_000,
                                "pallets",
                                "month",
                            )
                        ],
                        [("GDP", 90), ("ISO 9001", 330)],
                    )
                ],
            ),
            (
                "P-SCT",
                "싱가포르 세포치료 센터",
                "Singapore CellTherapy Centre",
                ["technology", "contract_manufacturer"],
                "strategic_alliance",
                "prospect",
                "SG",
                [
                    (
                        "Biopolis Suite",
                        "Biopolis, Singapore",
                        "SG",
                        "Central",
                        1.3040,
                        103.7910,
                        "Asia/Singapore",
                        [
                            (
                                "Autologous cell therapy manufacturing",
                                ["cell therapy"],
                                40,
                                "batches",
                                "month",
                            )
                        ],
                        [("GMP", 25)],
                    )
                ],
            ),
        ],
    },
}

# Which partner gets the case's partner-user login.
PARTNER_LOGIN = {"electronics": "E-SGP", "automotive": "A-NCP", "pharma": "P-IBL"}
OWNER_ROLES = ("admin", "manager", "quality", "viewer")
# (English title, the title a Korean company gives the same person)
CONTACT_TITLES = (
    ("Account manager", "영업 담당"),
    ("Quality manager", "품질 책임자"),
)
