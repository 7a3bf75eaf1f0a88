"""A list page and its total come from one statement (issue 11), and the total stays right past
the last page and for DISTINCT statements, which cannot carry it in a window."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from tests.conftest import make_partner

from cofab.core.pagination import paginate
from cofab.partners.models import Partner


def _statements(engine):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    return seen, lambda: event.remove(engine, "before_cursor_execute", note)


def test_pages_totals_and_statement_count(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        for index in range(5):
            make_partner(session, f"Page partner {index}")
        session.commit()
        stmt = select(Partner).order_by(Partner.name_en)
        seen, stop = _statements(engine)
        try:
            rows, total = paginate(session, stmt, page=1, size=2)
            assert [p.name_en for p in rows] == ["Page partner 0", "Page partner 1"]
            assert total == 5
            assert sum("FROM partners" in s for s in seen) == 1  # page and total together
            rows, total = paginate(session, stmt, page=3, size=2)
            assert [p.name_en for p in rows] == ["Page partner 4"] and total == 5
            assert paginate(session, stmt, page=4, size=2) == ([], 5)  # past the end
            assert paginate(session, stmt.where(Partner.name_en == "none"), page=1, size=2) == (
                [],
                0,
            )
            distinct = select(Partner.country).distinct().order_by(Partner.country)
            assert paginate(session, distinct, page=1, size=3) == (["VN"], 1)
        finally:
            stop()
