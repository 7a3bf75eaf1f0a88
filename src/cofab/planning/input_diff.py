"""What changed between two scenarios' inputs, and why their plans differ.

A refreshed scenario differs from the version before it only in what the live domains now say;
a manager wants to see those changes next to the allocation they moved. Inputs are compared
field by field (a quantity given as one number counts as that number in every period); a site
whose shipped volume changed is explained by the input changes that name it, and by the demand
changes (every site serves the demand).
"""

from __future__ import annotations

from typing import Any

Change = dict[str, Any]


def _per_period(value: Any, periods: list[str]) -> dict[str, float]:
    if isinstance(value, dict):
        return {p: float(value.get(p, 0.0)) for p in periods}
    return dict.fromkeys(periods, float(value or 0.0))


def _periods(doc: dict[str, Any]) -> list[str]:
    return [str(p) for p in doc.get("periods") or ["all"]]


def _capacity(site: dict[str, Any], periods: list[str]) -> dict[str, dict[str, float]]:
    raw = site.get("capacity")
    if isinstance(raw, dict):
        return {str(f): _per_period(v, periods) for f, v in raw.items()}
    return {"*": _per_period(raw, periods)}


def _changed(kind: str, subject: str, before: Any, after: Any, **extra: Any) -> Change:
    return {"kind": kind, "subject": subject, "before": before, "after": after, **extra}


def _round(value: float) -> float:
    return round(value, 4)


def _site_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    periods = sorted(set(_periods(old)) | set(_periods(new)))
    old_sites = {s["id"]: s for s in old.get("sites", [])}
    new_sites = {s["id"]: s for s in new.get("sites", [])}
    out: list[Change] = []
    for site_id in sorted(old_sites.keys() | new_sites.keys()):
        a, b = old_sites.get(site_id), new_sites.get(site_id)
        if a is None or b is None:
            out.append(_changed("site", site_id, a is not None, b is not None, site=site_id))
            continue
        rate_a, rate_b = float(a.get("defect_rate", 0.0)), float(b.get("defect_rate", 0.0))
        if rate_a != rate_b:
            out.append(_changed("defect_rate", site_id, rate_a, rate_b, site=site_id))
        costs_a, costs_b = a.get("unit_cost") or {}, b.get("unit_cost") or {}
        for product in sorted(costs_a.keys() | costs_b.keys()):
            ca, cb = costs_a.get(product), costs_b.get(product)
            if ca != cb:
                out.append(_changed("unit_cost", f"{site_id} · {product}", ca, cb, site=site_id))
        cap_a, cap_b = _capacity(a, periods), _capacity(b, periods)
        for family in sorted(cap_a.keys() | cap_b.keys()):
            pa = cap_a.get(family, dict.fromkeys(periods, 0.0))
            pb = cap_b.get(family, dict.fromkeys(periods, 0.0))
            months = [p for p in periods if pa[p] != pb[p]]
            if months:
                out.append(
                    _changed(
                        "capacity",
                        f"{site_id} · {family}",
                        _round(sum(pa.values())),
                        _round(sum(pb.values())),
                        site=site_id,
                        periods=months,
                    )
                )
        if float(a.get("fixed_cost", 0.0)) != float(b.get("fixed_cost", 0.0)):
            out.append(
                _changed(
                    "fixed_cost", site_id, a.get("fixed_cost"), b.get("fixed_cost"), site=site_id
                )
            )
    return out


def _lane_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    periods = sorted(set(_periods(old)) | set(_periods(new)))
    old_lanes = {(lane["site"], lane["market"]): lane for lane in old.get("lanes", [])}
    new_lanes = {(lane["site"], lane["market"]): lane for lane in new.get("lanes", [])}
    out: list[Change] = []
    for key in sorted(old_lanes.keys() | new_lanes.keys()):
        subject = f"{key[0]} → {key[1]}"
        a, b = old_lanes.get(key), new_lanes.get(key)
        if a is None or b is None:
            out.append(_changed("lane", subject, a is not None, b is not None, site=key[0]))
            continue
        for field in ("unit_cost", "lead_time_days"):
            if a.get(field) != b.get(field):
                out.append(
                    _changed(f"lane.{field}", subject, a.get(field), b.get(field), site=key[0])
                )
        ca, cb = a.get("capacity"), b.get("capacity")
        if ca != cb:
            total_a = None if ca is None else _round(sum(_per_period(ca, periods).values()))
            total_b = None if cb is None else _round(sum(_per_period(cb, periods).values()))
            out.append(_changed("lane.capacity", subject, total_a, total_b, site=key[0]))
    return out


def _demand_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    periods = sorted(set(_periods(old)) | set(_periods(new)))

    def totals(doc: dict[str, Any]) -> dict[tuple[str, str], float]:
        return {
            (m["id"], str(product)): _round(sum(_per_period(qty, periods).values()))
            for m in doc.get("markets", [])
            for product, qty in (m.get("demand") or {}).items()
        }

    a, b = totals(old), totals(new)
    return [
        _changed(
            "demand", f"{market} · {product}", a.get((market, product)), b.get((market, product))
        )
        for market, product in sorted(a.keys() | b.keys())
        if a.get((market, product), 0.0) != b.get((market, product), 0.0)
    ]


def input_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every input that differs: sites, unit costs, defect rates, capacities (horizon totals and
    the months that differ), lanes, demand (horizon totals per market and product)."""
    return [*_site_changes(old, new), *_lane_changes(old, new), *_demand_changes(old, new)]


def origin_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """Inputs whose origin moved (defaulted → live, another contract, a newer forecast …)."""

    def index(doc: dict[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
        return {(e["input"], e["subject"]): e for e in (doc or {}).get("inputs", [])}

    a, b = index(old), index(new)
    out: list[Change] = []
    for key in sorted(a.keys() | b.keys()):
        ea, eb = a.get(key), b.get(key)
        shape_a = None if ea is None else (ea["live"], ea["source"], ea.get("params"))
        shape_b = None if eb is None else (eb["live"], eb["source"], eb.get("params"))
        if shape_a != shape_b:
            out.append(_changed("origin", f"{key[0]}: {key[1]}", ea, eb, input=key[0]))
    return out


def shipped_by_site(plan: dict[str, Any] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for flow in (plan or {}).get("flows", []):
        out[flow["site"]] = out.get(flow["site"], 0.0) + float(flow.get("qty") or 0.0)
    return out


def allocation_changes(
    old_plan: dict[str, Any] | None, new_plan: dict[str, Any] | None, inputs: list[Change]
) -> list[dict[str, Any]]:
    """Per site whose shipped volume moved: before, after, and the input changes that explain
    it: those naming the site, then the demand changes; a site with no change of its own moved
    because of the other sites' changes (``elsewhere``)."""
    a, b = shipped_by_site(old_plan), shipped_by_site(new_plan)
    demand = [i for i, change in enumerate(inputs) if change["kind"] == "demand"]
    rows = []
    for site in sorted(a.keys() | b.keys()):
        before, after = _round(a.get(site, 0.0)), _round(b.get(site, 0.0))
        if before == after:
            continue
        own = [i for i, change in enumerate(inputs) if change.get("site") == site]
        others = [change for change in inputs if change.get("site") not in (None, site) and not own]
        rows.append(
            {
                "site": site,
                "before": before,
                "after": after,
                "delta": _round(after - before),
                "reasons": [inputs[i] for i in [*own, *demand]],
                "elsewhere": others,
            }
        )
    return rows


def plan_cost(plan: dict[str, Any] | None) -> float | None:
    cost = (plan or {}).get("cost") or {}
    total = cost.get("total")
    return None if total is None else float(total)
