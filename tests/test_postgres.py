"""The store and ingest on a real PostgreSQL server, against the same on SQLite.

The server is named by DEPECHES_TEST_POSTGRES (a SQLAlchemy URL to a database the tests may create databases from;
.ci/run starts a throwaway one). Without it the tests are skipped, except under CI=true where they fail.
"""

import os
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from models import SCHEMA_VERSION, create_store, make_engine
from models.migrations import _config
from models.schema import Base
from models.views import VIEWS
from pipelines.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpus" / "samples"
ONE_ARTICLE = SAMPLES / "txt" / "2021-03_cfa_bretagne.txt"
SERVER_VARIABLE = "DEPECHES_TEST_POSTGRES"
COMPARED = {
    "articles": "id, source, line, url, title, published, text, content_hash, encoding, main_region",
    "entities": "article_id, label, text, norm, start, \"end\"",
    "facts": "article_id, seq, amount, amount_max, currency, qualifier, per, body, body_role, date, region, "
             "sentence, start, \"end\", confidence",
    "rejects": "source, line, article_id, reason",
    "fact_events": "event_id, fact_id, article_id, title, url, source, published, seq, amount, amount_max, currency, "
                   "qualifier, per, body, body_role, date, event_date, year, region, confidence, sentence, start, "
                   "\"end\"",
    "events": "event_id, amount, amount_max, currency, qualifier, per, body, region, first_date, last_date, year, "
              "sources, mentions, first_published, article_id, sentence",
    "event_totals": "region, body, year, mention_year, own_year, committed, events, mentions, amount_cents",
}


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The URL of the test server; missing, the test is skipped, or fails under CI."""
    url = os.environ.get(SERVER_VARIABLE)
    if not url:
        message = f"no PostgreSQL server for the tests: set {SERVER_VARIABLE} (.ci/run starts one)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        create_engine(url).connect().close()
    except OperationalError as error:
        pytest.fail(f"{SERVER_VARIABLE}={url} cannot be reached: {error.orig}")
    return url


@pytest.fixture
def pg_db(pg_server):
    """A fresh, empty database on the test server, dropped afterwards; its URL."""
    name = f"depeches_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of the compared tables, as text, in a fixed order: the same on both databases when equal."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table: sorted((tuple(None if v is None else str(v) for v in row)
                                for row in connection.execute(text(f"SELECT {columns} FROM {table}"))), key=repr)
                 for table, columns in COMPARED.items()}
    engine.dispose()
    return found


def test_the_store_is_built_by_the_migrations_on_postgres(pg_db):
    engine = make_engine(pg_db)
    create_store(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": lambda name, kind, _: kind != "table" or name in Base.metadata.tables,
            "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(VIEWS) <= set(inspect(connection).get_view_names())
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == f"{SCHEMA_VERSION:04d}"
    engine.dispose()


def test_ingest_on_postgres_stores_what_it_stores_on_sqlite(pg_db, tmp_path, nlp, run_cli):
    sqlite_db = tmp_path / "same.db"
    first = ingest([SAMPLES], pg_db, progress=False, workers=1, batch_size=3)  # events regrouped batch by batch
    ingest([SAMPLES], str(sqlite_db), progress=False, workers=1)
    assert first.counts.new >= 10 and first.counts.facts > 0
    assert rows(pg_db) == rows(f"sqlite:///{sqlite_db}")
    again = ingest([SAMPLES], pg_db, progress=False, workers=1)
    assert (again.counts.new, again.counts.unchanged) == (0, first.counts.new)
    code, out, _ = run_cli("query", "SELECT count(*) AS n FROM fact_view", "--db", pg_db, "--format", "csv")
    assert code == 0 and out.split() == ["n", str(first.counts.facts)]
    for view in VIEWS:
        code, _, stderr = run_cli("query", f"SELECT count(*) FROM {view}", "--db", pg_db)
        assert code == 0, stderr


def test_ingest_refuses_an_older_postgres_store_until_db_upgrade(pg_db, run_cli):
    engine = make_engine(pg_db)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
    engine.dispose()
    code, _, stderr = run_cli("ingest", ONE_ARTICLE, "--db", pg_db, "--workers", "1")
    assert code != 0 and "schema version 1, older than this depeches" in stderr
    code, out, stderr = run_cli("db", "upgrade", "--db", pg_db)
    assert code == 0, stderr
    assert f"from schema version 1 to {SCHEMA_VERSION}" in out


EVENT_TABLES = ("fact_events", "events", "event_totals")


def event_rows(url: str) -> dict[str, list[tuple]]:
    """The event tables' rows, as text, in a fixed order (event_totals without its row ids)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table: sorted((tuple(None if v is None else str(v) for v in row)
                                for row in connection.execute(text(f"SELECT {COMPARED[table]} FROM {table}"))),
                               key=repr)
                 for table in EVENT_TABLES}
    engine.dispose()
    return found


def test_random_writes_leave_the_event_tables_a_rebuild_makes_on_postgres(pg_db, random_writes):
    from models.events import rebuild_events

    for step in random_writes(pg_db, 3, steps=12):
        kept = event_rows(pg_db)
        engine = make_engine(pg_db)
        with engine.begin() as connection:
            rebuild_events(connection)
        engine.dispose()
        assert event_rows(pg_db) == kept, f"step {step}"
    assert kept["events"] and kept["event_totals"]
