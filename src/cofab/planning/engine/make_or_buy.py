"""Own capacity versus a contract manufacturer for one product family, in present-value cost.

Both options cost ``fixed + slope × volume`` in present value when the volume per period is
constant, so the break-even volume is where the two lines cross. Conventions:
  * periods are numbered 1..N and discounted by (1 + r)^-i; capex is paid at time 0;
  * own plant: during ramp-up it makes i / (R + 1) of the volume in period i (R = ramp-up
    periods), and the rest is bought from the partner at its unit price (no extra fee);
  * outsourcing: a one-off setup fee at time 0, a fixed fee every period and a unit price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cofab.planning.engine.model import FloatArray

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class OwnCapacity:
    capex: float
    fixed_opex: float  # per period
    unit_cost: float
    ramp_up_periods: int = 0


@dataclass(frozen=True, slots=True)
class Outsourcing:
    unit_price: float
    fixed_fee: float  # per period
    setup_fee: float = 0.0


@dataclass(frozen=True, slots=True)
class MakeOrBuyCase:
    own: OwnCapacity
    outsource: Outsourcing
    periods: int
    discount_rate: float  # per period


@dataclass(frozen=True, slots=True)
class CostLine:
    """Present value of cost = ``fixed + slope × volume per period``."""

    fixed: float
    slope: float

    def at(self, volume: FloatArray) -> FloatArray:
        return self.fixed + self.slope * volume


@dataclass(frozen=True, slots=True)
class MakeOrBuyResult:
    own: CostLine
    outsource: CostLine
    #: volume per period above which owning is cheaper; 0 = always own, None = never own
    break_even_volume: float | None
    levels: FloatArray
    own_npv: FloatArray
    outsource_npv: FloatArray

    @property
    def cheaper(self) -> list[str]:
        out = []
        for own, buy in zip(self.own_npv.tolist(), self.outsource_npv.tolist(), strict=True):
            if abs(own - buy) <= 1e-9 * max(1.0, abs(own), abs(buy)):
                out.append("equal")
            else:
                out.append("own" if own < buy else "outsource")
        return out


def _discount(case: MakeOrBuyCase) -> FloatArray:
    import numpy as np

    periods = np.arange(1, case.periods + 1, dtype=np.float64)
    factors: FloatArray = (1.0 + case.discount_rate) ** -periods
    return factors


def ramp_share(case: MakeOrBuyCase) -> FloatArray:
    """Share of the volume the own plant makes in each period."""
    import numpy as np

    periods = np.arange(1, case.periods + 1, dtype=np.float64)
    share: FloatArray = np.minimum(1.0, periods / (case.own.ramp_up_periods + 1))
    return share


def cost_lines(case: MakeOrBuyCase) -> tuple[CostLine, CostLine]:
    import numpy as np

    discount = _discount(case)
    share = ramp_share(case)
    own, buy = case.own, case.outsource
    own_line = CostLine(
        fixed=own.capex + own.fixed_opex * float(discount.sum()),
        slope=float(np.dot(discount, share * own.unit_cost + (1.0 - share) * buy.unit_price)),
    )
    buy_line = CostLine(
        fixed=buy.setup_fee + buy.fixed_fee * float(discount.sum()),
        slope=buy.unit_price * float(discount.sum()),
    )
    return own_line, buy_line


def break_even(own: CostLine, buy: CostLine) -> float | None:
    saving_per_unit = buy.slope - own.slope
    extra_fixed = own.fixed - buy.fixed
    if saving_per_unit <= 0:
        return 0.0 if extra_fixed < 0 else None
    return max(0.0, extra_fixed / saving_per_unit)


def analyse(case: MakeOrBuyCase, levels: FloatArray | None = None) -> MakeOrBuyResult:
    """NPV of both options per demand level (volume per period) and the break-even volume.

    Without levels, five levels around the break-even (or a plain range) are chosen.
    """
    import numpy as np

    if case.periods < 1:
        raise ValueError("periods must be at least 1")
    own_line, buy_line = cost_lines(case)
    volume = break_even(own_line, buy_line)
    if levels is None:
        centre = volume if volume else 1000.0
        levels = np.array([0.25, 0.5, 1.0, 1.5, 2.0]) * centre
    levels = np.asarray(levels, dtype=np.float64)
    return MakeOrBuyResult(
        own=own_line,
        outsource=buy_line,
        break_even_volume=volume,
        levels=levels,
        own_npv=own_line.at(levels),
        outsource_npv=buy_line.at(levels),
    )
