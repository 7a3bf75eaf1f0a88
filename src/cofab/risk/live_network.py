"""The time-to-survive network of the live registry, in the ``cofab risk tts`` file format.

The planner builds its input from the registry on live inputs
(``planning.service.build_live_scenario``: one product per family, monthly capacity per site and
family from capacity declarations, contract prices, measured defect rates, the lane master and
the latest demand forecast, each falling back to the registry's figure where none is live); this
module turns that document into the TTS format the CLI and the API read:

- periods are months there and weeks here, so every capacity and demand figure is divided by
  ``WEEKS_PER_MONTH`` (52 / 12) — the rates stay the same, only the unit changes;
- ``inventory``: each site's newest inventory snapshot per item (operations), on hand minus
  reserved, where the item is one of the network's product families (the registry's products);
- ``ttr_weeks``: each site's own time to recover (``risk.site_recovery``, set on the TTS page
  or ``PUT /api/v1/risk/site-recovery``); the number the user gives is only the default for a
  site that has none; and ``partner`` on each site, so a partner's sites go down together;
- no ``unmet_penalty`` on the markets: the request enters none, so each market carries the
  planner's default, a big-M that makes serving demand pay in the LP (ten times the dearest unit
  to make and ship), not a price; without it a lost unit is valued at the product's price
  (``risk.unit_value``).

Uploading a file instead gives full control over all of these.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core.access import Actor
from cofab.core.errors import ValidationFailed
from cofab.core.i18n import N_
from cofab.operations.models import InventorySnapshot
from cofab.partners.models import Partner, Site
from cofab.planning.service import RegistryRequest, build_live_scenario
from cofab.risk import register, site_recovery

WEEKS_PER_MONTH = 52.0 / 12.0
NO_LIVE_SITES = N_("No active or approved partner has a site with a capacity per product family.")


def weekly(value: Any) -> Any:
    """A monthly planner quantity as a weekly one, at any depth: a number, ``{family: number}``,
    ``{period: number}`` or ``{family: {period: number}}`` (a capacity ramp declared per
    month)."""
    if isinstance(value, dict):
        return {k: weekly(v) for k, v in value.items()}
    return round(float(value) / WEEKS_PER_MONTH, 6)


def site_keys(session: Session, site_partners: dict[str, int]) -> dict[str, int]:
    """Document site id → registry site id (the planner names a site by its name, or by
    "name (partner)" when two partners use the same name)."""
    rows = session.execute(
        select(Site.id, Site.name, Partner.name_en)
        .join(Partner, Partner.id == Site.partner_id)
        .where(Site.partner_id.in_(sorted(set(site_partners.values()))))
    ).all()
    found: dict[str, int] = {}
    for site_id, name, partner_name in rows:
        for key in (str(name), f"{name} ({partner_name})"):
            if key in site_partners:
                found[key] = int(site_id)
    return found


def _inventory(
    session: Session, site_keys: dict[str, int], families: set[str]
) -> dict[str, dict[str, float]]:
    latest = (
        select(
            InventorySnapshot.site_id,
            InventorySnapshot.item,
            func.max(InventorySnapshot.at).label("at"),
        )
        .where(
            InventorySnapshot.site_id.in_(sorted(site_keys.values())),
            InventorySnapshot.item.in_(sorted(families)),
        )
        .group_by(InventorySnapshot.site_id, InventorySnapshot.item)
        .subquery()
    )
    rows = session.execute(
        select(
            InventorySnapshot.site_id,
            InventorySnapshot.item,
            InventorySnapshot.on_hand,
            InventorySnapshot.reserved,
        ).join(
            latest,
            (InventorySnapshot.site_id == latest.c.site_id)
            & (InventorySnapshot.item == latest.c.item)
            & (InventorySnapshot.at == latest.c.at),
        )
    ).all()
    key_of = {site_id: key for key, site_id in site_keys.items()}
    inventory: dict[str, dict[str, float]] = {}
    for site_id, item, on_hand, reserved in rows:
        free = max(Decimal(0), (on_hand or Decimal(0)) - (reserved or Decimal(0)))
        if free > 0:
            inventory.setdefault(key_of[site_id], {})[str(item)] = float(free)
    return inventory


def live_network(session: Session, *, actor: Actor, ttr_weeks: float) -> dict[str, Any]:
    """The registry's network as a TTS document (ValidationFailed when it has no site);
    ``ttr_weeks`` is the TTR of a site without its own."""
    register.ensure_reader(actor)
    request = RegistryRequest(name="Live network (time to survive)")
    built = build_live_scenario(session, actor=actor, request=request)
    if built is None:
        raise ValidationFailed(NO_LIVE_SITES)
    doc = built.document
    names = dict(
        session.execute(
            select(Partner.id, Partner.name_en).where(
                Partner.id.in_(sorted(set(built.site_partners.values())))
            )
        ).all()
    )
    for site in doc["sites"]:
        site["capacity"] = weekly(site["capacity"])
        site["partner"] = str(names[built.site_partners[site["id"]]])
    for market in doc["markets"]:
        market["demand"] = weekly(market["demand"])
        market.pop("unmet_penalty", None)  # the planner's big-M (see above), not a price
    keys = site_keys(session, built.site_partners)
    families = {str(p["id"]) for p in doc["products"]}
    doc["inventory"] = _inventory(session, keys, families)
    declared = site_recovery.stored(session)
    doc["ttr_weeks"] = {
        site["id"]: declared.get(keys.get(site["id"], -1), ttr_weeks) for site in doc["sites"]
    }
    return doc
