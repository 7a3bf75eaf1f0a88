"""Import partners, sites, capabilities and certificates from CSV/XLSX.

The whole file is validated before anything is written, and every row is matched on its
``external_ref`` (certificates on partner, standard and number), so a bad file writes nothing and
the same file imported twice changes nothing. Every export re-imports unchanged: the columns an
export adds for reading (a partner's name next to its reference, a certificate's days left) are
accepted and ignored, and the references an export makes up for rows that have none (``P12``,
``S7``: the row's id) find those rows again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
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
from cofab.partners.models import Capability, Certification, Partner, PartnerStatus, Site

ModelT = TypeVar("ModelT", bound=BaseModel)
IMPORT_KINDS = ("partners", "sites", "capabilities", "certifications")
COLUMNS: dict[str, list[str]] = {
    "partners": [
        "external_ref",
        "name_ko",
        "name_en",
        "types",
        "form",
        "status",
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
        "partner",
        "process",
        "product_families",
        "capacity",
        "capacity_unit",
        "capacity_period",
    ],
    "certifications": [
        "partner_ref",
        "partner",
        "standard",
        "number",
        "issuer",
        "site_ref",
        "valid_from",
        "valid_to",
        "days_left",
    ],
}
#: columns an export writes for people to read; the importer derives them, so it skips them
READ_ONLY = {"partner", "days_left"}
LIST_COLUMNS = {"types", "product_families"}
#: made-up references of exported rows that have no external_ref of their own
SYNTHETIC_REF = {Partner: "P", Site: "S", Capability: "C"}

NEW_PARTNER_STATUS = N_(
    "A new partner starts as {prospect}; change its status on the partner page after the import."
)
BAD_TRANSITION = N_("A partner cannot move from {current} to {target}.")
SITE_OF_OTHER_PARTNER = N_("The site {ref} belongs to another partner.")


def _clean(values: dict[str, str], kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in values.items():
        if raw == "" or key in READ_ONLY:
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


def _require(row: Row, column: str, problems: list[FieldProblem]) -> str | None:
    value = row.values.get(column, "").strip()
    if not value:
        problems.append(FieldProblem(f"row {row.number}: {column}", N_("This field is required.")))
        return None
    return value


def _unknown_columns(rows: list[Row], kind: str) -> list[FieldProblem]:
    if not rows:
        return []
    extra = sorted(set(rows[0].values) - set(COLUMNS[kind]))
    return [FieldProblem(f"column {name}", N_("Unknown column.")) for name in extra]


def _by_ref(session: Session, model: type[Any], ref: str) -> tuple[Any, bool]:
    """The row an import reference names, and whether it was found by its made-up reference."""
    found = session.execute(select(model).where(model.external_ref == ref)).scalar_one_or_none()
    if found is not None:
        return found, False
    match = re.fullmatch(SYNTHETIC_REF[model] + r"(\d{1,18})", ref)
    if match:
        row = session.get(model, int(match.group(1)))
        if row is not None and row.external_ref is None:
            return row, True
    return None, False


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


def _seen_twice(key: object, seen: set[Any], row: Row, column: str, problems: list[Any]) -> bool:
    if key in seen:
        problems.append(
            FieldProblem(f"row {row.number}: {column}", N_("Appears more than once in this file."))
        )
        return True
    seen.add(key)
    return False


def _upsert(
    session: Session,
    model: type[Any],
    existing: Any,
    values: dict[str, Any],
    entity: str,
    partner_id_of: Callable[[Any], int],
) -> Apply:
    def record(actor: Actor, row: Any, before: dict[str, Any] | None) -> None:
        audit.record(
            session,
            actor=actor,
            action="import",
            entity=entity,
            entity_id=row.id,
            partner_id=partner_id_of(row),
            before=before,
            after=audit.snapshot(row),
        )

    def apply(actor: Actor) -> str:
        if existing is None:
            row = model(**values)
            if model is Partner:
                service._set_types(row, values.get("types", []))
            session.add(row)
            session.flush()
            record(actor, row, None)
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
        record(actor, existing, before)
        return "updated"

    return apply


def _status_problem(existing: Partner | None, status: str | None, row: Row) -> FieldProblem | None:
    """A status column may repeat the partner's status, or move it one allowed lifecycle step."""
    field = f"row {row.number}: status"
    if status is None:
        return None
    if status not in {s.value for s in PartnerStatus}:
        expected = ", ".join(s.value for s in PartnerStatus)
        return FieldProblem(field, N_("Must be one of: {expected}."), {"expected": expected})
    if existing is None:
        if status == PartnerStatus.PROSPECT.value:
            return None
        return FieldProblem(field, NEW_PARTNER_STATUS, {"prospect": PartnerStatus.PROSPECT.value})
    if status == existing.status or status in service.ALLOWED_TRANSITIONS.get(
        existing.status, frozenset()
    ):
        return None
    return FieldProblem(field, BAD_TRANSITION, {"current": existing.status, "target": status})


def _with_status(session: Session, base: Apply, partner: Partner, status: str) -> Apply:
    def apply(actor: Actor) -> str:
        result = base(actor)
        service.change_status(session, actor=actor, partner_id=partner.id, new_status=status)
        return "updated" if result == "unchanged" else result

    return apply


