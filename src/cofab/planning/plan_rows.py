"""A plan's flows, their totals per partner, family and period, and its capacity-pool use as rows
beside its document.

The plan document stays what ``cofab plan`` reads and writes; readers that need 100,000s of its
flows (forecast publication) would otherwise parse the whole document on every read: in
PostgreSQL that parse alone cost about as much as writing the same number of rows with COPY.
The rows are written once, when the plan is recorded, and replaced with it. Flows are summed per
site, product and period over markets, each flow first taken to the thousandth of a unit with
ties to even (Decimal's default, the precision of orders and forecast lines), so a reader sums
rows without rounding again.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from cofab.planning.models import PlanFlow, PlanPartnerOutput, PlanPoolUse, Scenario

THOUSANDTH = Decimal("0.001")

# ``k`` is a quantity in thousandths: a tie (.5) goes to the even neighbour like Decimal's
# default rounding; PostgreSQL's round() alone rounds ties away from zero.
_ROUNDED = "CASE WHEN abs(k - trunc(k)) = 0.5 THEN 2 * round(k / 2) ELSE round(k) END"


def _document_rows(member: str, columns: tuple[str, ...], amount: str) -> str:
    """The stored plan document's ``member`` list as rows of text ``columns`` and ``k``, the
    ``amount`` in thousandths (PostgreSQL)."""
    typed = ", ".join(f"{c} text" for c in columns)
    picked = ", ".join(f"f.{c}" for c in columns)
    return (
        f"SELECT {picked}, coalesce(f.{amount}, 0) * 1000 AS k FROM plan_scenarios AS s "
        f"CROSS JOIN LATERAL json_to_recordset(s.result_doc -> '{member}') "
        f"AS f({typed}, {amount} numeric) WHERE s.id = :scenario_id"
    )


# PostgreSQL reads the plan just stored (one parse per ``->``), nothing crosses the wire but the
# small maps (product → family, site → partner, periods); the rows are numbered in partner order
# and written in it (the key only grows, and publication reads one partner's rows together)
_FLOWS_SQL = text(
    f"""
INSERT INTO plan_flows (scenario_id, n, partner_id, site, product, period, period_index, family,
                        qty)
SELECT :scenario_id, row_number() OVER (ORDER BY m.partner_id, g.site, g.product, g.period),
       m.partner_id, g.site, g.product, g.period, t.i - 1, g.family, g.qty
FROM (
  SELECT x.site, x.product, x.period, min(p.family) AS family, sum({_ROUNDED}) / 1000 AS qty
  FROM ({_document_rows("flows", ("site", "product", "period"), "qty")}) AS x
  LEFT JOIN unnest(CAST(:products AS text[]), CAST(:families AS text[])) AS p(product, family)
    ON p.product = x.product
  GROUP BY x.site, x.product, x.period
) AS g
LEFT JOIN unnest(CAST(:sites AS text[]), CAST(:partners AS integer[])) AS m(site, partner_id)
  ON m.site = g.site
LEFT JOIN unnest(CAST(:periods AS text[])) WITH ORDINALITY AS t(label, i) ON t.label = g.period
ORDER BY 2
"""
)
_POOLS_SQL = text(
    f"""
INSERT INTO plan_pool_use (scenario_id, site, family, period, used)
SELECT :scenario_id, site, family, period, {_ROUNDED} / 1000
FROM ({_document_rows("pool_utilisation", ("site", "family", "period"), "used")}) AS x
"""
)


# the same statement on both databases, from the rows just written
OUTPUT_SQL = text(
    """
INSERT INTO plan_partner_output (scenario_id, partner_id, family, period_index, flows, qty)
SELECT scenario_id, partner_id, coalesce(family, product), period_index, count(*), sum(qty)
FROM plan_flows
WHERE scenario_id = :scenario_id AND partner_id IS NOT NULL AND period_index IS NOT NULL
GROUP BY scenario_id, partner_id, coalesce(family, product), period_index
"""
)


def thousandths(value: Any) -> Decimal:
    """A plan quantity as the rows keep it: to 0.001, ties to even."""
    return Decimal(str(value or 0)).quantize(THOUSANDTH)


def families(input_doc: Any) -> dict[str, str]:
    """Product → family as the plan's input lists them."""
    products = input_doc.get("products") or [] if isinstance(input_doc, dict) else []
    return {str(p["id"]): str(p["family"]) for p in products if "family" in p}


def _partner_order(key: tuple[int | None, str, str, str]) -> tuple[bool, int, str, str, str]:
    """Partner, site, product, period; own and unmatched sites last (as PostgreSQL orders)."""
    partner, site, product, period = key
    return (partner is None, partner or 0, site, product, period)


def periods_of(input_doc: Any) -> list[str]:
    """The plan's periods in their order, as its input lists them (unique: the schema says so)."""
    listed = input_doc.get("periods") if isinstance(input_doc, dict) else None
    return [str(p) for p in listed] if isinstance(listed, list) else []


def store_plan_rows(session: Session, scenario: Scenario) -> None:
    """Replace the scenario's flow and pool rows by those of its plan (none without a plan)."""
    session.flush()
    session.execute(delete(PlanFlow).where(PlanFlow.scenario_id == scenario.id))
    session.execute(delete(PlanPoolUse).where(PlanPoolUse.scenario_id == scenario.id))
    session.execute(delete(PlanPartnerOutput).where(PlanPartnerOutput.scenario_id == scenario.id))
    plan = scenario.result_doc
    if not plan:
        return
    family = families(scenario.input_doc)
    partner = {str(k): int(v) for k, v in (scenario.site_partners or {}).items()}
    labels = periods_of(scenario.input_doc)
    if session.get_bind().dialect.name == "postgresql":
        if isinstance(plan.get("flows"), list):
            session.execute(
                _FLOWS_SQL,
                {
                    "scenario_id": scenario.id,
                    "products": list(family),
                    "families": list(family.values()),
                    "sites": list(partner),
                    "partners": list(partner.values()),
                    "periods": labels,
                },
            )
            session.execute(OUTPUT_SQL, {"scenario_id": scenario.id})
        if isinstance(plan.get("pool_utilisation"), list):
            session.execute(_POOLS_SQL, {"scenario_id": scenario.id})
        return
    flows: dict[tuple[int | None, str, str, str], Decimal] = defaultdict(Decimal)
    for flow in plan.get("flows") or []:
        site = str(flow["site"])
        key = (partner.get(site), site, str(flow["product"]), str(flow["period"]))
        flows[key] += thousandths(flow.get("qty"))
    index = {label: i for i, label in enumerate(labels)}
    if flows:
        session.execute(
            insert(PlanFlow),
            [
                {
                    "scenario_id": scenario.id,
                    "n": n,
                    "partner_id": key[0],
                    "site": key[1],
                    "product": key[2],
                    "period": key[3],
                    "period_index": index.get(key[3]),
                    "family": family.get(key[2]),
                    "qty": flows[key],
                }
                for n, key in enumerate(sorted(flows, key=_partner_order), start=1)
            ],
        )
        session.execute(OUTPUT_SQL, {"scenario_id": scenario.id})
    pools = [
        {
            "scenario_id": scenario.id,
            "site": str(row["site"]),
            "family": None if row.get("family") is None else str(row["family"]),
            "period": str(row["period"]),
            "used": thousandths(row.get("used")),
        }
        for row in plan.get("pool_utilisation") or []
    ]
    if pools:
        session.execute(insert(PlanPoolUse), pools)
