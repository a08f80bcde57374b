"""The Alembic revisions and the models describe the same schema, on SQLite and Postgres."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db import alembic_config, make_engine
from bot.models_registry import metadata


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    engine.dispose()

    assert differences == []


def test_migrations_have_a_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))

    assert len(script.get_heads()) == 1
