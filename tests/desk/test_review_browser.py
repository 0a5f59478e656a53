"""A reviewer in a real browser (Debian's chromium through Playwright) on `depeches serve --review`: opens the link
printed at start, corrects a body on the fact's page, reloads and sees it; then the command line, an export, the
digest and the Atom feed say it too, a re-ingest with another pipeline keeps it, and the gold export scores it."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "depeches"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
# A page action waits this long (milliseconds) before failing; a server or a command this long (seconds).
ACTION_TIMEOUT_MS = 30_000
SERVER_START_S = 60
CLI_TIMEOUT_S = 300
ARTICLE = "2021-03_cfa_bretagne"
ARTICLE_FILE = REPO / "corpus" / "samples" / "txt" / f"{ARTICLE}.txt"
PLATEAU = 5
BODY = "Opco Santé"
HOSTILE_NOTE = "<script>alert(1)</script>"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test does)")


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=REPO,
                          timeout=CLI_TIMEOUT_S)


def fact_of(db: Path, seq: int = PLATEAU) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id FROM facts WHERE article_id = ? AND seq = ?", (ARTICLE, seq)).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def review_server(store_copy, tmp_path):
    """`depeches serve --review` on a copy of the store; yields (site URL, review link)."""
    yield from _serve(store_copy.db, tmp_path)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(db: Path, tmp_path: Path):
    port, log = _free_port(), tmp_path / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(SCRIPT), "serve", "--review", "--db", str(db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + SERVER_START_S
    try:
        while not (found := re.search(r"whoever opens (\S+)", log.read_text())):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"depeches serve --review did not start: {log.read_text()}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", found.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        requested, dialogs = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield page
        browser.close()
    foreign = [url for url in requested if urlparse(url).hostname not in (None, "127.0.0.1")
               and urlparse(url).scheme in ("http", "https")]
    assert not foreign, f"requests left the machine: {foreign}"
    assert not dialogs, f"a script ran: {dialogs}"


def test_a_reviewer_corrects_a_body_and_every_output_follows(page, review_server, store_copy, tmp_path, artifacts):
    url, link = review_server
    db = store_copy.db
    fact = fact_of(db)
    page.goto(f"{url}/-/article/{ARTICLE}?fait={fact}")
    assert page.locator("form.desk-review-form").count() == 0
    page.goto(link)
    page.goto(f"{url}/-/article/{ARTICLE}?fait={fact}")
    page.fill("form.desk-review-form input[name=body]", BODY)
    page.fill("form.desk-review-form input[name=by]", "Anne")
    page.fill("form.desk-review-form textarea[name=note]", HOSTILE_NOTE)
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.wait_for_url(f"**fait={fact}**")
    page.reload()
    assert page.input_value("form.desk-review-form input[name=body]") == BODY
    assert page.locator("tr.desk-selected-row").inner_text().count(BODY) == 1
    assert page.locator("q.desk-review-note").inner_text() == HOSTILE_NOTE
    page.screenshot(path=str(artifacts / "relecture-fait-corrige.png"), full_page=True)

    listed = cli("facts", "--body", BODY, "--format", "json", "--db", db)
    assert [(r["amount"], r["article_id"]) for r in json.loads(listed.stdout)] == [(2400000, ARTICLE)]
    assert BODY in cli("export", "--format", "csv", "--db", db).stdout
    assert cli("digest", "--since", "7d", "--out", tmp_path / "digest.html", "--db", db).returncode == 0
    assert BODY in (tmp_path / "digest.html").read_text("utf-8")
    watchlist = tmp_path / "opco.toml"
    watchlist.write_text(f'title = "Opco"\n\n[[rule]]\nname = "{BODY}"\nbodies = ["{BODY}"]\n', "utf-8")
    assert cli("alerts", "--watchlist", watchlist, "--out", tmp_path / "alerts", "--db", db).returncode == 0
    assert BODY in (tmp_path / "alerts" / "opco.atom").read_text("utf-8")

    from models import make_engine
    from pipelines.load import delete_articles

    engine = make_engine(str(db))
    with engine.begin() as connection:
        delete_articles(connection, [ARTICLE])
    engine.dispose()
    again = cli("ingest", ARTICLE_FILE, "--model", "fr_core_news_sm", "--workers", "1", "--quiet", "--db", db)
    assert again.returncode == 0, again.stderr
    page.goto(f"{url}/-/article/{ARTICLE}?fait={fact_of(db)}")
    assert page.input_value("form.desk-review-form input[name=body]") == BODY

    gold = tmp_path / "gold" / "gold.jsonl"
    assert cli("corrections", "export", "--out", gold, "--db", db).returncode == 0
    # Scored with the model the store was built with, the correction is the only difference left.
    scored = cli("eval", gold, "-v", "--model", "fr_core_news_sm")
    errors = [line.split("\t")[1:4] for line in scored.stdout.splitlines() if line.startswith(f"  {ARTICLE}\t")]
    assert [(field, want) for field, _, want in errors] == [("body", repr([BODY]))]
