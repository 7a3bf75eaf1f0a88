"""Vault demo data: drawings, specifications, BOMs and process sheets shared with each case's
partner login, encrypted into the data folder through the vault services.

Per case the partner who can log in gets a confidential drawing (two versions, filed under its
manufacturing or supply agreement when the contracts demo created one), an internal
specification, a confidential BOM, a secret process sheet with a named grant for the partner
user, and a public brochure. When an agreement is in force, the partner user has already
viewed and downloaded the drawing, so the "who accessed what" report has real entries. A
partner whose agreement has ended gets an exit report waiting for its confirmation.

Files are small generated texts (SVG, CSV, Markdown) so the demo needs no binary assets.
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


def _specs(case_name: str) -> list[DocSpec]:
    part = {"electronics": "PH-14 housing", "automotive": "BM-60 module tray"}.get(
        case_name, "Vial crimp cap"
    )
    code = part.split()[0]
    return [
        (
            "D1",
            "drawing",
            "confidential",
            f"{part} — assembly drawing",
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
            f"{part} — material and finish specification",
            [
                (
                    f"{code}-spec.md",
                    "text/markdown",
                    f"# {part}\n\n- Material: per drawing\n- Finish: Ra ≤ 0.8 µm\n"
                    "- Incoming inspection: AQL 0.65, level II\n",
                )
            ],
            False,
        ),
        (
            "B1",
            "bom",
            "confidential",
            f"{part} — bill of materials",
            [
                (
                    f"{code}-bom.csv",
                    "text/csv",
                    "item,part,qty,unit\n1,base,1,pcs\n2,fastener M3x8,4,pcs\n3,gasket,1,pcs\n",
                )
            ],
            True,
        ),
        (
            "P1",
            "process_sheet",
            "secret",
            f"{part} — process sheet (know-how)",
            [
                (
                    f"{code}-process.md",
                    "text/markdown",
                    "1. Pre-heat 180 °C, 12 min\n2. Press 35 kN, dwell 4 s\n3. Anneal 90 min\n",
                )
            ],
            True,
        ),
        (
            "M1",
            "other_document",
            "public",
            f"{part} — product brochure",
            [(f"{code}-brochure.txt", "text/plain", f"{part}: product overview for partners.\n")],
            False,
        ),
    ]


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
                    "description": f"Demo document for the {case_name} case.",
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
            data=schemas.VaultShareCreate(partner_id=partner_id),
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
