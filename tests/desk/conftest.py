"""Fixtures of the desk's tests: the sample corpus ingested once through the real pipeline, copies to write on."""

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "corpus" / "samples"
WATCHLIST = REPO / "corpus" / "watchlists" / "example.toml"
SCRIPT = Path(sys.executable).parent / "depeches"
ARTIFACTS = REPO / "test-artifacts"
# A dispatch whose text holds markup: pages and digests must show it as text, never run it.
HOSTILE_ID = "2024-03_script_bretagne"
HOSTILE_TEXT = (
    "Rennes : la Région Bretagne vote 3 M€ pour les CFA <script>window.pwned = true</script>\n\n"
    "La commission permanente de la Région Bretagne a voté le 4 mars 2024 une enveloppe de 3 M€ pour moderniser "
    "les centres de formation d'apprentis, dont un plateau <b>technique</b> à Brest. Le texte du vote mentionnait "
    "<script>window.pwned = true</script> par erreur.\n")
# How long a server started by a test may take to answer, and how long a command may run.
SERVER_START_S = 60
CLI_TIMEOUT_S = 300


@dataclass(frozen=True)
class DeskStore:
    """A store holding corpus/samples and one hostile dispatch; tests only read it (copy it to write)."""

    db: Path
    hostile_id: str = HOSTILE_ID

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a statement read with the sqlite3 module, independently of the code under test."""
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="session")
def desk_store(tmp_path_factory) -> DeskStore:
    from pipelines.ingest import ingest

    root = tmp_path_factory.mktemp("desk")
    extra = root / "extra"
    extra.mkdir()
    (extra / f"{HOSTILE_ID}.txt").write_text(HOSTILE_TEXT, "utf-8")
    db = root / "depeches.db"
    summary = ingest([SAMPLES, extra], str(db), progress=False)
    assert summary.counts.new >= 10 and summary.counts.facts > 50, summary.lines()
    return DeskStore(db)


@pytest.fixture
def store_copy(desk_store, tmp_path) -> DeskStore:
    """A private copy of the session store, for tests that write (alerts state, new ingests)."""
    target = tmp_path / "depeches.db"
    source = sqlite3.connect(f"file:{desk_store.db}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return DeskStore(target)


def run_cli(*args, cwd: Path = REPO, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    """`depeches ARGS` through its console script."""
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen


@pytest.fixture(scope="session")
def served(desk_store, tmp_path_factory):
    """`depeches serve` on the session store, on a free 127.0.0.1 port, stopped after the session."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(SCRIPT), "serve", "--db", str(desk_store.db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"depeches serve did not start: {log.read_text()}")
                time.sleep(0.3)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def watchlist_file(tmp_path) -> Path:
    """A copy of corpus/watchlists/example.toml (its stem names the alert state)."""
    target = tmp_path / "example.toml"
    shutil.copy(WATCHLIST, target)
    return target


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_in_process(*args) -> Ran:
    """`depeches ARGS` through the CLI's entry point in this process (no interpreter start, no model import)."""
    from click.testing import CliRunner

    from pipelines.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="session")
def depeches_process():
    """`depeches_process(*args, cwd=REPO)` runs the console script and returns the completed process."""
    return run_cli


@pytest.fixture(scope="session")
def depeches():
    """`depeches(*args)` runs the CLI's entry point in process; returncode, stdout and stderr like a process."""
    return run_in_process
