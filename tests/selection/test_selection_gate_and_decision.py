"""Due diligence, the qualification gate and the frozen decision record."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from tests.conftest import World
from tests.selection.selection_world import (
    FIGURES,
    candidate_ids,
    create_template,
    finish_due_diligence,
    open_evaluation,
    score,
)

from cofab.core.errors import Conflict
from cofab.db.session import unit_of_work
from cofab.selection.models import DecisionRecord

SHEET = {"quality": 4, "price": 100, "otd": 90}


def scored_evaluation(world: World, api) -> tuple[Any, dict[str, Any], dict[int, int]]:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    template = create_template(manager)
    evaluation = open_evaluation(manager, template["id"], [world.partner_a, world.partner_b])
    ids = candidate_ids(evaluation)
    sheet = {ids[world.partner_a]: SHEET, ids[world.partner_b]: SHEET | {"quality": 3}}
    assert score(manager, evaluation["id"], sheet).status_code == 200
    return manager, evaluation, ids


def status(client, partner_id: int, target: str):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/partners/{partner_id}/status", json={"status": target})


def test_gate_refuses_approval_with_an_open_item_and_allows_it_when_all_are_signed(
    world: World, api
) -> None:  # type: ignore[no-untyped-def]
    manager, evaluation, ids = scored_evaluation(world, api)
    quality = api(world.users["quality"])
    a = ids[world.partner_a]
    assert status(manager, world.partner_a, "qualifying").status_code == 200

    refused = status(manager, world.partner_a, "approved")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert f"evaluation.{evaluation['id']}" in [e["field"] for e in refused.json()["errors"]]

    close = manager.post(
        f"/api/v1/selection/evaluations/{evaluation['id']}/close",
        json={"selected_candidate_ids": [a], "rationale": "Best quality at an acceptable price."},
    )
    assert close.status_code == 200, close.text
    blocked = status(manager, world.partner_a, "approved")
    assert blocked.status_code == 409
    open_items = {e["field"] for e in blocked.json()["errors"]}
    assert "due_diligence.financial_review" in open_items
    assert all(f.startswith("due_diligence.") for f in open_items)

    finish_due_diligence(quality, manager, a)
    items = quality.get(f"/api/v1/selection/candidates/{a}/due-diligence").json()
    last = next(i for i in items if i["mandatory"])
    assert quality.post(f"/api/v1/selection/due-diligence/{last['id']}/reopen").status_code == 200
    still = status(manager, world.partner_a, "approved")
    assert [e["field"] for e in still.json()["errors"]] == [f"due_diligence.{last['key']}"]
    qualification = manager.get(f"/api/v1/selection/partners/{world.partner_a}/qualification")
    assert qualification.json()["may_approve"] is False

    item_url = f"/api/v1/selection/due-diligence/{last['id']}"
    assert manager.post(f"{item_url}/sign-off").status_code == 409  # reopened: in progress
    assert quality.patch(item_url, json={"status": "done"}).status_code == 200
    assert manager.post(f"{item_url}/sign-off").status_code == 200
    assert status(manager, world.partner_a, "approved").status_code == 200
    assert manager.get(f"/api/v1/partners/{world.partner_a}").json()["status"] == "approved"

    # B was a candidate but not selected: the gate names the decision, not the checklist.
    assert status(manager, world.partner_b, "qualifying").status_code == 200
    not_selected = status(manager, world.partner_b, "approved").json()
    assert [e["field"] for e in not_selected["errors"]] == [f"evaluation.{evaluation['id']}"]


def test_partner_outside_selection_is_not_gated(world: World, api) -> None:  # type: ignore[no-untyped-def]
    manager = api(world.users["manager"])
    assert status(manager, world.partner_b, "qualifying").status_code == 200
    assert status(manager, world.partner_b, "approved").status_code == 200
    body = manager.get(f"/api/v1/selection/partners/{world.partner_b}/qualification").json()
    assert body == {
        "partner_id": world.partner_b,
        "applies": False,
        "may_approve": True,
        "blockers": [],
    }


def test_due_diligence_rules_altman_sign_off_and_four_eyes(
    world: World, api, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    manager, _evaluation, ids = scored_evaluation(world, api)
    quality = api(world.users["quality"])
    items = {
        i["key"]: i
        for i in manager.get(
            f"/api/v1/selection/candidates/{ids[world.partner_a]}/due-diligence"
        ).json()
    }
    financial = items["financial_review"]
    url = f"/api/v1/selection/due-diligence/{financial['id']}"

    refused = quality.patch(url, json={"status": "done"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"
    zero = quality.patch(url, json={"data": FIGURES | {"total_assets": 0}})
    assert [e["field"] for e in zero.json()["errors"]] == ["data.total_assets"]
    unknown = quality.patch(url, json={"data": {"colour": "red"}})
    assert [e["field"] for e in unknown.json()["errors"]] == ["data.colour"]

    saved = quality.patch(url, json={"data": FIGURES, "status": "done", "due_date": "2026-12-31"})
    assert saved.status_code == 200, saved.text
    result = saved.json()["result"]
    # Z'' = 6.56·0.2 + 3.26·0.3 + 6.72·0.15 + 1.05·(500/400)
    assert result["z"] == pytest.approx(
        6.56 * 0.2 + 3.26 * 0.3 + 6.72 * 0.15 + 1.05 * 1.25, abs=1e-4
    )
    assert result["zone"] == "safe" and result["model"] == "private"
    public = quality.patch(url, json={"data": {"model": "public", "sales": 1500}}).json()["result"]
    assert public["z"] == pytest.approx(
        1.2 * 0.2 + 1.4 * 0.3 + 3.3 * 0.15 + 0.6 * 1.25 + 1.5, abs=1e-4
    )

    audit_item = items["site_audit"]
    owned = quality.patch(
        f"/api/v1/selection/due-diligence/{audit_item['id']}",
        json={"owner_id": user_id(engine, world.users["quality"]), "status": "done"},
    )
    assert owned.status_code == 200, owned.text
    own = quality.post(f"/api/v1/selection/due-diligence/{audit_item['id']}/sign-off")
    assert own.status_code == 409
    assert (
        manager.post(f"/api/v1/selection/due-diligence/{audit_item['id']}/sign-off").status_code
        == 200
    )
    frozen = quality.patch(
        f"/api/v1/selection/due-diligence/{audit_item['id']}", json={"notes": "x"}
    )
    assert frozen.status_code == 409
    open_item = items["reference_checks"]
    assert (
        manager.post(f"/api/v1/selection/due-diligence/{open_item['id']}/sign-off").status_code
        == 409
    )
    viewer = api(world.users["viewer"])
    assert viewer.patch(url, json={"notes": "x"}).status_code == 403


def user_id(engine: Engine, email: str) -> int:
    from cofab.accounts.models import User

    with unit_of_work(engine) as session:
        return int(session.execute(select(User.id).where(User.email == email)).scalar_one())


def test_closing_freezes_an_immutable_record(world: World, api, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    manager, evaluation, ids = scored_evaluation(world, api)
    url = f"/api/v1/selection/evaluations/{evaluation['id']}"
    incomplete = manager.post(
        f"{url}/close", json={"selected_candidate_ids": [999999], "rationale": "x"}
    )
    assert incomplete.status_code == 422
    assert manager.get(f"{url}/decision").status_code == 404
    assert (
        api(world.users["quality"]).post(f"{url}/close", json={"rationale": "x"}).status_code == 403
    )

    closed = manager.post(
        f"{url}/close",
        json={"selected_candidate_ids": [ids[world.partner_a]], "rationale": "Quality wins."},
    ).json()
    record = closed["record"]
    assert closed["intact"] is True and len(closed["record_hash"]) == 64
    assert [c["key"] for c in record["criteria"]] == ["quality", "price", "otd"]
    assert [c["weight_percent"] for c in record["criteria"]] == [50, 30, 20]
    selected = [c for c in record["candidates"] if c["selected"]]
    assert [c["partner_id"] for c in selected] == [world.partner_a]
    assert selected[0]["weighted_sum"]["rank"] == 1
    assert record["decision"]["rationale"] == "Quality wins."

    assert manager.patch(url, json={"title": "renamed"}).status_code == 409
    assert manager.post(f"{url}/close", json={"rationale": "again"}).status_code == 409
    assert (
        score(manager, evaluation["id"], {ids[world.partner_a]: {"quality": 1}}).status_code == 409
    )
    assert (
        manager.post(f"{url}/candidates", json={"partner_id": world.partner_b}).status_code == 409
    )
    assert manager.put(f"{url}/decision", json={}).status_code == 405

    with pytest.raises(Conflict), unit_of_work(engine) as session:
        row = session.execute(select(DecisionRecord)).scalar_one()
        row.rationale = "rewritten"
        session.flush()
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        session.delete(session.execute(select(DecisionRecord)).scalar_one())
        session.flush()
    assert manager.get(f"{url}/decision").json()["record"] == record

    # Edited behind cofab's back (plain SQL): the record no longer matches its hash.
    with engine.begin() as connection:
        tampered = dict(record) | {"decision": record["decision"] | {"rationale": "forged"}}
        connection.execute(update(DecisionRecord.__table__).values(record=tampered))
    assert manager.get(f"{url}/decision").json()["intact"] is False

    export = manager.get(f"{url}/decision/export", params={"format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    csv_text = manager.get(f"{url}/decision/export", params={"format": "csv"}).text
    assert "Quality" in csv_text and "Alpha Assembly" in csv_text


def test_evidence_is_encrypted_at_rest_limited_and_audited(
    world: World, api, settings, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    manager, _evaluation, ids = scored_evaluation(world, api)
    cid = ids[world.partner_a]
    secret = b"Audit report: line 3 torque out of spec " * 20
    items = manager.get(f"/api/v1/selection/candidates/{cid}/due-diligence").json()
    response = manager.post(
        f"/api/v1/selection/candidates/{cid}/evidence",
        files={"file": ("audit report.pdf", secret, "application/pdf")},
        data={"dd_item_id": str(items[0]["id"])},
    )
    assert response.status_code == 201, response.text
    evidence = response.json()
    assert evidence["dd_item_id"] == items[0]["id"] and evidence["size_bytes"] == len(secret)
    stored = list((settings.data_dir / "selection-evidence").rglob("*"))
    files = [p for p in stored if p.is_file()]
    assert files and all(secret[:20] not in p.read_bytes() for p in files)

    download = manager.get(f"/api/v1/selection/evidence/{evidence['id']}")
    assert download.status_code == 200 and download.content == secret
    assert "audit%20report.pdf" in download.headers["content-disposition"]
    from cofab.core.audit import AuditEntry

    with unit_of_work(engine) as session:
        reads = session.execute(
            select(AuditEntry).where(
                AuditEntry.entity == "selection_evidence", AuditEntry.action == "read"
            )
        ).all()
    assert len(reads) == 1

    too_big = b"x" * (settings.max_upload_mb * 1024 * 1024 + 1)
    big = manager.post(
        f"/api/v1/selection/candidates/{cid}/evidence", files={"file": ("big.bin", too_big)}
    )
    assert big.status_code == 413
    other_item = (
        api(world.users["manager"])
        .get(f"/api/v1/selection/candidates/{ids[world.partner_b]}/due-diligence")
        .json()[0]
    )
    wrong = manager.post(
        f"/api/v1/selection/candidates/{cid}/evidence",
        files={"file": ("x.txt", b"x")},
        data={"dd_item_id": str(other_item["id"])},
    )
    assert wrong.status_code == 404
    assert manager.delete(f"/api/v1/selection/evidence/{evidence['id']}").status_code == 204
    assert manager.get(f"/api/v1/selection/evidence/{evidence['id']}").status_code == 404


def test_removing_a_candidate_removes_its_checklist_and_evidence_files(
    world: World, api, settings
) -> None:  # type: ignore[no-untyped-def]
    manager, _evaluation, ids = scored_evaluation(world, api)
    cid = ids[world.partner_b]
    folder = settings.data_dir / "selection-evidence"
    before = {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()
    uploaded = manager.post(
        f"/api/v1/selection/candidates/{cid}/evidence", files={"file": ("ref.txt", b"ok")}
    )
    assert uploaded.status_code == 201
    added = {p for p in folder.rglob("*") if p.is_file()} - before
    assert len(added) == 1
    assert manager.delete(f"/api/v1/selection/candidates/{cid}").status_code == 204
    assert not any(p.exists() for p in added)
    assert manager.get(f"/api/v1/selection/candidates/{cid}/due-diligence").status_code == 404
    assert manager.get(f"/api/v1/selection/evidence/{uploaded.json()['id']}").status_code == 404
