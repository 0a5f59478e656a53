"""Scale: streaming batches, N worker processes and a Dask cluster give the same results as one process."""

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipelines.batch import read_batches
from pipelines.ingest import ingest
from pipelines.records import extract_records

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SAMPLES = CORPUS / "samples"
# Columns compared between two stores: everything but row ids of runs and the times, which differ by nature.
COMPARED = {
    "articles": "id, source, line, url, title, published, text, content_hash, encoding, main_region",
    "entities": "article_id, label, text, norm, start, \"end\"",
    "facts": "article_id, seq, amount, amount_max, currency, qualifier, per, body, body_role, date, region, "
             "sentence, start, \"end\", confidence",
    "rejects": "source, line, article_id, reason",
}
# Articles of the streaming test, and of each of its batches: the dump is some 40 times one batch.
STREAM_ARTICLES, STREAM_BATCH = 2000, 50


def store_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of the compared tables of a SQLite store, in a fixed order."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = {table: sorted(connection.execute(text(f"SELECT {columns} FROM {table}")).all(), key=repr)
                for table, columns in COMPARED.items()}
    engine.dispose()
    return rows


@pytest.fixture(scope="module")
def single_process_store(tmp_path_factory, nlp) -> Path:
    """corpus/ (gold and samples) ingested in this process."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    ingest([CORPUS], str(db), progress=False, workers=1)
    return db


def test_dask_run_gives_the_same_store_as_one_process(single_process_store, tmp_path):
    db = tmp_path / "dask.db"
    summary = ingest([CORPUS], str(db), progress=False, dask="local:2")
    assert summary.counts.new > 100
    assert store_rows(db) == store_rows(single_process_store)


def test_two_worker_processes_extract_the_same_records_in_the_same_order(nlp):
    one = [json.dumps(r, default=str) for r in extract_records([SAMPLES], workers=1, batch_size=4)]
    two = [json.dumps(r, default=str) for r in extract_records([SAMPLES], workers=2, batch_size=4)]
    assert len(one) >= 10
    assert two == one


def test_unchanged_articles_are_skipped_before_any_nlp_work(single_process_store, tmp_path):
    db = tmp_path / "copy.db"
    db.write_bytes(single_process_store.read_bytes())
    # A model that does not exist: loading it would fail, so nothing may try to when everything is unchanged.
    summary = ingest([CORPUS], str(db), model="no_such_model", progress=False, workers=2)
    assert summary.counts.unchanged > 100
    assert (summary.counts.new, summary.counts.updated, summary.counts.facts) == (0, 0, 0)


def _big_dump(path: Path) -> Path:
    paragraph = "La Région finance la formation des demandeurs d'emploi à hauteur de 3 M€ en 2022. " * 15
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i in range(STREAM_ARTICLES):
            out.write(json.dumps({"id": f"a{i}", "text": f"Dépêche {i}\n{paragraph}"}) + "\n")
    return path


def test_reading_streams_with_memory_bounded_by_the_batch(tmp_path):
    dump = _big_dump(tmp_path / "big.jsonl.gz")
    # The texts alone, held at once, would take this much (two bytes a character for text with '€').
    whole_dump_bytes = 2 * sum(len(json.loads(line)["text"]) for line in gzip.open(dump, "rt", encoding="utf-8"))
    tracemalloc.start()
    batches = 0
    for pending in read_batches([str(dump)], STREAM_BATCH):
        batches += 1
        assert len(pending.todo) == STREAM_BATCH
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert batches == STREAM_ARTICLES // STREAM_BATCH
    assert peak < whole_dump_bytes / 4


def test_cli_rejects_a_bad_dask_address(run_cli, tmp_path):
    code, _, stderr = run_cli("ingest", SAMPLES / "txt", "--db", tmp_path / "x.db", "--dask", "local:many")
    assert code != 0
    assert "local:N" in stderr


def test_cli_ingest_and_extract_offer_workers(run_cli):
    for command in ("ingest", "extract"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0 and "--workers" in out and "Example:" in out
    code, out, _ = run_cli("ingest", "--help")
    assert "--dask" in out
