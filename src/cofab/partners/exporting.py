"""Registry lists as tables for CSV/XLSX export, in the columns the importer reads back.

Every export re-imports unchanged (tests/partners/test_partner_round_trip.py): a row without an
external reference gets a made-up one (``P``, ``S`` or ``C`` and its id) that the importer
resolves to the same row; columns added for people (a partner's name, days left) are read-only.
The columns are the importer's own (``importing.COLUMNS``), so the two cannot drift apart; each
kind below says only where its rows come from and how the cells that are not plain attributes
of the row are made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core.access import Actor, scope_to_partner
from cofab.partners import service
from cofab.partners.importing import COLUMNS, SYNTHETIC_REF
from cofab.partners.models import Capability, Certification, Partner, Site


@dataclass(frozen=True)
class _Record:
    """One exported row's object, and the site it refers to (capabilities, certifications)."""

    row: Partner | Site | Capability | Certification
    site: Site | None = None

    @property
    def partner_id(self) -> int:
        assert not isinstance(self.row, Partner)
        return self.row.partner_id


@dataclass(frozen=True)
class _Context:
    partners: dict[int, Partner]  # the partners the filters select, by id
    today: date


Fetch = Callable[[Session, Actor, _Context], list[_Record]]
Cell = Callable[[_Record, _Context], Any]


@dataclass(frozen=True)
class _Kind:
    """Where a kind's rows come from, and its cells that are not an attribute of the same name."""

    fetch: Fetch
    cells: Mapping[str, Cell]


def _ref(row: Partner | Site | Capability) -> str:
    return row.external_ref or f"{SYNTHETIC_REF[type(row)]}{row.id}"


def _own_ref(record: _Record, ctx: _Context) -> str:
    assert not isinstance(record.row, Certification)
    return _ref(record.row)


def _partner_ref(record: _Record, ctx: _Context) -> str:
    return _ref(ctx.partners[record.partner_id])


def _partner_name(record: _Record, ctx: _Context) -> str:
    return ctx.partners[record.partner_id].name_en


def _site_ref(record: _Record, ctx: _Context) -> str | None:
    return _ref(record.site) if record.site is not None else None


def _days_left(record: _Record, ctx: _Context) -> int:
    assert isinstance(record.row, Certification)
    return (record.row.valid_to - ctx.today).days


def _partners(session: Session, actor: Actor, ctx: _Context) -> list[_Record]:
    return [_Record(p) for p in ctx.partners.values()]


def _sites(session: Session, actor: Actor, ctx: _Context) -> list[_Record]:
    stmt = scope_to_partner(
        select(Site).where(Site.partner_id.in_(list(ctx.partners))), actor, Site.partner_id
    )
    return [
        _Record(s) for s in session.execute(stmt.order_by(Site.partner_id, Site.name)).scalars()
    ]


def _capabilities(session: Session, actor: Actor, ctx: _Context) -> list[_Record]:
    pairs = scope_to_partner(
        select(Capability, Site)
        .join(Site, Site.id == Capability.site_id)
        .where(Capability.partner_id.in_(list(ctx.partners))),
        actor,
        Capability.partner_id,
    )
    return [_Record(c, s) for c, s in session.execute(pairs.order_by(Capability.id))]


def _certifications(session: Session, actor: Actor, ctx: _Context) -> list[_Record]:
    stmt = scope_to_partner(
        select(Certification).where(Certification.partner_id.in_(list(ctx.partners))),
        actor,
        Certification.partner_id,
    )
    certificates = list(session.execute(stmt.order_by(Certification.valid_to)).scalars())
    site_ids = {c.site_id for c in certificates if c.site_id is not None}
    sites = (
        {s.id: s for s in session.execute(select(Site).where(Site.id.in_(site_ids))).scalars()}
        if site_ids
        else {}
    )
    return [
        _Record(c, sites.get(c.site_id) if c.site_id is not None else None) for c in certificates
    ]


KINDS: dict[str, _Kind] = {
    "partners": _Kind(_partners, {"external_ref": _own_ref}),
    "sites": _Kind(_sites, {"external_ref": _own_ref, "partner_ref": _partner_ref}),
    "capabilities": _Kind(
        _capabilities, {"external_ref": _own_ref, "site_ref": _site_ref, "partner": _partner_name}
    ),
    "certifications": _Kind(
        _certifications,
        {
            "partner_ref": _partner_ref,
            "partner": _partner_name,
            "site_ref": _site_ref,
            "days_left": _days_left,
        },
    ),
}
EXPORT_KINDS = tuple(KINDS)


def export_table(
    session: Session, *, actor: Actor, kind: str, filters: service.PartnerFilters
) -> tuple[list[str], list[list[Any]]]:
    partners = {p.id: p for p in session.execute(service.partner_query(actor, filters)).scalars()}
    ctx = _Context(partners, date.today())
    spec, headers = KINDS[kind], list(COLUMNS[kind])
    cells = [spec.cells.get(name) for name in headers]
    rows = [
        [
            cell(record, ctx) if cell is not None else getattr(record.row, name)
            for name, cell in zip(headers, cells, strict=True)
        ]
        for record in spec.fetch(session, actor, ctx)
    ]
    return headers, rows
