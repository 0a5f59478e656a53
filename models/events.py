"""Events kept in the store: the repeats of one announcement grouped as the articles are written, not at each query.

Three tables, all derived from `facts` and `articles` and kept up to date by the loader in the transaction that
writes (or replaces, or deletes) the articles:
- `fact_events`: one row per fact, with its article's provenance and the id of the event it belongs to;
- `events`: one row per event (the announcement once, with its counts of sources and mentions);
- `event_totals`: the events summed by region, body and year, for the dashboard.

Facts are grouped by their *key* (same amount, range, currency, unit, body and region) and, within a key, by their
dates (see EVENT_GAP_DAYS). A key's events depend on the facts of that key only, so an article written or removed
changes the events of its facts' keys and nothing else: the loader regroups those keys, and the tables end exactly
as `rebuild_events` would make them from scratch.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import Connection, Date, DateTime, Float, Index, Integer, String, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from models.schema import Base

__all__ = ["FactEvent", "StoredEvent", "EventTotal", "EventKey", "EVENT_GAP_DAYS", "COMMITTED_CURRENCY",
           "add_fact_events", "remove_fact_events", "regroup", "rebuild_events"]

# Repeats of one announcement (a headline, a follow-up, a regional recap) are grouped into an *event*: facts with the
# same key whose dates are compatible. A fact's date is its own date, else its article's publication date, taken as
# the span it names ("2020" is the whole year, "2020-07" the month); a day or a month reaches EVENT_GAP_DAYS further,
# a year does not (4 Md€ for 2021 and 4 Md€ for 2022 are two budgets). Facts whose spans overlap chain into one
# event. Days are counted as 31 a month, 372 a year, so that the SQL stays the same on SQLite and PostgreSQL. An
# event's id is the id of its first fact. Follow-ups and recaps of an announcement come within about a quarter of it.
EVENT_GAP_DAYS = 92
# A fact with no date at all (nor its article) sorts after the dated ones and joins the latest event of its key.
UNDATED_LAST = 99_999_999
KEY_COLUMNS = ("currency", "amount", "amount_max", "per", "body", "region")
# Money committed, the only events the totals add up: euros, not per unit ("1 500 € par apprenti"), not negative.
COMMITTED_CURRENCY = "EUR"
# Temporary tables naming what one write touched, so that the regrouping reads those rows only.
TOUCHED_KEYS, TOUCHED_CELLS = "touched_event_keys", "touched_event_cells"


class FactEvent(Base):
    """A fact with its article's provenance and its event (formerly a view; columns in the view's order)."""

    __tablename__ = "fact_events"
    # Beyond the facets and sorts of the site: the grouping keys, and the articles of a region, of a year's events.
    __table_args__ = (Index("ix_fact_events_key", "amount", "body", "region"),
                      Index("ix_fact_events_event_id", "event_id", "year", "article_id"),
                      Index("ix_fact_events_year", "year", "event_id"),
                      Index("ix_fact_events_region", "region", "article_id"))
    event_id: Mapped[int] = mapped_column(Integer)
    fact_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    article_id: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    ingested_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Float)
    amount_max: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    qualifier: Mapped[str] = mapped_column(String(8), index=True)
    per: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text, index=True)
    body_role: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10))
    event_date: Mapped[str | None] = mapped_column(String(10), index=True)
    year: Mapped[str | None] = mapped_column(String(4))
    region: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class StoredEvent(Base):
    """One announcement: its key, its dates, how many articles and mentions report it, and its first mention."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_key", "amount", "body", "region"),
                      Index("ix_events_body_amount", "body", "amount"),
                      Index("ix_events_cell", "region", "body", "year"))
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount: Mapped[float] = mapped_column(Float)
    amount_max: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    qualifier: Mapped[str] = mapped_column(String(8), index=True)
    per: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    first_date: Mapped[str | None] = mapped_column(String(10))
    last_date: Mapped[str | None] = mapped_column(String(10))
    year: Mapped[str | None] = mapped_column(String(4), index=True)
    sources: Mapped[int] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer)
    first_published: Mapped[date | None] = mapped_column(Date)
    first_ingested_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_ingested_at: Mapped[datetime | None] = mapped_column(DateTime)
    article_id: Mapped[str] = mapped_column(String(255))
    sentence: Mapped[str] = mapped_column(Text)


