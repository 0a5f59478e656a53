"""The desk's corrections through the real command line on a real SQLite store: what fact_view and the event tables
show, what is refused, history, re-ingests, the gold export scored by `depeches eval`, and concurrent writers."""

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from models.corrections import CorrectionError, validate
from pipelines.corrections import correct
from models import make_engine
from models.events import rebuild_events

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "depeches"
SAMPLES = REPO / "corpus" / "samples"
ARTICLE = "2021-03_cfa_bretagne"
ARTICLE_FILE = REPO / "corpus" / "samples" / "txt" / f"{ARTICLE}.txt"
# Two amounts of ARTICLE, by rank: 2,4 M€ and the second call for projects, 2 M€, further on.
PLATEAU, SECOND_CALL = 5, 9
# The body the desk gives the 2,4 M€: one the text does not name, so never the one extracted.
DESK_BODY = "Lorient Agglomération"
# A change of the text between those two amounts: the first stays where it was, the second moves.
EDIT = ("à Saint-Malo, obtient", "à Saint-Malo, sur le port, obtient")

VALID = [
    pytest.param({"region": "bretagne"}, {"region": "Bretagne"}, id="region-any-case"),
    pytest.param({"region": ""}, {"region": ""}, id="region-emptied"),
    pytest.param({"body_role": "Recipient"}, {"body_role": "recipient"}, id="role"),
    pytest.param({"date": "2021"}, {"date": "2021"}, id="year"),
    pytest.param({"date": "2021-03"}, {"date": "2021-03"}, id="month"),
    pytest.param({"date": "2024-02-29"}, {"date": "2024-02-29"}, id="leap-day"),
    pytest.param({"qualifier": "approx"}, {"qualifier": "approx"}, id="qualifier"),
    pytest.param({"amount": "3 700 000"}, {"amount": 3700000.0}, id="amount-with-spaces"),
    pytest.param({"amount": "2,5"}, {"amount": 2.5}, id="amount-decimal-comma"),
    pytest.param({"body": "  Région   Bretagne "}, {"body": "Région Bretagne"}, id="body-blanks"),
    pytest.param({"not_a_fact": True}, {"not_a_fact": 1}, id="not-a-fact"),
]
REFUSED = [
    pytest.param({"region": "Bretagne-Sud"}, "unknown region", id="region"),
    pytest.param({"region": "Rhône-Alpes"}, "unknown region", id="former-region"),
    pytest.param({"body_role": "payer"}, "unknown role", id="role"),
    pytest.param({"qualifier": ""}, "unknown qualifier", id="qualifier-emptied"),
    pytest.param({"date": "2023-02-29"}, "not a date", id="no-such-day"),
    pytest.param({"date": "2021-13"}, "not a date", id="no-such-month"),
    pytest.param({"date": "mars 2021"}, "not a date", id="words"),
    pytest.param({"amount": "3 M€"}, "not an amount", id="amount-words"),
    pytest.param({"amount": "1e16"}, "out of range", id="amount-absurd"),
    pytest.param({"amount": "nan"}, "out of range", id="amount-nan"),
    pytest.param({"body": "x" * 201}, "too long", id="body-too-long"),
    pytest.param({"confidence": "1"}, "no field", id="unknown-field"),
]


@pytest.mark.parametrize("given, stored", VALID)
def test_valid_values_are_stored_in_the_specification_s_form(given, stored):
    assert validate(given) == stored


@pytest.mark.parametrize("given, message", REFUSED)
def test_values_outside_the_specification_are_refused(given, message):
    with pytest.raises(CorrectionError, match=message):
        validate(given)


def run_cli(*args) -> subprocess.CompletedProcess:
    """`depeches ARGS` through its console script."""
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=300)


def event_tables(db: Path) -> dict[str, list[tuple]]:
    """The rows of the three event tables, in an order that does not depend on how they were written."""
    return {"fact_events": sorted(rows(db, "SELECT * FROM fact_events"), key=repr),
            "events": sorted(rows(db, "SELECT * FROM events"), key=repr),
            "event_totals": sorted(rows(db, "SELECT region, body, year, mention_year, own_year, committed, events, "
                                            "mentions, amount_cents FROM event_totals"), key=repr)}


def rebuilt(db: Path) -> dict[str, list[tuple]]:
    """The event tables once made anew from the facts and their corrections (the store at `db` is changed)."""
    engine = make_engine(str(db))
    with engine.begin() as connection:
        rebuild_events(connection)
    engine.dispose()
    return event_tables(db)


