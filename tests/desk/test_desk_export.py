"""Exports through the real CLI, read back with the libraries people use to open them."""

import csv
import io
import json

import pytest


def _expected(desk_store, where: str = "", params: tuple = ()) -> set:
    return {row[0] for row in desk_store.rows(f"SELECT f.id FROM facts f {where}", params)}


def test_csv_to_standard_output_has_every_fact(depeches_process, desk_store):
    done = depeches_process("export", "--format", "csv", "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {int(r["fact_id"]) for r in rows} == _expected(desk_store)
    assert {"event_id", "amount", "body", "region", "year", "sentence"} <= set(rows[0])


def test_jsonl_with_filters(depeches, desk_store, tmp_path):
    out = tmp_path / "n.jsonl"
    done = depeches("export", "--format", "jsonl", "--out", out, "--region", "normandie", "--min-amount", "1000000",
                    "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["fact_id"] for r in records} == _expected(desk_store, "WHERE f.region = 'Normandie' AND f.amount >= ?",
                                                          (1e6,))
    assert [r["amount"] for r in records] == sorted((r["amount"] for r in records), reverse=True)


def test_xlsx(depeches, desk_store, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "faits.xlsx"
    done = depeches("export", "--format", "xlsx", "--out", out, "--body", "Caisse des dépôts", "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out, read_only=True)["faits"]
    header, *rows = list(sheet.values)
    records = [dict(zip(header, row)) for row in rows]
    assert {r["fact_id"] for r in records} == _expected(desk_store, "WHERE f.body LIKE ?", ("%Caisse des dépôts%",))
    assert all(isinstance(r["amount"], (int, float)) for r in records)


def test_parquet(depeches, desk_store, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "faits.parquet"
    done = depeches("export", "--format", "parquet", "--out", out, "--since", "2020-01-01", "--until", "2020-12-31",
                    "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert str(table.schema.field("amount").type) == "double"
    expected = _expected(desk_store, "JOIN articles a ON a.id = f.article_id "
                                     "WHERE substr(coalesce(f.date, a.published), 1, 4) = '2020'")
    assert expected and set(table.column("fact_id").to_pylist()) == expected


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_binary_formats_need_a_file(depeches, desk_store, fmt):
    done = depeches("export", "--format", fmt, "--db", desk_store.db)
    assert done.returncode != 0 and "--out" in done.stderr
