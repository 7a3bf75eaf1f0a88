"""Load a demo case through the same services users go through, so the audit chain is real.

Each case is one business unit of the demo group: its partners, contracts, orders, documents and
scenarios are written inside ``working_in(unit)`` so every owner-side row carries the unit, its
owner users are members of that unit only, and the group admin sees every unit. Loading again
finds everything by its reference and adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.accounts import service as accounts_service
from cofab.accounts.models import User
from cofab.core.access import SYSTEM_ACTOR
from cofab.core.errors import NotFound
from cofab.demo.cases import (
    CASES,
    CONTACT_TITLES,
    DEMO_PASSWORD,
    GROUP,
    OWNER_ROLES,
    PARTNER_LOGIN,
)
from cofab.partners import schemas
from cofab.partners import service as partners_service
from cofab.partners.models import Capability, Certification, Contact, Partner, Site

CASE_NAMES = (*CASES.keys(), "all")
SURNAMES = ("Lee", "Nguyen", "Garcia", "Kim", "Tan", "Sato")
GIVEN_NAMES = ("Minji", "Anh", "Lucia", "Jisoo", "Wei", "Hiro")
KOREAN_NAMES = ("김민지", "이지수", "박서준", "최유나", "정하준", "강수빈")
DemoLogin = tuple[str, str, str]  # e-mail, password, role: the login page's table


class DemoAccess(NamedTuple):
    """One demo login and what it sees: ``case`` None with an owner role is the group admin."""

    email: str
    password: str
    role: str
    case: str | None
    partner_name: str | None = None
    partner_name_ko: str | None = None

    @property
    def login(self) -> DemoLogin:
        return (self.email, self.password, self.role)


GROUP_ADMIN = f"admin@{GROUP['domain']}"


def _case_names(name: str) -> list[str]:
    if name == "all":
        return list(CASES)
    if name not in CASES:
        raise NotFound(
            "Unknown demo case {name}; choose one of: {choices}.",
            name=name,
            choices=", ".join(CASE_NAMES),
        )
    return [name]


def load_case(session: Session, name: str, *, today: date | None = None) -> list[DemoAccess]:
    """Add a case's partners, sites, capabilities, certificates and users; skip what exists."""
    today = today or date.today()
    logins = [_ensure_group_admin(session)]
    for case_name in _case_names(name):
        with _in_unit(session, case_name) as unit_id:
            logins += _load_one(session, case_name, today)
            _join_unit(session, case_name, unit_id)
    return logins


@contextmanager
def _in_unit(session: Session, case_name: str) -> Iterator[int]:
    """Everything the case writes is filed under its business unit (created on first load)."""
    from cofab.units import service as units

    code, name_ko, name_en = CASES[case_name]["unit"]
    unit = units.ensure_unit(session, code=code, name_ko=name_ko, name_en=name_en)
    with units.working_in(session, unit.id):
        yield unit.id


def _join_unit(session: Session, case_name: str, unit_id: int) -> None:
    """The case's partners work with its unit; its owner users are members of it alone."""
    from cofab.units import service as units

    for partner_id in (_refs_of(session, case_name) | _shared_refs(session, case_name)).values():
        units.link_partner(session, partner_id=partner_id, unit_id=unit_id)
    domain = CASES[case_name]["domain"]
    for user in session.execute(
        select(User).where(User.email.like(f"%@{domain}"), User.partner_id.is_(None))
    ).scalars():
        if not units.units_of_user(session, user.id):
            # new users start as group users; one that has units keeps them on a reload, so
            # a later change by an admin survives
            units.set_user_units(
                session, None, user_id=user.id, unit_ids=[unit_id], all_units=False
            )


def _ensure_group_admin(session: Session) -> DemoAccess:
    """The group's admin sees every unit (and every unit added later)."""
    from cofab.units import service as units

    _ensure_user(session, GROUP_ADMIN, f"Admin ({GROUP['name_en']})", "admin", None, "ko")
    user = session.execute(select(User).where(User.email == GROUP_ADMIN)).scalar_one()
    if not user.all_units:
        units.set_user_units(session, None, user_id=user.id, unit_ids=[], all_units=True)
    return DemoAccess(GROUP_ADMIN, DEMO_PASSWORD, "admin", None)


def _refs_of(session: Session, case_name: str) -> dict[str, int]:
    return _existing([f"DEMO-{partner[0]}" for partner in CASES[case_name]["partners"]], session)


