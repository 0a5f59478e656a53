"""The store and ingest on a real PostgreSQL server, against the same on SQLite.

The server is named by DEPECHES_TEST_POSTGRES (a SQLAlchemy URL to a database the tests may create databases from;
.ci/run starts a throwaway one). Without it the tests are skipped, except under CI=true where they fail.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from models import SCHEMA_VERSION, create_store, make_engine, store
from models.migrations import _config
from models.schema import Base
from models.views import VIEWS
from models.writelock import POSTGRES_WRITE_LOCK
from pipelines.cli import main
from pipelines.ingest import ingest
from pipelines.readers import RawArticle, read_paths

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpus" / "samples"
ONE_ARTICLE = SAMPLES / "txt" / "2021-03_cfa_bretagne.txt"
SCRIPT = Path(sys.executable).parent / "depeches"
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


# Columns holding row ids: two writers at once draw ids from the same sequence in turns, so only their values differ.
ID_COLUMNS = ("event_id, fact_id, ", "event_id, ")


def rows(url: str, ids: bool = True) -> dict[str, list[tuple]]:
    """Every row of the compared tables, as text, in a fixed order: the same on both databases when equal; without
    the row ids of the event tables when `ids` is false."""
    compared = COMPARED if ids else {t: c.removeprefix(ID_COLUMNS[0]).removeprefix(ID_COLUMNS[1])
                                     for t, c in COMPARED.items()}
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table: sorted((tuple(None if v is None else str(v) for v in row)
                                for row in connection.execute(text(f"SELECT {columns} FROM {table}"))), key=repr)
                 for table, columns in compared.items()}
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


# --- two writers at once -------------------------------------------------------------------------------------------

# Articles a batch: small, so that the two runs' batches interleave.
TOGETHER_BATCH = 2
# Longest the two ingests may take together: two model loads and the sample corpus on a busy 2-core machine.
TOGETHER_TIMEOUT_S = 600
# How long each INSERT into articles holds its transaction open in the slowed store: long enough that the two runs'
# writes of the same batch overlap, as they do on a server farther away than a local socket.
SLOW_WRITE_S = 0.3
SLOW_WRITES = f"""
CREATE FUNCTION depeches_test_slow_write() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_sleep({SLOW_WRITE_S}); RETURN NULL; END $$;
CREATE TRIGGER depeches_test_slow_write AFTER INSERT ON articles
FOR EACH STATEMENT EXECUTE FUNCTION depeches_test_slow_write();
"""
POLL_S = 0.1
# Short wait for the write lock, for the test that holds it on purpose.
SHORT_LOCK_MS = 300


def _ingest_process(dump: Path, url: str) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if k != "DEPECHES_DB"}
    return subprocess.Popen([str(SCRIPT), "ingest", str(dump), "--db", url, "--quiet", "--workers", "1",
                             "--batch-size", str(TOGETHER_BATCH)], env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _write_dump(path: Path) -> int:
    """The sample corpus as one JSONL dump; returns its number of articles."""
    articles = [a for a in read_paths([SAMPLES]) if isinstance(a, RawArticle)]
    path.write_text("".join(json.dumps({"id": a.id, "title": a.title, "published": a.published, "text": a.text},
                                       ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return len(articles)


def _scalar(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


def _outputs(processes: list) -> list[tuple[str, str]]:
    """Each process's (stdout, stderr) once it ends; any still running after the timeout is killed."""
    try:
        return [p.communicate(timeout=TOGETHER_TIMEOUT_S) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def test_two_ingests_at_once_end_with_the_store_one_run_makes(pg_db, tmp_path, nlp):
    dump = tmp_path / "dump.jsonl"
    size = _write_dump(dump)
    clean = tmp_path / "clean.db"
    ingest([dump], str(clean), batch_size=TOGETHER_BATCH, progress=False, workers=1)
    engine = make_engine(pg_db)
    create_store(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(SLOW_WRITES)
    engine.dispose()
    processes = [_ingest_process(dump, pg_db), _ingest_process(dump, pg_db)]
    results = _outputs(processes)
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0 and "Traceback" not in err, err
        assert f"read {size} articles" in out
    assert rows(pg_db, ids=False) == rows(f"sqlite:///{clean}", ids=False)
    assert _scalar(pg_db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") == 2


def _lock_waiters(url: str) -> int:
    """How many connections wait for the write lock of models/writelock.py."""
    return _scalar(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                        f"AND (classid::bigint << 32) + objid::bigint = {POSTGRES_WRITE_LOCK}")


def test_two_ingests_on_a_new_database_create_one_store(pg_db, nlp):
    holder = create_engine(pg_db)
    with holder.connect() as connection:  # held until both runs wait for it, at their first transaction
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({POSTGRES_WRITE_LOCK})")
        processes = [_ingest_process(ONE_ARTICLE, pg_db), _ingest_process(ONE_ARTICLE, pg_db)]
        deadline = time.monotonic() + TOGETHER_TIMEOUT_S
        while _lock_waiters(pg_db) < 2 and time.monotonic() < deadline and all(p.poll() is None for p in processes):
            time.sleep(POLL_S)
        waiting = _lock_waiters(pg_db)
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({POSTGRES_WRITE_LOCK})")
    holder.dispose()
    results = _outputs(processes)
    assert waiting == 2, results
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0 and "Traceback" not in err, err
    assert _scalar(pg_db, "SELECT version_num FROM alembic_version") == f"{SCHEMA_VERSION:04d}"
    assert _scalar(pg_db, "SELECT count(*) FROM articles") == 1


def test_a_writer_waits_for_the_write_lock_and_readers_do_not(pg_db, monkeypatch, run_cli):
    create_store(make_engine(pg_db))
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", SHORT_LOCK_MS)
    holder = create_engine(pg_db)
    with holder.connect() as connection:  # another writer, in the middle of a transaction
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({POSTGRES_WRITE_LOCK})")
        code, out, err = run_cli("query", "SELECT count(*) AS n FROM articles", "--db", pg_db, "--format", "csv",
                                 timeout=60)
        assert code == 0 and out.split() == ["n", "0"], err
        result = CliRunner().invoke(main, ["ingest", str(ONE_ARTICLE), "--db", pg_db, "--quiet", "--workers", "1"])
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({POSTGRES_WRITE_LOCK})")
    holder.dispose()
    assert result.exit_code != 0
    assert "locked by another process" in result.output and "Traceback" not in result.output
    assert _scalar(pg_db, "SELECT count(*) FROM articles") == 0


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


def test_corrections_on_postgres_show_in_fact_view_and_the_events_and_follow_a_changed_text(pg_db, tmp_path):
    from models.corrections import list_corrections
    from models.events import rebuild_events
    from pipelines.corrections import correct

    ingest([ONE_ARTICLE], pg_db, progress=False)
    engine = create_engine(pg_db)
    with engine.connect() as connection:
        plateau, second = connection.execute(text(
            "SELECT id FROM facts WHERE article_id = '2021-03_cfa_bretagne' AND seq IN (5, 9) ORDER BY seq")).scalars()
    engine.dispose()
    assert correct(pg_db, plateau, {"body": "Région Bretagne", "region": ""}, "Anne", "<b>note</b>").changes
    assert correct(pg_db, second, {"not_a_fact": True}, "Anne").changes
    changed = tmp_path / ONE_ARTICLE.name
    changed.write_text(ONE_ARTICLE.read_text("utf-8").replace("à Saint-Malo, obtient", "à Saint-Malo, sur le port, "
                                                                 "obtient"), "utf-8")
    ingest([changed], pg_db, progress=False)
    engine = create_engine(pg_db)
    with engine.connect() as connection:
        shown = connection.execute(text("SELECT body, region, corrected FROM fact_view WHERE seq = 5")).one()
        hidden = connection.execute(text("SELECT count(*) FROM fact_view WHERE seq = 9")).scalar_one()
        orphaned = list_corrections(connection, orphaned=True)
    engine.dispose()
    assert tuple(shown) == ("Région Bretagne", None, 1) and hidden == 1
    assert [row["not_a_fact"] for row in orphaned] == [1]
    kept = event_rows(pg_db)
    engine = make_engine(pg_db)
    with engine.begin() as connection:
        rebuild_events(connection)
    engine.dispose()
    assert event_rows(pg_db) == kept
