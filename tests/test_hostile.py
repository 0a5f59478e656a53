"""Hostile input, tried for real: a folder of broken, odd and oversized files ingested through the CLI.

The run must finish, load the good articles, record every bad one as a reject with its reason and
location, count each kind in its summary, and exit 0; when nothing can be read, or the store cannot
be used, it must exit non-zero with a clear message and leave the named files alone.
"""

import gzip
import json
import os
import re
import sqlite3
import tracemalloc
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.readers import MAX_DOCUMENT_BYTES, RawArticle, Reject, read_file

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "txt" / "2021-03_cfa_bretagne.txt"
MB = 1 << 20
# Size of the oversized article: far above any dispatch, and above what the readers hold in memory.
HUGE_BYTES = 20 * MB
# Longer than spaCy's default max_length (1,000,000 characters), small enough to be read and cleaned.
LONG_CHARS = 1_200_000
# Peak memory allowed while reading a 20 MB article: a line is gathered up to the readers' limit then joined
# (twice the limit at most), plus room for Python objects; whatever the size of the article.
READ_PEAK_BYTES = 2 * MAX_DOCUMENT_BYTES + 2 * MB

CP1252_TEXT = ("La Région Normandie consacre 3,7 M€ à l'apprentissage en 2021 : « un effort inédit », selon "
               "son président, qui a le cœur à l'ouvrage. Les CFA de Caen et de Rouen en bénéficieront.")
LATIN1_TEXT = ("Le conseil régional d'Occitanie a voté le 3 février 2021 une aide de 12 000 euros par apprenti, "
               "à Montpellier ; les élèves des lycées professionnels sont également concernés.")
# A UTF-8 page with one word pasted in from a cp1252 source ("cœur", its "œ" one byte).
MIXED_TEXT = ("La Région Bretagne verse 2,4 M€ à l'université de Rennes pour ses étudiants, au cœur du campus : "
              "l'effort sera reconduit en 2026, précise-t-elle.")
ABSURD_TEXT = ("La dette de l'univers atteindrait 10^30 €, selon un canular. Un budget de 999999999999999999999 € "
               "a été saisi par erreur. La région Bretagne verse pour sa part 3,7 M€ aux CFA de Rennes.")
DATES_TEXT = ("Le 31/02/2020, la région Normandie a voté 2 M€ pour les CFA de Caen. Le 30 février 2021, "
              "la région a ajouté 5 M€ pour les lycées. Le 45/13/2020, rien n'a été voté.")
SHORT_TEXT = "La région Grand Est verse 4 M€ aux centres de formation d'apprentis de Strasbourg, a-t-elle annoncé."
SCRIPT_LINE = "Le département de la Gironde consacre 1,5 M€ à l'insertion des jeunes, selon son président."


def record(article_id, text, **extra) -> bytes:
    return json.dumps({"id": article_id, "text": text, **extra}, ensure_ascii=False).encode("utf-8")


