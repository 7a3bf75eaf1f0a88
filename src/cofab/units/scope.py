"""Business-unit scope, enforced once in the ORM instead of in every query.

A unit user must see nothing of another unit on any of the app's ~400 routes. Adding a filter to
each query would leave the next query unfiltered; instead the session carries the actor's units
and every ORM SELECT gets ``with_loader_criteria`` for each mapped table (SQLAlchemy's documented
recipe for global criteria). What each table's criterion is follows from the schema:

- a table with ``unit_id`` belongs to one unit;
- a table with a foreign key to such a table belongs to its parent's unit (order lines, contract
  versions, shipment lines…), found by walking foreign keys;
- the partner table and tables that only carry ``partner_id`` are visible while the partner works
  with one of the actor's units (``partner_units``);
- users: oneself, members of one's units, and the staff of partners one works with.

Hand-written SQL (the KPI sums) is not an ORM statement and filters with ``unit_partner_ids``.
Writes are checked in ``before_flush``: a new record lands in the session's current unit, and a
unit user can never write a record into a unit that is not theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, event, false, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql.util import find_tables

from cofab.core.errors import Forbidden
from cofab.db.base import Base
from cofab.units.models import PartnerUnit, UnitMembership

SCOPE_KEY = "cofab.unit_scope"  # session.info: frozenset of unit ids the session may see
CURRENT_KEY = "cofab.current_unit"  # session.info: the unit new records are filed under
OWNER_KEY = "cofab.unit_scope_user"  # session.info: the user whose scope it is
PARENT_KEY = "cofab.unit_from_parent"  # session.info: new rows take their parent's unit first

# Tables outside the scope: login throttling is per e-mail. (Templates, the clause library and
# partner types are group-wide reference data and have no unit, partner or owner to scope by.)
UNSCOPED_TABLES = frozenset({"login_failures", "alembic_version"})


def set_scope(
    session: Session,
    *,
    unit_ids: frozenset[int] | None,
    current_unit_id: int | None,
    user_id: int | None = None,
) -> None:
    """Give the session its unit scope (``None``: every unit) and the unit new rows go to."""
    session.info[CURRENT_KEY] = current_unit_id
    if unit_ids is None:
        session.info.pop(SCOPE_KEY, None)
        session.info.pop(OWNER_KEY, None)
    else:
        session.info[SCOPE_KEY] = frozenset(unit_ids)
        session.info[OWNER_KEY] = user_id


def scope_of(session: Session) -> frozenset[int] | None:
    scope: frozenset[int] | None = session.info.get(SCOPE_KEY)
    return scope


def _unit_tables() -> dict[str, Any]:
    return {
        mapper.local_table.name: mapper
        for mapper in Base.registry.mappers
        if "unit_id" in mapper.columns
        and mapper.class_ is not UnitMembership
        and mapper.class_ is not PartnerUnit
    }


@lru_cache(maxsize=1)
def _plan() -> tuple[tuple[type, str, tuple[str, ...]], ...]:
    """Per mapped class: how its rows reach a unit (computed once, after every model loaded).

    Each entry is ``(class, kind, path)``: ``unit`` (own column), ``via`` (foreign-key column
    names leading to a scoped parent, resolved at build time), ``partner`` or ``special``.
    """
    by_table = {m.local_table.name: m for m in Base.registry.mappers}
    kinds: dict[str, tuple[str, tuple[str, ...]]] = {}
    special = {"partners", "users", "business_units", "unit_memberships", "partner_units", "jobs"}
    for name, mapper in by_table.items():
        if name in UNSCOPED_TABLES:
            continue
        if name in special:
            kinds[name] = ("special", ())
        elif "unit_id" in mapper.columns:
            kinds[name] = ("unit", ())
    # Walk foreign keys until nothing changes: a child belongs to its parent's scope. Parents
    # scoped by unit win over parents scoped by partner (a contract version of a shared
    # partner belongs to its contract's unit, not to every unit the partner works with).
    for rank in ("unit", "any"):
        changed = True
        while changed:
            changed = False
            for name, mapper in sorted(by_table.items()):
                if name in kinds or name in UNSCOPED_TABLES:
                    continue
                # A NOT NULL key first: a row whose nullable key is empty (an invention
                # without a contract, a defect without a characteristic) must still have a
                # parent, or unit users never see it. A nullable key is followed only when
                # the row has no partner to be scoped by instead.
                columns = sorted(mapper.local_table.columns, key=lambda c: (c.nullable, c.name))
                for column in columns:
                    if column.nullable and "partner_id" in mapper.columns:
                        continue
                    targets = [fk.column.table.name for fk in column.foreign_keys]
                    parent = next((t for t in targets if t in kinds), None)
                    if parent is None or parent == "business_units":
                        continue
                    if parent == "users" and column.name != "user_id":
                        continue  # created_by and the like: not whose the row is
                    if rank == "unit" and kinds[parent][0] not in {"unit", "via-unit"}:
                        continue
                    kind = "via-unit" if kinds[parent][0] in {"unit", "via-unit"} else "via"
                    kinds[name] = (kind, (column.name, parent))
                    changed = True
                    break
        if rank == "unit":
            for name, mapper in by_table.items():
                fresh = name not in kinds and name not in UNSCOPED_TABLES
                if fresh and "partner_id" in mapper.columns:
                    kinds[name] = ("partner", ())
    return tuple(
        (by_table[name].class_, kind, path) for name, (kind, path) in sorted(kinds.items())
    )


def _criteria(
    units: frozenset[int], user_id: int | None, *, orm: bool = True
) -> dict[type, ColumnElement[bool]]:
    """Each scoped class's criterion. ``orm`` builds the outermost test on the mapped attributes
    (``with_loader_criteria`` adapts those to aliases); the subqueries inside (a parent's ids,
    linked partners, unit members) are plain Core on the tables either way, so the ORM hook does
    not scope them a second time (it did: every nested ``IN`` ran twice), and ``orm=False``
    gives all-Core criteria for hand-written SQL such as the KPI sums."""
    ids = sorted(units)
    links = PartnerUnit.__table__.c
    linked = select(links.partner_id).where(links.unit_id.in_(ids))
    members = select(UnitMembership.__table__.c.user_id).where(
        UnitMembership.__table__.c.unit_id.in_(ids)
    )
    plan = {cls: (kind, path) for cls, kind, path in _plan()}
    by_table = {cls.__table__.name: cls for cls in plan}  # type: ignore[attr-defined]
    built: dict[tuple[type, bool], ColumnElement[bool]] = {}

    def build(cls: type, mapped: bool) -> ColumnElement[bool]:
        if (cls, mapped) in built:
            return built[cls, mapped]
        kind, path = plan[cls]
        table = cls.__table__  # type: ignore[attr-defined]

        def col(name: str) -> Any:
            return getattr(cls, name) if mapped else table.c[name]

        expr: ColumnElement[bool]
        if kind == "unit":
            expr = col("unit_id").in_(ids)
        elif kind == "partner":
            expr = col("partner_id").in_(linked)
        elif kind in {"via", "via-unit"}:
            column_name, parent_table = path
            parent = by_table[parent_table]
            parent_ids = select(parent.__table__.c.id).where(build(parent, False))  # type: ignore[attr-defined]
            column = col(column_name)
            expr = column.in_(parent_ids)
            if (
                "partner_id" in table.columns
                and column_name != "partner_id"
                and table.c[column_name].nullable
            ):
                # A row that names no parent falls back to its partner (a shipment that is not
                # against an order, say). A NOT NULL key never does: no OR, so the database can
                # turn the IN into a semi-join instead of hashing the parent's every id.
                expr = or_(expr, column.is_(None) & col("partner_id").in_(linked))
        elif table.name == "partners":
            expr = col("id").in_(linked)
        elif table.name in {"business_units", "unit_memberships", "partner_units"}:
            expr = col("id" if table.name == "business_units" else "unit_id").in_(ids)
        elif table.name == "jobs":
            # Work asked for by people of one's units, or about partners one works with.
            expr = or_(col("created_by").in_(members), col("partner_id").in_(linked))
        elif table.name == "users":
            mine = col("id") == user_id if user_id is not None else false()
            expr = or_(mine, col("id").in_(members), col("partner_id").in_(linked))
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(kind)
        built[cls, mapped] = expr
        return expr

    return {cls: build(cls, orm) for cls in plan}


@lru_cache(maxsize=512)
def _core_criteria(units: frozenset[int], user_id: int | None) -> dict[str, ColumnElement[bool]]:
    """All-Core criteria by table name, built once per (units, user) like the ORM options (the
    KPI sums asked for them per query and rebuilt all ~50 each time)."""
    return {
        cls.__table__.name: expr  # type: ignore[attr-defined]
        for cls, expr in _criteria(units, user_id, orm=False).items()
    }


@lru_cache(maxsize=512)
def _options_by_table(units: frozenset[int], user_id: int | None) -> dict[str, ORMOption]:
    """One criteria option per table, built once per (units, user) and shared by every request
    of that user: building ~50 criteria per request cost more than the query they guard."""
    return {
        cls.__table__.name: with_loader_criteria(cls, expr, include_aliases=True)  # type: ignore[attr-defined]
        for cls, expr in _criteria(units, user_id).items()
    }


@event.listens_for(Session, "do_orm_execute")
def _scope_reads(state: ORMExecuteState) -> None:
    """Attach the criteria of the tables this statement reads, and only those (each option is
    walked on every execution, so fifty of them on every query would triple a list's cost)."""
    units = state.session.info.get(SCOPE_KEY)
    if units is None or not state.is_select or state.is_column_load:
        return
    by_table = _options_by_table(units, state.session.info.get(OWNER_KEY))
    read = {table.name for table in find_tables(state.statement, include_aliases=True)}
    wanted = [by_table[name] for name in sorted(read) if name in by_table]
    if wanted:
        state.statement = state.statement.options(*wanted)


def _unit_carrying(obj: object) -> bool:
    table = getattr(obj, "__table__", None)
    return (
        table is not None
        and "unit_id" in table.columns
        and not isinstance(obj, UnitMembership | PartnerUnit)
    )


@lru_cache(maxsize=1)
def _parent_keys() -> dict[str, tuple[str, type]]:
    """Per unit-carrying table, its NOT NULL foreign key to another unit-carrying table (an
    inspection's lot, an 8D's NCR, a meeting's committee): the row belongs where its parent does."""
    tables = _unit_tables()
    found: dict[str, tuple[str, type]] = {}
    for name, mapper in tables.items():
        for column in sorted(mapper.local_table.columns, key=lambda c: c.name):
            targets = [fk.column.table.name for fk in column.foreign_keys]
            parent = next((t for t in targets if t in tables and t != name), None)
            if parent is not None and not column.nullable and name not in found:
                found[name] = (column.key, tables[parent].class_)
    return found


def _parent_unit(session: Session, obj: object) -> int | None:
    key = _parent_keys().get(obj.__table__.name)  # type: ignore[attr-defined]
    parent_id = getattr(obj, key[0], None) if key is not None else None
    if key is None or parent_id is None:
        return None
    with session.no_autoflush:
        parent = session.get(key[1], parent_id)
    return getattr(parent, "unit_id", None)


@event.listens_for(Session, "before_flush")
def _scope_writes(session: Session, _context: Any, _instances: Any) -> None:
    current = session.info.get(CURRENT_KEY)
    scope = session.info.get(SCOPE_KEY)
    from_parent = session.info.get(PARENT_KEY, False)
    for obj in session.new:
        if _unit_carrying(obj) and getattr(obj, "unit_id", None) is None:
            inherited = _parent_unit(session, obj) if from_parent else None
            obj.unit_id = inherited if inherited is not None else current  # type: ignore[attr-defined]
    if scope is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if _unit_carrying(obj) and getattr(obj, "unit_id", None) not in scope:
            raise Forbidden()


@event.listens_for(Session, "after_flush")
def _link_partners(session: Session, _context: Any) -> None:
    """A record of a unit with a partner starts (or continues) that unit's relationship."""
    current = session.info.get(CURRENT_KEY)
    pairs: set[tuple[int, int]] = set()
    for obj in session.new:
        if _unit_carrying(obj):
            partner_id = getattr(obj, "partner_id", None)
            unit_id = getattr(obj, "unit_id", None)
            if partner_id is not None and unit_id is not None:
                pairs.add((partner_id, unit_id))
        elif getattr(obj, "__tablename__", None) == "partners" and current is not None:
            pairs.add((obj.id, current))  # type: ignore[attr-defined]
    if pairs:
        link_pairs(session, pairs)


def link_pairs(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Insert partner–unit links, ignoring those that exist (also under concurrent writers)."""
    rows = [{"partner_id": p, "unit_id": u} for p, u in sorted(set(pairs))]
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    table = PartnerUnit.__table__
    from cofab.db.base import utcnow

    for row in rows:
        row["since"] = utcnow()
    if dialect == "postgresql":
        stmt = postgresql.insert(table).values(rows).on_conflict_do_nothing()
    else:
        stmt = sqlite.insert(table).values(rows).on_conflict_do_nothing()
    connection.execute(stmt)


def table_criterion(
    units: frozenset[int], user_id: int | None, from_clause: Any
) -> ColumnElement[bool] | None:
    """The scope of one table (or an alias of it) for hand-written Core SQL such as the KPI sums,
    which the ORM hook cannot see. ``None`` when the table has no scope."""
    from sqlalchemy.sql.util import ClauseAdapter

    base = getattr(from_clause, "element", from_clause)
    expr = _core_criteria(units, user_id).get(getattr(base, "name", None) or "")
    if expr is None:
        return None
    if from_clause is not base:
        expr = ClauseAdapter(from_clause).traverse(expr)
    return expr
