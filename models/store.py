"""The store's engines: from a path or SQLAlchemy URL, SQLite tuned for one writer and many readers."""

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from models.schema import Base
from models.views import VIEWS

__all__ = ["StoreError", "resolve_url", "make_engine", "read_only_engine", "create_store", "DEFAULT_DB"]

DEFAULT_DB = "depeches.db"
# How long a writer waits for another writer's lock before giving up, in milliseconds.
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


def make_engine(db: str | None = None) -> Engine:
    """An engine for reading and writing the store (SQLite in WAL mode with foreign keys and a busy timeout)."""
    url = resolve_url(db)
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as error:
        raise StoreError(f"cannot use database URL {url!r}: {error}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def read_only_engine(db: str | None = None) -> Engine:
    """An engine that cannot change the store: SQLite opened read-only, other servers in read-only transactions."""
    url = make_url(resolve_url(db))
    if url.get_backend_name() != "sqlite":
        engine = make_engine(str(url))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("SET TRANSACTION READ ONLY"))
        return engine
    path = Path(url.database or "")
    if not path.is_file():
        raise StoreError(f"no database at {path}: run 'depeches ingest PATH --db {path}' first")
    engine = create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_store(engine: Engine) -> None:
    """Create the tables and views if missing, and put SQLite in WAL mode."""
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            Base.metadata.create_all(connection)
            existing = set(inspect(connection).get_view_names())
            for name, sql in VIEWS.items():
                if name not in existing:
                    connection.execute(text(sql))
    except OperationalError as error:
        raise StoreError(f"cannot open the store at {engine.url!r}: {error.orig}") from error
    except SQLAlchemyError as error:
        raise StoreError(f"cannot create the store at {engine.url!r}: {error}") from error
