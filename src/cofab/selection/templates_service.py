"""Evaluation templates: seeded defaults, validation, and versioning.

A change to a template never edits a version in place: it adds version n + 1 and moves the
template's pointer, so evaluations opened earlier keep explaining themselves with the criteria
and weights they were scored on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofab.core import audit
from cofab.core.access import SYSTEM_ACTOR, Actor
from cofab.core.errors import FieldProblem, NotFound, ValidationFailed
from cofab.core.i18n import N_
from cofab.db.session import begin_writing
from cofab.selection import schemas
from cofab.selection.ahp import AhpResult, ahp_weights, check_pairwise_matrix
from cofab.selection.checklist_default import ALL_TYPES, DEFAULT_CHECKLIST, checklist_for
from cofab.selection.evaluation_document import (
    MSG_DUPLICATE_KEY,
    MSG_NUMBER_OR_FRACTION,
    MSG_UNIT_REQUIRED,
    MSG_WEIGHT_MISSING,
    MSG_WEIGHTS_OR_AHP,
    SCALES,
)
from cofab.selection.models import SelectionTemplate, TemplateVersion, WeightMode
from cofab.selection.permissions import ensure_reader, ensure_writer
from cofab.selection.problem_mapping import field_problem
from cofab.selection.problems import Problem
from cofab.selection.scoring import check_weights_percent
from cofab.selection.templates_default import DEFAULT_TEMPLATES, TEMPLATE_DATA_VERSION

if TYPE_CHECKING:
    import numpy as np


MSG_AHP_MATRIX_REQUIRED = N_("Weights from AHP need a pairwise-comparison matrix.")
WEIGHT_DECIMALS = 4


@dataclass(frozen=True)
class TemplateView:
    template: SelectionTemplate
    current: TemplateVersion
    versions: list[int]


# --- defaults --------------------------------------------------------------------------------


def _criterion(c: Any, unit: str | None, weight: float) -> dict[str, Any]:
    """A criterion as a template version stores it (from a default or from a sent template)."""
    return {
        "key": c.key,
        "group": c.group,
        "name_en": c.name_en,
        "name_ko": c.name_ko,
        "direction": c.direction,
        "scale": c.scale,
        "unit": unit,
        "weight": weight,
    }


def ensure_default_templates(session: Session) -> None:
    """Seed one default template per partner type the first time selection is used."""
    existing = set(
        session.execute(select(SelectionTemplate.key).where(SelectionTemplate.is_default))
        .scalars()
        .all()
    )
    for default in DEFAULT_TEMPLATES:
        key = f"default_{default.partner_type}"
        if key in existing:
            continue
        criteria = [_criterion(c, c.unit, float(c.weight)) for c in default.criteria]
        begin_writing(session)  # reached from GET list pages: a reader becomes a writer here
        template = SelectionTemplate(
            key=key,
            partner_type=default.partner_type,
            current_version=1,
            is_default=True,
            data_version=TEMPLATE_DATA_VERSION,
        )
        session.add(template)
        session.flush()
        version = TemplateVersion(
            template_id=template.id,
            version=1,
            name_en=default.name_en,
            name_ko=default.name_ko,
            weight_mode=WeightMode.DIRECT.value,
            criteria=criteria,
            ahp_matrix=None,
            consistency_ratio=None,
            checklist=default_checklist(default.partner_type),
            note=None,
        )
        session.add(version)
        session.flush()
        _audit_version(session, SYSTEM_ACTOR, template, version, "create")


def default_checklist(partner_type: str | None) -> list[dict[str, Any]]:
    """The default items; without a partner type an item is mandatory if it is for every type."""
    if partner_type in ALL_TYPES:
        pairs = checklist_for(partner_type)
    else:
        pairs = tuple((item, item.mandatory_for == ALL_TYPES) for item in DEFAULT_CHECKLIST)
    return [
        {
            "key": item.key,
            "name_en": item.name_en,
            "name_ko": item.name_ko,
            "description_en": item.description_en,
            "description_ko": item.description_ko,
            "mandatory": mandatory,
            "fields": list(item.fields),
        }
        for item, mandatory in pairs
    ]


# --- reading ---------------------------------------------------------------------------------


def list_templates(session: Session, *, actor: Actor) -> list[TemplateView]:
    ensure_reader(actor)
    ensure_default_templates(session)
    templates = session.execute(select(SelectionTemplate).order_by(SelectionTemplate.id)).scalars()
    return [_view(session, t) for t in templates]


def get_template(session: Session, *, actor: Actor, template_id: int) -> TemplateView:
    ensure_reader(actor)
    template = session.get(SelectionTemplate, template_id)
    if template is None:
        raise NotFound()
    return _view(session, template)


def get_version(
    session: Session, *, actor: Actor, template_id: int, version: int
) -> TemplateVersion:
    ensure_reader(actor)
    row = session.execute(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template_id, TemplateVersion.version == version
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row


def _view(session: Session, template: SelectionTemplate) -> TemplateView:
    versions = session.execute(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template.id)
        .order_by(TemplateVersion.version)
    ).scalars()
    rows = list(versions)
    current = next(v for v in rows if v.version == template.current_version)
    return TemplateView(template, current, [v.version for v in rows])


# --- writing ---------------------------------------------------------------------------------


def create_template(
    session: Session, *, actor: Actor, data: schemas.SelectionTemplateIn
) -> TemplateView:
    ensure_writer(actor)
    prepared = prepare_version(data, actor.locale)
    template = SelectionTemplate(
        key=_unique_key(session, data.name_en),
        partner_type=data.partner_type,
        current_version=1,
        is_default=False,
    )
    session.add(template)
    session.flush()
    version = TemplateVersion(template_id=template.id, version=1, created_by=actor.user_id or None)
    _fill(version, prepared)
    session.add(version)
    session.flush()
    _audit_version(session, actor, template, version, "create")
    return _view(session, template)


def update_template(
    session: Session, *, actor: Actor, template_id: int, data: schemas.SelectionTemplateIn
) -> TemplateView:
    """A new version; older versions and the evaluations pinned to them stay as they were."""
    ensure_writer(actor)
    template = session.get(SelectionTemplate, template_id)
    if template is None:
        raise NotFound()
    prepared = prepare_version(data, actor.locale)
    before = audit.snapshot(template)
    last = session.execute(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.template_id == template.id)
    ).scalar_one()
    version = TemplateVersion(
        template_id=template.id, version=int(last or 0) + 1, created_by=actor.user_id or None
    )
    _fill(version, prepared)
    session.add(version)
    template.current_version = version.version
    template.partner_type = data.partner_type
    session.flush()
    _audit_version(session, actor, template, version, "update", before=before)
    return _view(session, template)


def _fill(version: TemplateVersion, prepared: dict[str, Any]) -> None:
    for key, value in prepared.items():
        setattr(version, key, value)


def _audit_version(
    session: Session,
    actor: Actor,
    template: SelectionTemplate,
    version: TemplateVersion,
    action: str,
    *,
    before: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="selection_template",
        entity_id=template.id,
        before=before,
        after=audit.snapshot(template) | {"version": audit.snapshot(version)},
    )


def _unique_key(session: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48] or "template"
    if not base[0].isalpha():
        base = f"t_{base}"
    key, n = base, 1
    while session.execute(select(SelectionTemplate.id).where(SelectionTemplate.key == key)).first():
        n += 1
        key = f"{base}_{n}"
    return key


# --- validation ------------------------------------------------------------------------------


def parse_fraction(value: float | str) -> float:
    """AHP judgements as people type them: 3, 0.333 or "1/3"; NaN when unreadable."""
    if isinstance(value, int | float):
        return float(value)
    top, slash, bottom = str(value).strip().partition("/")
    try:
        return float(top) / float(bottom) if slash else float(top)
    except (ValueError, ZeroDivisionError):
        return math.nan


def prepare_version(data: schemas.SelectionTemplateIn, locale: str) -> dict[str, Any]:
    """Validate a template document; every problem is reported at once, nothing is written."""
    problems: list[Problem] = []
    names = [c.name_en for c in data.criteria]
    seen: set[str] = set()
    for j, criterion in enumerate(data.criteria):
        if criterion.key in seen:
            problems.append(
                Problem(
                    "duplicate_key", f"criteria.{j}.key", MSG_DUPLICATE_KEY, {"key": criterion.key}
                )
            )
        seen.add(criterion.key)
        if criterion.scale == "measured" and not (criterion.unit or "").strip():
            problems.append(Problem("unit", f"criteria.{j}.unit", MSG_UNIT_REQUIRED))
    checklist = (
        [item.model_dump() for item in data.checklist]
        if data.checklist is not None
        else default_checklist(data.partner_type)
    )
    seen_items: set[str] = set()
    for i, item in enumerate(checklist):
        if item["key"] in seen_items:
            problems.append(
                Problem(
                    "duplicate_key", f"checklist.{i}.key", MSG_DUPLICATE_KEY, {"key": item["key"]}
                )
            )
        seen_items.add(item["key"])
    weights: list[float] = []
    matrix: list[list[float]] | None = None
    consistency: float | None = None
    if data.weight_mode == WeightMode.DIRECT.value:
        if data.ahp_matrix is not None:
            problems.append(Problem("weights_or_ahp", "ahp_matrix", MSG_WEIGHTS_OR_AHP))
        missing = [j for j, c in enumerate(data.criteria) if c.weight is None]
        for j in missing:
            problems.append(
                Problem(
                    "weight_missing",
                    f"criteria.{j}.weight",
                    MSG_WEIGHT_MISSING,
                    {"criterion": names[j]},
                )
            )
        if not missing:
            weights = [float(c.weight or 0.0) for c in data.criteria]
            problems += check_weights_percent(
                weights, names=names, field=lambda j: f"criteria.{j}.weight", total_field="criteria"
            )
    else:
        result, matrix, matrix_problems = _ahp(data, names)
        problems += matrix_problems
        if result is not None:
            weights = [round(float(w) * 100, WEIGHT_DECIMALS) for w in result.weights]
            consistency = float(result.consistency_ratio)
        # weights beside a matrix are refused, unless they are the matrix's own (a template read
        # from the API carries them, and must re-import unchanged)
        given = [c.weight for c in data.criteria]
        if any(w is not None for w in given) and not (
            weights
            and all(
                w is not None and abs(w - derived) <= 10**-WEIGHT_DECIMALS
                for w, derived in zip(given, weights, strict=True)
            )
        ):
            problems.append(Problem("weights_or_ahp", "ahp_matrix", MSG_WEIGHTS_OR_AHP))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(problems=[field_problem(p, locale) for p in errors])
    criteria = [
        _criterion(c, c.unit if c.scale == "measured" else None, weights[j])
        for j, c in enumerate(data.criteria)
    ]
    return {
        "name_en": data.name_en,
        "name_ko": data.name_ko,
        "weight_mode": data.weight_mode,
        "criteria": criteria,
        "ahp_matrix": matrix,
        "consistency_ratio": consistency,
        "checklist": checklist,
        "note": data.note,
    }


def _ahp(
    data: schemas.SelectionTemplateIn, names: Sequence[str]
) -> tuple[AhpResult | None, list[list[float]] | None, list[Problem]]:
    if data.ahp_matrix is None:
        return None, None, [Problem("ahp_required", "ahp_matrix", MSG_AHP_MATRIX_REQUIRED)]
    matrix, problems = parse_matrix(data.ahp_matrix)
    if problems:
        return None, None, problems
    problems = check_pairwise_matrix(
        matrix, len(names), field=lambda i, j: f"ahp_matrix.{i}.{j}", matrix_field="ahp_matrix"
    )
    if problems:
        return None, None, problems
    return ahp_weights(matrix), [[float(v) for v in row] for row in matrix], []


def parse_matrix(
    raw: Sequence[Sequence[float | str]],
) -> tuple[np.ndarray[Any, Any], list[Problem]]:
    import numpy as np

    problems: list[Problem] = []
    width = max((len(row) for row in raw), default=0)
    width = max(width, len(raw)) if any(len(row) != width for row in raw) else width
    matrix = np.full((len(raw), width), np.nan)
    for i, row in enumerate(raw):
        for j, value in enumerate(row):
            number = parse_fraction(value)
            if math.isnan(number):
                problems.append(Problem("number", f"ahp_matrix.{i}.{j}", MSG_NUMBER_OR_FRACTION))
            matrix[i, j] = number
    return matrix, problems


def ahp_summary(
    matrix: Sequence[Sequence[float | str]], names: Sequence[str], locale: str
) -> schemas.AhpRead:
    """Weights, CR and the named inconsistent pair, for the template form's live preview."""
    parsed, problems = parse_matrix(matrix)
    if not problems:
        problems = check_pairwise_matrix(
            parsed, len(names), field=lambda i, j: f"matrix.{i}.{j}", matrix_field="matrix"
        )
    if problems:
        raise ValidationFailed(problems=[field_problem(p, locale) for p in problems])
    result = ahp_weights(parsed)
    warning = result.consistency_warning(list(names))
    return schemas.AhpRead(
        weights_percent=[round(float(w) * 100, WEIGHT_DECIMALS) for w in result.weights],
        lambda_max=result.lambda_max,
        consistency_ratio=result.consistency_ratio,
        acceptable=result.acceptable,
        most_inconsistent_pair=(
            None if result.worst_pair is None else [names[k] for k in result.worst_pair]
        ),
        warning=warning.render(locale) if warning is not None else None,
    )


def version_ahp(version: TemplateVersion, locale: str) -> schemas.AhpRead | None:
    """The stored matrix re-analysed for display (weights, CR, warning in the reader's words)."""
    if version.ahp_matrix is None:
        return None
    names = [criterion_name(c, locale) for c in version.criteria]
    return ahp_summary(version.ahp_matrix, names, locale)


def criterion_name(criterion: dict[str, Any], locale: str) -> str:
    return str(criterion.get(f"name_{locale}") or criterion.get("name_en") or criterion["key"])


def scale_bounds(criterion: dict[str, Any]) -> tuple[float, float]:
    return SCALES[str(criterion["scale"])]


def problems_as_fields(problems: Sequence[Problem], locale: str) -> list[FieldProblem]:
    return [field_problem(p, locale) for p in problems]
