"""One writer at a time on a SQLite store, for the whole of each transaction.

pysqlite begins a transaction only at the first INSERT, UPDATE or DELETE, so a unit of work that
reads then writes (which of these ids are stored? then replace them) reads outside the write lock:
two ingests at once both find an article missing, and the second fails on "UNIQUE constraint
failed". Here every transaction of a writing engine begins with BEGIN IMMEDIATE: it takes the write
lock first, waiting up to the busy timeout for the other writer, so what it read stays true until it
commits. WAL mode is set as each connection opens, since SQLite cannot switch to it inside a
transaction.
"""

from sqlalchemy import Engine, event

__all__ = ["serialise_writes"]


def serialise_writes(engine: Engine) -> None:
    """Make every transaction of a SQLite engine take the write lock as it begins (other databases: unchanged)."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _own_transactions)
    event.listen(engine, "begin", _begin_immediate)


def _own_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own: _begin_immediate does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _begin_immediate(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
