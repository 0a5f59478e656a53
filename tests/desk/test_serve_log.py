"""The log of `depeches serve`, read from the real server's stderr: one line for each request it cannot serve, a
traceback only for a fault of the server."""

import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "depeches"
# How long the server may take to answer its first request.
SERVER_START_S = 60

ARTICLE = "2021-03_cfa_bretagne"
# Longer than a recursive query may run with the time limit the request sets (`_timelimit`, in ms).
ENDLESS_SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
# Requests that cannot be served, with the status of the answer and what the log line says of them.
FAILED_REQUESTS = [
    ("/nulle-part", 404, "Database not found"),
    ("/depeches/pas_de_table", 404, "Table not found"),
    ("/depeches/articles/pas-d-article", 404, "Record not found"),
    ("/-/article/pas-d-article", 404, "Aucun article 'pas-d-article' dans la base"),
    ("/a/b/c/d/e", 404, ""),
    ("/depeches.json?sql=SELEC+1", 400, "Statement must be a SELECT"),
    ("/depeches?sql=select+*+from+rien", 400, "no such table: rien"),
    ("/depeches.json?sql=" + urllib.parse.quote_plus(ENDLESS_SQL) + "&_timelimit=50", 400, "SQL query took too long"),
]
SERVED = ["/", "/-/tableau-de-bord", f"/-/article/{ARTICLE}", "/depeches/events?_facet=region"]
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\d{3}) GET (\S+)(?:: (.*))?$")


@dataclass(frozen=True)
class ServerRun:
    statuses: dict
    stdout: str
    stderr: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while True:
        try:
            status_of(url)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("depeches serve did not start")
            time.sleep(0.3)


@pytest.fixture
def server_run(store_copy, tmp_path) -> ServerRun:
    """The server on a copy of the store: failed requests, pages served, then a page its store no longer allows."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen([str(SCRIPT), "serve", "--db", str(store_copy.db), "--port", str(port)],
                                   stdout=stdout, stderr=stderr, cwd=REPO)
    try:
        wait_until_up(base + "/", process)
        statuses = {path: status_of(base + path) for path in [*SERVED, *(r[0] for r in FAILED_REQUESTS)]}
        with sqlite3.connect(store_copy.db) as connection:  # the store loses a table the article page reads
            connection.execute("ALTER TABLE articles RENAME TO articles_renamed")
        statuses["broken"] = status_of(f"{base}/-/article/{ARTICLE}")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return ServerRun(statuses, out.read_text(), err.read_text())


def test_each_request_that_cannot_be_served_is_one_line_without_traceback(server_run):
    before_the_fault = server_run.stderr.split(f"500 GET /-/article/{ARTICLE}", 1)[0]
    lines = [LINE.match(line) for line in before_the_fault.splitlines()[:-1]]  # the last one is the 500's time
    assert all(lines), before_the_fault
    logged = [(int(m[1]), m[2], m[3] or "") for m in lines]
    assert len(logged) == len(FAILED_REQUESTS)
    for (path, status, message), (got_status, got_path, got_message) in zip(FAILED_REQUESTS, logged):
        assert server_run.statuses[path] == status
        assert (got_status, got_path) == (status, path)
        assert got_message.startswith(message) and "\n" not in got_message
    assert all(server_run.statuses[path] == 200 for path in SERVED)  # pages served log nothing


def test_a_fault_of_the_server_is_its_line_and_a_traceback(server_run):
    assert server_run.statuses["broken"] == 500
    fault = server_run.stderr.split(f"500 GET /-/article/{ARTICLE}: no such table: articles\n", 1)[1]
    assert fault.startswith("Traceback (most recent call last):")
    assert fault.rstrip().endswith("sqlite3.OperationalError: no such table: articles")
    assert server_run.stderr.count("Traceback") == 1


def test_nothing_but_the_announcement_on_stdout(server_run):
    assert [line.split(" ", 1)[0] for line in server_run.stdout.splitlines()] == ["serving", "dashboard:"]
