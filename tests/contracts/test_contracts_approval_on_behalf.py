"""Issue 13 defect 10 (contracts): an owner admin records a partner's approval only on behalf of
a named partner-side person, shown as "recorded by X on behalf of Y"; a partner user approves in
the portal with a button of its own, and only its own company's contracts."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, select
from tests.conftest import World, csrf_of, login
from tests.contracts.contract_factories import make_contract, walk

from cofab.contracts.models import ContractEvent
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work


def _in_partner_review(engine: Engine, partner_ids: list[int]) -> int:
    with unit_of_work(engine) as session:
        contract = make_contract(session, partner_ids, title="Cell supply 2027")
        walk(session, contract.id, "internal_review", "partner_review")
        return contract.id


def test_owner_admin_must_name_the_partner_side_person(
    world: World, api: Any, engine: Engine
) -> None:
    cid = _in_partner_review(engine, [world.partner_a])
    admin = api(world.users["admin"], "ko")
    url = f"/api/v1/contracts/{cid}/transitions"
    refused = admin.post(url, json={"to": "approved"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "on_behalf_of" and "파트너 측 담당자" in error["message"]
    recorded = admin.post(
        url, json={"to": "approved", "on_behalf_of": "Kim Minsu, Head of Sales", "comment": "Paper"}
    )
    assert recorded.status_code == 200 and recorded.json()["status"] == "approved"
    events = api(world.users["admin"]).get(f"/api/v1/contracts/{cid}").json()["events"]
    approval = next(e for e in events if e["action"] == "partner_approved")
    assert approval["on_behalf_of"] == "Kim Minsu, Head of Sales"
    assert approval["actor_label"] == world.users["admin"]
    assert approval["approving_partner_id"] == world.partner_a
    with unit_of_work(engine) as session:
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == "contract_version", AuditEntry.action == "approved")
                .order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry is not None and entry.actor_label == world.users["admin"]
        assert (entry.after or {})["partner_approval_on_behalf_of"] == "Kim Minsu, Head of Sales"


def test_history_shows_recorded_on_behalf(world: World, base_url: str, engine: Engine) -> None:
    cid = _in_partner_review(engine, [world.partner_a])
    admin = login(base_url, world.users["admin"])
    csrf = csrf_of(admin, f"/contracts/{cid}")
    page = admin.get(f"/contracts/{cid}").text
    assert 'data-testid="on-behalf-of"' in page
    missing = admin.post(
        f"/contracts/{cid}/transitions", data={"csrf_token": csrf, "to": "approved"}
    )
    assert missing.status_code == 422
    assert "<b>Approved by (partner-side person)</b>" in missing.text
    done = admin.post(
        f"/contracts/{cid}/transitions",
        data={"csrf_token": csrf, "to": "approved", "on_behalf_of": "Nguyen Van An"},
    )
    assert done.status_code == 303
    page = admin.get(f"/contracts/{cid}").text
    who = re.findall(r'data-testid="event-who">(.*?)</td>', page)
    expected = f"recorded by {world.users['admin']} on behalf of Nguyen Van An (Alpha Assembly)"
    assert expected in who
    korean = login(base_url, world.users["admin"])
    korean.cookies.set("cofab_lang", "ko")
    shown = korean.get(f"/contracts/{cid}").text
    assert "님이 Alpha Assembly 코리아 Nguyen Van An 님을 대신해 기록" in shown


def test_partner_approves_in_the_portal_and_only_its_own(
    world: World, base_url: str, engine: Engine
) -> None:
    cid = _in_partner_review(engine, [world.partner_a])
    bravo = login(base_url, world.users["partner_b"])
    assert bravo.get(f"/contracts/{cid}").status_code == 404
    bravo_csrf = csrf_of(bravo, "/account")
    sneaky = bravo.post(
        f"/contracts/{cid}/transitions", data={"csrf_token": bravo_csrf, "to": "approved"}
    )
    assert sneaky.status_code == 404

    alpha = login(base_url, world.users["partner_a"])
    page = alpha.get(f"/contracts/{cid}").text
    assert 'data-testid="partner-approve"' in page and 'data-testid="on-behalf-of"' not in page
    csrf = csrf_of(alpha, f"/contracts/{cid}")
    approved = alpha.post(
        f"/contracts/{cid}/transitions",
        data={"csrf_token": csrf, "to": "approved", "comment": "OK from Alpha"},
    )
    assert approved.status_code == 303
    assert 'data-testid="partner-approve"' not in alpha.get(f"/contracts/{cid}").text
    with unit_of_work(engine) as session:
        event = session.execute(
            select(ContractEvent).where(
                ContractEvent.contract_id == cid, ContractEvent.action == "partner_approved"
            )
        ).scalar_one()
        assert (event.actor_label, event.on_behalf_of, event.approving_partner_id) == (
            world.users["partner_a"],
            None,
            world.partner_a,
        )
