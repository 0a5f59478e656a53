"""Alembic's entry point: migrations run on the connection depeches hands over, in batch mode on SQLite."""

from alembic import context

import models  # noqa: F401  (registers every table of the store on Base.metadata)
from models.schema import Base

config = context.config


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Compare only the tables of the data model: views and SQLite's full-text index are rebuilt, not migrated."""
    return type_ != "table" or name in Base.metadata.tables


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      include_name=include_name, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