# Lines of mixed.jsonl, with what each must give: an article id, a reject reason (start), or None for a blank line.
MIXED_LINES = [
    (record("m1", SHORT_TEXT), "m1"),
    (b'{"id": "m2", "text": "une ligne coup', "invalid JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'{"id": ["m4"], "text": "x"}', "field 'id' is not a string or number"),
    (b'{"text": "Un article sans identifiant."}', "no id"),
    (b'{"id": "m6", "title": "Un titre seul"}', "no text or html field"),
    (b'{"id": "m7", "text": 42}', "field 'text' is not a string"),
    (b"", None),
    (record("m9", SCRIPT_LINE), "m9"),
    (b'{"id": "m10", "text": "' + bytes(range(0x80, 0xA0)) * 3 + b'"}', "undecodable bytes"),
    (record("m11", "   \n  "), "empty article"),
    (b'{"id": "m12", "text": "Texte \\ud800 cass\\u00e9 : la r\\u00e9gion Bretagne verse 2 M\\u20ac."}', "m12"),
    (record("m13", SHORT_TEXT.replace("4 M€", "6 M€"), published="2020-02-31"), "m13"),
    (b"[" * 100_000, "invalid JSON"),
]
GZ_RECORDS = [record(f"gz{i}", f"{SHORT_TEXT} Dépêche numéro {i}.") for i in range(40)]


@dataclass(frozen=True)
class Expected:
    """What one file of the folder must give: articles (id -> encoding) and rejects (line -> reason start)."""

    articles: dict
    rejects: dict


def build_folder(root: Path) -> dict[str, Expected]:
    """Write the hostile folder; return, per file name, what ingesting it must give."""
    root.mkdir()
    files = {
        "good.txt": SAMPLE.read_bytes(),
        "cp1252.txt": CP1252_TEXT.encode("cp1252"),
        "latin1.txt": LATIN1_TEXT.encode("latin-1"),
        # A latin-1 file with one byte that cp1252 leaves undefined: only latin-1 explains it.
        "latin1_c1.txt": LATIN1_TEXT.encode("latin-1") + b"\x81",
        "mixed.txt": MIXED_TEXT.replace("œ", "\0").encode("utf-8").replace(b"\0", "œ".encode("cp1252")),
        "undecodable.txt": b"Budget : " + bytes(range(0x80, 0xA0)) * 8 + b" euros.",
        "empty.txt": b"",
        "blank.txt": b"  \n\t\n ",
        "empty.jsonl": b"",
        "photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "records.jsonl": bytes(range(256)) * 16,
        "scan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "cut.jsonl.gz": _truncated_gzip(),
        "mixed.jsonl": b"\n".join(line for line, _ in MIXED_LINES) + b"\n",
        "nobody.html": b"<html><head><title>Rien ici</title><script>var x = 1;</script></head></html>",
        "dups.jsonl": b"\n".join([record("dup", SHORT_TEXT), record("dup", SCRIPT_LINE), record("dup", SHORT_TEXT)]),
        "absurd.txt": ABSURD_TEXT.encode("utf-8"),
        "dates.txt": DATES_TEXT.encode("utf-8"),
        "a_long.txt": _repeat(SHORT_TEXT + "\n", LONG_CHARS).encode("utf-8"),
        "huge.txt": _repeat(SCRIPT_LINE + "\n", HUGE_BYTES).encode("utf-8"),
        "huge.jsonl": record("h1", _repeat(SCRIPT_LINE + " ", HUGE_BYTES)) + b"\n" + record("h2", SHORT_TEXT),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    # A file name that is not UTF-8: its id and source must still be storable.
    with open(os.fsencode(root) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(SHORT_TEXT.encode("utf-8"))
    return _expectations()


def _repeat(unit: str, size: int) -> str:
    return unit * (size // len(unit) + 1)


def _truncated_gzip() -> bytes:
    data = gzip.compress(b"\n".join(GZ_RECORDS) + b"\n")
    return data[: len(data) // 2]


def _expectations() -> dict[str, Expected]:
    return {
        "good.txt": Expected({"good": "utf-8"}, {}),
        "cp1252.txt": Expected({"cp1252": "cp1252"}, {}),
        # Every character of this latin-1 text reads the same in cp1252, which is tried first.
        "latin1.txt": Expected({"latin1": "cp1252"}, {}),
        "latin1_c1.txt": Expected({"latin1_c1": "latin-1"}, {}),
        # UTF-8 save one byte: read as UTF-8, that byte as cp1252, and flagged; read whole as cp1252, every "é" and
        # "€" of it would turn to "Ã©" and "â‚¬" and its amounts be lost.
        "mixed.txt": Expected({"mixed": "utf-8+cp1252"}, {}),
        "undecodable.txt": Expected({}, {None: "undecodable bytes"}),
        "empty.txt": Expected({}, {None: "empty article"}),
        "blank.txt": Expected({}, {None: "empty article"}),
        "empty.jsonl": Expected({}, {None: "empty article"}),
        "photo.txt": Expected({}, {None: "binary file"}),
        "records.jsonl": Expected({}, {None: "binary file"}),
        "scan.pdf": Expected({}, {None: "unsupported file type '.pdf'"}),
        "cut.jsonl.gz": Expected({}, {}),  # its own test: the lines before the cut load, then one reject
        "mixed.jsonl": Expected({i: "utf-8" for i in ("m1", "m9", "m12", "m13")},
                                {n: r for n, (_, r) in enumerate(MIXED_LINES, 1)
                                 if r and r not in ("m1", "m9", "m12", "m13")}),
        "nobody.html": Expected({}, {None: "no article text in page"}),
        "dups.jsonl": Expected({"dup": "utf-8"}, {2: "duplicate id with a different text"}),
        "absurd.txt": Expected({"absurd": "utf-8"}, {}),
        "dates.txt": Expected({"dates": "utf-8"}, {}),
        "a_long.txt": Expected({}, {None: "article too long"}),
        "huge.txt": Expected({}, {None: "article too large"}),
        "huge.jsonl": Expected({"h2": "utf-8"}, {1: "article too large"}),
        "caf\\udce9.txt": Expected({"caf\\udce9": "utf-8"}, {}),
    }


# Each kind of reject the summary must count, and how many of each the folder holds.
REJECT_KINDS = {
    "undecodable bytes": 2, "empty article": 4, "binary file": 2, "unsupported file type '.pdf'": 1,
    "truncated gzip": 1, "invalid JSON": 2, "not a JSON object": 1, "field 'id' is not a string or number": 1,
    "no id": 1, "no text or html field": 1, "field 'text' is not a string": 1, "no article text in page": 1,
    "duplicate id with a different text": 1, "article too long": 1, "article too large": 2,
}


@dataclass(frozen=True)
class HostileRun:
    folder: Path
    db: Path
    code: int
    output: str
    expected: dict


def ingest_cli(*args: str):
    """`depeches ingest ARGS --quiet --workers 1` through the CLI's entry point, in this process."""
    return CliRunner().invoke(main, ["ingest", *map(str, args), "--quiet", "--workers", "1"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, nlp) -> HostileRun:
    base = tmp_path_factory.mktemp("hostile")
    expected = build_folder(base / "dump")
    db = base / "store.db"
    result = ingest_cli(base / "dump", "--db", db)
    return HostileRun(base / "dump", db, result.exit_code, result.output, expected)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# --- the run as a whole ---------------------------------------------------------------------------------------------

def test_run_finishes_with_exit_0_and_loads_the_good_articles(hostile):
    assert hostile.code == 0, hostile.output
    assert "Traceback" not in hostile.output
    stored = {article_id for (article_id,) in rows(hostile.db, "SELECT id FROM articles")}
    wanted = {i for e in hostile.expected.values() for i in e.articles}
    gz = {f"gz{i}" for i in range(len(GZ_RECORDS))}
    assert wanted <= stored and stored - wanted <= gz


def test_summary_counts_each_kind_of_reject(hostile):
    said = dict(re.findall(r"^\s+rejected, (.+): (\d+)$", hostile.output, re.M))
    assert {kind: int(n) for kind, n in said.items()} == REJECT_KINDS
    total = int(re.search(r"; (\d+) rejected;", hostile.output).group(1))
    assert total == sum(REJECT_KINDS.values()) == rows(hostile.db, "SELECT count(*) FROM rejects")[0][0]


@pytest.mark.parametrize("name", sorted(set(_expectations()) - {"cut.jsonl.gz"}))
def test_each_file_gives_its_articles_and_rejects(hostile, name):
    want = hostile.expected[name]
    source = str(hostile.folder / name)
    articles = dict(rows(hostile.db, "SELECT id, encoding FROM articles WHERE source = ?", (source,)))
    assert articles == want.articles
    rejects = rows(hostile.db, "SELECT line, reason FROM rejects WHERE source = ?", (source,))
    assert sorted(line or 0 for line, _ in rejects) == sorted(line or 0 for line in want.rejects)
    for line, reason in rejects:
        assert reason.startswith(want.rejects[line]), (line, reason)


# --- what each kind produced ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("article_id, text, encoding", [
    ("cp1252", CP1252_TEXT, "cp1252"), ("latin1", LATIN1_TEXT, "cp1252"), ("latin1_c1", LATIN1_TEXT + "\x81", "latin-1"),
    ("mixed", MIXED_TEXT, "utf-8+cp1252"),
])
def test_fallback_encodings_are_decoded_and_flagged_on_the_article(hostile, article_id, text, encoding):
    (stored,) = rows(hostile.db, "SELECT text, encoding FROM articles WHERE id = ?", (article_id,))
    assert stored[1] == encoding
    assert stored[0].startswith(text.replace("\x81", "").rstrip()[:80])
    assert "€" in stored[0] or "euros" in stored[0]


def test_same_id_twice_keeps_the_first_text(hostile):
    assert rows(hostile.db, "SELECT text, line FROM articles WHERE id = 'dup'") == [(SHORT_TEXT, 1)]


def test_truncated_gzip_keeps_the_lines_before_the_cut(hostile):
    source = str(hostile.folder / "cut.jsonl.gz")
    loaded = [i for (i,) in rows(hostile.db, "SELECT id FROM articles WHERE source = ? ORDER BY line", (source,))]
    assert 0 < len(loaded) < len(GZ_RECORDS)
    assert loaded == [f"gz{i}" for i in range(len(loaded))]
    ((line, reason),) = rows(hostile.db, "SELECT line, reason FROM rejects WHERE source = ?", (source,))
    assert line == len(loaded) + 1 and reason.startswith("truncated gzip")


def test_broken_unicode_is_replaced_not_lost(hostile):
    (text,) = rows(hostile.db, "SELECT text FROM articles WHERE id = 'm12'")[0]
    assert "\ufffd" in text and "Bretagne verse 2 M€" in text
    (source,) = rows(hostile.db, "SELECT source FROM articles WHERE id = 'caf\\udce9'")[0]
    assert source.endswith("caf\\udce9.txt")


def test_absurd_amounts_give_no_fact_and_the_sane_one_stays(hostile):
    amounts = [a for (a,) in rows(hostile.db, "SELECT amount FROM facts WHERE article_id = 'absurd'")]
    assert amounts == [3_700_000]
    (largest,) = rows(hostile.db, "SELECT max(abs(amount)) FROM facts")[0]
    assert largest <= 10**15


def test_impossible_dates_are_never_stored(hostile):
    dated = rows(hostile.db, "SELECT article_id, date FROM facts WHERE date IS NOT NULL")
    assert dated
    for article_id, value in dated:
        _check_iso(value)
    in_dates = rows(hostile.db, "SELECT amount, date FROM facts WHERE article_id = 'dates' ORDER BY seq")
    assert [a for a, _ in in_dates] == [2_000_000, 5_000_000]
    assert all(d is None or not d.startswith(("2020-02-31", "2021-02-30")) for _, d in in_dates)
    assert rows(hostile.db, "SELECT published FROM articles WHERE id = 'm13'") == [(None,)]


def _check_iso(value: str) -> None:
    """A stored date is a real day, month or year at its precision."""
    parts = [int(p) for p in value.split("-")]
    date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def test_article_longer_than_spacy_max_length_is_rejected_and_the_run_goes_on(hostile, nlp):
    assert LONG_CHARS > nlp.max_length
    (reason,) = rows(hostile.db, "SELECT reason FROM rejects WHERE source LIKE '%a_long.txt'")[0]
    assert reason.startswith("article too long (")
    # Files read after it (in name order) were loaded.
    assert rows(hostile.db, "SELECT count(*) FROM articles WHERE source LIKE '%good.txt'") == [(1,)]


@pytest.mark.parametrize("name", ["huge.txt", "huge.jsonl"])
def test_20_mb_article_is_rejected_in_bounded_memory(tmp_path, name):
    unit = SCRIPT_LINE + "\n"
    data = _repeat(unit, HUGE_BYTES).encode("utf-8")
    if name.endswith(".jsonl"):
        data = record("h1", data.decode("utf-8")) + b"\n" + record("h2", SHORT_TEXT) + b"\n"
    path = tmp_path / name
    path.write_bytes(data)
    del data
    tracemalloc.start()
    try:
        results = list(read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(results[0], Reject) and results[0].reason.startswith("article too large (")
    assert f"limit {MAX_DOCUMENT_BYTES:,}" in results[0].reason
    assert [type(r) for r in results[1:]] == ([RawArticle] if name.endswith(".jsonl") else [])
    assert peak < READ_PEAK_BYTES < HUGE_BYTES


# --- exit codes -----------------------------------------------------------------------------------------------------

def test_nothing_readable_exits_non_zero_with_a_message(tmp_path, nlp):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = ingest_cli(folder, "--db", tmp_path / "store.db")
    assert result.exit_code != 0
    assert "no article could be read from" in result.output and "Traceback" not in result.output
    assert "rejected, binary file: 1" in result.output


def test_rejects_and_articles_together_exit_0(tmp_path, nlp):
    folder = tmp_path / "some"
    folder.mkdir()
    (folder / "ok.txt").write_text(SHORT_TEXT, encoding="utf-8")
    (folder / "bad.jsonl").write_bytes(b"{broken\n")
    result = ingest_cli(folder, "--db", tmp_path / "store.db")
    assert result.exit_code == 0, result.output
    assert "read 1 articles: 1 new" in result.output and "rejected, invalid JSON: 1" in result.output


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("Mes notes, pas une base de données.\n", encoding="utf-8")
    return path


def _one_byte(tmp_path: Path) -> Path:
    path = tmp_path / "short.db"
    path.write_bytes(b"x")  # too short for a database's header, which SQLite alone would read as an empty store
    return path


def _a_folder(tmp_path: Path) -> Path:
    path = tmp_path / "folder.db"
    path.mkdir()
    return path


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    return tmp_path / "plain.txt" / "store.db"


def _missing_folder(tmp_path: Path) -> Path:
    return tmp_path / "no" / "such" / "store.db"


def _read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "store.db"


def _proc(tmp_path: Path) -> Path:
    return Path("/proc/depeches-test-store.db")  # no one, not even root, can create a file there


UNUSABLE_STORES = [
    pytest.param(_not_a_database, r"is not a SQLite database", id="not-a-database"),
    pytest.param(_one_byte, r"is not a SQLite database", id="one-byte"),
    pytest.param(_a_folder, r"is a folder", id="folder"),
    pytest.param(_under_a_file, r"is not a folder", id="under-a-file"),
    pytest.param(_missing_folder, r"does not exist", id="missing-folder"),
    pytest.param(_read_only_folder, r"read-only", id="read-only-folder",
                 marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")),
    pytest.param(_proc, r"cannot (open|write|create) the store", id="read-only-location",
                 marks=pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")),
]


@pytest.mark.parametrize("make, message", UNUSABLE_STORES)
def test_unusable_store_exits_non_zero_with_a_clear_message(tmp_path, make, message):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(SHORT_TEXT, encoding="utf-8")
    db = make(tmp_path)
    before = db.read_bytes() if db.is_file() else None
    result = ingest_cli(folder, "--db", db)
    assert result.exit_code != 0
    assert re.search(message, result.output), result.output
    assert "Traceback" not in result.output and str(db) in result.output
    assert (db.read_bytes() if db.is_file() else None) == before
    if db.parent.is_dir():
        assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == (
            [db.name] if before is not None or db.is_dir() else [])


# --- the README's promises ------------------------------------------------------------------------------------------

def test_every_guarantee_in_the_readme_names_a_test_that_exists():
    root = Path(__file__).resolve().parent
    readme = (root.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\b(test_\w+)`", section))
    files = set(re.findall(r"`(tests/test_\w+\.py)", section))
    defined = {name for path in root.glob("test_*.py") for name in re.findall(r"^def (test_\w+)\(",
                                                                                path.read_text("utf-8"), re.M)}
    assert len(named) >= 20 and named <= defined, named - defined
    assert all((root.parent / f).is_file() for f in files), files
    for bullet in re.split(r"\n- ", section)[1:]:
        assert re.search(r"`(tests/\w+\.py|test_\w+)", bullet), bullet  # every promise cites its test
