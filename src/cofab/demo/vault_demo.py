"""Vault demo data: drawings, specifications, BOMs and process sheets shared with each case's
partner login, encrypted into the data folder through the vault services.

Per case the partner who can log in gets a confidential drawing (two versions, filed under its
manufacturing or supply agreement when the contracts demo created one), an internal
specification, a confidential BOM, a secret process sheet with a named grant for the partner
user, and a public brochure. When an agreement is in force, the partner user has already
viewed and downloaded the drawing, so the "who accessed what" report has real entries. A
partner whose agreement has ended gets an exit report waiting for its confirmation.

Files are small generated texts (SVG, CSV, Markdown) so the demo needs no binary assets. Each
case's set fits its partner: the electronics CM gets the phone housing and its moulding process,
the battery JV a cell specification and formation protocol, the Korean CDMO a drug-substance
specification and technology-transfer package written in Korean.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.config import get_settings
from cofab.contracts.models import Contract, ContractParty
from cofab.core.access import Actor
from cofab.vault import access, documents, exits, schemas, sharing
from cofab.vault.downloads import prepare_download
from cofab.vault.models import VaultDocument

# (key, kind, classification, title, [(filename, content type, body)], linked to the agreement)
DocSpec = tuple[str, str, str, str, list[tuple[str, str, str]], bool]


def _drawing(part: str, rev: str, width: int) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="420" height="297" viewBox="0 0 420 297">'
        f'<rect x="10" y="10" width="400" height="277" fill="none" stroke="#000"/>'
        f'<rect x="60" y="60" width="{width}" height="120" fill="none" stroke="#0b5cad"/>'
        f'<text x="20" y="280" font-size="10">{part} rev {rev} — tolerances ±0.02 mm</text></svg>'
    )


def _five(
    part: str, titles: tuple[str, str, str, str, str], bodies: tuple[str, str, str, str]
) -> list[DocSpec]:
    """The same five documents in every case, titled and written in the partner's language."""
    code = part.split()[0]
    drawing, spec, bom, process, brochure = titles
    spec_body, bom_body, process_body, brochure_body = bodies
    return [
        (
            "D1",
            "drawing",
            "confidential",
            f"{part} — {drawing}",
            [
                (f"{code}-rev-A.svg", "image/svg+xml", _drawing(part, "A", 280)),
                (f"{code}-rev-B.svg", "image/svg+xml", _drawing(part, "B", 300)),
            ],
            True,
        ),
        (
            "S1",
            "specification",
            "internal",
            f"{part} — {spec}",
            [(f"{code}-spec.md", "text/markdown", spec_body)],
            False,
        ),
        (
            "B1",
            "bom",
            "confidential",
            f"{part} — {bom}",
            [(f"{code}-bom.csv", "text/csv", bom_body)],
            True,
        ),
        (
            "P1",
            "process_sheet",
            "secret",
            f"{part} — {process}",
            [(f"{code}-process.md", "text/markdown", process_body)],
            True,
        ),
        (
            "M1",
            "other_document",
            "public",
            f"{part} — {brochure}",
            [(f"{code}-brochure.txt", "text/plain", brochure_body)],
            False,
        ),
    ]


DESCRIPTION = {
    "electronics": "Shared with Saigon Precision Assembly for SM-A1 production.",
    "automotive": "Shared with the Nordic Cell Power JV for the cell ramp.",
    "pharma": "인천 바이오로직스 CDMO와 공유하는 mAb-07 기술 이전 자료입니다.",
}
ENGLISH_TITLES = (
    "assembly drawing",
    "material and finish specification",
    "bill of materials",
    "process sheet (know-how)",
    "product brochure",
)


