"""Migration 0018 on a database that already holds performance reviews: every review becomes a
meeting of kind performance_review with its decisions numbered and its action items kept (side,
owner, due date, status, note), on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command

from cofab.db.migrate import alembic_config, upgrade

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC).replace(tzinfo=None)


def _filled(table: sa.Table, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable:
            continue
        kind = column.type
        if isinstance(kind, sa.Boolean):
            row[column.name] = False
        elif isinstance(kind, sa.Integer | sa.Numeric):
            row[column.name] = 0
        elif isinstance(kind, sa.DateTime):
            row[column.name] = NOW
        elif isinstance(kind, sa.Date):
            row[column.name] = date(2026, 1, 1)
        elif isinstance(kind, sa.JSON):
            row[column.name] = []
        else:
            row[column.name] = "x"
    return row | values


def _seed_reviews(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.reflect(engine, only=["partners", "business_units", "perf_reviews", "perf_action_items"])
    t = meta.tables
    reviews = t["perf_reviews"]
    with engine.begin() as conn:
        conn.execute(t["partners"].insert().values(_filled(t["partners"], id=1, name_en="Alpha")))
        conn.execute(
            t["business_units"]
            .insert()
            .values(_filled(t["business_units"], id=7, code="cells", name_ko="셀", name_en="Cells"))
        )
        conn.execute(
            reviews.insert(),
            [
                _filled(
                    reviews,
                    id=11,
                    unit_id=7,
                    partner_id=1,
                    title="Q1 review",
                    held_on=date(2026, 4, 10),
                    decisions=["Second source for cells", "Audit in May"],
                    created_by="manager@owner.test",
                ),
                _filled(
                    reviews,
                    id=12,
                    unit_id=None,
                    partner_id=1,
                    title="Q2 review",
                    held_on=date(2026, 7, 9),
                    decisions=[],
                    created_by="manager@owner.test",
                ),
            ],
        )
        items = t["perf_action_items"]
        conn.execute(
            items.insert(),
            [
                _filled(
                    items,
                    id=21,
                    partner_id=1,
                    review_id=11,
                    title="Send PPAP",
                    owner_side="partner",
                    owner_name="Kim",
                    due_date=date(2026, 5, 1),
                    status="done",
                    note="sent 28 Apr",
                ),
                _filled(
                    items,
                    id=22,
                    partner_id=1,
                    review_id=11,
                    title="Book audit",
                    owner_side="owner",
                    owner_name=None,
                    due_date=date(2026, 5, 20),
                    status="in_progress",
                    note=None,
                ),
            ],
        )


def test_every_review_becomes_a_meeting_with_its_decisions_and_items(
    empty_database: sa.Engine,
) -> None:
    config = alembic_config(empty_database)
    with empty_database.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011_units")
    _seed_reviews(empty_database)
    upgrade(empty_database)
    with empty_database.connect() as conn:
        meetings = conn.execute(
            sa.text(
                "SELECT review_id, kind, title, partner_id, unit_id, starts_at, timezone, id"
                " FROM gov_meetings ORDER BY review_id"
            )
        ).all()
        assert [(m[0], m[1], m[2], m[3], m[4]) for m in meetings] == [
            (11, "performance_review", "Q1 review", 1, 7),
            (12, "performance_review", "Q2 review", 1, None),
        ]
        assert str(meetings[0][5]).startswith("2026-04-10 00:00")
        decisions = conn.execute(
            sa.text(
                "SELECT meeting_id, number, kind, text, effective_on FROM gov_decisions"
                " ORDER BY number"
            )
        ).all()
        assert [(d[0], d[1], d[2], d[3], str(d[4])) for d in decisions] == [
            (meetings[0][7], 1, "decision", "Second source for cells", "2026-04-10"),
            (meetings[0][7], 2, "decision", "Audit in May", "2026-04-10"),
        ]
        items = conn.execute(
            sa.text(
                "SELECT source_action_item_id, meeting_id, title, side, owner_name, due_date,"
                " status, note, done_at FROM gov_action_items ORDER BY source_action_item_id"
            )
        ).all()
        assert [(i[0], i[1], i[2], i[3], i[4], str(i[5]), i[6], i[7]) for i in items] == [
            (
                21,
                meetings[0][7],
                "Send PPAP",
                "partner",
                "Kim",
                "2026-05-01",
                "done",
                "sent 28 Apr",
            ),
            (22, meetings[0][7], "Book audit", "owner", "", "2026-05-20", "in_progress", ""),
        ]
        assert items[0][8] is not None and items[1][8] is None
        # the reviews themselves are untouched
        assert conn.execute(sa.text("SELECT COUNT(*) FROM perf_reviews")).scalar_one() == 2
        assert conn.execute(sa.text("SELECT COUNT(*) FROM perf_action_items")).scalar_one() == 2
