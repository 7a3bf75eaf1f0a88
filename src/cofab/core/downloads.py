"""Send a table as a CSV or XLSX download: one place, so every export gets the same name
scheme and the same formula-safe cells (``core/tabular`` writes them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.responses import Response

from cofab.core.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, write_csv, write_xlsx


def tabular_response(headers: list[str], rows: list[list[Any]], name: str, format: str) -> Response:
    if format == "xlsx":
        content, media = write_xlsx(headers, rows, title=name), XLSX_MEDIA_TYPE
    else:
        content, media = write_csv(headers, rows), CSV_MEDIA_TYPE
    disposition = f'attachment; filename="{name}-{date.today().isoformat()}.{format}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})