def fact_id(db: Path, article: str, seq: int) -> int:
    return rows(db, "SELECT id FROM facts WHERE article_id = ? AND seq = ?", (article, seq))[0][0]


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def view_row(db: Path, fact: int) -> dict:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        found = connection.execute("SELECT * FROM fact_view WHERE fact_id = ?", (fact,)).fetchone()
        return dict(found) if found else {}
    finally:
        connection.close()


def test_a_correction_shows_in_fact_view_and_the_events_and_never_overwrites_the_facts(store_copy, depeches):
    db = store_copy.db
    fact = fact_id(db, ARTICLE, PLATEAU)
    extracted = rows(db, "SELECT body, body_role, region, date FROM facts WHERE id = ?", (fact,))[0]
    done = depeches("correct", fact, "--body", DESK_BODY, "--date", "2021", "--role", "funder",
                    "--note", "le plateau est financé par l'agglomération", "--by", "Anne", "--db", db)
    assert done.returncode == 0, done.stderr
    assert f"fact {fact} (article {ARTICLE})" in done.stdout
    before = repr(extracted[3]) if extracted[3] else "(empty)"
    assert f"body: {extracted[0]!r} → {DESK_BODY!r}" in done.stdout and f"date: {before} → '2021'" in done.stdout
    assert "body_role" not in done.stdout  # it was already funder: nothing changed there
    shown = view_row(db, fact)
    assert (shown["body"], shown["date"], shown["corrected"]) == (DESK_BODY, "2021", 1)
    assert (shown["extracted_body"], shown["extracted_date"]) == (extracted[0], extracted[3])
    assert rows(db, "SELECT body, body_role, region, date FROM facts WHERE id = ?", (fact,))[0] == extracted
    assert rows(db, "SELECT body, date, year FROM fact_events WHERE fact_id = ?", (fact,)) == [
        (DESK_BODY, "2021", "2021")]
    assert view_row(db, fact_id(db, ARTICLE, PLATEAU - 1))["corrected"] == 0
    listed = depeches("facts", "--body", DESK_BODY, "--format", "json", "--db", db)
    assert any(r["amount"] == 2400000 and r["date"] == "2021" for r in json.loads(listed.stdout))
    assert event_tables(db) == rebuilt(db)


def test_not_a_fact_leaves_every_output_and_comes_back(store_copy, depeches):
    db = store_copy.db
    fact = fact_id(db, ARTICLE, SECOND_CALL)
    before = rows(db, "SELECT sum(events), sum(amount_cents) FROM event_totals WHERE own_year = 1")[0]
    done = depeches("correct", fact, "--not-a-fact", "--by", "Anne", "--db", db)
    assert done.returncode == 0 and "not a fact" in done.stdout
    assert view_row(db, fact) == {}
    assert rows(db, "SELECT count(*) FROM fact_events WHERE fact_id = ?", (fact,)) == [(0,)]
    assert rows(db, "SELECT count(*) FROM facts WHERE id = ?", (fact,)) == [(1,)]
    after = rows(db, "SELECT sum(events), sum(amount_cents) FROM event_totals WHERE own_year = 1")[0]
    assert after[0] == before[0] - 1 and after[1] == before[1] - 200_000_000
    assert event_tables(db) == rebuilt(db)
    assert depeches("correct", fact, "--is-a-fact", "--by", "Anne", "--db", db).returncode == 0
    assert view_row(db, fact)["corrected"] == 1
    assert rows(db, "SELECT sum(events), sum(amount_cents) FROM event_totals WHERE own_year = 1")[0] == before


@pytest.mark.parametrize("option, value, message", [
    ("--region", "Narnia", "unknown region 'Narnia'"),
    ("--role", "payer", "unknown role 'payer'"),
    ("--date", "2021-02-30", "not a date"),
])
def test_the_command_refuses_bad_values_with_exit_1_and_writes_nothing(store_copy, depeches, option, value, message):
    db = store_copy.db
    done = depeches("correct", fact_id(db, ARTICLE, PLATEAU), option, value, "--db", db)
    assert done.returncode == 1 and message in done.stderr
    assert rows(db, "SELECT count(*) FROM corrections") == [(0,)]


def test_an_unknown_fact_is_refused_through_the_console_script(store_copy):
    done = run_cli("correct", "999999", "--body", "État", "--db", store_copy.db)
    assert done.returncode == 1 and "no fact 999999 in the store" in done.stderr
    assert rows(store_copy.db, "SELECT count(*) FROM corrections") == [(0,)]


