"""Run Alembic migrations from code, so `cofab up` and tests use the real migration path."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("cofab.db") / "migrations"))
    # configparser treats "%" as interpolation; URLs carry it in quoted options and passwords
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Upgrade inside one transaction; on SQLite with foreign keys off while it runs.

    SQLite cannot alter a column in place, so Alembic's batch mode copies a table, drops the old
    one and renames the copy. With ``foreign_keys=ON`` that drop fails as soon as another table
    holds rows pointing at it (``FOREIGN KEY constraint failed`` on an existing database), so
    enforcement is off during the upgrade, as SQLite's own ALTER TABLE recipe prescribes, and
    ``PRAGMA foreign_key_check`` must come back empty before the upgrade commits.
    """
    config = alembic_config(engine)
    with engine.connect() as connection:
        raw = (
            connection.connection.driver_connection if connection.dialect.name == "sqlite" else None
        )
        if raw is not None:
            # Outside any transaction (the pragma is a no-op inside one); the driver autocommits.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if raw is not None:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left dangling references: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def current_heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
