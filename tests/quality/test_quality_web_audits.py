"""Partner audits: versioned checklists, VDA 6.3 scores with the zero downgrade, recurrence and
the overdue/upcoming calendar."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from tests.conftest import World

from cofab.db.session import unit_of_work
from cofab.quality.audits import score_of
from cofab.quality.models import PartnerAudit


def test_score_and_downgrade_by_hand() -> None:
    # weights 2,1,1; scores 10,8,10 → (20+8+10)/(40) = 95 % → A
    assert (
        score_of([(2, 10), (1, 8), (1, 10)]).percent,
        score_of([(2, 10), (1, 8), (1, 10)]).grade,
    ) == (95.0, "A")
    # one zero among many tens: 10*9 + 0 over 100 = 90 % would be A, capped to B
    result = score_of([(1, 10)] * 9 + [(1, 0)])
    assert (result.percent, result.grade, result.downgraded) == (90.0, "B", True)
    # 87 % is B; with a zero it drops to C; 70 % without a zero is C and stays C
    assert (
        score_of([(1, 10)] * 8 + [(1, 7), (1, 0)]).percent,
        score_of([(1, 10)] * 8 + [(1, 7), (1, 0)]).grade,
    ) == (87.0, "C")
    assert (score_of([(1, 6), (1, 8)]).grade, score_of([(1, 6), (1, 8)]).downgraded) == ("C", False)


def test_checklist_versions_audit_scoring_and_next_audit(world: World, engine: Engine, api) -> None:
    owner = api(world.users["quality"], "ko")
    questions = [
        {"text_ko": "공정 관리", "text_en": "Process control", "weight": 2},
        {"text_ko": "교육", "text_en": "Training"},
    ]
    v1 = owner.post(
        "/api/v1/quality/checklists",
        json={"name": "VDA P6", "kind": "process", "questions": questions},
    ).json()
    v2 = owner.post(
        "/api/v1/quality/checklists",
        json={"name": "VDA P6", "kind": "process", "questions": questions},
    ).json()
    assert (v1["version"], v2["version"]) == (1, 2)
    audit = owner.post(
        "/api/v1/quality/audits",
        json={
            "partner_id": world.partner_a,
            "checklist_id": v2["id"],
            "planned_on": str(date.today() - timedelta(days=3)),
            "cadence_months": 12,
        },
    ).json()
    calendar = owner.get("/api/v1/quality/audit-calendar").json()
    assert [a["id"] for a in calendar["overdue"]] == [audit["id"]]
    q = owner.get(f"/api/v1/quality/checklists/{v2['id']}").json()["questions"]
    bad = owner.post(
        f"/api/v1/quality/audits/{audit['id']}/result",
        json={
            "performed_on": str(date.today()),
            "answers": [{"question_id": q[0]["id"], "score": 5}],
        },
    )
    assert bad.status_code == 422
    fields = {e["field"]: e for e in bad.json()["errors"]}
    assert set(fields) == {"answers.0.score", "answers"}
    assert fields["answers.0.score"]["label"] == "점수"
    with unit_of_work(engine) as session:
        assert session.execute(select(func.count()).select_from(PartnerAudit)).scalar_one() == 1
    done = owner.post(
        f"/api/v1/quality/audits/{audit['id']}/result",
        json={
            "performed_on": str(date.today()),
            "answers": [
                {"question_id": q[0]["id"], "score": 10},
                {"question_id": q[1]["id"], "score": 8},
            ],
        },
    )
    assert done.status_code == 200, done.text
    # (2*10 + 1*8) / 30 = 93.33 % → A
    assert (done.json()["score"], done.json()["grade"]) == (93.33, "A")
    listed = owner.get(f"/api/v1/quality/audits?partner_id={world.partner_a}").json()["items"]
    follow = [a for a in listed if a["status"] == "planned"]
    assert len(follow) == 1
    next_year = date.today().replace(year=date.today().year + 1)
    assert follow[0]["planned_on"] == str(next_year)
    finding = owner.post(
        f"/api/v1/quality/audits/{audit['id']}/findings",
        json={
            "severity": "major",
            "text": "No FIFO",
            "action": "Label racks",
            "action_due": "2030-01-31",
        },
    )
    assert finding.status_code == 201
    partner_a = api(world.users["partner_a"])
    seen = partner_a.get(f"/api/v1/quality/audits/{audit['id']}").json()
    assert seen["findings"][0]["text"] == "No FIFO"
    assert (
        partner_a.post(
            f"/api/v1/quality/audits/{audit['id']}/findings",
            json={"severity": "minor", "text": "x"},
        ).status_code
        == 403
    )
    partner_b = api(world.users["partner_b"])
    assert partner_b.get(f"/api/v1/quality/audits/{audit['id']}").status_code == 404
    assert partner_b.get("/api/v1/quality/checklists").status_code == 403