def test_the_newest_correction_of_a_field_wins_and_history_is_kept(store_copy, depeches):
    db = store_copy.db
    fact = fact_id(db, ARTICLE, PLATEAU)
    for args in (("--body", "État", "--by", "Anne"), ("--region", "Normandie", "--by", "Paul"),
                 ("--body", DESK_BODY, "--by", "Marie")):
        assert depeches("correct", fact, *args, "--db", db).returncode == 0
    shown = view_row(db, fact)
    assert (shown["body"], shown["region"]) == (DESK_BODY, "Normandie")
    assert rows(db, "SELECT corrected_by, changed, in_force FROM corrections ORDER BY id") == [
        ("Anne", "body", 0), ("Paul", "region", 0), ("Marie", "body", 1)]
    listed = depeches("corrections", "list", "--format", "json", "--db", db)
    assert [(r["corrected_by"], r["fact_id"]) for r in json.loads(listed.stdout)] == [("Marie", fact)]
    history = depeches("corrections", "list", "--history", "--format", "json", "--db", db)
    assert [r["corrected_by"] for r in json.loads(history.stdout)] == ["Anne", "Paul", "Marie"]


def _corrected_twice(db: Path, depeches) -> tuple[int, int]:
    plateau, second_call = fact_id(db, ARTICLE, PLATEAU), fact_id(db, ARTICLE, SECOND_CALL)
    assert depeches("correct", plateau, "--body", DESK_BODY, "--by", "Anne", "--db", db).returncode == 0
    assert depeches("correct", second_call, "--date", "2021-09", "--by", "Anne", "--db", db).returncode == 0
    return plateau, second_call


def test_reingesting_the_same_text_with_another_pipeline_keeps_the_corrections(store_copy, depeches, tmp_path):
    from pipelines.load import delete_articles

    db = store_copy.db
    plateau, _ = _corrected_twice(db, depeches)
    engine = make_engine(str(db))
    with engine.begin() as connection:
        delete_articles(connection, [ARTICLE])
    engine.dispose()
    assert rows(db, "SELECT count(*) FROM fact_view WHERE corrected = 1") == [(0,)]
    done = run_cli("ingest", ARTICLE_FILE, "--model", "fr_core_news_sm", "--workers", "1", "--quiet", "--db", db)
    assert done.returncode == 0, done.stderr
    assert rows(db, "SELECT model FROM runs ORDER BY id DESC LIMIT 1") == [("fr_core_news_sm",)]
    again = fact_id(db, ARTICLE, PLATEAU)
    assert again != plateau
    assert view_row(db, again)["body"] == DESK_BODY
    assert rows(db, "SELECT body FROM fact_events WHERE fact_id = ?", (again,)) == [(DESK_BODY,)]
    assert json.loads(depeches("corrections", "list", "--orphaned", "--format", "json", "--db", db).stdout) == []
    assert event_tables(db) == rebuilt(db)


def test_a_changed_text_keeps_the_corrections_whose_amount_stayed_and_lists_the_others(store_copy, depeches,
                                                                                       tmp_path):
    db = store_copy.db
    _corrected_twice(db, depeches)
    changed = tmp_path / f"{ARTICLE}.txt"
    text = ARTICLE_FILE.read_text("utf-8")
    assert EDIT[0] in text
    changed.write_text(text.replace(EDIT[0], EDIT[1]), "utf-8")
    done = run_cli("ingest", changed, "--workers", "1", "--quiet", "--db", db)
    assert done.returncode == 0 and "1 updated" in done.stdout, done.stdout + done.stderr
    assert view_row(db, fact_id(db, ARTICLE, PLATEAU))["body"] == DESK_BODY
    assert view_row(db, fact_id(db, ARTICLE, SECOND_CALL))["corrected"] == 0
    orphaned = json.loads(depeches("corrections", "list", "--orphaned", "--format", "json", "--db", db).stdout)
    assert [(r["article_id"], r["date"], r["fact_id"]) for r in orphaned] == [(ARTICLE, "2021-09", None)]
    assert rows(db, "SELECT count(*) FROM corrections") == [(2,)]
    assert event_tables(db) == rebuilt(db)


