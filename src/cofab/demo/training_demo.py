"""Training demo data: per case, the partner login's company gets three training records (one
valid, one expiring within the month, one lapsed) and two vault documents to acknowledge — the
process sheet, confirmed on its current version, and the drawing, confirmed on revision A and
pending again since revision B was issued.

Runs after the vault demo (it reads the documents that demo shares). Loading twice changes
nothing (a partner whose process sheet is already required is skipped).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.db.base import utcnow
from cofab.partners.models import Partner
from cofab.training import schemas, service
from cofab.training.models import CourseKind, SopAcknowledgement, SopRequirement
from cofab.vault.models import VaultDocument

# (person, course kind, course title, completed days ago, valid for days)
RECORDS = (
    ("Line leader", "process_sop", "Line work instructions", 200, 365),
    ("Quality engineer", "security", "Information security rules (NDA, clean desk)", 340, 360),
    ("Shift supervisor", "security", "Information security rules (NDA, clean desk)", 400, 390),
)
# the same people and courses, as a Korean partner writes them
RECORDS_KO = (
    ("라인 리더", "process_sop", "라인 작업 표준", 200, 365),
    ("품질 엔지니어", "security", "정보 보안 규정(비밀 유지, 클린 데스크)", 340, 360),
    ("교대 감독자", "security", "정보 보안 규정(비밀 유지, 클린 데스크)", 400, 390),
)


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    from cofab.demo.cases import PARTNER_LOGIN

    partner_id = refs.get(f"DEMO-{PARTNER_LOGIN[case_name]}")
    if partner_id is None:
        return
    prefix = f"DEMO-{case_name[:3].upper()}-V"
    documents = {
        d.external_ref: d
        for d in session.execute(
            select(VaultDocument).where(VaultDocument.external_ref.like(f"{prefix}%"))
        ).scalars()
    }
    process, drawing = documents.get(f"{prefix}P1"), documents.get(f"{prefix}D1")
    if (
        process is not None
        and session.execute(
            select(SopRequirement.id).where(
                SopRequirement.document_id == process.id, SopRequirement.partner_id == partner_id
            )
        ).first()
    ):
        return
    partner = session.get(Partner, partner_id)
    korean = partner is not None and partner.country == "KR"
    for person, kind, title, ago, valid in RECORDS_KO if korean else RECORDS:
        completed = today - timedelta(days=ago)
        service.create_record(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.RecordCreate(
                partner_id=partner_id,
                person_name=person,
                course_kind=CourseKind(kind),
                course_title=title,
                completed_on=completed,
                valid_until=completed + timedelta(days=valid),
            ),
        )
    user = session.execute(
        select(User).where(User.partner_id == partner_id, User.role == "partner")
    ).scalar_one_or_none()
    if user is None:
        return
    reader = accounts_service.actor_for(user)
    for document in (process, drawing):
        if document is None or document.latest_version < 1:
            continue
        requirement = service.require_acknowledgement(
            session,
            actor=SYSTEM_ACTOR,
            data=schemas.SopCreate(
                document_id=document.id,
                partner_id=partner_id,
                note="다음 근무 전에 읽어 주세요." if korean else "Read before the next shift.",
            ),
        )
        if document is process:
            service.acknowledge(
                session,
                actor=reader,
                requirement_id=requirement.id,
                data=schemas.AcknowledgeIn(version=document.latest_version),
            )
        elif document.latest_version > 1:
            # confirmed on the first revision, before the current one was issued
            requirement.acknowledgements.append(
                SopAcknowledgement(
                    partner_id=partner_id,
                    version_number=document.latest_version - 1,
                    user_id=user.id,
                    user_label=user.display_name,
                    acknowledged_at=utcnow() - timedelta(days=40),
                )
            )
    session.flush()
