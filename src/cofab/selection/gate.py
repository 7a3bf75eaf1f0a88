"""The qualification gate: no approval before the selection process has said yes.

A partner that has been a candidate in any evaluation may move to ``approved`` only when one of
those evaluations is closed with a decision selecting it and every mandatory due-diligence item
of that candidacy is signed off. Partners that never entered selection (registered before cofab
was used, or imported) are outside the gate, so the registry keeps working for them.

The guard is registered with the partner registry when this module is imported; the selection
routes and the demo loader import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, InvalidTransition
from cofab.core.i18n import N_, translate
from cofab.partners import service as partners_service
from cofab.partners.models import Partner, PartnerStatus
from cofab.selection.models import Candidate, DueDiligenceItem, Evaluation, EvaluationStatus
from cofab.selection.permissions import ensure_reader

MSG_GATE = N_(
    "{partner} cannot be approved yet: an evaluation must be closed with a decision selecting "
    "it, and every mandatory due-diligence item must be signed off."
)
MSG_EVALUATION_OPEN = N_("The evaluation {title} is still open.")
MSG_NOT_SELECTED = N_("The evaluation {title} was closed without selecting this partner.")
MSG_ITEM_OPEN = N_("Mandatory item {item} of evaluation {title} is not signed off.")


@dataclass(frozen=True)
class Blocker:
    kind: str  # "evaluation_open" | "not_selected" | "item_open"
    evaluation_id: int
    title: str
    item_key: str | None = None
    item_en: str | None = None
    item_ko: str | None = None

    def render(self, locale: str) -> str:
        if self.kind == "item_open":
            name = (self.item_ko if locale == "ko" else self.item_en) or self.item_key
            return translate(MSG_ITEM_OPEN, locale, item=name, title=self.title)
        message = MSG_EVALUATION_OPEN if self.kind == "evaluation_open" else MSG_NOT_SELECTED
        return translate(message, locale, title=self.title)

    def field_problem(self) -> FieldProblem:
        """For the registry's error: the item's English name doubles as a msgid, so the
        default items (translated in selection.po) read in Korean too."""
        if self.kind == "item_open":
            return FieldProblem(f"due_diligence.{self.item_key}", self.item_en or "")
        message = MSG_EVALUATION_OPEN if self.kind == "evaluation_open" else MSG_NOT_SELECTED
        return FieldProblem(f"evaluation.{self.evaluation_id}", message, {"title": self.title})


@dataclass(frozen=True)
class Qualification:
    applies: bool
    blockers: list[Blocker] = field(default_factory=list)
    via_evaluation_id: int | None = None

    @property
    def may_approve(self) -> bool:
        return not self.applies or not self.blockers


def qualification(session: Session, partner_id: int) -> Qualification:
    candidacies = session.execute(
        select(Candidate, Evaluation)
        .join(Evaluation, Evaluation.id == Candidate.evaluation_id)
        .where(Candidate.partner_id == partner_id)
        .order_by(Evaluation.id.desc())
    ).all()
    if not candidacies:
        return Qualification(applies=False)
    ranked: list[tuple[int, list[Blocker]]] = []
    for candidate, evaluation in candidacies:
        blockers: list[Blocker] = []
        closed = evaluation.status == EvaluationStatus.CLOSED
        if not closed:
            blockers.append(Blocker("evaluation_open", evaluation.id, evaluation.title))
        elif not candidate.selected:
            blockers.append(Blocker("not_selected", evaluation.id, evaluation.title))
        open_items = session.execute(
            select(DueDiligenceItem)
            .where(
                DueDiligenceItem.candidate_id == candidate.id,
                DueDiligenceItem.mandatory,
                DueDiligenceItem.signed_off_at.is_(None),
            )
            .order_by(DueDiligenceItem.position, DueDiligenceItem.id)
        ).scalars()
        if not (closed and not candidate.selected):
            blockers += [
                Blocker("item_open", evaluation.id, evaluation.title, i.key, i.name_en, i.name_ko)
                for i in open_items
            ]
        if not blockers:
            return Qualification(applies=True, via_evaluation_id=evaluation.id)
        priority = 0 if closed and candidate.selected else (1 if not closed else 2)
        ranked.append((priority, blockers))
    ranked.sort(key=lambda pair: pair[0])  # stable: newest first within a priority
    return Qualification(applies=True, blockers=ranked[0][1])


def qualification_guard(session: Session, partner: Partner, new_status: str) -> None:
    if new_status != PartnerStatus.APPROVED:
        return
    result = qualification(session, partner.id)
    if result.may_approve:
        return
    raise InvalidTransition(
        MSG_GATE,
        problems=[b.field_problem() for b in result.blockers],
        partner=partner.name_en,
    )


def qualification_for(session: Session, *, actor: Actor, partner_id: int) -> Qualification:
    ensure_reader(actor)
    partners_service.get_partner(session, actor=actor, partner_id=partner_id)
    return qualification(session, partner_id)


partners_service.register_transition_guard(qualification_guard)


MSG_GATE_PREVIEW = N_(
    "{partner}: the approval gate will refuse to approve this partner until {count} mandatory "
    "due-diligence item(s) are signed off: {items}."
)


@dataclass(frozen=True)
class GatePreview:
    """A candidate whose approval the gate would refuse because of open mandatory items."""

    candidate_id: int
    partner_id: int
    partner_en: str
    partner_ko: str
    items: list[tuple[str, str]]  # (English, Korean) names of the open mandatory items

    def render(self, locale: str) -> str:
        names = [(ko if locale == "ko" else en) or en for en, ko in self.items]
        partner = self.partner_ko if locale == "ko" else self.partner_en
        return translate(
            MSG_GATE_PREVIEW, locale, partner=partner, count=len(names), items=", ".join(names)
        )


def gate_preview(
    session: Session, evaluation_id: int, candidate_ids: set[int] | None = None
) -> list[GatePreview]:
    """What the gate will refuse later, shown when an evaluation is closed (or about to be):
    closing with mandatory items open is allowed, approving the partner afterwards is not.
    ``candidate_ids`` narrows it to the selected candidates."""
    stmt = (
        select(Candidate, Partner, DueDiligenceItem)
        .join(Partner, Partner.id == Candidate.partner_id)
        .join(DueDiligenceItem, DueDiligenceItem.candidate_id == Candidate.id)
        .where(
            Candidate.evaluation_id == evaluation_id,
            DueDiligenceItem.mandatory,
            DueDiligenceItem.signed_off_at.is_(None),
        )
        .order_by(Candidate.id, DueDiligenceItem.position, DueDiligenceItem.id)
    )
    previews: dict[int, GatePreview] = {}
    for candidate, partner, item in session.execute(stmt).all():
        if candidate_ids is not None and candidate.id not in candidate_ids:
            continue
        preview = previews.setdefault(
            candidate.id,
            GatePreview(candidate.id, partner.id, partner.name_en, partner.name_ko, []),
        )
        preview.items.append((item.name_en or item.key, item.name_ko or item.name_en or item.key))
    return list(previews.values())
