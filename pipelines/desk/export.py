"""Exports for people who live in spreadsheets: the facts (with their event) as CSV, JSON lines, XLSX or Parquet.

The filters are those of `depeches facts` (region, body, period, minimum amount, limit); rows come largest amount
first, one per fact mention, each with the id of the event it belongs to.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from models import StoreError, read_only_engine
from pipelines.query import FactFilter, fact_where

__all__ = ["EXPORT_FORMATS", "BINARY_FORMATS", "EXPORT_COLUMNS", "Table", "read_export", "write_export"]

EXPORT_FORMATS = ("csv", "jsonl", "xlsx", "parquet")
BINARY_FORMATS = ("xlsx", "parquet")
EXPORT_COLUMNS = ("fact_id", "event_id", "article_id", "title", "url", "published", "amount", "amount_max",
                  "currency", "qualifier", "per", "body", "body_role", "date", "year", "region", "confidence",
                  "sentence", "start", "end", "source", "ingested_at")
NUMBER_COLUMNS = {"fact_id": "int", "event_id": "int", "amount": "float", "amount_max": "float",
                  "confidence": "float", "start": "int", "end": "int"}


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple]


def _cell(column: str, value):
    if value is None:
        return None
    if column in NUMBER_COLUMNS:
        return int(value) if NUMBER_COLUMNS[column] == "int" else float(value)
    return str(value)


def read_export(fact_filter: FactFilter, db: str | None = None) -> Table:
    """The facts matching the filter, largest amounts first (`limit` 0 or None: all of them)."""
    where, params = fact_where(fact_filter, "event_date")
    columns = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
    sql = f"SELECT {columns} FROM fact_events{where} ORDER BY amount DESC, fact_id"
    if fact_filter.limit:
        sql += " LIMIT :limit"
        params["limit"] = fact_filter.limit
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(sql), params).all()
    except (OperationalError, ProgrammingError) as error:
        raise StoreError(f"cannot export: {error.orig}") from error
    finally:
        engine.dispose()
    return Table(EXPORT_COLUMNS, [tuple(_cell(c, v) for c, v in zip(EXPORT_COLUMNS, row)) for row in rows])


def _csv(table: Table, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([["" if v is None else v for v in row] for row in table.rows])


def _jsonl(table: Table, stream: IO[str]) -> None:
    for row in table.rows:
        stream.write(json.dumps(dict(zip(table.columns, row)), ensure_ascii=False) + "\n")


def _xlsx(table: Table, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("faits")
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(list(row))
    book.save(path)


def _parquet(table: Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([(c, kinds.get(NUMBER_COLUMNS.get(c), pa.string())) for c in table.columns])
    records = [dict(zip(table.columns, row)) for row in table.rows]
    pq.write_table(pa.Table.from_pylist(records, schema=schema), path)


def write_export(table: Table, fmt: str, out: str | Path | None, stdout: IO[str] | None = None) -> None:
    """Write the table as `fmt` to the file `out`, or to `stdout` for text formats when `out` is None."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt in BINARY_FORMATS:
        if out is None:
            raise ValueError(f"{fmt} is a binary format: give a file with --out")
        (_xlsx if fmt == "xlsx" else _parquet)(table, Path(out))
        return
    writer = _csv if fmt == "csv" else _jsonl
    if out is None:
        writer(table, stdout)
        return
    with open(out, "w", encoding="utf-8", newline="") as stream:
        writer(table, stream)