class EventTotal(Base):
    """The events of one region, body and year that have a mention in `mention_year`, counted and summed.

    An event has one row per year one of its mentions falls in (nearly always one); `own_year` marks the row of
    the event's own year, so that summing the rows with own_year = 1 counts each event once, and summing those of
    one mention_year gives the events with a mention in that year.
    """

    __tablename__ = "event_totals"
    __table_args__ = (Index("ix_event_totals_cell", "region", "body", "year"),
                      Index("ix_event_totals_mention_year", "mention_year"))
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)
    year: Mapped[str | None] = mapped_column(String(4))
    mention_year: Mapped[str | None] = mapped_column(String(4))
    own_year: Mapped[int] = mapped_column(Integer)
    committed: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class EventKey:
    """What the facts of one event share."""

    currency: str
    amount: float
    amount_max: float | None
    per: str | None
    body: str | None
    region: str | None


@dataclass(frozen=True)
class _Cell:
    region: str | None
    body: str | None
    year: str | None


FACT_EVENT_COLUMNS = ("event_id", "fact_id", "article_id", "title", "url", "source", "published", "ingested_at",
                      "seq", "amount", "amount_max", "currency", "qualifier", "per", "body", "body_role", "date",
                      "event_date", "year", "region", "confidence", "sentence", "start", "end")
EVENT_COLUMNS = ("event_id", "amount", "amount_max", "currency", "qualifier", "per", "body", "region", "first_date",
                 "last_date", "year", "sources", "mentions", "first_published", "first_ingested_at",
                 "last_ingested_at", "article_id", "sentence")
TOTAL_COLUMNS = ("region", "body", "year", "mention_year", "own_year", "committed", "events", "mentions", "amount")


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


_EVENT_DATE = "coalesce(f.date, CAST(a.published AS VARCHAR(10)))"

# The facts of some articles as fact_events rows, each its own event until regrouped.
_ADD_SQL = f"""
INSERT INTO fact_events ({_names(FACT_EVENT_COLUMNS)})
SELECT f.id, f.id, f.article_id, a.title, a.url, a.source, a.published, r.started_at, f.seq, f.amount,
       f.amount_max, f.currency, f.qualifier, f.per, f.body, f.body_role, f.date, {_EVENT_DATE},
       substr({_EVENT_DATE}, 1, 4), f.region, f.confidence, f.sentence, f.start, f."end"
FROM facts f JOIN articles a ON a.id = f.article_id LEFT JOIN runs r ON r.id = a.run_id
"""


def _same(dialect: str, left: str, right: str) -> str:
    """Equality that holds between two NULLs, as grouping needs."""
    return f"{left} IS {right}" if dialect == "sqlite" else f"{left} IS NOT DISTINCT FROM {right}"


def _key_join(dialect: str, alias: str) -> str:
    """Join condition of a table's rows with the touched keys."""
    return " AND ".join(f"{alias}.{c} = k.{c}" if c in ("currency", "amount") else _same(dialect, f"{alias}.{c}",
                                                                                          f"k.{c}")
                        for c in KEY_COLUMNS)


def _day(year: str, month: str, day: str) -> str:
    return f"({year} * 372 + ({month} - 1) * 31 + {day})"


_YEAR, _MONTH, _DAY = ("CAST(substr(event_date, 1, 4) AS INTEGER)", "CAST(substr(event_date, 6, 2) AS INTEGER)",
                       "CAST(substr(event_date, 9, 2) AS INTEGER)")
_KEY = ", ".join(KEY_COLUMNS)


