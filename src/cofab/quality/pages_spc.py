"""A characteristic's control charts (server-side SVG, run-rule violations marked) and its
capability, with an alert when Cpk is below the agreed target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from cofab.core.access import Actor
from cofab.core.i18n import N_
from cofab.core.web import DbSession, page_actor, render
from cofab.quality import plans

if TYPE_CHECKING:
    from cofab.quality.engine.analysis import ChartSeries

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 760, 220, 64, 16, 18
TARGET_SOURCES = {  # where the Cpk target comes from (plans.cpk_target_of)
    "characteristic": N_("set on the characteristic"),
    "agreement": N_("quality agreement"),
    "default": N_("default"),
}
CHART_TITLES = {
    "xbar": N_("Subgroup means (X-bar)"),
    "r": N_("Subgroup ranges (R)"),
    "s": N_("Subgroup standard deviations (S)"),
    "i": N_("Individual values (I)"),
    "mr": N_("Moving ranges (MR)"),
}


@dataclass(frozen=True, slots=True)
class Drawn:
    """Screen coordinates of one chart, so the template only places elements."""

    name: str
    polyline: str
    points: list[tuple[float, float, float, bool]]  # x, y, value, violates
    lines: list[tuple[str, float, float]]  # label, y, value
    violations: list[tuple[str, int, float]]


def draw(series: ChartSeries) -> Drawn:
    values = series.points
    low = min([*values, series.lcl])
    high = max([*values, series.ucl])
    span = (high - low) or 1.0
    low, high = low - span * 0.05, high + span * 0.05
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    step = inner_w / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return round(PAD_Y + (high - value) / (high - low) * (HEIGHT - 2 * PAD_Y), 2)

    flagged = {index for _rule, index in series.violations}
    points = [
        (round(PAD_LEFT + i * step, 2), y_of(v), v, i in flagged) for i, v in enumerate(values)
    ]
    return Drawn(
        name=series.name,
        polyline=" ".join(f"{x},{y}" for x, y, _v, _f in points),
        points=points,
        lines=[
            ("UCL", y_of(series.ucl), series.ucl),
            ("CL", y_of(series.center), series.center),
            ("LCL", y_of(series.lcl), series.lcl),
        ],
        violations=[(rule, index, values[index]) for rule, index in series.violations],
    )


@router.get("/quality/characteristics/{characteristic_id}/spc", response_class=HTMLResponse)
def spc_page(
    request: Request,
    session: DbSession,
    actor: ActorDep,
    characteristic_id: int,
    chart: Literal["xbar-r", "xbar-s", "i-mr"] | None = None,
) -> HTMLResponse:
    # numpy and the SPC engine load on the first chart, not when the app starts
    from cofab.quality import spc_service
    from cofab.quality.engine.rule_names import RULES

    char = spc_service.characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    found = spc_service.chart_of(
        session, actor=actor, characteristic_id=characteristic_id, chart=chart
    )
    stats = spc_service.capability_of(session, actor=actor, characteristic_id=characteristic_id)
    target, source = plans.cpk_target_for(session, char)
    context: dict[str, Any] = {
        "char": char,
        "analysis": found,
        "drawn": [draw(series) for series in found.charts] if found else [],
        "stats": stats,
        "titles": CHART_TITLES,
        "rule_labels": {rule: N_(text) for rule, text in RULES.items()},
        "width": WIDTH,
        "height": HEIGHT,
        "pad_left": PAD_LEFT,
        "target": target,
        "target_source": source,
        "target_sources": TARGET_SOURCES,
        "below_target": bool(
            stats and stats.capability.cpk is not None and stats.capability.cpk < target
        ),
    }
    return render(request, "quality/spc_chart.html", context)
