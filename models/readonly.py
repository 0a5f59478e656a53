"""Read-only SQLite connections that stay read-only: no other file reached, no setting changed.

A SQLite file opened with `mode=ro` refuses every write to itself, but one statement can still reach
other files: `ATTACH 'x.db'` creates x.db, `VACUUM INTO '/anywhere'` writes a copy of the store (it
attaches its target), and a pragma with an argument changes the connection. An authorizer, which
SQLite consults while compiling every statement, refuses those before they run, whatever the text.
"""

import sqlite3

__all__ = ["guard_reads", "authorize"]

# Actions that open or close another database file (ATTACH, and VACUUM INTO which attaches its target).
REFUSED_ACTIONS = frozenset({sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH})
# Pragmas whose argument only names what they describe (a table, an index, a row limit), never a new setting.
DESCRIBING_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
})
# Pragmas that act even without an argument: a checkpoint writes the database file, optimize may run ANALYZE.
ACTING_PRAGMAS = frozenset({"wal_checkpoint", "optimize", "incremental_vacuum", "shrink_memory"})


def authorize(action: int, name: str | None, argument: str | None, _database: str | None,
              _trigger: str | None) -> int:
    """SQLite authorizer for reading: deny attaching files and pragmas that set or do something."""
    if action in REFUSED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        pragma = (name or "").lower()
        if pragma in ACTING_PRAGMAS or (argument is not None and pragma not in DESCRIBING_PRAGMAS):
            return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def guard_reads(dbapi_connection, _record=None) -> None:
    """Install the read authorizer on a new SQLite connection (a SQLAlchemy "connect" listener)."""
    set_authorizer = getattr(dbapi_connection, "set_authorizer", None)
    if set_authorizer is not None:
        set_authorizer(authorize)
