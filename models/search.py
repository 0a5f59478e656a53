"""Full-text search over articles: an SQLite FTS5 index kept in sync by triggers, ignoring accents and case.

The index row of an article has the article's rowid, so that `rowid IN (SELECT rowid FROM articles_fts WHERE ...)`
finds articles (Datasette's table search uses exactly this). Triggers keep it in sync whatever writes the
articles table, so the loader needs no change. On other databases than SQLite nothing is created.
"""

from sqlalchemy import Connection

__all__ = ["SEARCH_TABLE", "create_search_index", "rebuild_search_index", "search_index_exists"]

SEARCH_TABLE = "articles_fts"
# unicode61 with remove_diacritics 2 folds case and accents ("Région" = "region"), the way people type queries.
TOKENIZER = "unicode61 remove_diacritics 2"

CREATE_TABLE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} "
                f"USING fts5(article_id UNINDEXED, title, text, tokenize=\"{TOKENIZER}\")")

# A stale row at the same rowid (left by a rowid renumbering) is dropped first, so that an insert never fails.
TRIGGERS = {
    f"{SEARCH_TABLE}_insert": f"""
        CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_insert AFTER INSERT ON articles BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = new.rowid;
            INSERT INTO {SEARCH_TABLE}(rowid, article_id, title, text) VALUES (new.rowid, new.id, new.title, new.text);
        END""",
    f"{SEARCH_TABLE}_delete": f"""
        CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_delete AFTER DELETE ON articles BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid;
        END""",
    f"{SEARCH_TABLE}_update": f"""
        CREATE TRIGGER IF NOT EXISTS {SEARCH_TABLE}_update AFTER UPDATE OF id, title, text ON articles BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid;
            INSERT INTO {SEARCH_TABLE}(rowid, article_id, title, text) VALUES (new.rowid, new.id, new.title, new.text);
        END""",
}


def search_index_exists(connection: Connection) -> bool:
    """Whether the store has the full-text index (always False on other databases than SQLite)."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (SEARCH_TABLE,)).scalar()
    return bool(found)


def rebuild_search_index(connection: Connection) -> None:
    """Fill the index anew from the articles table (after a rowid renumbering, or for a store made before it)."""
    connection.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {SEARCH_TABLE}(rowid, article_id, title, text) "
                               "SELECT rowid, id, title, text FROM articles")


def _out_of_sync(connection: Connection) -> bool:
    """Whether the index holds anything but one row per article, at the article's rowid and with its id.

    Read from the index's own tables, FTS5's `_docsize` (a row per document) and `_content` (whose `c0` is the first
    column, article_id): through the index itself, every text of the store would be read to give the ids, which
    every ingest of a store of a hundred thousand articles would pay."""
    indexed = connection.exec_driver_sql(f"SELECT count(*) FROM {SEARCH_TABLE}_docsize").scalar()
    stored = connection.exec_driver_sql("SELECT count(*) FROM articles").scalar()
    if indexed != stored:
        return True
    strays = connection.exec_driver_sql(
        f"SELECT count(*) FROM articles a LEFT JOIN {SEARCH_TABLE}_content c ON c.id = a.rowid "
        "WHERE c.id IS NULL OR c.c0 IS NOT a.id").scalar()
    return bool(strays)


def create_search_index(connection: Connection) -> None:
    """Create the FTS5 index and its triggers if missing, and fill it when it does not match the articles.

    A no-op on other databases than SQLite.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql(CREATE_TABLE)
    for sql in TRIGGERS.values():
        connection.exec_driver_sql(sql)
    if _out_of_sync(connection):
        rebuild_search_index(connection)
