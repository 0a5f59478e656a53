"""Where the store lives: --db read as exactly the file the user named, and why a file cannot be a store.

A plain path given as --db is never parsed as URL syntax: in "sqlite:///q?x.db" SQLAlchemy would
read "?x.db" as options and write to "q", and in "p%41.db" it would write to "pA.db".
"""

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

__all__ = ["store_url", "read_only_url", "sqlite_file_problem"]

# In-memory SQLite databases have no file to check.
MEMORY_DATABASES = ("", ":memory:")
# The size of a SQLite database file's header, in bytes: a shorter file that is not empty is no database.
HEADER_BYTES = 100
# How long the look at a file's header waits for a writer that holds the file locked, in seconds.
PROBE_TIMEOUT_S = 30


def store_url(db: str | URL) -> URL:
    """The URL of a store named by a URL, or by a path (no "://"): then a SQLite file, exactly as named."""
    if isinstance(db, URL):
        return db
    if "://" in db:
        return make_url(db)
    return URL.create("sqlite", database=str(Path(db).expanduser()))


def read_only_url(path: Path) -> URL:
    """A URL opening a SQLite file read-only; the path is percent-encoded so that SQLite reads it whole."""
    return URL.create("sqlite", database=_file_uri(path), query={"mode": "ro", "uri": "true"})


def _file_uri(path: Path) -> str:
    """The path as a SQLite file URI, percent-encoded so that SQLite reads it whole."""
    return f"file:{quote(str(path.resolve()))}"


def sqlite_file_problem(database: str | None) -> str | None:
    """Why a SQLite path cannot hold the store (a folder, a missing folder, another kind of file), else None."""
    if database in MEMORY_DATABASES or database is None or database.startswith("file:"):
        return None
    path = Path(database)
    if path.is_dir():
        return f"{path} is a folder: --db needs the path of a database file"
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        return f"cannot create the store {path}: {path.parent} {what}"
    if path.is_file() and not _sqlite_or_empty(path):
        return f"{path} is not a SQLite database: refusing to touch it, choose another --db"
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write the store {path}: it or its folder is read-only (SQLite writes a journal beside it)"
    return None


def _sqlite_or_empty(path: Path) -> bool:
    """Whether a file holds a SQLite database, or is empty (SQLite makes a new store of it).

    Read through SQLite, never through a file handle of our own: closing any descriptor of a file drops every POSIX
    lock the process holds on it, the locks of its open connections to the store included, and another process's
    writer would then take the store as unused, checkpoint it and delete the WAL its readers still map. SQLite defers
    closing its descriptors while the process holds locks on the file."""
    try:
        size = path.stat().st_size
    except OSError:
        return True  # unreadable: SQLite will say why when the store opens
    if size < HEADER_BYTES:
        return size == 0
    try:
        probe = sqlite3.connect(f"{_file_uri(path)}?mode=ro", uri=True, timeout=PROBE_TIMEOUT_S)
    except sqlite3.Error:
        return True  # unreadable: SQLite will say why when the store opens
    try:
        probe.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as error:
        return "not a database" not in str(error)
    finally:
        probe.close()
    return True
