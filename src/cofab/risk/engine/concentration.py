"""Herfindahl–Hirschman index of a spend or volume split (Σ share² × 10,000, shares in 0–1)
and the DOJ/FTC 2023 Merger Guidelines bands: below 1,000 unconcentrated, 1,000–1,800
moderately concentrated, above 1,800 highly concentrated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

MODERATE_FROM = 1000.0
HIGH_ABOVE = 1800.0


@dataclass(frozen=True, slots=True)
class Share:
    key: str
    amount: float
    share: float  # 0–1


@dataclass(frozen=True, slots=True)
class Concentration:
    hhi: float
    band: str  # "unconcentrated" | "moderate" | "high"
    total: float
    shares: tuple[Share, ...]  # largest first


def band_of(hhi: float) -> str:
    if hhi > HIGH_ABOVE:
        return "high"
    if hhi >= MODERATE_FROM:
        return "moderate"
    return "unconcentrated"


def concentration(amounts: Mapping[str, float]) -> Concentration:
    """Zero and negative amounts carry no share (a credit note is not a supplier's weight)."""
    keys = [k for k, v in amounts.items() if v > 0]
    values = np.array([float(amounts[k]) for k in keys], dtype=np.float64)
    total = float(values.sum())
    if total <= 0:
        return Concentration(0.0, band_of(0.0), 0.0, ())
    shares = values / total
    hhi = float(np.sum(shares**2) * 10_000.0)
    order = np.argsort(-values, kind="stable")
    return Concentration(
        hhi=hhi,
        band=band_of(hhi),
        total=total,
        shares=tuple(Share(keys[i], float(values[i]), float(shares[i])) for i in order),
    )
