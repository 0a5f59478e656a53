"""Security: nobody changes the store through query or serve, user input never becomes SQL, and nothing is
written outside the paths the user named.

Reading is read-only by construction, not by string checks: SQLite files are opened with mode=ro and an
authorizer refuses what could still reach other files (ATTACH, VACUUM INTO, pragmas that set something),
so statements written to slip past a keyword filter are tried here on purpose.
"""

import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from models import read_only_engine
from pipelines.cli import main
from pipelines.ingest import ingest
from pipelines.query import FactFilter, QueryError, find_facts, run_query

REPO = Path(__file__).resolve().parent.parent
SAMPLES_TXT = REPO / "corpus" / "samples" / "txt"
SCRIPT = Path(sys.executable).parent / "depeches"
HOSTILE_ID = "script-normandie"
# An article whose title and text hold markup: every page must show it as text.
HOSTILE_TITLE = 'Normandie <script>window.pwned = 1</script> & "Cie"'
HOSTILE_TEXT = ("La Région Normandie vote 2 M€ pour les CFA <script>window.pwned = 1</script> de Caen.\n"
                "Le conseil régional a voté le 4 mars 2024 une aide de 3 M€ <img src=x onerror=alert(1)> pour Rouen.")
RAW_MARKUP = ("<script>window.pwned", "<img src=x")
# A filter value written to break out of a quoted SQL string.
INJECTIONS = ["x' OR '1'='1", "Normandie' --", "'; DELETE FROM facts; --", '" OR ""="', "x') OR 1=1 --"]
CLI_TIMEOUT_S = 300
SERVER_START_S = 60


@dataclass(frozen=True)
class Store:
    db: Path
    folder: Path


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp) -> Store:
    """The sample articles and one article full of markup, in a store no test may change."""
    base = tmp_path_factory.mktemp("secure")
    extra = base / "extra"
    extra.mkdir()
    (extra / "dump.jsonl").write_text(json.dumps({"id": HOSTILE_ID, "title": HOSTILE_TITLE, "text": HOSTILE_TEXT,
                                                  "published": "2024-03-05"}) + "\n", encoding="utf-8")
    db = base / "store" / "depeches.db"
    db.parent.mkdir()
    ingest([SAMPLES_TXT, extra], str(db), progress=False, workers=1)
    return Store(db, db.parent)


def fingerprint(store: Store) -> tuple:
    """The store file's bytes and what its folder holds (SQLite's -wal and -shm companions aside)."""
    digest = hashlib.sha256(store.db.read_bytes()).hexdigest()
    names = sorted(p.name for p in store.folder.iterdir() if not p.name.endswith(("-wal", "-shm")))
    return digest, names


def cli(*args):
    return CliRunner().invoke(main, [*map(str, args)])


# --- query cannot change the store --------------------------------------------------------------------------------

SNEAKY = [
    pytest.param("WITH x AS (SELECT 1) DELETE FROM facts", id="cte-delete"),
    pytest.param("WITH doomed AS (SELECT id FROM facts) UPDATE facts SET amount = 0 WHERE id IN doomed",
                 id="cte-update"),
    pytest.param("/* SELECT */ DELETE FROM articles", id="comment-first"),
    pytest.param("DELETE FROM articles_fts", id="search-index"),
    pytest.param("CREATE TEMP TRIGGER t AFTER INSERT ON main.facts BEGIN DELETE FROM facts; END", id="temp-trigger"),
    pytest.param("DROP VIEW fact_view", id="drop-view"),
    pytest.param("PRAGMA journal_mode=DELETE", id="journal-mode"),
    pytest.param("PRAGMA user_version = 99", id="user-version"),
    pytest.param("PRAGMA query_only = 0", id="query-only-off"),
    pytest.param("PRAGMA writable_schema = ON", id="writable-schema"),
    pytest.param("PRAGMA wal_checkpoint(TRUNCATE)", id="checkpoint"),
    pytest.param("VACUUM", id="vacuum"),
    pytest.param("VACUUM INTO '{tmp}/copy.db'", id="vacuum-into"),
    pytest.param("ATTACH DATABASE '{tmp}/evil.db' AS evil", id="attach"),
    pytest.param("ATTACH 'file:{tmp}/evil.db?mode=rwc' AS evil", id="attach-uri-rwc"),
    pytest.param("REINDEX", id="reindex"),
    pytest.param("ANALYZE", id="analyze"),
    pytest.param("SELECT 1; DELETE FROM facts", id="two-statements"),
]


@pytest.mark.parametrize("statement", SNEAKY)
def test_query_cannot_change_the_store(store, tmp_path, statement):
    before = fingerprint(store)
    counts = run_query("SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM articles)", str(store.db)).rows
    result = cli("query", statement.format(tmp=tmp_path), "--db", store.db)
    assert result.exit_code != 0, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert fingerprint(store) == before
    assert run_query("SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM articles)", str(store.db)).rows == counts
    assert run_query("PRAGMA journal_mode", str(store.db)).rows == [("wal",)]
    assert list(tmp_path.iterdir()) == []  # no file made elsewhere either


@pytest.mark.parametrize("statement", ["VACUUM INTO '{tmp}/copy.db'", "ATTACH '{tmp}/evil.db' AS evil",
                                       "PRAGMA main.journal_mode = DELETE"])
