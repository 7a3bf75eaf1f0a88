"""Migration 0032 backfills the subgroup statistics of measurements stored before it, and a
stored Cpk target of 1.33 (the old default) becomes "none" (the quality agreement's applies).

Hand-checked: subgroup 1 = (10, 12, 14): n 3, mean 12, M2 = 4 + 0 + 4 = 8, s = √(8/2) = 2,
range 4; subgroup 2 = (7): n 1, M2 0, s 0, range 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from tests.conftest import filled_row

from cofab.db.migrate import upgrade


def test_backfill_of_existing_measurements(empty_database: sa.Engine) -> None:
    upgrade(empty_database, "0026_quality_files")
    old = sa.MetaData()
    names = ("partners", "quality_characteristics", "quality_measurements")
    old.reflect(empty_database, only=names)
    partners, chars, values = (old.tables[n] for n in names)
    with empty_database.begin() as connection:
        connection.execute(partners.insert().values(filled_row(partners, id=1)))
        for cid, target in ((1, 1.33), (2, 1.67)):
            row = filled_row(chars, id=cid, partner_id=1, cpk_target=target)
            connection.execute(chars.insert().values(row))
        connection.execute(
            values.insert(),
            [
                {"characteristic_id": 1, "partner_id": 1, "subgroup": g, "seq": s, "value": v}
                for g, s, v in ((1, 1, 10.0), (1, 2, 12.0), (1, 3, 14.0), (2, 1, 7.0))
            ],
        )
    upgrade(empty_database)
    with empty_database.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT subgroup, n, mean, m2, std, value_range, min_value, max_value"
                " FROM quality_subgroups WHERE characteristic_id = 1 ORDER BY subgroup"
            )
        ).all()
        targets = connection.execute(
            sa.text("SELECT id, cpk_target FROM quality_characteristics ORDER BY id")
        ).all()
    assert [tuple(t) for t in targets] == [(1, None), (2, 1.67)]  # 1.33 was the old default
    assert [tuple(r) for r in rows] == [
        (1, 3, 12.0, 8.0, 2.0, 4.0, 10.0, 14.0),
        (2, 1, 7.0, 0.0, 0.0, 0.0, 7.0, 7.0),
    ]
