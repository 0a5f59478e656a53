"""Shared fixtures: the real spaCy pipeline, the real console script, real SQLite files."""

import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "data" / "000_4b56ed4868a6c56d.txt"
SAMPLES = REPO / "corpus" / "samples"
# The console script installed next to the interpreter running the tests (.venv/bin/depeches).
SCRIPT = Path(sys.executable).parent / "depeches"
# Long enough for a model load and the sample corpus on a busy 2-core machine, short enough to catch a hang.
CLI_TIMEOUT_S = 300
# Small pools for random stores, so that random facts share keys and dates, chain into events across months and
# years, and articles get replaced.
AMOUNTS = (45e6, 3e6, 500.0, -2e6)
BODIES = ("Caisse des dépôts", "Région Normandie", None)
REGIONS = ("Normandie", "Bretagne", None)
DATES = (None, "2020", "2021", "2020-07", "2020-11", "2020-07-10", "2020-10-30", "2021-01-15", "2021-06-01")
PUBLISHED = (None, "2020-07-10", "2020-09-23", "2021-01-02", "2021-05-30")
ARTICLE_IDS = tuple(f"a{i}" for i in range(8))


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    def __iter__(self):
        return iter((self.code, self.stdout, self.stderr))


def _run_cli(*args, env: dict | None = None, cwd: Path = REPO, timeout: float = CLI_TIMEOUT_S) -> CliResult:
    """Run `depeches ARGS` through its entry point; (code, stdout, stderr), also as named fields."""
    environ = {k: v for k, v in os.environ.items() if k != "DEPECHES_DB"}
    environ.update(env or {})
    done = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=environ,
                          timeout=timeout)
    return CliResult(done.returncode, done.stdout, done.stderr)


def _rows(db: Path, statement: str, params: tuple = ()) -> list[tuple]:
    """Rows of a statement on a SQLite file, read with the standard library (independent of the code under test)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(statement, params).fetchall()
    finally:
        connection.close()


@dataclass(frozen=True)
class IngestedStore:
    """The sample corpus and the seed dispatch ingested twice into one SQLite file, with what each run said."""

    db: Path
    first: CliResult
    second: CliResult
    after_first: dict


def _table_counts(db: Path) -> dict:
    return {table: _rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in ("articles", "entities", "facts")}


@pytest.fixture(scope="session")
def run_cli():
    """`run_cli(*args, env=None, cwd=REPO, timeout=...)` runs the console script; returns (code, stdout, stderr)."""
    return _run_cli


@pytest.fixture(scope="session")
def rows():
    """`rows(db, sql, params=())`: the rows of a statement on a SQLite file, read with the sqlite3 module."""
    return _rows


@pytest.fixture(scope="session")
def nlp():
    """The real French pipeline with the depeches stages, loaded once per session."""
    from extract.nlp import load

    return load()


@pytest.fixture
def db(tmp_path) -> Path:
    """A path for a fresh SQLite store (the file does not exist yet)."""
    return tmp_path / "depeches.db"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def ingested(tmp_path_factory) -> IngestedStore:
    """corpus/samples and the seed ingested into a fresh store, then ingested again; tests only read it."""
    db = tmp_path_factory.mktemp("store") / "depeches.db"
    first = _run_cli("ingest", SAMPLES, SEED, "--db", db, "--quiet")
    after_first = _table_counts(db) if db.exists() else {}
    second = _run_cli("ingest", SAMPLES, SEED, "--db", db, "--quiet")
    return IngestedStore(db, first, second, after_first)


def _random_fact(rng: random.Random):
    from extract.types import Fact

    amount = rng.choice(AMOUNTS)
    return Fact(amount=amount, amount_max=rng.choice((None, None, amount * 2)),
                currency=rng.choice(("EUR", "EUR", "USD")), qualifier=rng.choice(("exact", "approx")),
                per=rng.choice((None, None, "apprenti")), body=rng.choice(BODIES), body_role=None,
                date=rng.choice(DATES), region=rng.choice(REGIONS), sentence="Une phrase.", start=0, end=1,
                confidence=0.5)


def _random_article(rng: random.Random, article_id: str, version: int):
    from extract.nlp import Extraction
    from pipelines.batch import Prepared, Processed, content_hash
    from pipelines.readers import RawArticle

    text = f"Article {article_id}, version {version}."
    raw = RawArticle(article_id, f"{article_id}.txt", text, title=f"Titre {article_id}",
                     published=rng.choice(PUBLISHED))
    facts = [_random_fact(rng) for _ in range(rng.randint(0, 4))]
    return Processed(Prepared(raw, text, content_hash(text)), Extraction(facts=facts))


def _random_writes(db: Path | str, seed: int, steps: int):
    """Random batches written to a new store at `db` (a path or URL) through the loader, every fourth step a
    deletion; yields the step after each."""
    from models import create_store, make_engine
    from pipelines.batch import Batch
    from pipelines.load import Counts, delete_articles, start_run, write_batch

    rng = random.Random(seed)
    engine = make_engine(str(db))
    create_store(engine)
    try:
        for step in range(steps):
            if step % 4 == 3:
                with engine.begin() as connection:
                    delete_articles(connection, rng.sample(ARTICLE_IDS, 2))
            else:
                run_id = start_run(engine, [], "test", "none")
                ids = rng.sample(ARTICLE_IDS, rng.randint(1, 4))
                batch = Batch([_random_article(rng, i, step) for i in ids], read=len(ids))
                write_batch(engine, run_id, batch, Counts())
            yield step
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def random_writes():
    """`random_writes(db, seed, steps)`: a generator writing a random store step by step (see _random_writes)."""
    return _random_writes
