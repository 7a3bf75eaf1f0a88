"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from cofab.db.migrate import current_heads
from cofab.domains import load_all_models


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), load_all_models())
    assert differences == [], f"models and migrations differ: {differences[:5]}"


def test_every_branch_is_at_its_head(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from cofab.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(engine))
    assert current_heads(engine) == set(script.get_heads())


def test_urls_with_percent_quoting_reach_alembic_intact() -> None:
    """A schema option (``%3D``) or a quoted password must not trip configparser."""
    from sqlalchemy import create_engine

    from cofab.db.migrate import alembic_config

    url = "postgresql+psycopg://u:p%40ss@127.0.0.1:5432/db?options=-csearch_path%3Dbench"
    config = alembic_config(create_engine(url))
    assert config.get_main_option("sqlalchemy.url") == url