def test_the_gold_export_scores_the_pipeline_against_the_desk(store_copy, depeches, tmp_path):
    db = store_copy.db
    plateau = fact_id(db, ARTICLE, PLATEAU)
    hidden = fact_id(db, ARTICLE, SECOND_CALL)
    extracted_body = rows(db, "SELECT body FROM facts WHERE id = ?", (plateau,))[0][0]
    assert depeches("correct", plateau, "--body", DESK_BODY, "--db", db).returncode == 0
    assert depeches("correct", hidden, "--not-a-fact", "--db", db).returncode == 0
    out = tmp_path / "desk-gold" / "gold.jsonl"
    done = depeches("corrections", "export", "--out", out, "--db", db)
    assert done.returncode == 0 and "wrote 1 corrected articles" in done.stdout
    (line,) = [json.loads(text) for text in out.read_text("utf-8").splitlines()]
    assert line["id"] == ARTICLE and (out.parent / f"{ARTICLE}.txt").is_file()
    assert len(line["facts"]) == rows(db, "SELECT count(*) FROM facts WHERE article_id = ?", (ARTICLE,))[0][0] - 1
    assert line["facts"][PLATEAU]["body"] == [DESK_BODY] and line["facts"][PLATEAU]["span"] == "2,4 M€"
    evaluated = run_cli("eval", out, "-v")
    assert evaluated.returncode == 0, evaluated.stderr
    figures = {name.strip(): value for name, value in
               (line.rsplit(None, 1) for line in evaluated.stdout.splitlines()[1:14] if line.strip())}
    errors = [e.split("\t")[1:4] for e in evaluated.stdout.splitlines() if e.startswith(f"  {ARTICLE}\t")]
    # The desk's body is the gold one: the pipeline, which still says what it extracted, is scored against it;
    # every field the desk left alone scores 1.0, and the amount it said is no fact is a false positive.
    assert errors == [["body", repr(extracted_body), f"[{DESK_BODY!r}]"], ["amount", "2000000.0", "None"]]
    assert figures["amount recall"] == figures["date accuracy"] == figures["region accuracy"] == "1.000"
    assert figures["body accuracy"] == f"{(len(line['facts']) - 1) / len(line['facts']):.3f}"


def test_two_reviewers_and_an_ingest_at_once_lose_nothing(store_copy, tmp_path):
    """Two reviewers correct the same fact (one its body, one its date) and two others, while an ingest writes
    new articles in small batches: every correction is kept, the newest of each field is in force, and the event
    tables are what a rebuild makes."""
    db = store_copy.db
    dump = tmp_path / "dump.jsonl"
    dispatches = sorted(SAMPLES.glob("txt/*.txt"))
    dump.write_text("".join(json.dumps({"id": f"new-{path.stem}", "text": path.read_text("utf-8")}) + "\n"
                            for path in dispatches), "utf-8")
    shared, first, second = (fact_id(db, ARTICLE, seq) for seq in (PLATEAU, 0, 1))
    articles_before = rows(db, "SELECT count(*) FROM articles")[0][0]
    ingest = subprocess.Popen([str(SCRIPT), "ingest", str(dump), "--db", str(db), "--workers", "1", "--batch-size",
                               "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures = []

    def reviewer(name: str, field: str, values: list[str], other: int) -> None:
        try:
            for value in values:
                correct(str(db), shared, {field: value}, name)
                correct(str(db), other, {"date": value if field == "date" else "2020"}, name)
        except Exception as error:  # noqa: BLE001 - any failure of a writer is what this test looks for
            failures.append(error)

    bodies, dates = [f"Organisme {i}" for i in range(8)], [str(2010 + i) for i in range(8)]
    while rows(db, "SELECT count(*) FROM articles")[0][0] == articles_before and ingest.poll() is None:
        threading.Event().wait(0.1)
    threads = [threading.Thread(target=reviewer, args=("Anne", "body", bodies, first)),
               threading.Thread(target=reviewer, args=("Paul", "date", dates, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0 and not failures, (out, err, failures)
    assert rows(db, "SELECT count(*) FROM corrections WHERE content_hash = (SELECT content_hash FROM articles "
                    "WHERE id = ?) AND start = (SELECT start FROM facts WHERE id = ?)", (ARTICLE, shared)) == [(16,)]
    shown = view_row(db, shared)
    assert (shown["body"], shown["date"]) == (bodies[-1], dates[-1])
    assert view_row(db, second)["date"] == dates[-1] and view_row(db, first)["date"] == "2020"
    assert rows(db, "SELECT count(*) FROM articles WHERE id LIKE 'new-%'")[0][0] == len(dispatches)
    assert event_tables(db) == rebuilt(db)
