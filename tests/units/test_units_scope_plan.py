"""A row reaches its unit through a foreign key that is always filled when the table has one.

The scope follows the first key that leads to a scoped parent. Following a nullable one hid
every row whose key was empty from unit users: an invention recorded without a contract, a
defect without a characteristic, a plan's state change without a lot.
"""

from __future__ import annotations

from sqlalchemy import Column

from cofab.domains import load_all_models
from cofab.units import scope


def _leads_to(column: Column[object], scoped: set[str]) -> bool:
    """A key to a scoped parent that says whose the row is (not created_by and the like)."""
    for fk in column.foreign_keys:
        parent = fk.column.table.name
        if parent == "users" and column.name != "user_id":
            continue
        if parent in scoped and parent != "business_units":
            return True
    return False


def test_scope_follows_a_not_null_key_when_the_table_has_one() -> None:
    metadata = load_all_models()
    plan = {cls.__tablename__: (kind, path) for cls, kind, path in scope._plan()}
    scoped = set(plan)
    for name, (kind, path) in plan.items():
        table = metadata.tables[name]
        if not kind.startswith("via") or not table.c[path[0]].nullable:
            continue
        filled = [c.name for c in table.columns if not c.nullable and _leads_to(c, scoped)]
        assert not filled, f"{name} is scoped by nullable {path[0]}, not by {filled}"


def test_an_invention_reaches_its_unit_through_its_project() -> None:
    load_all_models()
    plan = {cls.__tablename__: path for cls, _kind, path in scope._plan()}
    assert plan["dev_inventions"] == ("project_id", "dev_projects")