def _specs(case_name: str) -> list[DocSpec]:
    if case_name == "automotive":  # shared with the JV (Sweden): English
        return _five(
            "NCM-811 pouch cell",
            (
                "cell outline drawing",
                "cell specification (60 Ah, 3.65 V)",
                "cell bill of materials",
                "formation and ageing protocol (know-how)",
                "ramp plan overview",
            ),
            (
                "# NCM-811 pouch cell\n\n- Capacity: 60 Ah ≥ 58 Ah at formation\n"
                "- Self-discharge: OCV drop ≤ 2 mV / 7 days\n- Dimensions per drawing\n",
                "item,part,qty,unit\n1,NCM-811 cathode (CAM-9),0.18,kg\n"
                "2,graphite anode,0.11,kg\n3,electrolyte LiPF6,0.09,kg\n4,pouch foil,1,pcs\n",
                "1. Dry room dew point ≤ -40 °C\n2. Formation 0.1 C to 4.2 V, 25 °C\n"
                "3. Ageing 14 days at 45 °C, OCV check\n",
                "NCM-811 pouch cell: ramp from 1.2 M to 2.5 M cells a month at Skellefteå.\n",
            ),
        )
    if case_name == "pharma":  # shared with the Korean CDMO: Korean
        return _five(
            "mAb-07 원료의약품",
            (
                "바이알 라벨·포장 도면",
                "원료의약품 규격서(ICH Q6B)",
                "원부자재 목록",
                "세포배양·정제 공정 기술 이전 자료(노하우)",
                "제품 개요",
            ),
            (
                "# mAb-07 원료의약품 규격\n\n- 순도(SEC-HPLC): 단량체 ≥ 98.0 %\n"
                "- 엔도톡신: ≤ 0.5 EU/mg\n- 바이오버든: ≤ 10 CFU/10 mL\n",
                "번호,자재,수량,단위\n1,CHO 배지,15000,L\n2,프로테인 A 레진,80,L\n"
                "3,2 mL 바이알,10000,개\n",
                "1. 접종 밀도 0.5×10⁶ cells/mL\n2. 배양 14일, pH 7.0 ± 0.1, 36.5 °C\n"
                "3. 프로테인 A 크로마토그래피 후 바이러스 불활화(pH 3.6, 60분)\n",
                "mAb-07: 서울바이오팜의 단일클론항체 후보물질, 3상 임상 공급용.\n",
            ),
        )
    return _five(
        "PH-14 housing",
        ENGLISH_TITLES,
        (
            "# PH-14 housing\n\n- Material: per drawing\n- Finish: Ra ≤ 0.8 µm\n"
            "- Incoming inspection: AQL 0.65, level II\n",
            "item,part,qty,unit\n1,base,1,pcs\n2,fastener M3x8,4,pcs\n3,gasket,1,pcs\n",
            "1. Dry PC/ABS resin 4 h at 90 °C\n2. Mould 80 °C, injection 85 MPa, dwell 4 s\n"
            "3. Anneal 90 min\n",
            "PH-14 housing: product overview for partners.\n",
        ),
    )


def _actor(session: Session, email: str) -> Actor | None:
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return accounts_service.actor_for(user) if user is not None else None


def _agreement(session: Session, partner_id: int) -> int | None:
    """The partner's manufacturing or supply agreement, if the contracts demo made one."""
    return session.execute(
        select(Contract.id)
        .join(ContractParty, ContractParty.contract_id == Contract.id)
        .where(
            ContractParty.partner_id == partner_id,
            Contract.kind.in_(["cm_agreement", "supply_agreement"]),
        )
        .order_by(Contract.id)
        .limit(1)
    ).scalar_one_or_none()


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    from cofab.demo.cases import CASES, PARTNER_LOGIN

    domain = CASES[case_name]["domain"]
    manager = _actor(session, f"manager@{domain}")
    partner_id = refs.get(f"DEMO-{PARTNER_LOGIN[case_name]}")
    if manager is None or partner_id is None:
        return
    partner_user = session.execute(
        select(User).where(User.partner_id == partner_id, User.role == "partner")
    ).scalar_one_or_none()
    store = documents.vault_store(get_settings())
    contract_id = _agreement(session, partner_id)
    created: dict[str, VaultDocument] = {}
    for key, kind, classification, title, files, linked in _specs(case_name):
        ref = f"DEMO-{case_name[:3].upper()}-V{key}"
        if session.execute(
            select(VaultDocument.id).where(VaultDocument.external_ref == ref)
        ).first():
            continue
        document = documents.create_document(
            session,
            actor=manager,
            data=schemas.VaultDocumentCreate.model_validate(
                {
                    "title": title,
                    "kind": kind,
                    "classification": classification,
                    "external_ref": ref,
                    "contract_id": contract_id if linked else None,
                    "description": DESCRIPTION[case_name],
                }
            ),
        )
        for number, (filename, content_type, body) in enumerate(files, start=1):
            documents.add_version(
                session,
                actor=manager,
                store=store,
                document_id=document.id,
                src=[body.encode("utf-8")],
                filename=filename,
                content_type=content_type,
                note="first issue" if number == 1 else "tolerance update",
            )
        sharing.share_document(
            session,
            actor=manager,
            document_id=document.id,
            # the case's agreements come first; loaded without them (a domain's own test), the
            # share waits for one instead of failing the load
            data=schemas.VaultShareCreate(partner_id=partner_id, without_agreement=True),
        )
        if classification == "secret" and partner_user is not None:
            sharing.grant_person(
                session,
                actor=manager,
                document_id=document.id,
                data=schemas.VaultGrantCreate(user_id=partner_user.id),
            )
        created[key] = document
    if partner_user is not None and "D1" in created:
        _partner_history(session, accounts_service.actor_for(partner_user), created["D1"], store)
    if created and exits.ended_agreements(session, partner_id=partner_id):
        exits.issue_exit_report(session, actor=manager, partner_id=partner_id)


def _partner_history(
    session: Session, partner: Actor, drawing: VaultDocument, store: documents.VaultStore
) -> None:
    """The partner user opened and downloaded the drawing — when its agreement allows it."""
    if not access.decide(session, actor=partner, document=drawing).allowed:
        return
    view = documents.view_document(session, actor=partner, document_id=drawing.id)
    latest = view.versions[0]
    prepared = prepare_download(session, actor=partner, store=store, version_id=latest.id)
    prepared.close()
