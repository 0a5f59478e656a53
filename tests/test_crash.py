"""Crash safety: an ingest killed with SIGKILL mid-run, then run again, leaves the store a clean run leaves.

Each batch is one transaction, so a kill can only lose the batch in flight: every article in the
store has all its facts and entities, the run's row stays unfinished, and running the same command
again loads exactly what is missing.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.ingest import ingest
from pipelines.readers import RawArticle, read_paths

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
SCRIPT = Path(sys.executable).parent / "depeches"
# Copies of the sample corpus (14 articles) in the dump, and articles per batch: seven batches, so that a kill
# after the second lands mid-run with seconds to spare, and the suite stays quick.
COPIES = 1
BATCH_SIZE = 2
# Batches the killed run must have committed before the kill: proof that it was killed mid-run.
COMMITTED_BEFORE_KILL = 2
# Longest wait for those batches (a model load on a busy machine, then the first batches).
START_TIMEOUT_S = 300
POLL_S = 0.05
FACT_COLUMNS = "article_id, seq, amount, amount_max, currency, qualifier, per, body, body_role, date, region, start, end"


def write_copies(path: Path, copies: int) -> int:
    """A JSONL dump of `copies` copies of the sample corpus, each article under a distinct id; returns its size."""
    articles = [a for a in read_paths([SAMPLES]) if isinstance(a, RawArticle)]
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for article in articles:
                out.write(json.dumps({"id": f"copy{copy}-{article.id}", "title": article.title,
                                      "published": article.published, "text": article.text},
                                     ensure_ascii=False) + "\n")
    return copies * len(articles)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read with the standard library, independently of the code under test."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


@dataclass(frozen=True)
class Contents:
    """What a store holds, compared row for row."""

    articles: list
    facts: list
    entities: list


def contents(db: Path) -> Contents:
    return Contents(
        rows(db, "SELECT id, content_hash, text FROM articles ORDER BY id"),
        rows(db, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY article_id, seq"),
        rows(db, "SELECT article_id, label, norm, start, end FROM entities ORDER BY article_id, start, label, norm"),
    )


def facts_per_article(db: Path) -> dict[str, int]:
    return dict(rows(db, "SELECT a.id, count(f.id) FROM articles a LEFT JOIN facts f ON f.article_id = a.id "
                         "GROUP BY a.id"))


@dataclass(frozen=True)
class Dump:
    path: Path
    size: int
    clean: Contents
    clean_facts: dict


@pytest.fixture(scope="module")
def dump(tmp_path_factory, nlp) -> Dump:
    """The dump, and the store a clean (uninterrupted) run makes of it."""
    base = tmp_path_factory.mktemp("crash")
    path = base / "copies.jsonl"
    size = write_copies(path, COPIES)
    db = base / "clean.db"
    ingest([path], str(db), batch_size=BATCH_SIZE, progress=False, workers=1)
    return Dump(path, size, contents(db), facts_per_article(db))


def _articles(db: Path) -> int:
    try:
        return rows(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.Error:
        return 0  # not created yet


def kill_mid_run(dump_path: Path, db: Path) -> subprocess.Popen:
    """Start `depeches ingest` in its own process group, SIGKILL the whole group once some batches are in."""
    environ = {k: v for k, v in os.environ.items() if k != "DEPECHES_DB"}
    process = subprocess.Popen([str(SCRIPT), "ingest", str(dump_path), "--db", str(db), "--quiet", "--workers", "1",
                                "--batch-size", str(BATCH_SIZE)], env=environ, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_TIMEOUT_S
    while _articles(db) < COMMITTED_BEFORE_KILL * BATCH_SIZE:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"the ingest ended or hung before it could be killed: {process.returncode}\n{out}\n{err}")
        time.sleep(POLL_S)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    return process


def test_sigkill_mid_run_then_again_gives_the_clean_store(tmp_path, dump):
    db = tmp_path / "store.db"
    process = kill_mid_run(dump.path, db)
    assert process.returncode == -signal.SIGKILL

    # What the crash left behind: whole batches, a sound file, the run marked unfinished.
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    left = facts_per_article(db)
    assert COMMITTED_BEFORE_KILL * BATCH_SIZE <= len(left) < dump.size
    assert {article: dump.clean_facts[article] for article in left} == left  # no article without all its facts
    assert rows(db, "SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(1,)]

    # The same command again loads exactly what is missing.
    summary = ingest([dump.path], str(db), batch_size=BATCH_SIZE, progress=False, workers=1)
    assert (summary.counts.unchanged, summary.counts.new, summary.counts.updated) == (
        len(left), dump.size - len(left), 0)
    assert contents(db) == dump.clean
    assert rows(db, "SELECT count(*), count(DISTINCT id) FROM articles") == [(dump.size, dump.size)]
    assert rows(db, "SELECT count(*) FROM (SELECT article_id, seq FROM facts GROUP BY article_id, seq "
                    "HAVING count(*) > 1)") == [(0,)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
