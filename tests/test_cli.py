"""The depeches command line, driven through its console script on real SQLite files."""

import csv
import io
import json
import re

import click
import pytest
from click.testing import CliRunner

from pipelines.cli import main

SUMMARY = re.compile(r"read (?P<read>\d+) articles: (?P<new>\d+) new, (?P<updated>\d+) updated, "
                     r"(?P<unchanged>\d+) unchanged; (?P<rejected>\d+) rejected; (?P<facts>\d+) facts")
RATE = re.compile(r"(?P<seconds>\d+\.\d) s, (?P<rate>\d+\.\d) articles/s \(run (?P<run>\d+)\)")
RUN_COLUMNS = ("read", "new", "updated", "unchanged", "rejected", "facts")
SEED_ID = "000_4b56ed4868a6c56d"

FIRST_TEXT = ("La région Bretagne a voté le 4 mai 2021 une enveloppe de 3 M€ pour la formation des demandeurs "
              "d'emploi.")
SECOND_TEXT = ("La région Bretagne a voté le 4 mai 2021 une enveloppe de 5 M€ pour la formation des demandeurs "
               "d'emploi, et 2 M€ pour l'apprentissage.")
GOOD_RECORDS = [
    {"id": "feed-1", "title": "Occitanie", "published": "2021-06-01",
     "text": "La région Occitanie consacre 12 M€ à la formation des jeunes, a annoncé la présidente le 31 mai "
             "2021."},
    {"id": "feed-3", "title": "France compétences", "published": "2022-10-12",
     "text": "France compétences prévoit un déficit de 5,9 Md€ en 2022, selon son conseil d'administration."},
]
BAD_LINE = '{"id": "feed-2", "text": "Une ligne coupée'  # line 2 of feed.jsonl: the JSON never closes


def summary_of(output: str) -> dict:
    found = SUMMARY.search(output)
    assert found, output
    return {k: int(v) for k, v in found.groupdict().items()}


def run_row(rows, db, run_id: int) -> dict:
    (row,) = rows(db, f"SELECT {', '.join(RUN_COLUMNS)} FROM runs WHERE id = ?", (run_id,))
    return dict(zip(RUN_COLUMNS, row))


def write_dump(folder, text: str):
    """A dump folder: one .txt article and a JSONL file whose line 2 is broken."""
    folder.mkdir(exist_ok=True)
    (folder / "note.txt").write_text(text, encoding="utf-8")
    lines = [json.dumps(GOOD_RECORDS[0], ensure_ascii=False), BAD_LINE, json.dumps(GOOD_RECORDS[1], ensure_ascii=False)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- ingest -------------------------------------------------------------------------------------------------------

def test_ingest_prints_a_summary_matching_the_runs_table(ingested, rows):
    assert ingested.first.code == 0, ingested.first.stderr
    said = summary_of(ingested.first.stdout)
    assert said == run_row(rows, ingested.db, 1)
    assert said["read"] > 10 and said["new"] == said["read"] and said["facts"] > 100
    assert said["unchanged"] == said["updated"] == said["rejected"] == 0
    rate = RATE.search(ingested.first.stdout)
    assert rate and rate["run"] == "1" and float(rate["rate"]) > 0
    counts = ingested.after_first
    assert (counts["articles"], counts["facts"]) == (said["new"], said["facts"])
    assert counts["entities"] > said["facts"]  # every fact is also a MONEY entity, beside the other tags


def test_ingest_again_adds_nothing_and_says_so(ingested, rows):
    assert ingested.second.code == 0, ingested.second.stderr
    first, second = summary_of(ingested.first.stdout), summary_of(ingested.second.stdout)
    assert second == {"read": first["read"], "new": 0, "updated": 0, "unchanged": first["new"], "rejected": 0,
                      "facts": 0}
    assert "nothing new" in ingested.second.stdout
    assert run_row(rows, ingested.db, 2) == second
    counts = {t: rows(ingested.db, f"SELECT count(*) FROM {t}")[0][0] for t in ("articles", "entities", "facts")}
    assert counts == ingested.after_first


@pytest.fixture(scope="module")
def changed(tmp_path_factory, run_cli, rows):
    """A dump ingested, one of its articles rewritten, the dump ingested again."""
    base = tmp_path_factory.mktemp("changed")
    db, dump = base / "store.db", write_dump(base / "dump", FIRST_TEXT)
    first = run_cli("ingest", dump, "--db", db, "--quiet", "--workers", "1")
    assert first.code == 0, first.stderr
    first_rejects = rows(db, "SELECT run_id, source, line, article_id, reason FROM rejects")
    (dump / "note.txt").write_text(SECOND_TEXT, encoding="utf-8")
    second = run_cli("ingest", dump, "--db", db, "--quiet", "--workers", "1")
    assert second.code == 0, second.stderr
    return {"db": db, "first": first, "second": second, "first_rejects": first_rejects}


def test_rejects_are_recorded_with_file_and_line(changed):
    said = summary_of(changed["first"].stdout)
    assert said["rejected"] == 1 and said["new"] == 3
    ((run_id, source, line, article_id, reason),) = changed["first_rejects"]
    assert run_id == 1 and source.endswith("feed.jsonl") and line == 2
    assert "JSON" in reason
    assert "rejected, invalid JSON: 1" in changed["first"].stdout


def test_changed_article_replaces_its_old_rows(changed, rows):
    db = changed["db"]
    said = summary_of(changed["second"].stdout)
    assert (said["new"], said["updated"], said["unchanged"]) == (0, 1, 2)
    assert rows(db, "SELECT text FROM articles WHERE id = 'note'") == [(SECOND_TEXT,)]
    amounts = rows(db, "SELECT amount FROM facts WHERE article_id = 'note' ORDER BY seq")
    assert amounts == [(5_000_000,), (2_000_000,)]
    money = rows(db, "SELECT norm FROM entities WHERE article_id = 'note' AND label = 'MONEY' ORDER BY start")
    assert money == [("5000000 EUR",), ("2000000 EUR",)]
    for start, end, text in rows(db, "SELECT start, \"end\", text FROM entities WHERE article_id = 'note'"):
        assert SECOND_TEXT[start:end] == text
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]


