"""Discussion demo data: per case, the manager and the partner login talk about the partner's
latest order, and the quality engineer and the partner about its latest NCR (when the quality
demo made one); each mentions the other, so both bells ring.

Called from ``demo/loader.py`` after the other demos. Loading twice changes nothing: a partner
that already has a thread is skipped.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.demo.cases import CASES
from cofab.discussions import service
from cofab.discussions.models import DiscussionThread
from cofab.operations.models import Order
from cofab.quality.models import NonConformance

# case -> (manager's question on the latest order, the partner's answer, the quality engineer's
# question on the NCR, the partner's answer)
LINES: dict[str, tuple[str, str, str, str]] = {
    "electronics": (
        "@{partner} 이 주문의 선적일을 다시 확인해 주실 수 있을까요?",
        "@{manager} Confirmed: the first 60% ships on Thursday from Ho Chi Minh City, the rest "
        "the week after.",
        "@{partner} 납땜 브리지 로트의 봉쇄 결과와 선별 수량을 공유해 주세요.",
        "@{quality} Containment done: 1,200 boards sorted, 14 rejected. D4 root cause by Friday.",
    ),
    "automotive": (
        "@{partner} 이번 분기 오프테이크 물량에 맞춰 납기를 조정할 수 있을까요?",
        "@{manager} Yes: we can pull 2,000 modules forward into week 12 if the cells arrive on "
        "time.",
        "@{partner} 셀 용량 미달 로트의 봉쇄 조치와 재시험 계획을 알려 주세요.",
        "@{quality} Lot quarantined; a retest of 300 cells with the new formation profile is "
        "scheduled for Monday.",
    ),
    "pharma": (
        "@{partner} 다음 배치의 QP 출하 승인 예정일을 알려 주세요.",
        "@{manager} QP release is planned for the 14th, once the stability pull is reviewed.",
        "@{partner} 역가 OOS 배치의 조사 보고서(OOS investigation) 일정을 공유해 주세요.",
        "@{quality} Phase I lab investigation closed (no assignable lab error); the phase II "
        "manufacturing review reports in ten working days.",
    ),
}

# the partner's answers for a partner login that reads Korean first
KO_ANSWERS: dict[str, tuple[str, str]] = {
    "electronics": (
        "@{manager} 확인했습니다. 60%는 목요일 호찌민에서 선적하고, 나머지는 다음 주에 보냅니다.",
        "@{quality} 봉쇄 완료: 1,200개 선별, 14개 불합격. D4 근본 원인은 금요일까지 올리겠습니다.",
    ),
    "automotive": (
        "@{manager} 가능합니다. 셀이 제때 들어오면 모듈 2,000개를 12주차로 당길 수 있습니다.",
        "@{quality} 해당 로트는 격리했고, 새 화성 프로파일로 셀 300개 재시험을 월요일에 합니다.",
    ),
    "pharma": (
        "@{manager} 안정성 시료 검토가 끝나면 14일에 QP 출하 승인 예정입니다.",
        "@{quality} 1단계 실험실 조사는 종결(실험실 오류 없음), 2단계 제조 조사는 영업일 10일 "
        "안에 보고합니다.",
    ),
}


def _user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _talk(session: Session, kind: str, object_id: int, turns: list[tuple[User, str]]) -> None:
    for author, text in turns:
        service.post_message(
            session,
            actor=accounts_service.actor_for(author),
            kind=kind,
            object_id=object_id,
            body=text,
        )


def load(session: Session, case_name: str, refs: dict[str, int], today: date) -> None:
    lines = LINES.get(case_name)
    if lines is None:
        return
    partner = session.execute(
        select(User)
        .where(
            User.partner_id.in_(sorted(set(refs.values()))),
            User.role == "partner",
            User.is_active.is_(True),
        )
        .order_by(User.id)
    ).scalar()
    domain = CASES[case_name]["domain"]
    manager = _user(session, f"manager@{domain}")
    quality = _user(session, f"quality@{domain}")
    if partner is None or partner.partner_id is None or manager is None or quality is None:
        return
    talked = session.execute(
        select(DiscussionThread.id).where(DiscussionThread.partner_id == partner.partner_id)
    ).first()
    if talked is not None:
        return
    names = {"partner": partner.email, "manager": manager.email, "quality": quality.email}
    if partner.locale == "ko" and case_name in KO_ANSWERS:
        lines = (lines[0], KO_ANSWERS[case_name][0], lines[2], KO_ANSWERS[case_name][1])
    ask_order, answer_order, ask_ncr, answer_ncr = (line.format(**names) for line in lines)
    order_id = session.execute(
        select(Order.id)
        .where(Order.partner_id == partner.partner_id)
        .order_by(Order.order_date.desc(), Order.id.desc())
    ).scalar()
    if order_id is not None:
        _talk(session, "order", order_id, [(manager, ask_order), (partner, answer_order)])
    ncr_id = session.execute(
        select(NonConformance.id)
        .where(NonConformance.partner_id == partner.partner_id)
        .order_by(NonConformance.id.desc())
    ).scalar()
    if ncr_id is not None:
        _talk(session, "ncr", ncr_id, [(quality, ask_ncr), (partner, answer_ncr)])
