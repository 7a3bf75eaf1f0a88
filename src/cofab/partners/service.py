"""Registry business rules: lifecycle, uniqueness, partner scoping and the audit trail.

Every write goes through here so the access check and the audit entry cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, asc, desc, exists, func, or_, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import (
    Actor,
    ensure_partner_visible,
    ensure_partner_writable,
    scope_to_partner,
)
from cofab.core.errors import Conflict, Forbidden, InvalidTransition, NotFound
from cofab.core.i18n import N_
from cofab.core.search_text import LIKE_ESCAPE, contains_pattern
from cofab.partners import schemas
from cofab.partners.models import (
    Capability,
    Certification,
    Contact,
    Partner,
    PartnerStatus,
    PartnerTypeLink,
    Site,
)

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    PartnerStatus.PROSPECT: frozenset({PartnerStatus.QUALIFYING, PartnerStatus.EXITED}),
    PartnerStatus.QUALIFYING: frozenset(
        {PartnerStatus.APPROVED, PartnerStatus.PROSPECT, PartnerStatus.EXITED}
    ),
    PartnerStatus.APPROVED: frozenset(
        {PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, PartnerStatus.EXITED}
    ),
    PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.EXITED}),
    PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.EXITED}),
    PartnerStatus.EXITED: frozenset(),
}

TransitionGuard = Callable[[Session, Partner, str], None]
_transition_guards: list[TransitionGuard] = []


def register_transition_guard(guard: TransitionGuard) -> None:
    """Let another domain veto a lifecycle move (selection's qualification gate uses this)."""
    if guard not in _transition_guards:
        _transition_guards.append(guard)


CERT_EXPIRY_WINDOW_DAYS = 90
SORTABLE = {
    "name": Partner.name_en,
    "name_ko": Partner.name_ko,
    "country": Partner.country,
    "status": Partner.status,
    "updated": Partner.updated_at,
    "created": Partner.created_at,
}


@dataclass(frozen=True)
class PartnerFilters:
    q: str | None = None
    type: str | None = None
    form: str | None = None
    status: str | None = None
    country: str | None = None
    capability: str | None = None
    certification: str | None = None
    sort: str = "name"


# --- partners -------------------------------------------------------------------------------


def partner_query(actor: Actor, filters: PartnerFilters) -> Select[Partner]:
    stmt = scope_to_partner(select(Partner), actor, Partner.id)
    if filters.q:
        like = contains_pattern(filters.q, lower=True)
        stmt = stmt.where(
            or_(
                func.lower(Partner.name_en).like(like, escape=LIKE_ESCAPE),
                func.lower(Partner.name_ko).like(like, escape=LIKE_ESCAPE),
            )
        )
    if filters.type:
        stmt = stmt.where(
            exists().where(
                PartnerTypeLink.partner_id == Partner.id, PartnerTypeLink.type == filters.type
            )
        )
    if filters.form:
        stmt = stmt.where(Partner.form == filters.form)
    if filters.status:
        stmt = stmt.where(Partner.status == filters.status)
    if filters.country:
        stmt = stmt.where(Partner.country == filters.country.upper())
    if filters.capability:
        like = contains_pattern(filters.capability, field="capability", lower=True)
        stmt = stmt.where(
            exists().where(
                Capability.partner_id == Partner.id,
                func.lower(Capability.process).like(like, escape=LIKE_ESCAPE),
            )
        )
    if filters.certification:
        like = contains_pattern(filters.certification, field="certification", lower=True)
        stmt = stmt.where(
            exists().where(
                Certification.partner_id == Partner.id,
                func.lower(Certification.standard).like(like, escape=LIKE_ESCAPE),
            )
        )
    key = filters.sort.lstrip("-")
    column = SORTABLE.get(key, Partner.name_en)
    order = desc(column) if filters.sort.startswith("-") else asc(column)
    return stmt.order_by(order, Partner.id)


def get_partner(session: Session, *, actor: Actor, partner_id: int) -> Partner:
    ensure_partner_visible(actor, partner_id)
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound()
    return partner


def _ensure_unique_name(session: Session, name_en: str, *, exclude_id: int | None = None) -> None:
    stmt = select(Partner.id).where(func.lower(Partner.name_en) == name_en.lower())
    if exclude_id is not None:
        stmt = stmt.where(Partner.id != exclude_id)
    if session.execute(stmt).first():
        raise Conflict(N_("A partner named {name} already exists."), name=name_en)


def _set_types(partner: Partner, types: Sequence[str]) -> None:
    values = [str(t) for t in dict.fromkeys(types)]
    partner.types = values
    partner.type_rows = [PartnerTypeLink(type=t) for t in values]


def create_partner(session: Session, *, actor: Actor, data: schemas.PartnerCreate) -> Partner:
    if actor.is_partner:
        raise Forbidden()
    ensure_partner_writable(actor, None)
    _ensure_unique_name(session, data.name_en)
    partner = Partner(
        name_ko=data.name_ko,
        name_en=data.name_en,
        form=data.form.value,
        country=data.country,
        website=data.website,
        notes=data.notes,
        external_ref=data.external_ref,
        status=PartnerStatus.PROSPECT.value,
    )
    _set_types(partner, [t.value for t in data.types])
    session.add(partner)
    session.flush()
    audit.record_row(
        session, actor=actor, action="create", entity="partner", row=partner, partner_id=partner.id
    )
    return partner


def update_partner(
    session: Session, *, actor: Actor, partner_id: int, data: schemas.PartnerUpdate
) -> Partner:
    partner = get_partner(session, actor=actor, partner_id=partner_id)
    ensure_partner_writable(actor, partner.id)
    before = audit.snapshot(partner)
    changes = data.model_dump(exclude_unset=True)
    if "name_en" in changes and changes["name_en"] is not None:
        _ensure_unique_name(session, changes["name_en"], exclude_id=partner.id)
    for key, value in changes.items():
        if value is None and key in {"name_ko", "name_en", "types", "form", "country"}:
            continue
        if key == "types":
            _set_types(partner, [str(getattr(t, "value", t)) for t in value])
        elif key == "form":
            partner.form = str(getattr(value, "value", value))
        else:
            setattr(partner, key, value)
    session.flush()
    audit.record_row(
        session,
        actor=actor,
        action="update",
        entity="partner",
        row=partner,
        partner_id=partner.id,
        before=before,
    )
    return partner


def change_status(
    session: Session, *, actor: Actor, partner_id: int, new_status: str, reason: str | None = None
) -> Partner:
    """Lifecycle moves are the owner's decision; partner users can never change them."""
    partner = get_partner(session, actor=actor, partner_id=partner_id)
    if actor.is_partner:
        raise Forbidden()
    ensure_partner_writable(actor, partner.id)
    allowed = ALLOWED_TRANSITIONS.get(partner.status, frozenset())
    if new_status not in allowed:
        raise InvalidTransition(
            N_("A partner cannot move from {current} to {target}."),
            current=partner.status,
            target=new_status,
        )
    for guard in _transition_guards:
        guard(session, partner, new_status)
    before = audit.snapshot(partner)
    partner.status = new_status
    session.flush()
    audit.record_row(
        session,
        actor=actor,
        action="status",
        entity="partner",
        row=partner,
        partner_id=partner.id,
        before=before,
        extra={"reason": reason},
    )
    return partner


def delete_partner(session: Session, *, actor: Actor, partner_id: int) -> None:
    partner = get_partner(session, actor=actor, partner_id=partner_id)
    if actor.is_partner or actor.role != "admin":
        raise Forbidden()
    before = audit.snapshot(partner)
    session.delete(partner)
    session.flush()
    audit.record_row(
        session,
        actor=actor,
        action="delete",
        entity="partner",
        row=partner,
        partner_id=partner_id,
        before=before,
    )


# --- children: contacts, sites, capabilities, certifications ---------------------------------

Child = TypeVar("Child", Contact, Site, Capability, Certification)
ENTITY_NAMES: dict[type[Any], str] = {
    Contact: "contact",
    Site: "site",
    Capability: "capability",
    Certification: "certification",
}


def list_children(
    session: Session, *, actor: Actor, model: type[Child], partner_id: int
) -> list[Child]:
    get_partner(session, actor=actor, partner_id=partner_id)
    stmt = select(model).where(model.partner_id == partner_id).order_by(model.id)
    return list(session.execute(stmt).scalars())


def get_child(session: Session, *, actor: Actor, model: type[Child], child_id: int) -> Child:
    row = session.get(model, child_id)
    if row is None:
        raise NotFound()
    ensure_partner_visible(actor, row.partner_id)
    return row


def _check_site_belongs(session: Session, partner_id: int, site_id: int | None) -> None:
    if site_id is None:
        return
    site = session.get(Site, site_id)
    if site is None or site.partner_id != partner_id:
        raise NotFound(N_("Site {site_id} does not belong to this partner."), site_id=site_id)


def _ensure_unique_site_name(
    session: Session, partner_id: int, name: str, exclude_id: int | None = None
) -> None:
    stmt = select(Site.id).where(
        Site.partner_id == partner_id, func.lower(Site.name) == name.lower()
    )
    if exclude_id is not None:
        stmt = stmt.where(Site.id != exclude_id)
    if session.execute(stmt).first():
        raise Conflict(N_("This partner already has a site named {name}."), name=name)


def add_child(
    session: Session,
    *,
    actor: Actor,
    model: type[Child],
    partner_id: int,
    values: dict[str, Any],
    site_id: int | None = None,
) -> Child:
    get_partner(session, actor=actor, partner_id=partner_id)
    ensure_partner_writable(actor, partner_id)
    if model is Site:
        _ensure_unique_site_name(session, partner_id, values["name"])
    site_ref = site_id if site_id is not None else values.get("site_id")
    _check_site_belongs(session, partner_id, site_ref)
    row = model(partner_id=partner_id, **values)
    if site_id is not None:
        setattr(row, "site_id", site_id)  # noqa: B010 - only capabilities have a site
    session.add(row)
    session.flush()
    audit.record_row(session, actor=actor, action="create", entity=ENTITY_NAMES[model], row=row)
    return row


def update_child(
    session: Session, *, actor: Actor, model: type[Child], child_id: int, values: dict[str, Any]
) -> Child:
    row = get_child(session, actor=actor, model=model, child_id=child_id)
    ensure_partner_writable(actor, row.partner_id)
    if model is Site and "name" in values:
        _ensure_unique_site_name(session, row.partner_id, values["name"], exclude_id=row.id)
    if "site_id" in values:
        _check_site_belongs(session, row.partner_id, values["site_id"])
    before = audit.snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    audit.record_row(
        session, actor=actor, action="update", entity=ENTITY_NAMES[model], row=row, before=before
    )
    return row


def delete_child(session: Session, *, actor: Actor, model: type[Child], child_id: int) -> None:
    row = get_child(session, actor=actor, model=model, child_id=child_id)
    ensure_partner_writable(actor, row.partner_id)
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record_row(
        session, actor=actor, action="delete", entity=ENTITY_NAMES[model], row=row, before=before
    )


def partner_detail(session: Session, *, actor: Actor, partner_id: int) -> dict[str, Any]:
    partner = get_partner(session, actor=actor, partner_id=partner_id)
    return {
        "partner": partner,
        "contacts": list_children(session, actor=actor, model=Contact, partner_id=partner_id),
        "sites": list_children(session, actor=actor, model=Site, partner_id=partner_id),
        "capabilities": list_children(
            session, actor=actor, model=Capability, partner_id=partner_id
        ),
        "certifications": list_children(
            session, actor=actor, model=Certification, partner_id=partner_id
        ),
    }


def expiring_certifications(
    session: Session,
    *,
    actor: Actor,
    today: date,
    within_days: int = CERT_EXPIRY_WINDOW_DAYS,
    partner_id: int | None = None,
) -> list[tuple[Certification, Partner]]:
    """Certificates that expire within the window (and already-expired ones still listed)."""
    horizon = today + timedelta(days=within_days)
    stmt = (
        select(Certification, Partner)
        .join(Partner, Partner.id == Certification.partner_id)
        .where(
            Certification.valid_to <= horizon, Certification.valid_to >= today - timedelta(days=30)
        )
        .order_by(Certification.valid_to, Certification.id)
    )
    stmt = scope_to_partner(stmt, actor, Certification.partner_id)
    if partner_id is not None:
        stmt = stmt.where(Certification.partner_id == partner_id)
    return [(row[0], row[1]) for row in session.execute(stmt)]