def _plan_partners(session: Session, rows: list[Row], problems: list[FieldProblem]) -> list[Apply]:
    plan: list[Apply] = []
    seen: set[str] = set()
    names: dict[str, int] = {}
    for row in rows:
        ref = _require(row, "external_ref", problems)
        data = _clean(row.values, "partners")
        status = data.pop("status", None)
        parsed = _validate(schemas.PartnerCreate, data, row, problems)
        existing, synthetic = _by_ref(session, Partner, ref) if ref else (None, False)
        status_problem = _status_problem(existing, status, row)
        if status_problem is not None:
            problems.append(status_problem)
        if (
            ref is None
            or parsed is None
            or status_problem is not None
            or _seen_twice(ref, seen, row, "external_ref", problems)
        ):
            continue
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
        values = parsed.model_dump(mode="json", exclude_none=True) | {"external_ref": ref}
        if synthetic:
            del values["external_ref"]  # found by its made-up P<id>: it still has none
        step = _upsert(session, Partner, existing, values, "partner", lambda p: p.id)
        if existing is not None and status is not None and status != existing.status:
            step = _with_status(session, step, existing, status)
        plan.append(step)
    return plan


def _partner_of(
    session: Session, row: Row, problems: list[FieldProblem], column: str = "partner_ref"
) -> Partner | None:
    ref = _require(row, column, problems)
    if ref is None:
        return None
    partner, _synthetic = _by_ref(session, Partner, ref)
    if partner is None:
        problems.append(
            FieldProblem(
                f"row {row.number}: {column}",
                N_("No partner has the reference {ref}."),
                {"ref": ref},
            )
        )
    return partner  # type: ignore[no-any-return]


def _site_of(session: Session, row: Row, problems: list[FieldProblem]) -> Site | None:
    ref = _require(row, "site_ref", problems)
    if ref is None:
        return None
    site, _synthetic = _by_ref(session, Site, ref)
    if site is None:
        problems.append(
            FieldProblem(
                f"row {row.number}: site_ref", N_("No site has the reference {ref}."), {"ref": ref}
            )
        )
    return site  # type: ignore[no-any-return]


def _plan_owned(
    session: Session,
    rows: list[Row],
    problems: list[FieldProblem],
    *,
    kind: str,
    parent_ref: str,
    parent_of: Callable[[Session, Row, list[FieldProblem]], Any],
    owner: Callable[[Any], dict[str, int]],
    schema: type[BaseModel],
    model: type[Any],
    entity: str,
) -> list[Apply]:
    """Sites and capabilities: rows named by their own ``external_ref``, each under a parent row
    (a partner, a site) that ``parent_ref`` names and ``owner`` turns into their keys."""
    plan: list[Apply] = []
    seen: set[str] = set()
    for row in rows:
        ref = _require(row, "external_ref", problems)
        data = _clean(row.values, kind)
        data.pop(parent_ref, None)
        parsed = _validate(schema, data, row, problems)
        parent = parent_of(session, row, problems)
        if (
            ref is None
            or parsed is None
            or parent is None
            or _seen_twice(ref, seen, row, "external_ref", problems)
        ):
            continue
        existing, synthetic = _by_ref(session, model, ref)
        values = parsed.model_dump(exclude_none=True) | owner(parent) | {"external_ref": ref}
        if synthetic:
            del values["external_ref"]
        plan.append(_upsert(session, model, existing, values, entity, lambda r: r.partner_id))
    return plan


_plan_sites = partial(
    _plan_owned,
    kind="sites",
    parent_ref="partner_ref",
    parent_of=_partner_of,
    owner=lambda partner: {"partner_id": partner.id},
    schema=schemas.SiteIn,
    model=Site,
    entity="site",
)
_plan_capabilities = partial(
    _plan_owned,
    kind="capabilities",
    parent_ref="site_ref",
    parent_of=_site_of,
    owner=lambda site: {"partner_id": site.partner_id, "site_id": site.id},
    schema=schemas.CapabilityIn,
    model=Capability,
    entity="capability",
)


def _plan_certifications(
    session: Session, rows: list[Row], problems: list[FieldProblem]
) -> list[Apply]:
    """Certificates have no reference of their own: partner, standard and number name one."""
    plan: list[Apply] = []
    seen: set[tuple[int, str, str]] = set()
    for row in rows:
        data = _clean(row.values, "certifications")
        data.pop("partner_ref", None)
        site_ref = data.pop("site_ref", None)
        parsed = _validate(schemas.CertificationIn, data, row, problems)
        partner = _partner_of(session, row, problems)
        site = _site_of(session, row, problems) if site_ref else None
        if site is not None and partner is not None and site.partner_id != partner.id:
            problems.append(
                FieldProblem(
                    f"row {row.number}: site_ref", SITE_OF_OTHER_PARTNER, {"ref": site_ref}
                )
            )
            continue
        if parsed is None or partner is None or (site_ref and site is None):
            continue
        key = (partner.id, parsed.standard, parsed.number)
        if _seen_twice(key, seen, row, "number", problems):
            continue
        existing = (
            session.execute(
                select(Certification)
                .where(
                    Certification.partner_id == partner.id,
                    Certification.standard == parsed.standard,
                    Certification.number == parsed.number,
                )
                .order_by(Certification.id)
            )
            .scalars()
            .first()
        )
        values = parsed.model_dump(exclude_none=True, exclude={"site_id"}) | {
            "partner_id": partner.id,
            "site_id": site.id if site is not None else None,
        }
        plan.append(
            _upsert(
                session, Certification, existing, values, "certification", lambda c: c.partner_id
            )
        )
    return plan


_HANDLERS: dict[str, Callable[[Session, list[Row], list[FieldProblem]], list[Apply]]] = {
    "partners": _plan_partners,
    "sites": _plan_sites,
    "capabilities": _plan_capabilities,
    "certifications": _plan_certifications,
}
