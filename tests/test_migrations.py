"""Migrations: a new store is built by them, an old one is refused by ingest until `depeches db upgrade`."""

import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from models import SCHEMA_VERSION, StoreError, create_store, make_engine
from models.events import rebuild_events
from models.migrations import _config, head_version, schema_state
from models.schema import Base
from models.views import VIEWS
from pipelines.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
ONE_ARTICLE = REPO / "corpus" / "samples" / "txt" / "2021-03_cfa_bretagne.txt"
# The event views as a store of schema version 2 had them.
LEGACY_VIEWS = REPO / "tests" / "data" / "events_views_v2.sql"


def migrated_to(db: Path, revision: str) -> Path:
    """A SQLite store brought by the migrations to `revision` only."""
    engine = make_engine(str(db))
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)
    engine.dispose()
    return db


def schema_differences(url: str) -> list:
    """What Alembic finds different between a store and the data model (nothing, when they agree)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": lambda name, kind, _: kind != "table" or name in Base.metadata.tables,
            "compare_type": True})
        found = compare_metadata(context, Base.metadata)
    engine.dispose()
    return found


def test_schema_version_is_the_newest_migration():
    assert head_version() == SCHEMA_VERSION


def test_a_new_store_is_built_by_the_migrations_and_matches_the_data_model(db):
    create_store(make_engine(str(db)))
    assert schema_differences(f"sqlite:///{db}") == []
    connection = sqlite3.connect(db)
    version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    views = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert version == [(f"{SCHEMA_VERSION:04d}",)]
    assert set(VIEWS) <= views


def test_ingest_refuses_an_older_store_until_db_upgrade(db, run_cli, nlp):
    migrated_to(db, "0001")
    code, _, stderr = run_cli("ingest", ONE_ARTICLE, "--db", db, "--workers", "1")
    assert code != 0
    assert "schema version 1, older than this depeches" in stderr
    assert f"depeches db upgrade --db {db}" in stderr
    code, out, _ = run_cli("db", "upgrade", "--db", db)
    assert code == 0 and f"from schema version 1 to {SCHEMA_VERSION}" in out
    assert ingest([ONE_ARTICLE], str(db), progress=False).counts.new == 1
    assert schema_differences(f"sqlite:///{db}") == []


def test_a_store_made_before_migrations_is_refused_then_adopted_with_its_rows(db):
    engine = make_engine(str(db))
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO runs (id, started_at, paths, version, model, read, new, updated, "
                                   "unchanged, rejected, facts) "
                                   "VALUES (1, '2024-01-01', '[]', 'x', 'm', 0, 0, 0, 0, 0, 0)")
    with pytest.raises(StoreError, match="predates migrations"):
        create_store(engine)
    from models.store import upgrade_store

    assert upgrade_store(engine) == (0, SCHEMA_VERSION)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM runs").scalar() == 1
        assert schema_state(connection).version == SCHEMA_VERSION


def test_a_store_newer_than_the_code_is_refused(db):
    engine = make_engine(str(db))
    create_store(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{SCHEMA_VERSION + 1:04d}'")
    with pytest.raises(StoreError, match="newer than this depeches"):
        create_store(engine)


def test_the_migrations_ship_inside_the_package(tmp_path):
    source = tmp_path / "source"
    for name in ("extract", "pipelines", "models"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(source)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("depeches-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    versions = sorted(REPO.glob("models/migrations/versions/[0-9]*.py"))
    assert {"models/migrations/env.py", "models/migrations/script.py.mako"} <= names
    assert {f"models/migrations/versions/{path.name}" for path in versions} <= names
    assert len(versions) == SCHEMA_VERSION


def test_upgrade_to_text_publication_dates_keeps_every_row(db, run_cli, rows):
    """0003 turns articles.published into text (to hold a stamp's month) without losing articles, entities or
    facts: on SQLite, rebuilding the table with foreign keys on would delete them through ON DELETE CASCADE."""
    engine = make_engine(str(migrated_to(db, "0002")))
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO runs (id, started_at, paths, version, model, read, new, updated, "
                                   "unchanged, rejected, facts) VALUES (1, '2024-01-01', '[]', 'x', 'm', 1, 1, 0, 0, 0, 1)")
        connection.exec_driver_sql("INSERT INTO articles (id, source, published, text, content_hash, encoding, run_id) "
                                   "VALUES ('a', 's', '2021-03-04', 'La Région vote 3 M€.', 'h', 'utf-8', 1)")
        connection.exec_driver_sql("INSERT INTO entities (article_id, label, text, norm, start, \"end\") "
                                   "VALUES ('a', 'MONEY', '3 M€', '3000000 EUR', 15, 19)")
        connection.exec_driver_sql("INSERT INTO facts (article_id, seq, amount, currency, qualifier, sentence, start, "
                                   "\"end\", confidence) VALUES ('a', 0, 3000000, 'EUR', 'exact', 's', 15, 19, 0.8)")
    engine.dispose()
    code, out, _ = run_cli("db", "upgrade", "--db", db)
    assert code == 0 and f"from schema version 2 to {SCHEMA_VERSION}" in out
    assert rows(db, "SELECT id, published FROM articles") == [("a", "2021-03-04")]
    assert rows(db, "SELECT count(*) FROM entities") == [(1,)] and rows(db, "SELECT count(*) FROM facts") == [(1,)]
    assert rows(db, "SELECT published FROM fact_view") == [("2021-03-04",)]
    assert schema_differences(f"sqlite:///{db}") == []


def test_a_stamped_dispatch_is_stored_with_its_publication_month(db, tmp_path, run_cli, rows):
    dispatch = tmp_path / "stamped.txt"
    dispatch.write_text(" date 2023-07 \nLa Région Bretagne a voté le mois dernier 3 M€ pour l'apprentissage.\n",
                        encoding="utf-8")
    code, _, stderr = run_cli("ingest", dispatch, "--db", db, "--workers", "1", "--quiet")
    assert code == 0, stderr
    assert rows(db, "SELECT published, substr(text, 1, 10) FROM articles") == [("2023-07", "La Région ")]
    assert rows(db, "SELECT amount, date FROM facts") == [(3000000.0, "2023-06")]


def _version_2_store_with_facts(db: Path, source: Path) -> dict[str, list[tuple]]:
    """A store at schema version 2 holding the runs, articles and facts of `source`, with the event views of its
    day; returns what those views give."""
    migrated_to(db, "0002")
    connection = sqlite3.connect(db)
    try:
        connection.execute("ATTACH DATABASE ? AS source", (str(source),))
        for table in ("runs", "articles", "facts"):
            # By name: a later schema may hold the same columns in another order.
            columns = ", ".join(row[1] for row in connection.execute(f"PRAGMA main.table_info({table})"))
            connection.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM source.{table}")
        connection.commit()
        connection.execute("DETACH DATABASE source")
        connection.executescript(LEGACY_VIEWS.read_text("utf-8"))
        return {name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
                for name in ("fact_events", "events")}
    finally:
        connection.close()


def test_db_upgrade_turns_the_event_views_into_tables_filled_from_the_facts(db, run_cli, ingested, rows):
    computed = _version_2_store_with_facts(db, ingested.db)
    assert computed["fact_events"] and len(computed["events"]) < len(computed["fact_events"])
    code, out, stderr = run_cli("db", "upgrade", "--db", db)
    assert code == 0, stderr
    assert f"from schema version 2 to {SCHEMA_VERSION}" in out
    kinds = dict(rows(db, "SELECT name, type FROM sqlite_master WHERE name IN ('fact_events', 'events')"))
    assert kinds == {"fact_events": "table", "events": "table"}
    for name, expected in computed.items():
        assert sorted(rows(db, f"SELECT * FROM {name}"), key=repr) == expected, name
    (counted,) = rows(db, "SELECT sum(events), sum(mentions) FROM event_totals WHERE own_year = 1")
    assert counted == (len(computed["events"]), len(computed["fact_events"]))
    assert schema_differences(f"sqlite:///{db}") == []


def test_db_upgrade_adds_the_corrections_to_a_store_at_version_4(db, run_cli, ingested, rows):
    migrated_to(db, "0004")
    connection = sqlite3.connect(db)
    try:
        connection.execute("ATTACH DATABASE ? AS source", (str(ingested.db),))
        for table in ("runs", "articles", "facts"):
            columns = ", ".join(row[1] for row in connection.execute(f"PRAGMA main.table_info({table})"))
            connection.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM source.{table}")
        connection.commit()
        connection.execute("DETACH DATABASE source")
    finally:
        connection.close()
    engine = make_engine(str(db))
    with engine.begin() as connection:
        rebuild_events(connection, corrected=False)
    engine.dispose()
    events_before = rows(db, "SELECT * FROM events ORDER BY event_id")
    code, out, stderr = run_cli("db", "upgrade", "--db", db)
    assert code == 0 and f"from schema version 4 to {SCHEMA_VERSION}" in out, stderr
    assert schema_differences(f"sqlite:///{db}") == []
    assert rows(db, "SELECT * FROM events ORDER BY event_id") == events_before
    assert rows(db, "SELECT count(*), sum(corrected), sum(body IS NOT extracted_body) FROM fact_view") == [
        (rows(db, "SELECT count(*) FROM facts")[0][0], 0, 0)]
    (fact,) = rows(db, "SELECT id FROM facts ORDER BY id LIMIT 1")[0]
    code, out, stderr = run_cli("correct", fact, "--body", "État", "--by", "Anne", "--db", db)
    assert code == 0 and "→ 'État'" in out, stderr
    assert rows(db, "SELECT body, corrected FROM fact_view WHERE fact_id = ?", (fact,)) == [("État", 1)]
