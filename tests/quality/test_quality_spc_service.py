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
