"""Shared fixtures: the real spaCy pipeline, the real console script, real SQLite files."""

import os
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
