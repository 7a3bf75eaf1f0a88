"""What the forecast domain offers the rest of cofab (and its own api, pages and cli).

Other domains import this module only: capacity points for plans that read live data, the
published forecast and its commitments, conversion of the frozen zone into orders and the
accuracy figures.
"""

from __future__ import annotations

from cofab.forecast.analytics import accuracy, gap, waterfall
from cofab.forecast.capacity import (
    capacity_points,
    create_declaration,
    delete_declaration,
    get_declaration,
    list_declarations,
    monthly_capacity,
)
from cofab.forecast.conversion import convert_frozen
from cofab.forecast.demand import (
    create_demand,
    demand_lines,
    get_demand,
    import_demand,
    list_demand,
    list_products,
    upsert_product,
)
from cofab.forecast.publication import (
    DEFAULT_FIRM,
    DEFAULT_FROZEN,
    accept,
    get_line,
    get_publication,
    list_publications,
    publication_lines,
    publish,
    reservations,
    respond,
)
from cofab.planning.service import ensure_writer

__all__ = [
    "DEFAULT_FIRM",
    "DEFAULT_FROZEN",
    "accept",
    "accuracy",
    "capacity_points",
    "convert_frozen",
    "create_declaration",
    "create_demand",
    "delete_declaration",
    "demand_lines",
    "ensure_writer",
    "gap",
    "get_declaration",
    "get_demand",
    "get_line",
    "get_publication",
    "import_demand",
    "list_declarations",
    "list_demand",
    "list_products",
    "list_publications",
    "monthly_capacity",
    "publication_lines",
    "publish",
    "reservations",
    "respond",
    "upsert_product",
    "waterfall",
]
