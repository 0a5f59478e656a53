"""Concurrent use of one SQLite store: two ingests started at once, read all along by `depeches query`, the
query library, `depeches serve` and a plain sqlite3 reader.

Readers never fail and never see half a batch (WAL: they read the last committed state); the two
writers take turns (the second waits on the write lock, within the busy timeout); the store ends as
a single clean run leaves it. A writer kept waiting past the busy timeout stops with a clear message.
"""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import store
from pipelines.cli import main
from pipelines.batch import prepare
from pipelines.ingest import ingest
from pipelines.load import known_ids
from pipelines.query import QueryError, run_query
from pipelines.readers import RawArticle, read_paths

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
SCRIPT = Path(sys.executable).parent / "depeches"
BATCH_SIZE = 2
# Longest an ingest may take here: a model load and the sample corpus on a busy 2-core machine.
INGEST_TIMEOUT_S = 300
POLL_S = 0.1
FACT_COLUMNS = "article_id, seq, amount, amount_max, currency, qualifier, per, body, body_role, date, region, start, end"
COUNT_SQL = "SELECT count(*) FROM articles"
# Busy timeout used by the tests that hold the write lock on purpose: short, so that they end quickly.
SHORT_BUSY_MS = 300


def write_dump(path: Path) -> int:
    """The sample corpus as one JSONL dump; returns its number of articles."""
    articles = [a for a in read_paths([SAMPLES]) if isinstance(a, RawArticle)]
    lines = [json.dumps({"id": a.id, "title": a.title, "published": a.published, "text": a.text}, ensure_ascii=False)
             for a in articles]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(articles)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def facts_per_article(db: Path) -> dict[str, int]:
    return dict(rows(db, "SELECT a.id, count(f.id) FROM articles a LEFT JOIN facts f ON f.article_id = a.id "
                         "GROUP BY a.id"))


