"""Training records with validity flags, SOP acknowledgement per version (a new version
re-opens it), compliance per partner, partner isolation and the export — over HTTP."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from tests.conftest import World
from tests.training.training_factories import new_version, shared_document

from cofab.core.audit import AuditEntry
from cofab.db.base import utcnow
from cofab.db.session import unit_of_work
from cofab.vault.models import VaultShare

BASE = "/api/v1/training"
TODAY = date.today()


def _record(client: Any, partner_id: int, **fields: Any) -> Any:
    body = {
        "partner_id": partner_id,
        "person_name": "Nguyen Van An",
        "course_kind": "security",
        "course_title": "Information security rules",
        "completed_on": str(TODAY - timedelta(days=300)),
    } | fields
    return client.post(f"{BASE}/records", json=body)


def test_records_validity_and_export(world: World, engine: Engine, api: Any) -> None:
    owner = api(world.users["quality"])
    a = world.partner_a
    expired = _record(owner, a, valid_until=str(TODAY - timedelta(days=1)))
    assert expired.status_code == 201, expired.text
    assert expired.json()["validity"] == "expired"
    expiring = _record(
        owner, a, person_name="Tran Thi Binh", valid_until=str(TODAY + timedelta(days=30))
    )
    assert expiring.json()["validity"] == "expiring"  # the 30th day still counts as soon
    later = _record(
        owner,
        a,
        person_name="Le Van Cuong",
        course_kind="process_sop",
        valid_until=str(TODAY + timedelta(days=31)),
    )
    assert later.json()["validity"] == "valid"
    backwards = _record(
        owner, a, valid_until=str(TODAY - timedelta(days=400))
    )  # before the completion date
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "valid_until"
    wrong_contact = _record(owner, a, contact_id=world.ids["b"]["contact_id"])
    assert wrong_contact.json()["errors"][0]["field"] == "contact_id"

    listed = owner.get(f"{BASE}/records", params={"partner_id": a, "validity": "expired"}).json()
    assert [r["id"] for r in listed] == [expired.json()["id"]]

    # the partner keeps its own records, never another's
    partner = api(world.users["partner_a"])
    own = _record(partner, a, person_name="Pham Duc")
    assert own.status_code == 201
    assert _record(partner, world.partner_b).status_code == 404
    unshared = shared_document(engine, world.partner_b, "B's certificate")
    foreign = _record(partner, a, certificate_document_id=unshared)
    assert foreign.json()["errors"][0]["field"] == "certificate_document_id"
    mine = shared_document(engine, a, "Pham Duc security certificate")
    assert _record(partner, a, person_name="Pham", certificate_document_id=mine).status_code == 201
    assert (
        api(world.users["partner_b"]).get(f"{BASE}/records/{own.json()['id']}").status_code == 404
    )
    assert len(partner.get(f"{BASE}/records").json()) == 5

    export = owner.get(f"{BASE}/records/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert {r["validity"] for r in rows} == {"expired", "expiring", "valid"}
    assert owner.get(f"{BASE}/records/export?format=xlsx").content[:2] == b"PK"


def test_sop_acknowledgement_per_version(world: World, engine: Engine, api: Any) -> None:
    a = world.partner_a
    document_id = shared_document(engine, a, "SMT work instruction WI-07", version=2)
    owner = api(world.users["manager"])
    made = owner.post(f"{BASE}/sops", json={"document_id": document_id, "partner_id": a})
    assert made.status_code == 201, made.text
    sop = made.json()
    assert sop["status"] == "pending" and sop["current_version"] == 2
    again = owner.post(f"{BASE}/sops", json={"document_id": document_id, "partner_id": a})
    assert again.json()["errors"][0]["field"] == "document_id"
    unshared = owner.post(
        f"{BASE}/sops", json={"document_id": document_id, "partner_id": world.partner_b}
    )
    assert unshared.status_code == 422 and unshared.json()["errors"][0]["field"] == "partner_id"

    partner = api(world.users["partner_a"])
    url = f"{BASE}/sops/{sop['id']}/acknowledge"
    old = partner.post(url, json={"version": 1})
    assert old.status_code == 422 and old.json()["errors"][0]["field"] == "version"
    assert owner.post(url, json={"version": 2}).status_code == 403  # the partner confirms
    done = partner.post(url, json={"version": 2})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    assert partner.post(url, json={"version": 2}).json()["acknowledgements"].__len__() == 1
    assert api(world.users["partner_b"]).post(url, json={"version": 2}).status_code == 404

    compliance = owner.get(f"{BASE}/partners/{a}/compliance").json()
    assert (compliance["sops_required"], compliance["sops_acknowledged"]) == (1, 1)

    new_version(engine, document_id)  # version 3 uploaded in the vault
    reopened = partner.get(f"{BASE}/sops/{sop['id']}").json()
    assert reopened["status"] == "pending" and reopened["current_version"] == 3
    assert reopened["acknowledged_version"] == 2
    assert owner.get(f"{BASE}/partners/{a}/compliance").json()["sops_acknowledged"] == 0
    assert partner.post(url, json={"version": 3}).json()["status"] == "acknowledged"

    # a revoked share hides the requirement from the partner
    with unit_of_work(engine) as session:
        session.execute(
            update(VaultShare)
            .where(VaultShare.document_id == document_id)
            .values(revoked_at=utcnow())
        )
    assert partner.get(f"{BASE}/sops/{sop['id']}").status_code == 404
    assert partner.get(f"{BASE}/sops").json() == []

    with unit_of_work(engine) as session:
        acks = (
            session.execute(
                select(AuditEntry.actor_label).where(AuditEntry.action == "acknowledge")
            )
            .scalars()
            .all()
        )
    assert acks == [world.users["partner_a"]] * 2


def test_compliance_percent_by_hand(world: World, engine: Engine, api: Any) -> None:
    b = world.partner_b
    owner = api(world.users["manager"])
    assert owner.get(f"{BASE}/partners/{b}/compliance").json()["percent"] is None
    # two people: one lapsed then renewed (counts once, valid), one expired → 1 of 2 valid
    _record(owner, b, person_name="Kim", valid_until=str(TODAY - timedelta(days=5)))
    _record(
        owner,
        b,
        person_name="kim ",
        completed_on=str(TODAY - timedelta(days=3)),
        valid_until=str(TODAY + timedelta(days=365)),
    )
    _record(owner, b, person_name="Lee", valid_until=str(TODAY - timedelta(days=1)))
    # two SOPs required, one acknowledged
    first = shared_document(engine, b, "SOP-1")
    second = shared_document(engine, b, "SOP-2")
    for document_id in (first, second):
        owner.post(f"{BASE}/sops", json={"document_id": document_id, "partner_id": b})
    sop = owner.get(f"{BASE}/sops", params={"partner_id": b}).json()[0]
    api(world.users["partner_b"]).post(f"{BASE}/sops/{sop['id']}/acknowledge", json={"version": 1})
    got = owner.get(f"{BASE}/partners/{b}/compliance").json()
    assert (got["trainings"], got["trainings_valid"]) == (2, 1)
    assert (got["sops_required"], got["sops_acknowledged"]) == (2, 1)
    assert got["percent"] == 50.0  # (1 + 1) / (2 + 2)
    assert api(world.users["partner_a"]).get(f"{BASE}/partners/{b}/compliance").status_code == 404
    everyone = owner.get(f"{BASE}/compliance").json()
    assert [c["partner_id"] for c in everyone] == [b]
