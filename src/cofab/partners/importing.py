"""Import partners, sites and capabilities from CSV/XLSX.

The whole file is validated before anything is written, and every row is matched on its
``external_ref``, so a bad file writes nothing and the same file imported twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import REGISTRY_WRITERS, Actor, require_roles
from cofab.core.errors import FieldProblem, ValidationFailed
from cofab.core.i18n import N_
from cofab.core.tabular import Row, split_list
from cofab.core.validation import problems_from
from cofab.partners import schemas, service
from cofab.partners.models import Capability, Partner, Site

ModelT = TypeVar("ModelT", bound=BaseModel)
IMPORT_KINDS = ("partners", "sites", "capabilities")
COLUMNS: dict[str, list[str]] = {
    "partners": [
        "external_ref",
        "name_ko",
        "name_en",
        "types",
        "form",
        "country",
        "website",
        "notes",
    ],
    "sites": [
        "external_ref",
        "partner_ref",
        "name",
        "address",
        "country",
        "region",
        "latitude",
        "longitude",
        "timezone",
    ],
    "capabilities": [
        "external_ref",
        "site_ref",
        "process",
        "product_families",
        "capacity",
        "capacity_unit",
        "capacity_period",
    ],
}
LIST_COLUMNS = {"types", "product_families"}


def _clean(values: dict[str, str], kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in values.items():
        if raw == "":
            continue
        data[key] = split_list(raw) if key in LIST_COLUMNS else raw
    if kind in ("partners", "sites") and "country" in data:
        data["country"] = str(data["country"]).upper()
    return data


def _validate(
    model: type[ModelT], data: dict[str, Any], row: Row, problems: list[FieldProblem]
) -> ModelT | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for problem in problems_from(exc):
            problems.append(
                FieldProblem(f"row {row.number}: {problem.field}", problem.message, problem.params)
            )
        return None


def _require_ref(row: Row, problems: list[FieldProblem]) -> str | None:
    ref = row.values.get("external_ref", "").strip()
    if not ref:
        problems.append(
            FieldProblem(f"row {row.number}: external_ref", N_("This field is required."))
        )
        return None
    return ref


def _unknown_columns(rows: list[Row], kind: str) -> list[FieldProblem]:
    if not rows:
        return []
    extra = sorted(set(rows[0].values) - set(COLUMNS[kind]))
    return [FieldProblem(f"column {name}", N_("Unknown column.")) for name in extra]


def import_rows(
    session: Session, *, actor: Actor, kind: str, rows: list[Row]
) -> schemas.ImportReport:
    """Validate every row, then upsert them all; raise with every problem if any row is bad."""
    require_roles(actor, REGISTRY_WRITERS)
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(
            problems=[
                FieldProblem(
                    "kind", N_("Must be one of: {expected}."), {"expected": ", ".join(IMPORT_KINDS)}
                )
            ]
        )
    problems = _unknown_columns(rows, kind)
    if problems:
        raise ValidationFailed(problems=problems)
    handler = _HANDLERS[kind]
    plan = handler(session, rows, problems)
    if problems:
        raise ValidationFailed(problems=problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for apply in plan:
        counts[apply(actor)] += 1
    return schemas.ImportReport(kind=kind, **counts)


Apply = Callable[[Actor], str]


def _seen_twice(ref: str, seen: set[str], row: Row, problems: list[FieldProblem]) -> bool:
    if ref in seen:
        problems.append(
            FieldProblem(
                f"row {row.number}: external_ref", N_("Appears more than once in this file.")
            )
        )
        return True
    seen.add(ref)
    return False


def _upsert(
    session: Session,
    model: type[Any],
    existing: Any,
    values: dict[str, Any],
    entity: str,
    partner_id_of: Callable[[Any], int],
) -> Apply:
    def apply(actor: Actor) -> str:
        if existing is None:
            row = model(**values)
            if model is Partner:
                service._set_types(row, values.get("types", []))
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="import",
                entity=entity,
                entity_id=row.id,
                partner_id=partner_id_of(row),
                after=audit.snapshot(row),
            )
            return "created"
        before = audit.snapshot(existing)
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not changed:
            return "unchanged"
        for key, value in changed.items():
            if key == "types":
                service._set_types(existing, value)
            else:
                setattr(existing, key, value)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="import",
            entity=entity,
            entity_id=existing.id,
            partner_id=partner_id_of(existing),
            before=before,
            after=audit.snapshot(existing),
        )
        return "updated"

    return apply


def _plan_partners(session: Session, rows: list[Row], problems: list[FieldProblem]) -> list[Apply]:
    plan: list[Apply] = []
    seen: set[str] = set()
    names: dict[str, int] = {}
    for row in rows:
        ref = _require_ref(row, problems)
        data = _clean(row.values, "partners")
        parsed = _validate(schemas.PartnerCreate, data, row, problems)
        if ref is None or parsed is None or _seen_twice(ref, seen, row, problems):
            continue
        existing = session.execute(
            select(Partner).where(Partner.external_ref == ref)
        ).scalar_one_or_none()
        clash = session.execute(
            select(Partner.id).where(Partner.name_en == parsed.name_en)
        ).scalar_one_or_none()
        lowered = parsed.name_en.lower()
        if (clash is not None and (existing is None or clash != existing.id)) or lowered in names:
            problems.append(
                FieldProblem(
                    f"row {row.number}: name_en",
                    N_("A partner named {name} already exists."),
                    {"name": parsed.name_en},
                )
            )
            continue
        names[lowered] = row.number
        values = parsed.model_dump(mode="json", exclude_none=True)
        values.setdefault("external_ref", ref)
        plan.append(_upsert(session, Partner, existing, values, "partner", lambda p: p.id))
    return plan


def _plan_sites(session: Session, rows: list[Row], problems: list[FieldProblem]) -> list[Apply]:
    plan: list[Apply] = []
    seen: set[str] = set()
    for row in rows:
        ref = _require_ref(row, problems)
        data = _clean(row.values, "sites")
        partner_ref = data.pop("partner_ref", None)
        parsed = _validate(schemas.SiteIn, data, row, problems)
        partner = None
        if not partner_ref:
            problems.append(
                FieldProblem(f"row {row.number}: partner_ref", N_("This field is required."))
            )
        else:
            partner = session.execute(
                select(Partner).where(Partner.external_ref == partner_ref)
            ).scalar_one_or_none()
            if partner is None:
                problems.append(
                    FieldProblem(
                        f"row {row.number}: partner_ref",
                        N_("No partner has the reference {ref}."),
                        {"ref": partner_ref},
                    )
                )
        if (
            ref is None
            or parsed is None
            or partner is None
            or _seen_twice(ref, seen, row, problems)
        ):
            continue
        existing = session.execute(
            select(Site).where(Site.external_ref == ref)
        ).scalar_one_or_none()
        values = parsed.model_dump(exclude_none=True) | {
            "partner_id": partner.id,
            "external_ref": ref,
        }
        plan.append(_upsert(session, Site, existing, values, "site", lambda s: s.partner_id))
    return plan


def _plan_capabilities(
    session: Session, rows: list[Row], problems: list[FieldProblem]
) -> list[Apply]:
    plan: list[Apply] = []
    seen: set[str] = set()
    for row in rows:
        ref = _require_ref(row, problems)
        data = _clean(row.values, "capabilities")
        site_ref = data.pop("site_ref", None)
        parsed = _validate(schemas.CapabilityIn, data, row, problems)
        site = None
        if not site_ref:
            problems.append(
                FieldProblem(f"row {row.number}: site_ref", N_("This field is required."))
            )
        else:
            site = session.execute(
                select(Site).where(Site.external_ref == site_ref)
            ).scalar_one_or_none()
            if site is None:
                problems.append(
                    FieldProblem(
                        f"row {row.number}: site_ref",
                        N_("No site has the reference {ref}."),
                        {"ref": site_ref},
                    )
                )
        if ref is None or parsed is None or site is None or _seen_twice(ref, seen, row, problems):
            continue
        existing = session.execute(
            select(Capability).where(Capability.external_ref == ref)
        ).scalar_one_or_none()
        values = parsed.model_dump(exclude_none=True) | {
            "partner_id": site.partner_id,
            "site_id": site.id,
            "external_ref": ref,
        }
        plan.append(
            _upsert(session, Capability, existing, values, "capability", lambda c: c.partner_id)
        )
    return plan


_HANDLERS: dict[str, Callable[[Session, list[Row], list[FieldProblem]], list[Apply]]] = {
    "partners": _plan_partners,
    "sites": _plan_sites,
    "capabilities": _plan_capabilities,
}