def _grouping_sql(members: str) -> str:
    """Each fact of `members` (a query of fact_events rows) with the id of its event, where it changes."""
    return f"""
WITH members AS ({members}),
spans AS (
    SELECT m.*,
        CASE length(event_date) WHEN 10 THEN {_day(_YEAR, _MONTH, _DAY)} WHEN 7 THEN {_day(_YEAR, _MONTH, "1")}
             WHEN 4 THEN {_day(_YEAR, "1", "1")} END AS lo,
        CASE length(event_date) WHEN 10 THEN {_day(_YEAR, _MONTH, _DAY)} + {EVENT_GAP_DAYS}
             WHEN 7 THEN {_day(_YEAR, _MONTH, "31")} + {EVENT_GAP_DAYS} WHEN 4 THEN {_day(_YEAR, "12", "31")} END AS hi
    FROM members m
),
chained AS (
    SELECT s.*, max(coalesce(hi, 0)) OVER (PARTITION BY {_KEY} ORDER BY coalesce(lo, {UNDATED_LAST}), fact_id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM spans s
),
islands AS (
    SELECT c.*, sum(CASE WHEN reach IS NULL THEN 1 WHEN lo IS NULL THEN 0 WHEN lo > reach THEN 1 ELSE 0 END)
                OVER (PARTITION BY {_KEY} ORDER BY coalesce(lo, {UNDATED_LAST}), fact_id
                      ROWS UNBOUNDED PRECEDING) AS island
    FROM chained c
),
grouped AS (
    SELECT fact_id, event_id AS old_id, min(fact_id) OVER (PARTITION BY {_KEY}, island) AS new_id FROM islands
)
UPDATE fact_events SET event_id = grouped.new_id FROM grouped
WHERE fact_events.fact_id = grouped.fact_id AND grouped.old_id <> grouped.new_id
"""


_MEMBER_COLUMNS = "e.fact_id, e.event_id, e.event_date, e.currency, e.amount, e.amount_max, e.per, e.body, e.region"


def _events_sql(source: str, where: str = "") -> str:
    """The events rows of the fact_events rows `source` (a FROM clause whose fact_events alias is e) that meet
    `where`."""
    return f"""
INSERT INTO events ({_names(EVENT_COLUMNS)})
SELECT e.event_id, e.amount, e.amount_max, e.currency,
       CASE WHEN min(e.qualifier) = max(e.qualifier) THEN min(e.qualifier) ELSE 'mixed' END,
       e.per, e.body, e.region, min(e.event_date), max(e.event_date), substr(min(e.event_date), 1, 4),
       count(DISTINCT e.article_id), count(*), min(e.published), min(e.ingested_at), max(e.ingested_at),
       f.article_id, f.sentence
FROM {source} JOIN fact_events f ON f.fact_id = e.event_id {f"WHERE {where}" if where else ""}
GROUP BY e.event_id, e.amount, e.amount_max, e.currency, e.per, e.body, e.region, f.article_id, f.sentence
"""


def _totals_sql(dialect: str, source: str, where: str = "") -> str:
    """The event_totals rows of the events rows `source` (a FROM clause whose events alias is e) that meet
    `where`."""
    own = f"CASE WHEN {_same(dialect, 'y.year', 'e.year')} THEN 1 ELSE 0 END"
    committed = (f"CASE WHEN e.currency = '{COMMITTED_CURRENCY}' AND e.per IS NULL AND e.amount > 0 "
                 "THEN 1 ELSE 0 END")
    return f"""
INSERT INTO event_totals ({_names(TOTAL_COLUMNS)})
SELECT region, body, year, mention_year, own_year, committed, count(*), sum(mentions), sum(amount)
FROM (SELECT DISTINCT e.event_id, e.region, e.body, e.year, y.year AS mention_year, {own} AS own_year,
             {committed} AS committed, e.mentions, e.amount
      FROM {source} JOIN fact_events y ON y.event_id = e.event_id {f"WHERE {where}" if where else ""}) event_years
GROUP BY region, body, year, mention_year, own_year, committed
"""


def add_fact_events(connection: Connection, article_ids: Iterable[str]) -> set[EventKey]:
    """Add the fact_events rows of these articles' facts (written just before); returns their keys to regroup."""
    ids = sorted(set(article_ids))
    if not ids:
        return set()
    expanding = bindparam("ids", expanding=True)
    connection.execute(text(_ADD_SQL + " WHERE f.article_id IN :ids").bindparams(expanding), {"ids": ids})
    return _keys_of(connection, ids)