def test_read_only_connections_refuse_without_any_string_check(store, tmp_path, statement):
    """The refusal comes from the connection itself: the statement is sent to SQLite as it is."""
    engine = read_only_engine(str(store.db))
    try:
        with engine.connect() as connection, pytest.raises(SQLAlchemyError, match="not authorized|authorization denied|readonly"):
            connection.exec_driver_sql(statement.format(tmp=tmp_path))
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_reading_pragmas_and_searches_still_work(store):
    assert run_query("PRAGMA table_info(facts)", str(store.db)).rows
    assert run_query("SELECT count(*) FROM pragma_table_info('articles')", str(store.db)).rows[0][0] > 5
    found = run_query("SELECT article_id FROM articles_fts WHERE articles_fts MATCH 'pwned'", str(store.db)).rows
    assert found == [(HOSTILE_ID,)]


# --- filters are bound parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("option", ["--region", "--body"])
def test_hostile_filter_values_match_nothing(store, option, value):
    everything = json.loads(cli("facts", "--format", "json", "--db", store.db).output)
    assert everything  # the filter, not an empty store, is what empties the answer below
    result = cli("facts", option, value, "--format", "json", "--db", store.db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_a_real_region_still_matches(store):
    found = json.loads(cli("facts", "--region", "normandie", "--format", "json", "--db", store.db).output)
    assert found and {f["region"] for f in found} == {"Normandie"}


@pytest.mark.parametrize("option", ["--region", "--body"])
def test_export_filters_are_bound_too(store, option):
    result = cli("export", "--format", "jsonl", option, INJECTIONS[0], "--db", store.db)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ""


def test_filter_values_reach_the_database_as_parameters_only(store):
    """Every statement sent while filtering: the hostile values are among its parameters, never in its text."""
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        find_facts(FactFilter(region=INJECTIONS[0], body=INJECTIONS[2], min_amount=1.0), str(store.db))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    (statement, parameters), = [(s, p) for s, p in sent if "fact_view" in s]
    for value in (INJECTIONS[0], INJECTIONS[2]):
        assert value not in statement
        assert any(value in str(p) for p in (parameters.values() if isinstance(parameters, dict) else parameters))


def test_query_library_refuses_a_write_with_a_clear_reason(store):
    with pytest.raises(QueryError, match="refused: the store is read-only"):
        run_query("WITH x AS (SELECT 1) DELETE FROM facts", str(store.db))


# --- serve ----------------------------------------------------------------------------------------------------------

def site_get(db: Path, *paths: str) -> list:
    """GET each path from the site `depeches serve` would run on `db`, in this process (no socket)."""
    from pipelines.serve import make_datasette

    async def fetch():
        site = make_datasette(db)
        await site.invoke_startup()
        return [await site.client.get(path) for path in paths]

    return asyncio.run(fetch())


@pytest.mark.parametrize("sql", ["WITH x AS (SELECT 1) DELETE FROM facts", "VACUUM INTO '{tmp}/copy.db'",
                                 "ATTACH '{tmp}/evil.db' AS evil", "PRAGMA journal_mode=DELETE",
                                 "UPDATE articles SET text = 'x'"])
def test_serve_cannot_change_the_store(store, tmp_path, sql):
    before = fingerprint(store)
    (response,) = site_get(store.db, "/depeches.json?" + _query_string(sql=sql.format(tmp=tmp_path)))
    assert response.status_code >= 400 or response.json().get("ok") is False
    assert fingerprint(store) == before
    assert list(tmp_path.iterdir()) == []


def test_serve_has_no_writing_canned_query():
    from pipelines.serve import site_metadata

    for database in site_metadata().get("databases", {}).values():
        for name, query in (database.get("queries") or {}).items():
            assert not (isinstance(query, dict) and query.get("write")), name


def _query_string(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_serve_pages_escape_article_text(store):
    from pipelines.desk.links import article_path

    paths = [article_path(HOSTILE_ID), f"/depeches/articles/{HOSTILE_ID}", "/depeches/fact_view",
             "/depeches/articles?_search=pwned", "/depeches?" + _query_string(sql="SELECT title, text FROM articles")]
    for path, response in zip(paths, site_get(store.db, *paths)):
        assert response.status_code == 200, (path, response.status_code)
        page = response.text
        assert "pwned" in page, path  # the article is on the page
        for markup in RAW_MARKUP:
            assert markup not in page, (path, markup)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as lines:
            next(lines)
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads the listening sockets from Linux /proc")
def test_serve_listens_on_loopback_only_by_default(store, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(SCRIPT), "serve", "--db", str(store.db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _listening_addresses(port):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else (no 0.0.0.0, no ::)
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- nothing written outside the paths the user named -------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file under a folder, with its size, modification time and content hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns,
                                                    hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def test_nothing_is_written_outside_the_named_paths(tmp_path):
    work, home, temp, dump, out = (tmp_path / name for name in ("work", "home", "tmp", "dump", "out"))
    for folder in (work, home, temp, dump, out):
        folder.mkdir()
    (dump / "a.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (dump / "b.jsonl").write_text('{"id": "b", "text": "La région Bretagne verse 4 M€."}\n{broken\n', "utf-8")
    dump_before = snapshot(dump)
    environ = {k: v for k, v in os.environ.items() if k not in ("DEPECHES_DB", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    environ.update(HOME=str(home), TMPDIR=str(temp), XDG_CACHE_HOME=str(home / ".cache"))
    db = out / "store.db"
    for args in (["ingest", dump, "--db", db, "--quiet"],
                 ["query", "SELECT count(*) FROM facts", "--db", db],
                 ["facts", "--region", "Bretagne", "--db", db]):
        done = subprocess.run([str(SCRIPT), *map(str, args)], cwd=work, env=environ, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S)
        assert done.returncode == 0, done.stderr
    assert snapshot(dump) == dump_before
    assert {p.name for p in out.iterdir()} <= {"store.db", "store.db-wal", "store.db-shm"}
    assert db.exists()
    for folder in (work, home, temp):
        assert list(folder.rglob("*")) == [], folder
