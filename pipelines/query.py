"""Reading the store: read-only SQL, the everyday fact filters, and result formatting."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from models import StoreError, read_only_engine

__all__ = ["Result", "QueryError", "run_query", "FactFilter", "fact_where", "find_facts", "format_result", "FORMATS"]

FORMATS = ("table", "csv", "json")
# Columns shown by `depeches facts`.
FACT_COLUMNS = ("published", "amount", "amount_max", "currency", "qualifier", "per", "body", "body_role", "date",
                "region", "confidence", "article_id", "sentence")
# A table cell longer than this is cut, so that a row stays on one screen line.
TABLE_CELL_WIDTH = 60


class QueryError(Exception):
    """A query that cannot run; the message says why."""


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]


def run_query(sql: str, db: str | None = None, params: dict | None = None) -> Result:
    """Run one SQL statement on a read-only connection: a statement that would write fails and changes nothing."""
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            cursor = connection.execute(text(sql), params or {})
            if not cursor.returns_rows:
                raise QueryError("the statement returns no rows")
            return Result(list(cursor.keys()), [tuple(row) for row in cursor])
    except DBAPIError as error:  # sqlite3 reports a write as OperationalError, an authorizer refusal as DatabaseError
        message = str(error.orig)
        if "readonly" in message or "read-only" in message or "read only" in message or "authoriz" in message:
            raise QueryError(f"refused: the store is read-only for queries ({message})") from error
        raise QueryError(message) from error
    except SQLAlchemyError as error:
        raise QueryError(str(getattr(error, "orig", error))) from error
    finally:
        engine.dispose()


@dataclass(frozen=True)
class FactFilter:
    """The everyday questions: which facts of a region, of a body, over a period, above an amount."""

    region: str | None = None
    body: str | None = None
    since: date | None = None
    until: date | None = None
    min_amount: float | None = None
    limit: int = 100


# The date a fact is filtered by: its own, else its article's publication date.
FACT_DATE = "coalesce(date, CAST(published AS TEXT))"


def fact_where(f: FactFilter, date_column: str = FACT_DATE) -> tuple[str, dict]:
    """The WHERE clause of a filter and its bound parameters; `date_column` names the SQL date expression."""
    clauses, params = [], {}
    if f.region:
        clauses.append("lower(region) = lower(:region)")
        params["region"] = f.region
    if f.body:
        clauses.append("lower(body) LIKE lower(:body)")
        params["body"] = f"%{f.body}%"
    if f.since:
        # A date at month or year precision ends at its period's end: "2020" is still on or after 2020-01-01.
        clauses.append(f"substr({date_column} || '-99-99', 1, 10) >= :since")
        params["since"] = f.since.isoformat()
    if f.until:
        clauses.append(f"substr({date_column}, 1, 10) <= :until")
        params["until"] = f.until.isoformat()
    if f.min_amount is not None:
        clauses.append("amount >= :min_amount")
        params["min_amount"] = f.min_amount
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def find_facts(fact_filter: FactFilter, db: str | None = None) -> Result:
    """The facts matching a filter, largest amounts first; every value is a bound parameter."""
    where, params = fact_where(fact_filter)
    params["limit"] = fact_filter.limit
    sql = f"SELECT {', '.join(FACT_COLUMNS)} FROM fact_view{where} ORDER BY amount DESC LIMIT :limit"
    return run_query(sql, db, params)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(result: Result) -> str:
    cells = [[_cell(v)[:TABLE_CELL_WIDTH] for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def format_result(result: Result, fmt: str = "table") -> str:
    """A result as an aligned table, CSV or JSON (one object a row, in a list)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return out.getvalue().rstrip("\n")
    if fmt == "json":
        rows = [dict(zip(result.columns, row)) for row in result.rows]
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    return _table(result)
