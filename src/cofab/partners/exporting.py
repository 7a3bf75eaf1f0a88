"""Registry lists as tables for CSV/XLSX export; columns match the importer where they overlap."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.partners import service
from cofab.partners.models import Capability, Certification, Site

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
                p.external_ref or f"P{p.id}",
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
                s.external_ref or f"S{s.id}",
                partners[s.partner_id].external_ref,
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
                c.external_ref or f"C{c.id}",
                s.external_ref,
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
        "partner",
        "standard",
        "number",
        "issuer",
        "site_id",
        "valid_from",
        "valid_to",
        "days_left",
    ]
    today = date.today()
    rows = [
        [
            partners[c.partner_id].name_en,
            c.standard,
            c.number,
            c.issuer,
            c.site_id,
            c.valid_from,
            c.valid_to,
            (c.valid_to - today).days,
        ]
        for c in session.execute(stmt_c.order_by(Certification.valid_to)).scalars()
    ]
    return headers, rows
