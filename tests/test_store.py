"""The store on a real SQLite file: pragmas, tables and views as the README documents them, URLs, read-only access."""

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models import Run, StoreError, create_store, make_engine, read_only_engine, resolve_url

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BUSY_TIMEOUT_MS = 30_000  # README: "a busy timeout"; the value models/store.py sets


def readme_fact_view_columns() -> list[str]:
    """The first column of the README's fact_view table, in order."""
    section = README.split("### `fact_view`", 1)[1]
    table = re.match(r"[^\n]*\n+((?:\|[^\n]*\n)+)", section)
    assert table, "no table under ### `fact_view`"
    cells = [line.split("|")[1] for line in table.group(1).splitlines()[2:]]  # after the header and its rule
    return [name for cell in cells for name in re.findall(r"`(\w+)`", cell)]  # "`start`, `end`" is two columns


def readme_tables() -> dict[str, list[str]]:
    """Tables the README's "The store" section names, with the columns it lists for them (when it lists them)."""
    sentence = re.search(r"^Tables: (.*?)\.(?:\s|$)", README, re.M | re.S).group(1)
    tables = {}
    for name, columns in re.findall(r"`(\w+)`(?: \(([^)]*)\))?", sentence):
        if columns and name == "articles":
            tables[name] = [re.findall(r"(\w+)`?$", c.strip())[0] for c in columns.split(",")]
        else:
            tables.setdefault(name, [])
    return tables


@pytest.fixture
def store(db):
    engine = make_engine(str(db))
    create_store(engine)
    yield engine
    engine.dispose()


def columns_of(db, name: str) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
    finally:
        connection.close()


def test_readme_parsers_find_the_documented_names():
    assert readme_fact_view_columns()[:3] == ["fact_id", "article_id", "source"]
    assert readme_fact_view_columns()[-2:] == ["extracted_date", "extracted_region"]
    assert set(readme_tables()) == {"articles", "entities", "facts", "runs", "rejects"}
    assert readme_tables()["articles"][-1] == "published"


def test_fresh_store_is_in_wal_mode(store, db):
    assert db.exists()
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


def test_store_connections_enforce_foreign_keys_and_wait_for_locks(store):
    with store.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    with pytest.raises(IntegrityError):
        with store.begin() as connection:
            connection.execute(text("INSERT INTO facts (article_id, seq, amount, currency, qualifier, sentence, "
                                    "start, \"end\", confidence) "
                                    "VALUES ('nowhere', 0, 1, 'EUR', 'exact', 's', 0, 1, 1)"))


def test_documented_tables_exist_with_their_columns(store, db):
    for table, documented in readme_tables().items():
        actual = columns_of(db, table)
        assert actual, f"no table {table}"
        assert documented == [] or documented == actual, (table, documented, actual)


def test_fact_view_columns_are_the_documented_ones(store, db):
    assert columns_of(db, "fact_view") == readme_fact_view_columns()


def test_create_store_twice_keeps_the_store(store, db):
    create_store(store)
    assert columns_of(db, "fact_view")


def test_resolve_url_of_a_path(tmp_path, monkeypatch):
    monkeypatch.delenv("DEPECHES_DB", raising=False)
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("relative.db") == "sqlite:///relative.db"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_url("~/b.db") == f"sqlite:///{tmp_path / 'b.db'}"


def test_resolve_url_keeps_a_url(monkeypatch):
    monkeypatch.setenv("DEPECHES_DB", "ignored.db")
    assert resolve_url("postgresql+psycopg://me@dbhost/depeches") == "postgresql+psycopg://me@dbhost/depeches"
    assert resolve_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_resolve_url_from_depeches_db(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPECHES_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url(str(tmp_path / "flag.db")) == f"sqlite:///{tmp_path / 'flag.db'}"
    monkeypatch.delenv("DEPECHES_DB")
    assert resolve_url(None) == "sqlite:///depeches.db"


WRITES = [
    pytest.param("INSERT INTO rejects (run_id, source, reason) VALUES (1, 'x.txt', 'why')", id="insert"),
    pytest.param("UPDATE runs SET model = 'x'", id="update"),
    pytest.param("DELETE FROM runs", id="delete"),
    pytest.param("DROP TABLE rejects", id="drop"),
    pytest.param("CREATE TABLE other (a)", id="create"),
    pytest.param("ATTACH DATABASE '{other}' AS other", id="attach"),
]


@pytest.mark.parametrize("statement", WRITES)
def test_read_only_engine_refuses_writes(store, db, tmp_path, statement):
    with Session(store) as session, session.begin():
        session.add(Run(started_at=datetime(2020, 1, 1), paths="[]", version="v", model="m"))
    other = tmp_path / "other.db"
    engine = read_only_engine(str(db))
    try:
        with pytest.raises(DBAPIError):
            with engine.begin() as connection:
                connection.execute(text(statement.format(other=other)))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT model FROM runs")).all() == [("m",)]
    finally:
        engine.dispose()
    assert not other.exists()
    assert "rejects" in [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")]


def test_read_only_engine_on_a_missing_file(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no database at"):
        read_only_engine(str(missing))
    assert not missing.exists()