# --- extract ------------------------------------------------------------------------------------------------------

def test_extract_prints_good_records_and_reports_the_reject(tmp_path, run_cli):
    dump = write_dump(tmp_path / "dump", FIRST_TEXT)
    code, out, err = run_cli("extract", dump, "--workers", "1")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["id"] for r in records) == ["feed-1", "feed-3", "note"]
    amounts = {r["id"]: [f["amount"] for f in r["facts"]] for r in records}
    assert amounts == {"feed-1": [12_000_000], "feed-3": [5_900_000_000], "note": [3_000_000]}
    assert re.search(r"rejected \S*feed\.jsonl:2: invalid JSON", err), err
    assert "feed-2" not in out


HEADLINED = "BP 2025 : la Région Bretagne vote 12 M€ pour les CFA\nLes élus régionaux ont voté 12 M€ jeudi.\n"


def test_a_text_file_is_titled_by_its_headline_in_extract_and_in_the_store(tmp_path, run_cli, rows):
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "bp.txt").write_text(HEADLINED, encoding="utf-8")
    (dump / "plain.txt").write_text(FIRST_TEXT, encoding="utf-8")
    # A line that is all the text is no headline: the record keeps no title rather than its whole text.
    (dump / "feed.jsonl").write_text(json.dumps({"id": "line", "text": "La Région Bretagne vote 12 M€"}) + "\n",
                                     encoding="utf-8")
    code, out, err = run_cli("extract", dump, "--workers", "1")
    assert code == 0, err
    titles = {r["id"]: r["title"] for r in map(json.loads, out.splitlines())}
    assert titles == {"bp": "BP 2025 : la Région Bretagne vote 12 M€ pour les CFA", "line": None, "plain": None}
    db = tmp_path / "titles.db"
    code, _, err = run_cli("ingest", dump, "--db", db, "--quiet", "--workers", "1")
    assert code == 0, err
    assert rows(db, "SELECT id, title FROM articles ORDER BY id") == list(titles.items())


# --- query --------------------------------------------------------------------------------------------------------

REFUSED = [
    pytest.param("DELETE FROM facts", r"refused.*read-only", id="delete"),
    pytest.param("INSERT INTO rejects (run_id, source, reason) VALUES (1, 'x.txt', 'why')", r"refused.*read-only",
                 id="insert"),
    pytest.param("UPDATE facts SET amount = 0", r"refused.*read-only", id="update"),
    pytest.param("DROP TABLE facts", r"refused.*read-only", id="drop-table"),
    pytest.param("SELECT 1; DELETE FROM facts", r"one statement", id="two-statements"),
    pytest.param("ATTACH DATABASE '{other}' AS other", r"refused", id="attach"),
    pytest.param("VACUUM INTO '{other}'", r"refused", id="vacuum-into"),
]


def fingerprint(rows, db) -> list[tuple]:
    return rows(db, "SELECT (SELECT count(*) FROM facts), (SELECT sum(amount) FROM facts), "
                    "(SELECT count(*) FROM articles), (SELECT count(*) FROM runs), (SELECT count(*) FROM rejects)")


