"""Registry lists as tables for CSV/XLSX export, in the columns the importer reads back.

Every export re-imports unchanged (tests/partners/test_partner_round_trip.py): a row without an
external reference gets a made-up one (``P``, ``S`` or ``C`` and its id) that the importer
resolves to the same row; columns added for people (a partner's name, days left) are read-only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.partners import service
from cofab.partners.models import Capability, Certification, Partner, Site

EXPORT_KINDS = ("partners", "sites", "capabilities", "certifications")


def export_table(
    session: Session, *, actor: Actor, kind: str, filters: service.PartnerFilters
) -> tuple[list[str], list[list[Any]]]:
    partners = {p.id: p for p in session.execute(service.partner_query(actor, filters)).scalars()}
    ids = list(partners)
    if kind == "partners":
        headers = [
            "external_ref",
            "name_ko",
            "name_en",
            "types",
            "form",
            "status",
            "country",
            "website",
            "notes",
        ]
        rows: list[list[Any]] = [
            [
                _ref(p),
                p.name_ko,
                p.name_en,
                p.types,
                p.form,
                p.status,
                p.country,
                p.website,
                p.notes,
            ]
            for p in partners.values()
        ]
        return headers, rows
    if kind == "sites":
        stmt = scope_to_partner(
            select(Site).where(Site.partner_id.in_(ids)), actor, Site.partner_id
        )
        headers = [
            "external_ref",
            "partner_ref",
            "name",
            "address",
            "country",
            "region",
            "latitude",
            "longitude",
            "timezone",
        ]
        rows = [
            [
                _ref(s),
                _ref(partners[s.partner_id]),
                s.name,
                s.address,
                s.country,
                s.region,
                s.latitude,
                s.longitude,
                s.timezone,
            ]
            for s in session.execute(stmt.order_by(Site.partner_id, Site.name)).scalars()
        ]
        return headers, rows
    if kind == "capabilities":
        pairs = scope_to_partner(
            select(Capability, Site)
            .join(Site, Site.id == Capability.site_id)
            .where(Capability.partner_id.in_(ids)),
            actor,
            Capability.partner_id,
        )
        headers = [
            "external_ref",
            "site_ref",
            "partner",
            "process",
            "product_families",
            "capacity",
            "capacity_unit",
            "capacity_period",
        ]
        rows = [
            [
                _ref(c),
                _ref(s),
                partners[c.partner_id].name_en,
                c.process,
                c.product_families,
                c.capacity,
                c.capacity_unit,
                c.capacity_period,
            ]
            for c, s in session.execute(pairs.order_by(Capability.id))
        ]
        return headers, rows
    stmt_c = scope_to_partner(
        select(Certification).where(Certification.partner_id.in_(ids)),
        actor,
        Certification.partner_id,
    )
    headers = [
        "partner_ref",
        "partner",
        "standard",
        "number",
        "issuer",
        "site_ref",
        "valid_from",
        "valid_to",
        "days_left",
    ]
    today = date.today()
    certificates = list(session.execute(stmt_c.order_by(Certification.valid_to)).scalars())
    site_ids = {c.site_id for c in certificates if c.site_id is not None}
    sites = (
        {s.id: s for s in session.execute(select(Site).where(Site.id.in_(site_ids))).scalars()}
        if site_ids
        else {}
    )
    rows = [
        [
            _ref(partners[c.partner_id]),
            partners[c.partner_id].name_en,
            c.standard,
            c.number,
            c.issuer,
            _ref(sites[c.site_id]) if c.site_id in sites else None,
            c.valid_from,
            c.valid_to,
            (c.valid_to - today).days,
        ]
        for c in certificates
    ]
    return headers, rows


def _ref(row: Partner | Site | Capability) -> str:
    prefix = "P" if isinstance(row, Partner) else "S" if isinstance(row, Site) else "C"
    return row.external_ref or f"{prefix}{row.id}"
