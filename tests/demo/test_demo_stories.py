"""The demo tells the seed's three stories as three business units of one group.

The whole demo is loaded once for this module (it takes most of this folder's time budget) into
a database and server of the module's own, then loaded again: the second load must add nothing.
The checks read what a user would read — rows in the database and answers over real HTTP.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from tests.conftest import _free_port, _make_test_engine, drop_test_schema, token_for
from typer.testing import CliRunner

from cofab import cli
from cofab.accounts.models import User
from cofab.config import Settings
from cofab.contracts.models import Contract, ContractVersion
from cofab.db.migrate import upgrade
from cofab.db.session import unit_of_work
from cofab.demo import vault_demo
from cofab.demo.cases import CASES, DEMO_PASSWORD
from cofab.demo.loader import GROUP_ADMIN, demo_access, load_case
from cofab.demo.stories import STORIES
from cofab.domains import load_all_models
from cofab.operations.models import (
    Order,
    OrderLine,
    Receipt,
    Shipment,
    SupportTicket,
)
from cofab.partners.models import Contact, Partner, Site
from cofab.performance.models import ActionItem, Review
from cofab.units.models import BusinessUnit, PartnerUnit, UnitMembership
from cofab.vault.models import VaultDocument, VaultShare

HANGUL = re.compile("[\uac00-\ud7a3]")
TODAY = date(2026, 11, 20)
# Owner-side tables whose rows belong to one business (the lead's list in notes/ISSUE13.md).
UNIT_TABLES = (
    "contracts",
    "ops_orders",
    "ops_tickets",
    "sel_evaluations",
    "plan_scenarios",
    "vault_documents",
    "perf_scorecards",
    "perf_reviews",
)


@dataclass
class Demo:
    engine: Engine
    base_url: str
    first: dict[str, int]
    second: dict[str, int]
    case_of_partner: dict[int, str]  # partner id → case name
    unit_of_case: dict[str, int]
    ref_of: dict[int, str]  # partner id → case data ref (E-SGP …)

    def units_of(self, partner_id: int) -> set[int]:
        """The partner's own case's unit, and the units that share it (``shared_partners``)."""
        ref = self.ref_of[partner_id]
        sharing = [name for name, case in CASES.items() if ref in case.get("shared_partners", [])]
        own = self.case_of_partner[partner_id]
        return {self.unit_of_case[name] for name in (own, *sharing)}


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in load_all_models().sorted_tables
        }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A database and server of this module's own, so the shared per-test cleanup leaves the
    demo in place for every test here (it is loaded once: ~20 s)."""
    root = tmp_path_factory.mktemp("demo")
    engine, schema = _make_test_engine(root)
    upgrade(engine)
    settings = Settings(
        database_url="sqlite://",
        data_dir=root / "data",
        secret_key="demo-test-secret-" + "x" * 32,
        login_max_failures=50,
        login_lock_minutes=1,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vault_demo, "get_settings", lambda: settings)
        with unit_of_work(engine) as session:
            load_case(session, "all", today=TODAY)
        first = _counts(engine)
        with unit_of_work(engine) as session:
            load_case(session, "all", today=TODAY)
        second = _counts(engine)
    with unit_of_work(engine) as session:
        refs = {ref: pid for ref, pid in session.execute(select(Partner.external_ref, Partner.id))}
        case_of_partner = {
            refs[f"DEMO-{partner[0]}"]: name
            for name, case in CASES.items()
            for partner in case["partners"]
        }
        codes = {
            code: uid for code, uid in session.execute(select(BusinessUnit.code, BusinessUnit.id))
        }
        unit_of_case = {name: codes[case["unit"][0]] for name, case in CASES.items()}
    from cofab.app import create_app

    app = create_app(settings, engine=engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        ref_of = {pid: ref.removeprefix("DEMO-") for ref, pid in refs.items() if ref}
        yield Demo(
            engine,
            f"http://127.0.0.1:{port}",
            first,
            second,
            case_of_partner,
            unit_of_case,
            ref_of,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
        drop_test_schema(schema)


def _session(demo: Demo) -> Session:
    return Session(demo.engine)


def _partner(session: Session, ref: str) -> Partner:
    return session.execute(
        select(Partner).where(Partner.external_ref == f"DEMO-{ref}")
    ).scalar_one()


def test_loading_twice_adds_no_rows(demo: Demo) -> None:
    changed = {
        t: (demo.first[t], demo.second[t]) for t in demo.first if demo.first[t] != demo.second[t]
    }
    assert changed == {}
    for table in (*UNIT_TABLES, "partners", "users", "business_units", "partner_units"):
        assert demo.first[table] > 0, table
    assert demo.first["business_units"] == 3
    # 4 owner roles + 1 partner login per case, and the group admin
    assert demo.first["users"] == 3 * 5 + 1
    with _session(demo) as session:
        emails = set(session.execute(select(User.email)).scalars())
    # the table `cofab up` prints (without loading) names exactly the logins the load made
    assert emails == {row.email for row in demo_access()}


def test_cli_load_is_idempotent_and_prints_who_sees_what(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_engine", lambda: demo.engine)
    monkeypatch.setattr(cli, "migrate", lambda: None)
    monkeypatch.setenv("COFAB_LANG", "en")
    # the console reads COLUMNS once, when cofab.cli is first imported (by whichever test)
    monkeypatch.setattr(cli.console, "width", 160)
    result = CliRunner().invoke(cli.app, ["demo", "load", "--case", "all"])
    assert result.exit_code == 0, result.output
    assert _counts(demo.engine) == demo.first
    lines = result.output.splitlines()
    row = next(line for line in lines if "admin@hanbit.example" in line)
    assert "Administrator" in row and "Hanbit Electronics" in row and "This unit only" in row
    row = next(line for line in lines if GROUP_ADMIN in line)
    assert "Hanmaru Group (all units)" in row and "Every unit" in row
    row = next(line for line in lines if "partner@incheon.example" in line)
    assert "Seoul BioPharm" in row and "Incheon BioLogics CDMO's own data only" in row
    assert f"password {DEMO_PASSWORD}" in result.output
    monkeypatch.setenv("COFAB_LANG", "ko")
    korean = CliRunner().invoke(cli.app, ["demo", "load", "--case", "pharma"])
    row = next(line for line in korean.output.splitlines() if "partner@incheon.example" in line)
    assert "서울바이오팜" in row and "인천 바이오로직스 CDMO 자사 데이터만" in row


def test_each_case_is_a_unit_of_its_own(demo: Demo) -> None:
    with _session(demo) as session:
        links = session.execute(select(PartnerUnit.partner_id, PartnerUnit.unit_id)).all()
        assert sorted(links) == sorted(
            (pid, unit) for pid in demo.case_of_partner for unit in demo.units_of(pid)
        )
        bluewave = _partner(session, "E-BWL").id  # the group's 3PL works with two units
        assert demo.units_of(bluewave) == {
            demo.unit_of_case["electronics"],
            demo.unit_of_case["automotive"],
        }
        for table in UNIT_TABLES:
            has_partner = "partner_id" in load_all_models().tables[table].columns
            columns = "unit_id, partner_id" if has_partner else "unit_id, NULL"
            rows = session.execute(text(f"SELECT {columns} FROM {table}")).all()
            assert rows, table
            assert all(unit is not None for unit, _partner in rows), table
            for unit, partner_id in rows:
                if partner_id is not None:
                    assert unit in demo.units_of(partner_id), table
        memberships = select(User.email, UnitMembership.unit_id).join(
            UnitMembership, UnitMembership.user_id == User.id
        )
        members = {email: unit for email, unit in session.execute(memberships)}
        for case_name, case in CASES.items():
            for role in ("admin", "manager", "quality", "viewer"):
                assert members[f"{role}@{case['domain']}"] == demo.unit_of_case[case_name]
        group = session.execute(select(User).where(User.email == GROUP_ADMIN)).scalar_one()
        assert group.all_units and group.role == "admin"


def _texts_by_partner(session: Session) -> dict[int, list[str]]:
    """Everything a partner wrote or that was written to it, per partner."""
    texts: dict[int, list[str]] = {}

    pairs = (
        (SupportTicket.partner_id, SupportTicket.subject),
        (SupportTicket.partner_id, SupportTicket.response_note),
        (OrderLine.partner_id, OrderLine.product),
        (OrderLine.partner_id, OrderLine.proposal_note),
        (Receipt.partner_id, Receipt.reject_reason),
        (Review.partner_id, Review.title),
        (ActionItem.partner_id, ActionItem.title),
        (Contract.partner_id, Contract.title),
        (Contact.partner_id, Contact.title),
        (Site.partner_id, Site.name),
        (Site.partner_id, Site.address),
    )
    for partner_column, text_column in pairs:
        for partner_id, value in session.execute(select(partner_column, text_column)):
            if value:
                texts.setdefault(partner_id, []).append(value)
    shared = select(VaultShare.partner_id, VaultDocument.title).join(
        VaultDocument, VaultDocument.id == VaultShare.document_id
    )
    for partner_id, title in session.execute(shared):
        texts.setdefault(partner_id, []).append(title)
    for partner_id, decisions in session.execute(select(Review.partner_id, Review.decisions)):
        texts.setdefault(partner_id, []).extend(decisions)
    return texts


def test_korean_partners_get_korean_texts_and_foreign_partners_english(demo: Demo) -> None:
    with _session(demo) as session:
        countries = {pid: c for pid, c in session.execute(select(Partner.id, Partner.country))}
        texts = _texts_by_partner(session)
    korean = [pid for pid in texts if countries[pid] == "KR"]
    foreign = [pid for pid in texts if countries[pid] != "KR"]
    assert len(korean) >= 3 and len(foreign) >= 8  # both kinds have a story to check
    for pid in korean:
        english = [t for t in texts[pid] if not HANGUL.search(t)]
        assert english == [], (pid, english)
    for pid in foreign:
        hangul = [t for t in texts[pid] if HANGUL.search(t)]
        assert hangul == [], (pid, hangul)


def test_cold_chain_carrier_carries_and_receives_no_orders(demo: Demo) -> None:
    with _session(demo) as session:
        carrier = _partner(session, "P-CCL")
        assert carrier.types == ["logistics"]
        orders = session.execute(
            select(func.count()).select_from(Order).where(Order.partner_id == carrier.id)
        ).scalar_one()
        assert orders == 0
        pharma = [pid for pid, case in demo.case_of_partner.items() if case == "pharma"]
        carriers = set(
            session.execute(
                select(Shipment.carrier).where(Shipment.partner_id.in_(pharma))
            ).scalars()
        )
        assert carriers == {carrier.name_en}
        # the battery case: cells come only from the JV, the cathode supplier sends material
        cell_makers = set(
            session.execute(
                select(OrderLine.partner_id).where(OrderLine.product_family == "NMC pouch cell")
            ).scalars()
        )
        assert cell_makers == {_partner(session, "A-NCP").id}
        cathode = _partner(session, "A-PCM")
        made = set(
            session.execute(
                select(OrderLine.product_family).where(OrderLine.partner_id == cathode.id)
            ).scalars()
        )
        assert made and all(family and "cell" not in family for family in made)


def test_pharma_quality_agreement_cites_gmp_and_ich_not_iso_13485(demo: Demo) -> None:
    with _session(demo) as session:
        cdmo = _partner(session, "P-IBL")
        contract = session.execute(
            select(Contract).where(
                Contract.partner_id == cdmo.id, Contract.kind == "quality_agreement"
            )
        ).scalar_one()
        version = (
            session.execute(
                select(ContractVersion)
                .where(ContractVersion.contract_id == contract.id)
                .order_by(ContractVersion.id.desc())
            )
            .scalars()
            .first()
        )
        assert version is not None
        assert version.terms["quality"]["required_certifications"] == ["GMP"]
        cited = " ".join(c["text_en"] + c["text_ko"] for c in version.clauses)
        assert "GMP" in cited and "ICH Q7" in cited and "ICH Q10" in cited
        everything = f"{contract.title} {version.terms} {cited}"
        assert "13485" not in everything


def test_pharma_contingency_plan_follows_the_gmp_agreements_drill_cadence(demo: Demo) -> None:
    from cofab.risk.drill_cadence import AGREEMENT, cadence_of
    from cofab.risk.models import ContingencyPlan

    with _session(demo) as session:
        plan = session.execute(
            select(ContingencyPlan).where(ContingencyPlan.title == "Fill-finish moves to Basel")
        ).scalar_one()
        cadence = cadence_of(session, plan)
        assert (plan.drill_every_days, cadence.days, cadence.source) == (None, 120, AGREEMENT)
        assert cadence.partner_id == _partner(session, "P-IBL").id
        assert not plan.is_untested(TODAY, cadence.days)  # drilled 100 days before TODAY


def test_overdue_smt_line_item_belongs_to_electronics_only(demo: Demo) -> None:
    with _session(demo) as session:
        items = (
            session.execute(
                select(ActionItem.partner_id).where(ActionItem.title == "Second SMT line qualified")
            )
            .scalars()
            .all()
        )
    assert [demo.case_of_partner[pid] for pid in items] == ["electronics"]


def _api(demo: Demo, email: str) -> httpx.Client:
    return httpx.Client(
        base_url=demo.base_url,
        headers={"Authorization": f"Bearer {token_for(demo.engine, email)}"},
        timeout=30,
    )


def test_unit_admins_see_their_own_case_over_http(demo: Demo) -> None:
    with _session(demo) as session:
        names = {p.id: p.name_en for p in session.execute(select(Partner)).scalars()}
    by_case = {
        case: {names[pid] for pid, c in demo.case_of_partner.items() if c == case} for case in CASES
    }
    seen: dict[str, set[str]] = {}
    overdue: dict[str, set[str]] = {}
    for email in (GROUP_ADMIN, *(f"admin@{case['domain']}" for case in CASES.values())):
        with _api(demo, email) as client:
            partners = client.get("/api/v1/partners", params={"size": 200})
            assert partners.status_code == 200, partners.text
            seen[email] = {p["name_en"] for p in partners.json()["items"]}
            items = client.get("/api/v1/action-items/overdue")
            assert items.status_code == 200, items.text
            overdue[email] = {i["title"] for i in items.json()}
    assert seen["admin@hanbit.example"] == by_case["electronics"]
    assert not seen["admin@hanbit.example"] & by_case["pharma"]
    assert seen["admin@seoulbiopharm.example"] == by_case["pharma"]
    assert seen["admin@hanul-motors.example"] == by_case["automotive"] | {"BlueWave Logistics"}
    assert seen[GROUP_ADMIN] == set(names.values())
    assert overdue["admin@hanbit.example"] == {"Second SMT line qualified"}
    assert overdue["admin@hanul-motors.example"] == {
        "Formation line 2 released for series production"
    }
    assert overdue["admin@seoulbiopharm.example"] == {"DEV-2026-014 CAPA 완료 및 효과성 확인"}
    assert overdue[GROUP_ADMIN] == set().union(
        *(overdue[f"admin@{case['domain']}"] for case in CASES.values())
    )


def test_dashboard_lists_each_units_own_overdue_items(demo: Demo) -> None:
    pages = {}
    for email in ("admin@hanbit.example", "admin@hanul-motors.example"):
        with httpx.Client(base_url=demo.base_url, timeout=30) as client:
            form = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token
            answer = client.post(
                "/login",
                data={
                    "email": email,
                    "password": DEMO_PASSWORD,
                    "csrf_token": token.group(1),
                    "next": "/",
                },
            )
            assert answer.status_code == 303, answer.text[:300]
            page = client.get("/", headers={"Accept-Language": "en"})
            assert page.status_code == 200
            pages[email] = page.text
    assert "Second SMT line qualified" in pages["admin@hanbit.example"]
    assert "Formation line 2 released" not in pages["admin@hanbit.example"]
    assert "Formation line 2 released" in pages["admin@hanul-motors.example"]
    assert "Second SMT line qualified" not in pages["admin@hanul-motors.example"]


def test_a_partner_shared_by_two_units_shows_each_unit_its_own_side(demo: Demo) -> None:
    with _session(demo) as session:
        bluewave = _partner(session, "E-BWL").id
    subjects: dict[str, set[str]] = {}
    for email in ("admin@hanbit.example", "admin@hanul-motors.example", GROUP_ADMIN):
        with _api(demo, email) as client:
            answer = client.get("/api/v1/tickets", params={"partner_id": bluewave, "size": 100})
            assert answer.status_code == 200, answer.text
            subjects[email] = {t["subject"] for t in answer.json()["items"]}
    electronics = set(STORIES["electronics"].tickets["E-BWL"])
    battery = set(STORIES["automotive"].tickets["E-BWL"])
    assert subjects["admin@hanbit.example"] == electronics
    assert subjects["admin@hanul-motors.example"] == battery
    assert subjects[GROUP_ADMIN] == electronics | battery


def test_each_case_has_its_quality_story_and_the_jv_its_ramp(demo: Demo) -> None:
    """The quality and forecast demos once looked partners up by a key the loader never used and
    loaded nothing; every case's partner login company must have inspected lots and an NCR."""
    from cofab.forecast.models import CapacityDeclaration
    from cofab.quality.models import Lot, NonConformance

    with _session(demo) as session:
        for ref in ("E-SGP", "A-NCP", "P-IBL"):
            partner = _partner(session, ref)
            lots = session.execute(
                select(func.count()).select_from(Lot).where(Lot.partner_id == partner.id)
            ).scalar_one()
            ncrs = session.execute(
                select(func.count())
                .select_from(NonConformance)
                .where(NonConformance.partner_id == partner.id)
            ).scalar_one()
            assert lots == 5, ref
            assert ncrs >= 1, ref
        jv = _partner(session, "A-NCP")
        ramps = session.execute(
            select(func.count())
            .select_from(CapacityDeclaration)
            .where(CapacityDeclaration.partner_id == jv.id)
        ).scalar_one()
        assert ramps >= 1
