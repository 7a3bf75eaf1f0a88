"""Altman Z-score for the financial review in due diligence: will this partner still exist?

Two published models, chosen by what the partner's figures can support:

* ``public`` — Altman (1968), listed manufacturers, market value of equity:
  Z = 1.2·X1 + 1.4·X2 + 3.3·X3 + 0.6·X4 + 1.0·X5; safe above 2.99, distress below 1.81.
* ``private`` — Altman's Z'' (1995), private and non-manufacturing firms, book equity and no
  sales term (asset turnover varies too much by industry):
  Z'' = 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4; safe above 2.6, distress below 1.1.

X1 = working capital / total assets, X2 = retained earnings / total assets,
X3 = EBIT / total assets, X4 = equity (market or book) / total liabilities,
X5 = sales / total assets. The boundary values themselves belong to the grey zone.
Vectorised: pass arrays to score many partners at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from cofab.core.i18n import N_
from cofab.selection.problems import Label, Problem, raise_if_errors

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


FloatArray: TypeAlias = "npt.NDArray[np.float64]"
Model = Literal["public", "private"]
Zone = Literal["safe", "grey", "distress"]

COEFFICIENTS: dict[Model, tuple[float, ...]] = {
    "public": (1.2, 1.4, 3.3, 0.6, 1.0),
    "private": (6.56, 3.26, 6.72, 1.05, 0.0),
}
ZONES: dict[Model, tuple[float, float]] = {
    "public": (1.81, 2.99),  # (distress below, safe above)
    "private": (1.1, 2.6),
}

ZONE_LABELS: dict[Zone, str] = {
    "safe": N_("safe"),
    "grey": N_("grey"),
    "distress": N_("distress"),
}

MSG_NOT_POSITIVE = N_("{figure} must be above zero to compute the Altman Z-score.")
MSG_NOT_FINITE = N_("{figure} must be a number.")
MSG_SALES_NEEDED = N_("Sales are needed for the public-company Altman Z-score.")
MSG_UNKNOWN_MODEL = N_("Unknown Altman model {model}; use public or private.")

FIGURE_LABELS = {
    "working_capital": N_("Working capital"),
    "retained_earnings": N_("Retained earnings"),
    "ebit": N_("EBIT"),
    "equity": N_("Equity"),
    "sales": N_("Sales"),
    "total_assets": N_("Total assets"),
    "total_liabilities": N_("Total liabilities"),
}


@dataclass(frozen=True)
class AltmanResult:
    model: Model
    z: FloatArray
    zone: npt.NDArray[np.str_]  # "safe" / "grey" / "distress"
    ratios: FloatArray  # (..., 5): X1 … X5 (X5 = 0 for the private model)


def altman_z(
    *,
    working_capital: npt.ArrayLike,
    retained_earnings: npt.ArrayLike,
    ebit: npt.ArrayLike,
    equity: npt.ArrayLike,
    total_assets: npt.ArrayLike,
    total_liabilities: npt.ArrayLike,
    sales: npt.ArrayLike | None = None,
    model: Model = "public",
) -> AltmanResult:
    """Z (or Z'') and its zone; ``equity`` is market value (public) or book value (private)."""
    import numpy as np

    if model not in COEFFICIENTS:
        raise_if_errors([Problem("altman_model", "/model", MSG_UNKNOWN_MODEL, {"model": model})])
    figures = {
        "working_capital": working_capital,
        "retained_earnings": retained_earnings,
        "ebit": ebit,
        "equity": equity,
        "total_assets": total_assets,
        "total_liabilities": total_liabilities,
    }
    problems: list[Problem] = []
    if model == "public":
        if sales is None:
            problems.append(Problem("altman_sales", "/sales", MSG_SALES_NEEDED))
        else:
            figures["sales"] = sales
    values = {key: np.asarray(value, dtype=np.float64) for key, value in figures.items()}
    for key, value in values.items():
        if not np.isfinite(value).all():
            problems.append(
                Problem(
                    "altman_not_finite",
                    f"/{key}",
                    MSG_NOT_FINITE,
                    {"figure": Label(FIGURE_LABELS[key])},
                )
            )
    for key in ("total_assets", "total_liabilities"):
        if np.isfinite(values[key]).all() and not (values[key] > 0).all():
            problems.append(
                Problem(
                    "altman_not_positive",
                    f"/{key}",
                    MSG_NOT_POSITIVE,
                    {"figure": Label(FIGURE_LABELS[key])},
                )
            )
    raise_if_errors(problems)
    assets = values["total_assets"]
    x = np.stack(
        np.broadcast_arrays(
            values["working_capital"] / assets,
            values["retained_earnings"] / assets,
            values["ebit"] / assets,
            values["equity"] / values["total_liabilities"],
            values.get("sales", np.zeros(())) / assets,
        ),
        axis=-1,
    )
    z = x @ np.asarray(COEFFICIENTS[model])
    return AltmanResult(model, z, zone_of(z, model), x)


def zone_of(z: npt.ArrayLike, model: Model) -> npt.NDArray[np.str_]:
    import numpy as np

    distress_below, safe_above = ZONES[model]
    values = np.asarray(z, dtype=np.float64)
    zones: npt.NDArray[np.str_] = np.where(
        values > safe_above, "safe", np.where(values < distress_below, "distress", "grey")
    )
    return zones
