"""SPC JSON API: import a characteristic's measurements, read its chart and capability."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, UploadFile

from cofab.core.access import Actor
from cofab.core.uploads import read_limited
from cofab.core.web import DbSession, api_actor
from cofab.quality import plans

router = APIRouter(prefix="/api/v1/quality", tags=["quality"])
ActorDep = Annotated[Actor, Depends(api_actor)]
UPLOAD_LIMIT_MB = 64  # a million rows of CSV is ~30 MB


@router.post("/characteristics/{characteristic_id}/measurements/import")
def import_measurements(
    session: DbSession,
    actor: ActorDep,
    characteristic_id: int,
    file: Annotated[UploadFile, File()],
) -> dict[str, int]:
    """All rows or none; rows whose external_ref is stored already are skipped."""
    from cofab.quality import measurement_import  # numpy: loaded on first use, not at start-up

    content = read_limited(file, UPLOAD_LIMIT_MB)
    result = measurement_import.import_measurements(
        session,
        actor=actor,
        characteristic_id=characteristic_id,
        content=content,
        filename=file.filename or "upload.csv",
    )
    return {"rows": result.rows, "inserted": result.inserted, "skipped": result.skipped}


@router.get("/characteristics/{characteristic_id}/chart")
def chart(
    session: DbSession,
    actor: ActorDep,
    characteristic_id: int,
    kind: Literal["xbar-r", "xbar-s", "i-mr"] | None = None,
) -> dict[str, Any]:
    """Points (the last 200 subgroups), limits and run-rule violations of one chart."""
    from cofab.quality import spc_service  # numpy: loaded on first use, not at start-up

    found = spc_service.chart_of(
        session, actor=actor, characteristic_id=characteristic_id, chart=kind
    )
    if found is None:
        return {"characteristic_id": characteristic_id, "chart": None}
    body = found.as_json()
    body["characteristic_id"] = characteristic_id
    body["points"] = {series.name: series.points for series in found.charts}
    return body


@router.get("/characteristics/{characteristic_id}/capability")
def capability(session: DbSession, actor: ActorDep, characteristic_id: int) -> dict[str, Any]:
    """X̄-R limits and Cp/Cpk/Pp/Ppk over every complete subgroup, aggregated in the database."""
    from cofab.quality import spc_service  # numpy: loaded on first use, not at start-up

    char = spc_service.characteristic_for(session, actor=actor, characteristic_id=characteristic_id)
    stats = spc_service.capability_of(session, actor=actor, characteristic_id=characteristic_id)
    target, source = plans.cpk_target_for(session, char)
    body: dict[str, Any] = {
        "characteristic_id": characteristic_id,
        "lsl": char.lsl,
        "usl": char.usl,
        "cpk_target": target,
        "cpk_target_source": source,  # characteristic | agreement | default (1.33)
    }
    if stats is None:
        return body | {"n": 0}
    cap = stats.capability
    return body | {
        "n": stats.n,
        "subgroups": stats.subgroups,
        "subgroup_size": stats.subgroup_size,
        **cap.as_json(),
        "limits": {
            "xbar": dict(zip(("center", "lcl", "ucl"), stats.xbar, strict=True)),
            "r": dict(zip(("center", "lcl", "ucl"), stats.r, strict=True)),
        },
        "below_target": cap.cpk is not None and cap.cpk < target,
    }
