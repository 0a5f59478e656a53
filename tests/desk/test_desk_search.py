"""The full-text index: kept in sync by triggers whatever writes the articles, ignoring accents and case."""

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from models import Article, Run, create_store, make_engine
from models.search import SEARCH_TABLE


def _found(db, query: str) -> list[str]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute(f"SELECT a.id FROM {SEARCH_TABLE} s JOIN articles a ON a.rowid = s.rowid "
                                  f"WHERE {SEARCH_TABLE} MATCH ? ORDER BY a.id", (query,)).fetchall()
    finally:
        connection.close()
    return [row[0] for row in rows]


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "search.db"
    engine = make_engine(str(db))
    create_store(engine)
    with Session(engine) as session, session.begin():
        session.add(Run(id=1, started_at=datetime(2024, 5, 1), paths="[]", version="test", model="none"))
        session.flush()
        session.add_all([
            Article(id="a", source="a.txt", title="Formation régionale", content_hash="a", run_id=1,
                    text="La Région Île-de-France finance l'apprentissage."),
            Article(id="b", source="b.txt", title="Budget", content_hash="b", run_id=1,
                    text="Le CONSEIL RÉGIONAL de Normandie vote son budget."),
        ])
    yield db, engine
    engine.dispose()


@pytest.mark.parametrize("query, expected", [
    ("regionale", ["a"]), ("RÉGIONALE", ["a"]), ("Régional", ["b"]), ("ile", ["a"]), ("île", ["a"]),
    ("apprentissage", ["a"]), ("APPRENTISSAGE", ["a"]), ("normandie", ["b"]), ("region*", ["a", "b"]),
])
def test_search_ignores_accents_and_case(store, query, expected):
    db, _ = store
    assert _found(db, query) == expected


def test_index_follows_inserts_updates_and_deletes(store):
    db, engine = store
    with Session(engine) as session, session.begin():
        session.execute(update(Article).where(Article.id == "a").values(text="Un texte sur la métallurgie."))
        session.execute(delete(Article).where(Article.id == "b"))
        session.add(Article(id="c", source="c.txt", content_hash="c", run_id=1, text="Les CFA du Grand Est."))
    assert _found(db, "metallurgie") == ["a"]
    assert _found(db, "apprentissage") == []
    assert _found(db, "normandie") == []
    assert _found(db, "cfa") == ["c"]


def test_a_store_without_index_gets_it_filled(store):
    db, engine = store
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {SEARCH_TABLE}")
        for trigger in ("insert", "update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER {SEARCH_TABLE}_{trigger}")
    create_store(engine)
    assert _found(db, "normandie") == ["b"]


@pytest.mark.parametrize("damage", [
    pytest.param(f"UPDATE {SEARCH_TABLE} SET article_id = 'a' WHERE article_id = 'b'", id="row of another article"),
    pytest.param(f"DELETE FROM {SEARCH_TABLE} WHERE article_id = 'b'", id="row missing"),
    pytest.param(f"INSERT INTO {SEARCH_TABLE}(rowid, article_id, title, text) VALUES (999, 'z', '', 'normandie')",
                 id="row of no article"),
])
def test_an_index_out_of_step_with_the_articles_is_filled_again(store, damage):
    db, engine = store
    with engine.begin() as connection:
        connection.exec_driver_sql(damage)
    create_store(engine)
    assert _found(db, "normandie") == ["b"]
    indexed = {row[0] for row in sqlite3.connect(db).execute(f"SELECT article_id FROM {SEARCH_TABLE}")}
    assert indexed == {"a", "b"}


def test_ingested_articles_are_searchable(desk_store):
    count = desk_store.rows("SELECT count(*) FROM articles")[0][0]
    indexed = desk_store.rows(f"SELECT count(*) FROM {SEARCH_TABLE} s JOIN articles a "
                              "ON a.rowid = s.rowid AND a.id = s.article_id")[0][0]
    assert indexed == count > 0
    assert _found(desk_store.db, "normandie") == _found(desk_store.db, "NORMANDIE")
    assert len(_found(desk_store.db, "normandie")) >= 3
