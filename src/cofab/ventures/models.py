"""Joint-venture and alliance tables (issue 17, domain text §2.2–§2.3).

A joint venture is a company of its own, so it is a partner in the registry (``partner_id``):
orders, receipts, contracts and quality records for it live in their domains as for any
partner, and this domain keeps only what makes it a JV — who owns it (parents with equity and
board seats), the capital they promised and paid, the matters they reserved for themselves,
what each parent takes off, and the board's resolutions with the vote per parent.

A parent is either the owner company (``partner_id`` NULL) or a registry partner. Ventures and
alliances are owner-side records of one business (``unit_id``); their child rows inherit the
unit through their foreign key (units/scope.py). Partner users see a venture when their company
is the JV itself or one of its parents, an alliance when their company is a party (service.py).
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cofab.core.i18n import N_
from cofab.core.labels import register_labels
from cofab.db.base import Base, Timestamped
from cofab.units.models import unit_id_column

MONEY = Numeric(18, 4)
PCT = Numeric(7, 4)
QTY = Numeric(18, 3)


class Vote(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"


class ConsentRule(enum.StrEnum):
    ORDINARY = "ordinary"
    UNANIMOUS = "unanimous"
    QUALIFIED = "qualified"


class Basis(enum.StrEnum):
    EQUITY = "equity"
    SEATS = "seats"


class EntryKind(enum.StrEnum):
    COST = "cost"
    BENEFIT = "benefit"


register_labels(
    {
        "vote_for": N_("For"),
        "vote_against": N_("Against"),
        "vote_abstain": N_("Abstain"),
        "vote_absent": N_("Absent"),
        "rule_ordinary": N_("Ordinary resolution"),
        "rule_unanimous": N_("Unanimous consent"),
        "rule_qualified": N_("Qualified majority"),
        "basis_equity": N_("of equity"),
        "basis_seats": N_("of board seats"),
        "entry_cost": N_("Cost"),
        "entry_benefit": N_("Benefit"),
    }
)


class Venture(Timestamped, Base):
    """A joint venture: the JV company (a registry partner) and how its parents govern it.

    ``quorum_pct`` is the share of the board (``quorum_basis``: seats or equity) that must be
    present for any resolution; ordinary resolutions then pass with more than half of the
    weight present (ventures/voting.py)."""

    __tablename__ = "vnt_ventures"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    formed_on: Mapped[date | None] = mapped_column(Date)
    quorum_pct: Mapped[Decimal] = mapped_column(PCT, default=Decimal(50))
    quorum_basis: Mapped[str] = mapped_column(String(8), default=Basis.SEATS.value)
    notes: Mapped[str] = mapped_column(Text, default="")

    parents: Mapped[list[Parent]] = relationship(
        back_populates="venture", cascade="all, delete-orphan", order_by="Parent.id"
    )
    matters: Mapped[list[ReservedMatter]] = relationship(
        cascade="all, delete-orphan", order_by="ReservedMatter.id"
    )


class Parent(Base):
    """One owner of the JV: the owner company (``partner_id`` NULL) or a registry partner."""

    __tablename__ = "vnt_parents"

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_ventures.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    equity_pct: Mapped[Decimal] = mapped_column(PCT)
    board_seats: Mapped[int] = mapped_column(Integer, default=0)

    venture: Mapped[Venture] = relationship(back_populates="parents")


class CapitalCall(Base):
    """One instalment of a parent's capital contribution: scheduled for ``due_on``, called when
    ``called_on`` is set (then it is owed), paid by the payments recorded against it."""

    __tablename__ = "vnt_capital_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_ventures.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int] = mapped_column(ForeignKey("vnt_parents.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    called_on: Mapped[date | None] = mapped_column(Date)

    payments: Mapped[list[CapitalPayment]] = relationship(
        cascade="all, delete-orphan", order_by="CapitalPayment.id"
    )


class CapitalPayment(Base):
    __tablename__ = "vnt_capital_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_capital_calls.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(120), default="")


class ReservedMatter(Base):
    """A decision the parents kept for themselves: unanimous, or a qualified majority of
    ``threshold_pct`` of all equity or all seats (``basis``)."""

    __tablename__ = "vnt_reserved_matters"
    __table_args__ = (UniqueConstraint("venture_id", "code", name="uq_vnt_matter_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_ventures.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(8), default=Basis.EQUITY.value)
    threshold_pct: Mapped[Decimal | None] = mapped_column(PCT)


class Offtake(Base):
    """A parent's commitment to take ``volume`` of a product family off the JV in one period
    (``2027-Q1``, ``2027-03`` or ``2027``). The owner's actuals come from its receipts of the
    JV's orders; another parent reports its own (``reported_actual``)."""

    __tablename__ = "vnt_offtake"
    __table_args__ = (
        UniqueConstraint("parent_id", "period", "product_family", name="uq_vnt_offtake"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_ventures.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int] = mapped_column(ForeignKey("vnt_parents.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    product_family: Mapped[str] = mapped_column(String(100))
    volume: Mapped[Decimal] = mapped_column(QTY)
    uom: Mapped[str] = mapped_column(String(20), default="units")
    reported_actual: Mapped[Decimal | None] = mapped_column(QTY)


class Resolution(Timestamped, Base):
    """A board resolution as recorded: the outcome is computed once from the votes
    (ventures/voting.py) and kept with the figures it was computed from."""

    __tablename__ = "vnt_resolutions"
    __table_args__ = (UniqueConstraint("venture_id", "number", name="uq_vnt_resolution_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_ventures.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    resolved_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    # No foreign key on purpose: the unit scope follows a row's foreign keys to its unit, and a
    # nullable one (an ordinary resolution names no matter) would hide the row from unit users;
    # the service checks the matter belongs to the venture, and matters are never deleted.
    matter_id: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(12))
    basis: Mapped[str] = mapped_column(String(8))
    required_pct: Mapped[Decimal] = mapped_column(PCT)
    present_pct: Mapped[Decimal] = mapped_column(PCT)
    for_pct: Mapped[Decimal] = mapped_column(PCT)
    passed: Mapped[bool] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")

    votes: Mapped[list[ResolutionVote]] = relationship(
        cascade="all, delete-orphan", order_by="ResolutionVote.id"
    )


class ResolutionVote(Base):
    __tablename__ = "vnt_resolution_votes"
    __table_args__ = (UniqueConstraint("resolution_id", "parent_id", name="uq_vnt_vote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_resolutions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int] = mapped_column(ForeignKey("vnt_parents.id", ondelete="CASCADE"))
    vote: Mapped[str] = mapped_column(String(8))


# --- alliances --------------------------------------------------------------------------------


class Alliance(Timestamped, Base):
    """A horizontal partnership or strategic alliance without a company of its own: parties,
    shared goals and co-investments whose costs and benefits are shared by keys."""

    __tablename__ = "vnt_alliances"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = unit_id_column()
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    started_on: Mapped[date | None] = mapped_column(Date)

    parties: Mapped[list[AllianceParty]] = relationship(
        cascade="all, delete-orphan", order_by="AllianceParty.id"
    )


class AllianceParty(Base):
    __tablename__ = "vnt_alliance_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_alliances.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(200), default="")


class Goal(Base):
    """A shared goal with one KPI: target and the latest actual."""

    __tablename__ = "vnt_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_alliances.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kpi: Mapped[str] = mapped_column(String(200))
    uom: Mapped[str] = mapped_column(String(20), default="")
    target: Mapped[Decimal] = mapped_column(QTY)
    actual: Mapped[Decimal | None] = mapped_column(QTY)
    due_on: Mapped[date | None] = mapped_column(Date)


class CoInvestment(Base):
    """A shared investment with its cost-sharing key (``CostKey`` rows summing to 100 %)."""

    __tablename__ = "vnt_coinvestments"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_alliances.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    budget: Mapped[Decimal] = mapped_column(MONEY)

    keys: Mapped[list[CostKey]] = relationship(cascade="all, delete-orphan", order_by="CostKey.id")


class CostKey(Base):
    __tablename__ = "vnt_cost_keys"
    __table_args__ = (UniqueConstraint("coinvestment_id", "party_id", name="uq_vnt_cost_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coinvestment_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_coinvestments.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("vnt_alliance_parties.id", ondelete="CASCADE"))
    share_pct: Mapped[Decimal] = mapped_column(PCT)


class SharingEntry(Base):
    """A cost one party paid, or a benefit one party received, for a co-investment in a
    period; the statement shares it by the co-investment's key."""

    __tablename__ = "vnt_sharing_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    coinvestment_id: Mapped[int] = mapped_column(
        ForeignKey("vnt_coinvestments.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("vnt_alliance_parties.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(String(300), default="")
