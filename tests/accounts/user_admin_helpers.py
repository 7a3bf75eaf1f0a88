"""Small helpers shared by the user-administration tests (not a test module)."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import Engine, select

from cofab.accounts.models import User
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work

STRONG = "plum-orchard-ladder-42"


def user_id(engine: Engine, email: str) -> int:
    with unit_of_work(engine) as session:
        return int(session.execute(select(User.id).where(User.email == email)).scalar_one())


def try_login(base_url: str, email: str, password: str) -> int:
    """The status of one sign-in attempt with a fresh cookie jar (303 means signed in)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        response = client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf.group(1), "next": "/"},
        )
        return response.status_code


def audit_entries(engine: Engine, action: str, entity_id: int) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        return list(
            session.execute(
                select(AuditEntry).where(
                    AuditEntry.action == action,
                    AuditEntry.entity == "user",
                    AuditEntry.entity_id == str(entity_id),
                )
            ).scalars()
        )
