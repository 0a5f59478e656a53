"""The store's engines: from a path or SQLAlchemy URL, SQLite tuned for one writer and many readers."""

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from models.location import read_only_url, sqlite_file_problem, store_url
from models.readonly import guard_reads
from models.search import create_search_index
from models.writelock import serialise_writes, waited_too_long
from models.views import VIEWS

__all__ = ["StoreError", "resolve_url", "make_engine", "read_only_engine", "create_store", "upgrade_store",
           "DEFAULT_DB"]

DEFAULT_DB = "depeches.db"
# How long a writer waits for another writer's lock before giving up, in milliseconds (SQLite and PostgreSQL).
BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The store cannot be opened or used; the message says why, for a person."""


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db, DEPECHES_DB or the default file; a plain path means a SQLite file."""
    db = db or os.environ.get("DEPECHES_DB") or DEFAULT_DB
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _store_url(db: str | URL | None) -> URL:
    return store_url(db if isinstance(db, URL) else db or os.environ.get("DEPECHES_DB") or DEFAULT_DB)


def _engine(db: str | URL | None) -> Engine:
    """An engine for the store named by --db (SQLite with foreign keys and a busy timeout), taking no write lock."""
    try:
        engine = create_engine(_store_url(db))
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"cannot use database URL {str(db or resolve_url(db))!r}: {error}") from error
    if engine.dialect.name == "sqlite":
        problem = sqlite_file_problem(engine.url.database)
        if problem:
            raise StoreError(problem)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_engine(db: str | URL | None = None) -> Engine:
    """An engine for reading and writing the store (SQLite in WAL mode with foreign keys and a busy timeout), whose
    transactions take the store's write lock, one writer at a time (models/writelock.py)."""
    engine = _engine(db)
    serialise_writes(engine, BUSY_TIMEOUT_MS)
    return engine


def read_only_engine(db: str | None = None) -> Engine:
    """An engine that cannot change the store: SQLite opened read-only, other servers in read-only transactions;
    it takes no write lock, so it never waits for a writer."""
    url = _store_url(db)
    if url.get_backend_name() != "sqlite":
        engine = _engine(url)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("SET TRANSACTION READ ONLY"))
        return engine
    path = Path(url.database or "")
    if not path.is_file():
        raise StoreError(f"no database at {path}: run 'depeches ingest PATH --db {path}' first")
    engine = create_engine(read_only_url(path))
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", guard_reads)
    return engine


def _db_option(engine: Engine) -> str:
    url = engine.url
    return f" --db {url.database}" if url.get_backend_name() == "sqlite" else f" --db {url.render_as_string()}"


def _migrate_or_check(connection, engine: Engine) -> None:
    """A new store gets every migration; an existing one must already be at the code's schema version."""
    from models.migrations import outdated_message, schema_state, upgrade

    state = schema_state(connection)
    if state.empty:
        upgrade(connection)
        return
    problem = outdated_message(state.version, engine.url.render_as_string(), _db_option(engine))
    if problem:
        raise StoreError(problem)


def upgrade_store(engine: Engine) -> tuple[int, int]:
    """Run the migrations the store lacks, then rebuild the views; returns the schema versions (before, after)."""
    from models.migrations import upgrade

    try:
        with engine.begin() as connection:
            # Every view goes, the old event views of version 2 too: a migration may change a column one reads.
            for name in inspect(connection).get_view_names():
                connection.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
            versions = upgrade(connection)
    except SQLAlchemyError as error:
        raise StoreError(f"cannot upgrade the store at {engine.url!r}: {error}") from error
    create_store(engine)
    return versions


def create_store(engine: Engine) -> None:
    """Create the store (every migration) or check its schema version, add missing views and (on SQLite) the
    full-text index, and put SQLite in WAL mode; a store older or newer than the code raises a StoreError."""
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            _migrate_or_check(connection, engine)
            existing = set(inspect(connection).get_view_names())
            for name, sql in VIEWS.items():
                if name not in existing:
                    connection.execute(text(sql))
            create_search_index(connection)
    except OperationalError as error:
        reason = str(error.orig)
        if waited_too_long(reason):
            reason = f"locked by another process past the busy timeout ({reason.strip()}); try again when it is done"
        raise StoreError(f"cannot open the store at {engine.url!r}: {reason}") from error
    except SQLAlchemyError as error:
        raise StoreError(f"cannot create the store at {engine.url!r}: {error}") from error
