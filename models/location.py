"""Where the store lives: --db read as exactly the file the user named, and why a file cannot be a store.

A plain path given as --db is never parsed as URL syntax: in "sqlite:///q?x.db" SQLAlchemy would
read "?x.db" as options and write to "q", and in "p%41.db" it would write to "pA.db".
"""

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

__all__ = ["store_url", "read_only_url", "sqlite_file_problem", "SQLITE_HEADER"]

# The first bytes of every SQLite database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
# In-memory SQLite databases have no file to check.
MEMORY_DATABASES = ("", ":memory:")


def store_url(db: str | URL) -> URL:
    """The URL of a store named by a URL, or by a path (no "://"): then a SQLite file, exactly as named."""
    if isinstance(db, URL):
        return db
    if "://" in db:
        return make_url(db)
    return URL.create("sqlite", database=str(Path(db).expanduser()))


def read_only_url(path: Path) -> URL:
    """A URL opening a SQLite file read-only; the path is percent-encoded so that SQLite reads it whole."""
    return URL.create("sqlite", database=f"file:{quote(str(path.resolve()))}", query={"mode": "ro", "uri": "true"})


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
    """Whether a file starts like a SQLite database, or is empty (SQLite makes a new store of it)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return True  # unreadable: SQLite itself will say why
    return head in (b"", SQLITE_HEADER)
