"""Measurement import and the SQL-aggregated limits/capability, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from tests.conftest import World
from tests.quality.spc_factories import actor_of, make_characteristic

from cofab.core.errors import NotFound, ValidationFailed
from cofab.db.session import unit_of_work
from cofab.quality import measurement_import, spc_service
from cofab.quality.models import Measurement

DATA = Path(__file__).parent / "data" / "piston_rings.csv"


def piston_csv(ref_prefix: str = "PR") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["subgroup", "value", "external_ref"])
    with DATA.open() as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            writer.writerow([row["sample"], row["value"], f"{ref_prefix}-{i}"])
    return out.getvalue().encode()


def load(engine: Engine, email: str, char_id: int, content: bytes, name: str = "m.csv") -> object:
    actor = actor_of(engine, email)
    with unit_of_work(engine) as session:
        return measurement_import.import_measurements(
            session, actor=actor, characteristic_id=char_id, content=content, filename=name
        )


def count(engine: Engine, char_id: int) -> int:
    with unit_of_work(engine) as session:
        found = session.execute(
            select(func.count()).where(Measurement.characteristic_id == char_id)
        ).scalar_one()
        return int(found)


def test_import_is_idempotent_and_feeds_the_sql_capability(engine: Engine, world: World) -> None:
    char = make_characteristic(engine, world.partner_a)
    first = load(engine, world.users["partner_a"], char, piston_csv())
    assert (first.rows, first.inserted, first.skipped) == (125, 125, 0)  # type: ignore[attr-defined]
    again = load(engine, world.users["quality"], char, piston_csv())
    assert (again.inserted, again.skipped) == (0, 125)  # type: ignore[attr-defined]
    assert count(engine, char) == 125

    actor = actor_of(engine, world.users["quality"])
    with unit_of_work(engine) as session:
        stats = spc_service.capability_of(session, actor=actor, characteristic_id=char)
        drawn = spc_service.chart_of(session, actor=actor, characteristic_id=char)
    assert stats is not None and drawn is not None
    # hand-computed from the column sums of Montgomery's Table 6.3
    xbb, rbar = 1850.0314 / 25, 0.571 / 25
    assert stats.grand_mean == pytest.approx(xbb, abs=1e-9)
    assert stats.mean_range == pytest.approx(rbar, abs=1e-12)
    assert stats.xbar[2] == pytest.approx(xbb + 0.577 * rbar, abs=1e-9)
    assert stats.r[2] == pytest.approx(2.114 * rbar, abs=1e-12)
    values = np.loadtxt(DATA, delimiter=",", skiprows=1, usecols=1)
    groups = values.reshape(25, 5)
    assert stats.mean_std == pytest.approx(groups.std(axis=1, ddof=1).mean(), rel=1e-9)
    cap = stats.capability
    assert cap.sigma_overall == pytest.approx(values.std(ddof=1), rel=1e-9)
    assert cap.cp == pytest.approx(0.1 / (6 * rbar / 2.326), rel=1e-9)
    # the drawn chart and the SQL path agree
    assert drawn.charts[0].ucl == pytest.approx(stats.xbar[2], abs=1e-9)
    assert len(drawn.charts[0].points) == 25


def test_partial_subgroups_are_left_out(engine: Engine, world: World) -> None:
    char = make_characteristic(engine, world.partner_a, subgroup_size=2)
    load(engine, world.users["quality"], char, b"subgroup,value\n1,1\n1,3\n2,2\n2,6\n3,100\n")
    actor = actor_of(engine, world.users["quality"])
    with unit_of_work(engine) as session:
        stats = spc_service.capability_of(session, actor=actor, characteristic_id=char)
    assert stats is not None
    assert (stats.subgroups, stats.n) == (2, 4)
    assert stats.mean_range == 3.0 and stats.grand_mean == 3.0
    assert stats.capability.sigma_overall == pytest.approx(np.std([1, 3, 2, 6], ddof=1))


@pytest.mark.parametrize(
    ("content", "field", "fragment"),
    [
        (b"subgroup,value\n1,1.5\n1,abc\n", "Measured value", {"row": 3, "value": "abc"}),
        (b"subgroup,value\n1,1.5\n1,\n", "Measured value", {"row": 3}),
        (b"subgroup,value\n1.5,1\n", "Subgroup", {"row": 2}),
        (b"value\n1\n", "Subgroup", {"column": "subgroup"}),
        (b"subgroup,value,external_ref\n1,1,A\n1,2,A\n", "External reference", {"row": 3}),
        (b"subgroup,value,measured_at\n1,1,yesterday\n", "Measured at", {"row": 2}),
    ],
)
def test_bad_rows_name_column_and_row_and_write_nothing(
    engine: Engine, world: World, content: bytes, field: str, fragment: dict[str, object]
) -> None:
    char = make_characteristic(engine, world.partner_a)
    with pytest.raises(ValidationFailed) as caught:
        load(engine, world.users["quality"], char, content)
    problem = caught.value.problems[0]
    assert problem.field == field
    assert fragment.items() <= problem.params.items()
    assert count(engine, char) == 0


def test_korean_headers_and_xlsx(engine: Engine, world: World) -> None:
    from openpyxl import Workbook

    char = make_characteristic(engine, world.partner_a)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["부분군", "측정값", "외부참조", "측정일시"])
    sheet.append([1, 10.5, "X1", "2026-01-02T03:04:05Z"])
    sheet.append([1, 11.5, "X2", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    result = load(engine, world.users["quality"], char, buffer.getvalue(), "m.xlsx")
    assert result.inserted == 2  # type: ignore[attr-defined]
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Measurement.seq, Measurement.value, Measurement.measured_at)
            .where(Measurement.characteristic_id == char)
            .order_by(Measurement.seq)
        ).all()
    assert [(r.seq, r.value) for r in rows] == [(1, 10.5), (2, 11.5)]
    assert rows[0].measured_at is not None and rows[0].measured_at.hour == 3


def test_another_partner_cannot_import_or_read(engine: Engine, world: World) -> None:
    char_b = make_characteristic(engine, world.partner_b)
    with pytest.raises(NotFound):
        load(engine, world.users["partner_a"], char_b, b"subgroup,value\n1,1\n")
    actor = actor_of(engine, world.users["partner_a"])
    with unit_of_work(engine) as session, pytest.raises(NotFound):
        spc_service.capability_of(session, actor=actor, characteristic_id=char_b)
    assert count(engine, char_b) == 0


def _subgroup_rows(engine: Engine, char_id: int) -> list[tuple[object, ...]]:
    from cofab.quality.models import MeasurementSubgroup as S

    with unit_of_work(engine) as session:
        rows = session.execute(
            select(S.subgroup, S.n, S.mean, S.m2, S.std, S.value_range)
            .where(S.characteristic_id == char_id)
            .order_by(S.subgroup)
        ).all()
    return [tuple(r) for r in rows]


def test_subgroup_statistics_follow_every_write(engine: Engine, world: World) -> None:
    """Subgroups of 2. First file: (1, 3) and (2, …) half; the second completes subgroup 2 with
    6, repeats a stored row (skipped) and adds (5, 5). By hand: subgroup 1 mean 2, M2 2, s √2,
    range 2; subgroup 2 (2, 6) mean 4, M2 8, s √8, range 4; subgroup 3 mean 5, M2 0, range 0.
    X̿ = (2 + 4 + 5)/3 = 11/3, R̄ = (2 + 4 + 0)/3 = 2, S̄ = (√2 + 2√2 + 0)/3 = √2;
    σ_overall over 1, 3, 2, 6, 5, 5."""
    char = make_characteristic(engine, world.partner_a, subgroup_size=2)
    email = world.users["quality"]
    load(engine, email, char, b"subgroup,value,external_ref\n1,1,a\n1,3,b\n2,2,c\n")
    assert _subgroup_rows(engine, char) == [
        (1, 2, 2.0, 2.0, 2**0.5, 2.0),
        (2, 1, 2.0, 0.0, 0.0, 0.0),
    ]
    second = load(engine, email, char, b"subgroup,value,external_ref\n2,6,d\n1,3,b\n3,5,e\n3,5,f\n")
    assert second.inserted == 3  # type: ignore[attr-defined]
    assert _subgroup_rows(engine, char) == [
        (1, 2, 2.0, 2.0, 2**0.5, 2.0),
        (2, 2, 4.0, 8.0, 8**0.5, 4.0),
        (3, 2, 5.0, 0.0, 0.0, 0.0),
    ]
    actor = actor_of(engine, email)
    with unit_of_work(engine) as session:
        stats = spc_service.capability_of(session, actor=actor, characteristic_id=char)
    assert stats is not None and (stats.subgroups, stats.n) == (3, 6)
    assert stats.grand_mean == pytest.approx(11 / 3, rel=1e-12)
    assert stats.mean_range == pytest.approx(2.0, rel=1e-12)
    assert stats.mean_std == pytest.approx(2**0.5, rel=1e-12)
    raw = np.array([1, 3, 2, 6, 5, 5], dtype=float)
    assert stats.capability.sigma_overall == pytest.approx(raw.std(ddof=1), rel=1e-12)
    # one import of the same rows gives the same figures
    whole = make_characteristic(engine, world.partner_a, subgroup_size=2)
    load(engine, email, whole, b"subgroup,value\n1,1\n1,3\n2,2\n2,6\n3,5\n3,5\n")
    with unit_of_work(engine) as session:
        again = spc_service.capability_of(session, actor=actor, characteristic_id=whole)
    assert again is not None and again.capability == stats.capability


def test_pooled_figures_equal_the_raw_values_far_from_zero(engine: Engine, world: World) -> None:
    """Values near 74 with a spread of 1e-3: the pooled variance keeps its digits (a sum of
    squares of the raw values would lose about eight of them)."""
    rng = np.random.default_rng(5)
    values = np.round(74.0 + 0.001 * rng.standard_normal(400), 7)
    char = make_characteristic(engine, world.partner_a, subgroup_size=4)
    rows = (f"{i // 4 + 1},{v!r}\n" for i, v in enumerate(values.tolist()))
    body = "subgroup,value\n" + "".join(rows)
    load(engine, world.users["quality"], char, body.encode())
    actor = actor_of(engine, world.users["quality"])
    with unit_of_work(engine) as session:
        stats = spc_service.capability_of(session, actor=actor, characteristic_id=char)
    assert stats is not None
    groups = values.reshape(100, 4)
    assert stats.capability.sigma_overall == pytest.approx(values.std(ddof=1), rel=1e-9)
    assert stats.grand_mean == pytest.approx(values.mean(), rel=1e-12)
    assert stats.mean_range == pytest.approx(np.ptp(groups, axis=1).mean(), rel=1e-9)
    assert stats.mean_std == pytest.approx(groups.std(axis=1, ddof=1).mean(), rel=1e-9)
