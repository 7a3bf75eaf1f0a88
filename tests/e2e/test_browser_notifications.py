"""In the browser: the bell in the header shows the unread count (fetched after the page has
loaded), leads to the notifications, and is cleared by "mark all as read"."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in
from tests.notifications.notification_factories import user_id

from cofab.db.session import unit_of_work
from cofab.notifications import service


def test_bell_counts_unread_and_clears_after_mark_all_read(
    world: World,
    engine: Engine,
    base_url: str,
    page,  # type: ignore[no-untyped-def]
) -> None:
    with unit_of_work(engine) as session:
        uid = user_id(session, world.users["partner_a"])
        for n in (1, 2):
            service.notify(
                session, uid, "decision", "Decision {n} concerns you", {"n": n}, "/inbox"
            )
    sign_in(page, base_url, world.users["partner_a"], PASSWORD)
    page.goto(f"{base_url}/inbox")
    count = page.get_by_test_id("bell-count")
    count.wait_for()
    assert count.inner_text() == "2"
    page.get_by_test_id("bell").click()
    page.wait_for_url(re.compile(r"/notifications$"))
    assert "Decision 2 concerns you" in page.get_by_test_id("notifications-table").inner_text()
    page.get_by_test_id("read-all").click()
    page.wait_for_url(re.compile(r"/notifications$"))
    page.get_by_test_id("bell").wait_for()
    assert page.get_by_test_id("bell-count").count() == 0
