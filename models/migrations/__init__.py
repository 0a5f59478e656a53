"""The store's schema versions, as Alembic migrations shipped inside the package (batch mode on SQLite).

A store records its revision in `alembic_version`; revision "0002" is schema version 2, and the code's version is
`models.schema.SCHEMA_VERSION`, the head revision. A new store is built by running every migration; a store made
before migrations existed (tables without `alembic_version`) is taken as at the newest revision whose tables it has.
"""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from models.schema import SCHEMA_VERSION

__all__ = ["SchemaState", "schema_state", "upgrade", "head_version", "outdated_message", "UNVERSIONED_MARKERS"]

FOLDER = Path(__file__).resolve().parent
# Revisions a store made before migrations existed may be at, newest first, each with a table it created: such a
# store was made by create_all from the models of its day, so it has every table of the revisions up to its own.
UNVERSIONED_MARKERS = (("0005", "corrections"), ("0004", "event_totals"), ("0002", "alert_runs"), ("0001", "articles"))


@dataclass(frozen=True)
class SchemaState:
    """What a database holds: no store at all, or a store at a schema version (0 if made before migrations)."""

    empty: bool
    version: int


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = connection
    return config


def head_version() -> int:
    """The schema version of the newest migration (equal to SCHEMA_VERSION, which a test checks)."""
    return int(ScriptDirectory.from_config(_config(None)).get_current_head())


def schema_state(connection: Connection) -> SchemaState:
    """Read the schema version of the store behind a connection."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is not None:
        return SchemaState(False, int(revision))
    return SchemaState(_unversioned_revision(connection) is None, 0)


def _unversioned_revision(connection: Connection) -> str | None:
    tables = set(inspect(connection).get_table_names())
    return next((revision for revision, table in UNVERSIONED_MARKERS if table in tables), None)


def upgrade(connection: Connection) -> tuple[int, int]:
    """Bring the store to the code's schema version; returns the versions (before, after)."""
    state = schema_state(connection)
    config = _config(connection)
    if not state.empty and state.version == 0:
        command.stamp(config, _unversioned_revision(connection))
    command.upgrade(config, "head")
    return state.version, schema_state(connection).version


def outdated_message(version: int, url: str, db_option: str) -> str | None:
    """Why a store at `version` cannot be written by this code, or None when it can."""
    if version == SCHEMA_VERSION:
        return None
    if version > SCHEMA_VERSION:
        return (f"the store at {url} has schema version {version}, newer than this depeches "
                f"(version {SCHEMA_VERSION}): upgrade depeches")
    found = "no schema version (it predates migrations)" if version == 0 else f"schema version {version}"
    return (f"the store at {url} has {found}, older than this depeches (version {SCHEMA_VERSION}): "
            f"back it up, then run 'depeches db upgrade{db_option}'")