def all_facts(db: Path) -> list[tuple]:
    return rows(db, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY article_id, seq")


@dataclass
class Readings:
    """What each reader saw while the ingests ran: article counts, failures, half-written articles."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in ("sqlite3", "query", "cli", "serve")})
    errors: list[str] = field(default_factory=list)
    partial: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class Together:
    db: Path
    size: int
    clean_facts: list
    clean_per_article: dict
    results: list
    readings: Readings


def _schema_ready(db: Path) -> bool:
    try:
        return bool(rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'articles'")[0][0])
    except sqlite3.Error:
        return False


class Readers:
    """One round of every reader on the store, recording what they see."""

    def __init__(self, db: Path, clean: dict[str, int], readings: Readings) -> None:
        self.db, self.clean, self.readings = db, clean, readings
        self.loop = asyncio.new_event_loop()
        self.site = None

    def round(self) -> None:
        for name, read in (("sqlite3", self._sqlite3), ("query", self._query), ("cli", self._cli),
                           ("serve", self._serve)):
            try:
                self.readings.counts[name].append(read())
            except Exception as error:  # every failure of any reader is a finding
                self.readings.errors.append(f"{name}: {type(error).__name__}: {error}")

    def _sqlite3(self) -> int:
        seen = facts_per_article(self.db)
        self.readings.partial += [(a, n, self.clean[a]) for a, n in seen.items() if n != self.clean[a]]
        return len(seen)

    def _query(self) -> int:
        return run_query(COUNT_SQL, str(self.db)).rows[0][0]

    def _cli(self) -> int:
        result = CliRunner().invoke(main, ["query", COUNT_SQL, "--db", str(self.db), "--format", "json"])
        if result.exit_code != 0:
            raise QueryError(result.output)
        return json.loads(result.output)[0]["count(*)"]

    def _serve(self) -> int:
        from pipelines.serve import make_datasette

        if self.site is None:
            self.site = make_datasette(self.db)
            self.loop.run_until_complete(self.site.invoke_startup())
        response = self.loop.run_until_complete(self.site.client.get(f"/depeches.json?sql={COUNT_SQL}"))
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.json()["rows"][0][0]

    def close(self) -> None:
        self.loop.close()


def start_ingest(dump: Path, db: Path) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if k != "DEPECHES_DB"}
    return subprocess.Popen([str(SCRIPT), "ingest", str(dump), "--db", str(db), "--quiet", "--workers", "1",
                             "--batch-size", str(BATCH_SIZE)], env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def together(tmp_path_factory, nlp) -> Together:
    """Two ingests of one dump started at once on a new store, every reader polling until both end."""
    base = tmp_path_factory.mktemp("together")
    dump = base / "dump.jsonl"
    size = write_dump(dump)
    clean_db = base / "clean.db"
    ingest([dump], str(clean_db), batch_size=BATCH_SIZE, progress=False, workers=1)
    clean_per_article = facts_per_article(clean_db)

    db = base / "store.db"
    processes = [start_ingest(dump, db), start_ingest(dump, db)]
    readings = Readings()
    readers = Readers(db, clean_per_article, readings)
    deadline = time.monotonic() + INGEST_TIMEOUT_S
    try:
        while any(p.poll() is None for p in processes) and time.monotonic() < deadline:
            if _schema_ready(db):
                readers.round()
            time.sleep(POLL_S)
        readers.round()  # once more, after both ended
    finally:
        readers.close()
        for process in processes:
            if process.poll() is None:
                process.kill()
    results = [(p.wait(), *p.communicate()) for p in processes]
    return Together(db, size, all_facts(clean_db), clean_per_article, results, readings)


def test_two_ingests_at_once_both_finish(together):
    for code, out, err in together.results:
        assert code == 0, err
        assert "Traceback" not in err
        assert f"read {together.size} articles" in out
    assert rows(together.db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL") == [(2,)]


def test_the_store_is_whole_after_both(together):
    assert rows(together.db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(together.db, "PRAGMA foreign_key_check") == []
    assert rows(together.db, "SELECT count(*), count(DISTINCT id) FROM articles") == [(together.size, together.size)]
    assert facts_per_article(together.db) == together.clean_per_article
    assert all_facts(together.db) == together.clean_facts


def test_readers_never_fail_while_ingests_write(together):
    assert together.readings.errors == []
    for name, counts in together.readings.counts.items():
        assert counts and counts[-1] == together.size, name
    # The readers did read while the writers wrote: they saw the store part-filled.
    seen = together.readings.counts["sqlite3"] + together.readings.counts["query"]
    assert any(0 < n < together.size for n in seen), seen


def test_readers_only_see_whole_batches(together):
    assert together.readings.partial == []
    for name, counts in together.readings.counts.items():
        assert counts == sorted(counts), name  # never fewer articles than a moment before


# --- a writer kept waiting ------------------------------------------------------------------------------------------

def hold_write_lock(db: Path) -> sqlite3.Connection:
    """Take the store's write lock from another connection, as a second writer would."""
    connection = sqlite3.connect(db, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def test_store_locked_at_start_gives_a_clear_message(tmp_path, monkeypatch, nlp):
    dump = tmp_path / "dump.jsonl"
    write_dump(dump)
    db = tmp_path / "store.db"
    ingest([tmp_path / "missing"], str(db), progress=False, workers=1)  # a store with its tables, no article
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", SHORT_BUSY_MS)
    locker = hold_write_lock(db)
    try:
        result = CliRunner().invoke(main, ["ingest", str(dump), "--db", str(db), "--quiet", "--workers", "1"])
    finally:
        locker.rollback()
        locker.close()
    assert result.exit_code != 0
    assert "database is locked" in result.output and "Traceback" not in result.output
    assert rows(db, COUNT_SQL) == [(0,)]


def test_store_locked_mid_run_stops_with_a_clear_message_and_keeps_whole_batches(tmp_path, monkeypatch, nlp):
    dump = tmp_path / "dump.jsonl"
    size = write_dump(dump)
    db = tmp_path / "store.db"
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", SHORT_BUSY_MS)
    done, locked = threading.Event(), []

    def lock_after_first_batch() -> None:
        while not done.is_set():
            if _schema_ready(db) and rows(db, COUNT_SQL)[0][0] > 0:
                locked.append(hold_write_lock(db))
                return
            time.sleep(0.01)

    locker = threading.Thread(target=lock_after_first_batch)
    locker.start()
    try:
        result = CliRunner().invoke(main, ["ingest", str(dump), "--db", str(db), "--quiet", "--workers", "1",
                                           "--batch-size", "1"])
    finally:
        done.set()
        locker.join()
        for connection in locked:
            connection.rollback()
            connection.close()
    assert locked, "the lock was never taken"
    assert result.exit_code != 0
    assert "locked by another process" in result.output and "run the same command again" in result.output
    assert "Traceback" not in result.output
    written = facts_per_article(db)
    assert 0 < len(written) < size
    clean = tmp_path / "clean.db"
    ingest([dump], str(clean), progress=False, workers=1)
    assert written == {a: n for a, n in facts_per_article(clean).items() if a in written}


def test_the_look_for_stored_articles_does_not_wait_for_the_write_lock(tmp_path, monkeypatch, nlp):
    """While a batch is written (here: the lock held by another connection), the next batch's look at which of its
    articles are stored already reads the committed state at once rather than waiting for the write."""
    dump = tmp_path / "dump.jsonl"
    write_dump(dump)
    db = tmp_path / "store.db"
    ingest([dump], str(db), progress=False, workers=1)
    stored = {a.id for a in read_paths([dump]) if isinstance(a, RawArticle)}
    prepared = [prepare(a) for a in read_paths([dump]) if isinstance(a, RawArticle)]
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", SHORT_BUSY_MS)
    engine = store.make_engine(str(db))
    locker = hold_write_lock(db)
    try:
        assert known_ids(engine, prepared) == stored
    finally:
        locker.rollback()
        locker.close()
        engine.dispose()


# Where SQLite takes its read locks on a database file, and how wide the range is (SQLite's locking documentation):
# another process can lock the whole range only when no connection of any process still reads the store.
SHARED_LOCK_START, SHARED_LOCK_BYTES = 0x40000000 + 2, 510
LOCK_PROBE = """
import fcntl, sys
with open(sys.argv[1], "r+b") as handle:
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, int(sys.argv[3]), int(sys.argv[2]))
    except OSError:
        print("held")
    else:
        print("free")
"""


def test_opening_the_store_again_keeps_the_locks_of_the_connections_already_open(tmp_path):
    """Opening a store checks that the file is a database; the check must not drop the read locks this process holds
    through its open connections (closing a descriptor of our own on the file would): another process's writer
    would take the store as unused, delete the WAL those connections map, and they would find the store malformed."""
    db = tmp_path / "store.db"
    engine = store.make_engine(str(db))
    store.create_store(engine)
    engine.dispose()
    reader = sqlite3.connect(db)
    try:
        reader.execute(COUNT_SQL).fetchall()
        store.make_engine(str(db)).dispose()
        probe = subprocess.run([sys.executable, "-c", LOCK_PROBE, str(db), str(SHARED_LOCK_START),
                                str(SHARED_LOCK_BYTES)], capture_output=True, text=True, timeout=60)
        assert probe.stdout.strip() == "held", probe.stderr
    finally:
        reader.close()