def _shared_refs(session: Session, case_name: str) -> dict[str, int]:
    """Other cases' partners this case works with, when they are loaded (else skipped)."""
    return _existing(
        [f"DEMO-{ref}" for ref in CASES[case_name].get("shared_partners", [])], session
    )


def _existing(wanted: list[str], session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Partner.external_ref, Partner.id).where(Partner.external_ref.in_(wanted))
    ).all()
    return {str(ref): int(pid) for ref, pid in rows}


def _ensure_user(
    session: Session, email: str, display: str, role: str, partner_id: int | None, locale: str
) -> None:
    if session.execute(select(User.id).where(User.email == email)).first():
        return
    accounts_service.create_user(
        session,
        actor=None,
        email=email,
        password=DEMO_PASSWORD,
        display_name=display,
        role=role,
        partner_id=partner_id,
        locale=locale,
    )


def _load_one(session: Session, case_name: str, today: date) -> list[DemoAccess]:
    case = CASES[case_name]
    domain = case["domain"]
    actor = SYSTEM_ACTOR
    refs: dict[str, int] = {}
    for index, (ref, name_ko, name_en, types, form, status, country, sites) in enumerate(
        case["partners"]
    ):
        ref = f"DEMO-{ref}"
        existing = session.execute(
            select(Partner).where(Partner.external_ref == ref)
        ).scalar_one_or_none()
        if existing is not None:
            refs[ref] = existing.id
            continue
        partner = partners_service.create_partner(
            session,
            actor=actor,
            data=schemas.PartnerCreate(
                name_ko=name_ko,
                name_en=name_en,
                types=types,
                form=form,
                country=country,
                website=f"https://www.{name_en.lower().replace(' ', '-').replace('.', '')}.example",
                notes=case["title"],
                external_ref=ref,
            ),
        )
        refs[ref] = partner.id
        for step in _path_to(status):
            partners_service.change_status(
                session, actor=actor, partner_id=partner.id, new_status=step, reason="demo data"
            )
        slug = name_en.split()[0].lower()
        korean = country == "KR"
        for title_index, (title, title_ko) in enumerate(CONTACT_TITLES):
            name = (
                KOREAN_NAMES[(index + title_index) % len(KOREAN_NAMES)]
                if korean
                else f"{SURNAMES[(index + title_index) % 6]} "
                f"{GIVEN_NAMES[(index * 2 + title_index) % 6]}"
            )
            partners_service.add_child(
                session,
                actor=actor,
                model=Contact,
                partner_id=partner.id,
                values={
                    "name": name,
                    "title": title_ko if korean else title,
                    "email": f"{title.split()[0].lower()}@{slug}.example",
                    "phone": f"+00 {100 + index} {5550 + title_index}",
                },
            )
        for site_index, (
            site_name,
            address,
            s_country,
            region,
            lat,
            lon,
            tz,
            caps,
            certs,
        ) in enumerate(sites):
            site = partners_service.add_child(
                session,
                actor=actor,
                model=Site,
                partner_id=partner.id,
                values={
                    "name": site_name,
                    "address": address,
                    "country": s_country,
                    "region": region,
                    "latitude": lat,
                    "longitude": lon,
                    "timezone": tz,
                    "external_ref": f"{ref}-S{site_index + 1}",
                },
            )
            for cap_index, (process, families, capacity, unit, period) in enumerate(caps):
                partners_service.add_child(
                    session,
                    actor=actor,
                    model=Capability,
                    partner_id=partner.id,
                    site_id=site.id,
                    values={
                        "process": process,
                        "product_families": families,
                        "capacity": Decimal(capacity),
                        "capacity_unit": unit,
                        "capacity_period": period,
                        "external_ref": f"{ref}-S{site_index + 1}-C{cap_index + 1}",
                    },
                )
            for cert_index, (standard, days_left) in enumerate(certs):
                valid_to = today + timedelta(days=days_left)
                partners_service.add_child(
                    session,
                    actor=actor,
                    model=Certification,
                    partner_id=partner.id,
                    values={
                        "standard": standard,
                        "number": f"{standard.split()[0][:4].upper()}-"
                        f"{index:02d}{site_index}{cert_index}-{valid_to.year}",
                        "issuer": ["TÜV SÜD", "BSI", "DNV", "SGS", "Bureau Veritas"][
                            (index + cert_index) % 5
                        ],
                        "site_id": site.id if site_index > 0 or cert_index % 2 == 0 else None,
                        "valid_from": valid_to - timedelta(days=3 * 365),
                        "valid_to": valid_to,
                    },
                )
    locale = "ko"
    logins: list[DemoAccess] = []
    for role in OWNER_ROLES:
        email = f"{role}@{domain}"
        _ensure_user(session, email, f"{role.title()} ({case_name})", role, None, locale)
        logins.append(DemoAccess(email, DEMO_PASSWORD, role, case_name))
    partner_ref = f"DEMO-{PARTNER_LOGIN[case_name]}"
    partner_id = refs[partner_ref]
    partner_name = session.get(Partner, partner_id)
    assert partner_name is not None
    email = f"partner@{partner_name.name_en.split()[0].lower()}.example"
    partner_locale = "ko" if partner_name.country == "KR" else "en"
    _ensure_user(
        session, email, f"{partner_name.name_en} (partner)", "partner", partner_id, partner_locale
    )
    logins.append(
        DemoAccess(
            email, DEMO_PASSWORD, "partner", case_name, partner_name.name_en, partner_name.name_ko
        )
    )
    from cofab.demo import selection_demo  # selection: demo evaluations, scores, due diligence

    selection_demo.load(session, case_name, refs, today)
    from cofab.demo import contracts_demo  # contracts: clause library, agreements, RACI

    # agreements and operations also reach the partners this case shares with another unit
    with_shared = refs | _shared_refs(session, case_name)
    contracts_demo.load(session, case_name, with_shared, today)
    from cofab.demo import operations_demo  # operations: orders, receipts, KPIs, scorecards

    operations_demo.load(session, case_name, with_shared, today)
    from cofab.demo import vault_demo  # vault: documents shared with the partner login

    vault_demo.load(session, case_name, refs, today)
    from cofab.demo import quality_demo  # quality: plans from the agreement's AQL, lots, NCR, audit

    quality_demo.load(session, case_name, refs, today)
    from cofab.demo import logistics_demo  # logistics: each carrier's lanes, a carried shipment

    logistics_demo.load(session, case_name, with_shared, today)
    from cofab.demo import forecast_demo  # forecast: the JV's ramp now, the plan published below

    forecast_demo.load(session, case_name, refs, today)  # no plan yet: declarations only
    from cofab.demo import planning_demo  # planning: registry scenarios on the live data above

    planning_demo.load(session, case_name, refs, today)
    forecast_demo.load(session, case_name, refs, today)  # publishes the plan, partners answer
    from cofab.demo import ventures_demo  # ventures: the battery JV's board, an alliance

    ventures_demo.load(session, case_name, refs, today)
    from cofab.demo import governance_demo  # governance: committees, meetings, decisions

    governance_demo.load(session, case_name, refs, today)
    from cofab.demo import development_demo  # development: joint projects, IP register

    development_demo.load(session, case_name, refs, today)
    from cofab.demo import training_demo  # training: records, SOPs to acknowledge

    training_demo.load(session, case_name, refs, today)
    from cofab.demo import discussions_demo  # discussions: NCR and order threads, mentions

    discussions_demo.load(session, case_name, refs, today)
    from cofab.demo import risk_demo  # risk: register, contingency plans, an exit transition

    risk_demo.load(session, case_name, refs, today)
    from cofab.demo import performance_demo  # performance: makers scored on quality as well

    performance_demo.load(session, case_name, refs, today)
    return logins


def _path_to(status: str) -> list[str]:
    """Walk the lifecycle to the demo status instead of jumping, so history looks real."""
    order = ["qualifying", "approved", "active", "suspended"]
    if status == "prospect":
        return []
    return order[: order.index(status) + 1]


def demo_access() -> list[DemoAccess]:
    """Every demo login with its unit, in the order ``cofab up`` prints them."""
    rows = [DemoAccess(GROUP_ADMIN, DEMO_PASSWORD, "admin", None)]
    for case_name, case in CASES.items():
        rows += [
            DemoAccess(f"{role}@{case['domain']}", DEMO_PASSWORD, role, case_name)
            for role in OWNER_ROLES
        ]
        ref = PARTNER_LOGIN[case_name]
        name_ko, name_en = next((p[1], p[2]) for p in case["partners"] if p[0] == ref)
        email = f"partner@{name_en.split()[0].lower()}.example"
        rows.append(DemoAccess(email, DEMO_PASSWORD, "partner", case_name, name_en, name_ko))
    return rows


def demo_logins() -> list[DemoLogin]:
    return [row.login for row in demo_access()]
