"""One writer at a time on a store, for the whole of each transaction: SQLite and PostgreSQL alike.

A unit of work that reads then writes (which of these ids are stored? then replace them) must not let another writer
in between: two ingests at once would both find an article missing, and the second would fail on its unique key.

On SQLite, pysqlite begins a transaction only at the first INSERT, UPDATE or DELETE, so the read happens outside the
write lock. Here every transaction of a writing engine begins with BEGIN IMMEDIATE: it takes the write lock first,
waiting up to the busy timeout for the other writer, so what it read stays true until it commits. WAL mode is set as
each connection opens, since SQLite cannot switch to it inside a transaction.

On PostgreSQL, rows are locked only once written, and a transaction does not see what another has not committed yet.
Here every transaction of a writing engine first takes a transaction-scoped advisory lock, the same number for every
depeches writer of the database, waiting up to the same timeout; it is released as the transaction ends. Readers take
no lock and read the last committed state, as on SQLite.

A connection of a writing engine marked with the READS_ONLY execution option takes no lock either: a look at the
committed state that decides nothing on its own (which articles of the next batch are stored already?) need not wait
for a write in progress, one's own writer thread's included.
"""

from sqlalchemy import Engine, event

__all__ = ["serialise_writes", "waited_too_long", "POSTGRES_WRITE_LOCK", "LOCK_TIMEOUT_MESSAGES", "READS_ONLY"]

# The advisory lock key of depeches' writers on a PostgreSQL database: "depeches" in ASCII read as a 64-bit integer,
# unlikely to be the key of another application sharing the server (keys are per database).
POSTGRES_WRITE_LOCK = int.from_bytes(b"depeches", "big")
# What the databases say of a writer that waited for the write lock past the timeout: SQLite, then PostgreSQL.
LOCK_TIMEOUT_MESSAGES = ("database is locked", "database table is locked", "canceling statement due to lock timeout")
# The execution option of a connection that only reads: its transactions take no write lock.
READS_ONLY = "depeches_reads_only"


def serialise_writes(engine: Engine, timeout_ms: int) -> None:
    """Make every transaction of a writing engine take the store's write lock as it begins, waiting at most
    `timeout_ms` for another writer (SQLite and PostgreSQL; other databases: unchanged)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _own_transactions)
        event.listen(engine, "begin", _begin_immediate)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", lambda connection: _take_advisory_lock(connection, timeout_ms))


def _reads_only(connection) -> bool:
    return bool(connection.get_execution_options().get(READS_ONLY))


def waited_too_long(message: str) -> bool:
    """Tell whether a database error message says that the write lock stayed taken past the timeout."""
    return any(sign in message for sign in LOCK_TIMEOUT_MESSAGES)


def _own_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own: _begin_immediate does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, or nothing for a connection that only reads: each of its statements then reads the last
    committed state on its own, as a reader's do."""
    if not _reads_only(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _take_advisory_lock(connection, timeout_ms: int) -> None:
    if _reads_only(connection):
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(timeout_ms)}")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK})")