def remove_fact_events(connection: Connection, article_ids: Iterable[str]) -> set[EventKey]:
    """Remove the fact_events rows of these articles (about to be deleted); returns their keys to regroup."""
    ids = sorted(set(article_ids))
    if not ids:
        return set()
    keys = _keys_of(connection, ids)
    connection.execute(text("DELETE FROM fact_events WHERE article_id IN :ids")
                       .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
    return keys


def _keys_of(connection: Connection, ids: list[str]) -> set[EventKey]:
    rows = connection.execute(text(f"SELECT DISTINCT {_KEY} FROM fact_events WHERE article_id IN :ids")
                              .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
    return {EventKey(*row) for row in rows}


def _fill(connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A temporary table of this connection holding exactly `rows`."""
    types = {"amount": "FLOAT", "amount_max": "FLOAT"}
    definition = ", ".join(f"{c} {types.get(c, 'TEXT')}" for c in columns)
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition})")
    connection.exec_driver_sql(f"DELETE FROM {table}")
    if rows:
        marks = ", ".join(f":{c}" for c in columns)
        connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                           [dict(zip(columns, row)) for row in rows])


# The touched rows are few and the tables large: "k CROSS JOIN table" makes SQLite read the touched keys first and
# look each up in the table's index (its planner has no statistics on a temporary table); PostgreSQL plans as it will.
_TOUCHED_FACTS = f"{TOUCHED_KEYS} k CROSS JOIN fact_events e"


def _cells_of_touched(connection: Connection) -> set[_Cell]:
    rows = connection.exec_driver_sql(f"SELECT DISTINCT e.region, e.body, e.year FROM {TOUCHED_KEYS} k "
                                      f"CROSS JOIN events e WHERE {_key_join(connection.dialect.name, 'e')}")
    return {_Cell(*row) for row in rows}


def regroup(connection: Connection, keys: set[EventKey]) -> None:
    """Recompute the events of these keys, and the totals of their cells, from their fact_events rows."""
    if not keys:
        return
    dialect = connection.dialect.name
    _fill(connection, TOUCHED_KEYS, KEY_COLUMNS, [tuple(getattr(k, c) for c in KEY_COLUMNS) for k in keys])
    cells = _cells_of_touched(connection)
    connection.exec_driver_sql(f"DELETE FROM events WHERE event_id IN (SELECT e.event_id FROM {TOUCHED_KEYS} k "
                               f"CROSS JOIN events e WHERE {_key_join(dialect, 'e')})")
    connection.exec_driver_sql(_grouping_sql(f"SELECT {_MEMBER_COLUMNS} FROM {_TOUCHED_FACTS} "
                                             f"WHERE {_key_join(dialect, 'e')}"))
    connection.exec_driver_sql(_events_sql(_TOUCHED_FACTS, _key_join(dialect, "e")))
    _refresh_totals(connection, cells | _cells_of_touched(connection))


def _cell_join(dialect: str, alias: str) -> str:
    return " AND ".join(_same(dialect, f"{alias}.{c}", f"c.{c}") for c in ("region", "body", "year"))


def _refresh_totals(connection: Connection, cells: set[_Cell]) -> None:
    dialect = connection.dialect.name
    _fill(connection, TOUCHED_CELLS, ("region", "body", "year"), [(c.region, c.body, c.year) for c in cells])
    connection.exec_driver_sql(f"DELETE FROM event_totals WHERE id IN (SELECT t.id FROM {TOUCHED_CELLS} c "
                               f"CROSS JOIN event_totals t WHERE {_cell_join(dialect, 't')})")
    connection.exec_driver_sql(_totals_sql(dialect, f"{TOUCHED_CELLS} c CROSS JOIN events e",
                                           _cell_join(dialect, "e")))


def rebuild_events(connection: Connection) -> None:
    """Make the three event tables anew from every fact of the store."""
    dialect = connection.dialect.name
    for table in ("event_totals", "events", "fact_events"):
        connection.exec_driver_sql(f"DELETE FROM {table}")
    connection.exec_driver_sql(_ADD_SQL)
    connection.exec_driver_sql(_grouping_sql(f"SELECT {_MEMBER_COLUMNS} FROM fact_events e"))
    connection.exec_driver_sql(_events_sql("fact_events e"))
    connection.exec_driver_sql(_totals_sql(dialect, "events e"))