@pytest.mark.parametrize("statement, message", REFUSED)
def test_query_refuses_statements_that_write(ingested, run_cli, rows, tmp_path, statement, message):
    other = tmp_path / "other.db"
    before = fingerprint(rows, ingested.db)
    code, out, err = run_cli("query", statement.format(other=other), "--db", ingested.db)
    assert code != 0
    assert re.search(message, err), err
    assert "Traceback" not in err and out == ""
    assert fingerprint(rows, ingested.db) == before
    assert not other.exists()


SEED_QUERY = f"SELECT article_id, amount, region FROM fact_view WHERE article_id = '{SEED_ID}' ORDER BY seq"


def test_query_table_format(ingested, run_cli):
    code, out, err = run_cli("query", SEED_QUERY, "--db", ingested.db, "--format", "table")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["article_id", "amount", "region"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 10
    assert lines[2].split() == [SEED_ID, "3700000", "Normandie"]


def test_query_csv_format(ingested, run_cli):
    code, out, err = run_cli("query", SEED_QUERY, "--db", ingested.db, "--format", "csv")
    assert code == 0, err
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["article_id", "amount", "region"]
    assert table[1] == [SEED_ID, "3700000", "Normandie"]
    assert table[4] == [SEED_ID, "8600000", "Bretagne"]
    assert len(table) == 11


def test_query_json_format(ingested, run_cli):
    code, out, err = run_cli("query", SEED_QUERY, "--db", ingested.db, "--format", "json")
    assert code == 0, err
    facts = json.loads(out)
    assert len(facts) == 10
    assert facts[0] == {"article_id": SEED_ID, "amount": 3_700_000, "region": "Normandie"}


def test_query_reads_the_store_named_by_depeches_db(ingested, run_cli, rows):
    code, out, err = run_cli("query", "SELECT count(*) AS n FROM facts", "--format", "json",
                             env={"DEPECHES_DB": str(ingested.db)})
    assert code == 0, err
    assert json.loads(out) == [{"n": rows(ingested.db, "SELECT count(*) FROM facts")[0][0]}]


def test_query_on_a_missing_store_says_so(tmp_path, run_cli):
    missing = tmp_path / "missing.db"
    code, out, err = run_cli("query", "SELECT 1", "--db", missing)
    assert code != 0
    assert "no database at" in err and str(missing) in err and "depeches ingest" in err
    assert "Traceback" not in err
    assert not missing.exists()


# --- facts --------------------------------------------------------------------------------------------------------

def test_facts_by_region_and_period(ingested, run_cli, rows):
    code, out, err = run_cli("facts", "--region", "Normandie", "--since", "2020-01-01", "--until", "2020-12-31",
                             "--format", "json", "--db", ingested.db)
    assert code == 0, err
    got = json.loads(out)
    for fact in got:
        assert fact["region"] == "Normandie"
        assert (fact["date"] or fact["published"]).startswith("2020"), fact
    assert [f["amount"] for f in got] == sorted((f["amount"] for f in got), reverse=True)
    # Every Normandy fact of 2020 at any precision (a day, a month or the year itself) is listed.
    want = rows(ingested.db, "SELECT article_id, amount, date FROM fact_view WHERE region = 'Normandie' "
                             "AND substr(coalesce(date, published), 1, 4) = '2020'")
    assert 0 < len(want) < 100  # under the default --limit
    listed = [(f["article_id"], float(f["amount"]), f["date"]) for f in got]
    assert sorted(listed, key=str) == sorted(((a, float(m), d) for a, m, d in want), key=str)


def test_facts_min_amount(ingested, run_cli, rows):
    code, out, err = run_cli("facts", "--min-amount", "10000000", "--limit", "1000", "--format", "json",
                             "--db", ingested.db)
    assert code == 0, err
    got = json.loads(out)
    assert got and all(f["amount"] >= 10_000_000 for f in got)
    assert len(got) == rows(ingested.db, "SELECT count(*) FROM facts WHERE amount >= 10000000")[0][0]


# --- help ---------------------------------------------------------------------------------------------------------

def command_paths(group: click.Group, prefix: tuple = ()) -> list[tuple]:
    """The words naming every command of a group, the group itself first, subgroups walked."""
    found = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        found += command_paths(command, prefix + (name,)) if isinstance(command, click.Group) else [prefix + (name,)]
    return found


COMMANDS = [pytest.param(path, id=" ".join(path) or "depeches") for path in command_paths(main)]


def test_help_through_the_entry_point(run_cli):
    code, out, err = run_cli("--help")
    assert code == 0, err
    assert "Example" in out and "Commands:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example(command):
    # In-process, on the click group the entry point runs: one subprocess per command would cost a second each.
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    example = result.output.split("Example", 1)[1]
    assert re.search(rf"^\s+depeches {' '.join(command)}", example, re.M), result.output
