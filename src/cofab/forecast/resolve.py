"""Re-solve a published plan with the partners' commitments as capacity caps.

From the gap view the owner asks what the plan becomes if every partner makes only what it
committed to. The published scenario's input is copied with each partner site's capacity capped,
stored as a new scenario version linked to the published one (planning's ``create_scenario`` with
``parent``), and solved by planning's own job (``enqueue_solve``) — planning stays the only
place that solves.

Caps, per cell (site, family, period): a cell in which at least one line of the release was
answered (committed, or a counter-proposal accepted) is capped at the sum of its lines'
committed quantities, lines still open or countered counting their planned quantity.
Quantities are good units and capacity is in produced units, so a cap is divided by
``1 − defect_rate``; it never raises a capacity (the smaller of the two is kept). Cells without
any answer, and sites of no partner, keep their capacity.

A capped site whose capacity is one number shared by all families becomes a capacity per
family (the planner input has no per-period shared capacity): each family it can make gets the
shared number, capped where its cell is. With several families the plan may then use more of
such a site in a period than the shared number; with one family (the usual partner site) the
result is exact.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.forecast.models import ForecastLine, LineStatus, Publication
from cofab.planning import service as planning_service
from cofab.planning.models import ScenarioSource

NO_ANSWERS = N_("No partner has committed to a line of this release yet: there is nothing to cap.")
SCENARIO_GONE = N_("The plan this release was published from no longer exists.")
ANSWERED = frozenset({LineStatus.COMMITTED.value, LineStatus.ACCEPTED.value})


@dataclass(frozen=True)
class CommitmentLine:
    site: str
    family: str
    period: str
    status: str
    planned: Decimal
    committed: Decimal | None


@dataclass(frozen=True)
class Cap:
    site: str
    family: str
    period: str
    qty: float  # produced units


def _quantity(value: Any, period: str) -> float:
    if isinstance(value, dict):
        return float(value.get(period, 0) or 0)
    return float(value or 0)


def caps_from_commitments(document: dict[str, Any], lines: list[CommitmentLine]) -> list[Cap]:
    """The capacity cells the commitments cap, in produced units (see the module text)."""
    sites = {str(site["id"]): site for site in document.get("sites", [])}
    cells: dict[tuple[str, str, str], list[CommitmentLine]] = defaultdict(list)
    for line in lines:
        if line.site in sites:
            cells[(line.site, line.family, line.period)].append(line)
    caps: list[Cap] = []
    for (site_id, family, period), members in sorted(cells.items()):
        if not any(m.status in ANSWERED for m in members):
            continue
        good = sum(
            (
                m.committed if m.status in ANSWERED and m.committed is not None else m.planned
                for m in members
            ),
            Decimal(0),
        )
        scrap = float(sites[site_id].get("defect_rate") or 0)
        caps.append(Cap(site_id, family, period, round(float(good) / (1 - scrap), 6)))
    return caps


def capped_document(document: dict[str, Any], caps: list[Cap]) -> dict[str, Any]:
    """A copy of the planner input with ``caps`` applied (a capacity only ever goes down)."""
    doc = copy.deepcopy(document)
    labels = [str(p) for p in (doc.get("periods") or ["all"])]
    products = {str(p["id"]): str(p["family"]) for p in doc.get("products", [])}
    by_site: dict[str, list[Cap]] = defaultdict(list)
    for cap in caps:
        by_site[cap.site].append(cap)
    for site in doc.get("sites", []):
        mine = by_site.get(str(site["id"]))
        if not mine:
            continue
        capacity = site.get("capacity")
        if not isinstance(capacity, dict):  # shared: the same number for each family it makes
            allowed = set(site.get("products") or products)
            capacity = {f: capacity for p, f in products.items() if p in allowed}
            site["capacity"] = dict(sorted(capacity.items()))
            capacity = site["capacity"]
        for family in {c.family for c in mine if c.family in capacity}:
            limits = {c.period: c.qty for c in mine if c.family == family}
            capacity[family] = {
                t: min(_quantity(capacity[family], t), limits.get(t, float("inf"))) for t in labels
            }
    return doc


def resolve_with_commitments(
    session: Session, *, actor: Actor, release: int
) -> tuple[int, int, int]:
    """(new scenario id, solve job id, number of capped cells) for one release."""
    planning_service.ensure_writer(actor)
    publications = list(
        session.execute(select(Publication).where(Publication.release == release)).scalars()
    )
    if not publications:
        raise NotFound()
    scenario_id = publications[0].scenario_id
    if scenario_id is None:
        raise ValidationFailed(problems=[FieldProblem("release", SCENARIO_GONE)])
    parent = planning_service.get_scenario(session, actor=actor, scenario_id=scenario_id)
    rows = session.execute(
        select(
            ForecastLine.site,
            ForecastLine.family,
            ForecastLine.period,
            ForecastLine.status,
            ForecastLine.planned_qty,
            ForecastLine.committed_qty,
        ).where(
            ForecastLine.partner_id.in_({p.partner_id for p in publications}),  # the index
            ForecastLine.publication_id.in_([p.id for p in publications]),
        )
    ).all()
    lines = [CommitmentLine(*row) for row in rows]
    caps = caps_from_commitments(parent.input_doc, lines)
    if not caps:
        raise ValidationFailed(problems=[FieldProblem("release", NO_ANSWERS)])
    document = capped_document(parent.input_doc, caps)
    label = f"{parent.name} · commitments #{release}"[:200]
    document["name"] = label
    child = planning_service.create_scenario(
        session,
        actor=actor,
        document=document,
        name=label,
        source=ScenarioSource.WHAT_IF,
        site_partners=dict(parent.site_partners or {}),
        parent=parent,
        what_if={"kind": "commitment_caps", "release": release, "caps": len(caps)},
    )
    job = planning_service.enqueue_solve(session, actor=actor, scenario_id=child.id)
    audit.record(
        session,
        actor=actor,
        action="replan",
        entity="forecast_release",
        entity_id=release,
        after={"scenario_id": child.id, "parent_id": parent.id, "caps": len(caps)},
    )
    return child.id, job.id, len(caps)
