"""Events kept in the store: the repeats of one announcement grouped as the articles are written, not at each query.

Three tables, all derived from `facts` and `articles` and kept up to date by the loader in the transaction that
writes (or replaces, or deletes) the articles:
- `fact_events`: one row per fact, with its article's provenance and the id of the event it belongs to;
- `events`: one row per event (the announcement once, with its counts of sources and mentions);
- `event_totals`: the events summed by region, body and year, for the dashboard.

Facts are grouped by their *key* (same amount, range, currency, unit, body and region) and, within a key, by their
dates (see EVENT_GAP_DAYS). A key's events depend on the facts of that key only, so an article written or removed
changes the events of its facts' keys and nothing else: the loader regroups those keys (EventChanges), changes the
totals by what their events contributed before and after, and the tables end exactly as `rebuild_events` would
make them from scratch.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, NamedTuple

from sqlalchemy import Connection, DateTime, Float, Index, Integer, String, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from models import grouping
from models.schema import Base

__all__ = ["FactEvent", "StoredEvent", "EventTotal", "EventKey", "EventChanges", "EVENT_GAP_DAYS",
           "COMMITTED_CURRENCY", "rebuild_events"]

EVENT_GAP_DAYS, COMMITTED_CURRENCY, KEY_COLUMNS = (grouping.EVENT_GAP_DAYS, grouping.COMMITTED_CURRENCY,
                                                    grouping.KEY_COLUMNS)
# The leading columns of the indexes of event_totals, by name (each then holds the sums, so that it covers a query).
TOTAL_INDEXES = {"own_region": ("own_year", "committed", "region", "body", "year"),
                 "own_body": ("own_year", "committed", "body", "region", "year"),
                 "own_year": ("own_year", "committed", "year", "region", "body"),
                 "mention_year": ("mention_year", "committed", "region", "body", "year")}


class FactEvent(Base):
    """A fact with its article's provenance and its event (formerly a view; columns in the view's order)."""

    __tablename__ = "fact_events"
    # Beyond the facets and sorts of the site: the grouping keys, and the articles of a region, of a year's events.
    __table_args__ = (Index("ix_fact_events_key", "amount", "body", "region"),
                      Index("ix_fact_events_event_id", "event_id", "year", "article_id"),
                      Index("ix_fact_events_year", "year", "region", "event_id"),
                      Index("ix_fact_events_region", "region", "article_id"))
    event_id: Mapped[int] = mapped_column(Integer)
    fact_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    article_id: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
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
    # The facets, the grouping keys, and the largest events of a region, of a body, of a body in a region.
    __table_args__ = (Index("ix_events_key", "amount", "body", "region"),
                      Index("ix_events_region", "region", "amount"),
                      Index("ix_events_body_amount", "body", "amount"),
                      Index("ix_events_region_body_amount", "region", "body", "amount"))
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount: Mapped[float] = mapped_column(Float)
    amount_max: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    qualifier: Mapped[str] = mapped_column(String(8), index=True)
    per: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(64))
    first_date: Mapped[str | None] = mapped_column(String(10))
    last_date: Mapped[str | None] = mapped_column(String(10))
    year: Mapped[str | None] = mapped_column(String(4), index=True)
    sources: Mapped[int] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer)
    first_published: Mapped[str | None] = mapped_column(String(10))
    first_ingested_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_ingested_at: Mapped[datetime | None] = mapped_column(DateTime)
    article_id: Mapped[str] = mapped_column(String(255))
    sentence: Mapped[str] = mapped_column(Text)


class EventTotal(Base):
    """The events of one region, body and year that have a mention in `mention_year`, counted and summed.

    An event has one row per year one of its mentions falls in (nearly always one); `own_year` marks the row of
    the event's own year, so that summing the rows with own_year = 1 counts each event once, and summing those of
    one mention_year gives the events with a mention in that year. Amounts are summed in whole cents, which a
    double holds exactly (up to 90 trillion euros a row): the sums kept up to date batch after batch are then
    exactly those a rebuild makes, whatever the order of the additions.
    """

    __tablename__ = "event_totals"
    # Each sum of the dashboard reads one of these in order, and nothing else: the rows counting each event once
    # (own_year) grouped by region, body or year, and the rows of one year's mentions.
    __table_args__ = tuple(Index(f"ix_event_totals_{name}", *columns, "amount_cents", "events", "mentions")
                           for name, columns in TOTAL_INDEXES.items())
    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text)
    year: Mapped[str | None] = mapped_column(String(4))
    mention_year: Mapped[str | None] = mapped_column(String(4))
    own_year: Mapped[int] = mapped_column(Integer)
    committed: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class EventKey:
    """What the facts of one event share."""

    currency: str
    amount: float
    amount_max: float | None
    per: str | None
    body: str | None
    region: str | None


def _ids_param(sql: str):
    return text(sql).bindparams(bindparam("ids", expanding=True))


def _keys_of(connection: Connection, ids: list[str]) -> set[EventKey]:
    rows = connection.execute(_ids_param(f"SELECT DISTINCT {', '.join(KEY_COLUMNS)} FROM fact_events "
                                         "WHERE article_id IN :ids"), {"ids": ids})
    return {EventKey(*row) for row in rows}


def _fill(connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A temporary table of this connection holding exactly `rows`."""
    types = {"amount": "FLOAT", "amount_max": "FLOAT", "own_year": "INTEGER", "committed": "INTEGER"}
    definition = ", ".join(f"{c} {types.get(c, 'TEXT')}" for c in columns)
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition})")
    connection.exec_driver_sql(f"DELETE FROM {table}")
    if rows:
        marks = ", ".join(f":{c}" for c in columns)
        connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
                           [dict(zip(columns, row)) for row in rows])


def _fill_keys(connection: Connection, keys: Iterable[EventKey]) -> None:
    _fill(connection, grouping.TOUCHED_KEYS, KEY_COLUMNS, [tuple(getattr(k, c) for c in KEY_COLUMNS) for k in keys])


class _Group(NamedTuple):
    """What the events summed in one row of event_totals share."""

    region: str | None
    body: str | None
    year: str | None
    mention_year: str | None
    own_year: int
    committed: int


@dataclass(frozen=True)
class _Sums:
    """What one row of event_totals holds: events, their mentions, their amounts in whole cents."""

    events: int = 0
    mentions: int = 0
    cents: float = 0.0

    def __add__(self, other: "_Sums") -> "_Sums":
        return _Sums(self.events + other.events, self.mentions + other.mentions, self.cents + other.cents)

    def __sub__(self, other: "_Sums") -> "_Sums":
        return _Sums(self.events - other.events, self.mentions - other.mentions, self.cents - other.cents)


def _contributions(connection: Connection) -> dict[_Group, _Sums]:
    """What the events of the keys in the touched-keys table add to event_totals, group by group."""
    rows = connection.exec_driver_sql(grouping.contributions_sql(connection.dialect.name))
    return {_Group(*row[:6]): _Sums(*row[6:]) for row in rows}


def _difference(after: dict[_Group, _Sums], before: dict[_Group, _Sums]) -> dict[_Group, _Sums]:
    changes = {group: after.get(group, _Sums()) - before.get(group, _Sums()) for group in after.keys() | before.keys()}
    return {group: change for group, change in changes.items() if change != _Sums()}


def _apply(connection: Connection, changes: dict[_Group, _Sums]) -> None:
    """Add the changes to the rows of their groups: rows merged, made, or dropped when no event is left."""
    if not changes:
        return
    _fill(connection, grouping.TOUCHED_GROUPS, grouping.GROUP_COLUMNS, list(changes))
    rows = connection.exec_driver_sql(grouping.touched_totals_sql(connection.dialect.name)).mappings()
    current = {_Group(*(row[c] for c in grouping.GROUP_COLUMNS)): row for row in rows}
    if current:
        connection.execute(_ids_param("DELETE FROM event_totals WHERE id IN :ids"),
                           {"ids": [row["id"] for row in current.values()]})
    merged = []
    for group, change in changes.items():
        row = current.get(group)
        total = change + (_Sums(row["events"], row["mentions"], row["amount_cents"]) if row else _Sums())
        if total.events:
            merged.append({**group._asdict(), "events": total.events, "mentions": total.mentions,
                           "amount_cents": total.cents})
    if merged:
        connection.execute(text(f"INSERT INTO event_totals ({grouping.names(grouping.TOTAL_COLUMNS)}) "
                                f"VALUES ({', '.join(':' + c for c in grouping.TOTAL_COLUMNS)})"), merged)


class EventChanges:
    """The event tables brought up to date with one write of articles, in the write's transaction.

    Call `remove` with the ids of articles about to be deleted (or replaced), `add` with the ids of the articles
    just written (their facts included), then `apply`. Only the events of the keys of those facts are regrouped.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.keys: set[EventKey] = set()
        self.before: dict[_Group, _Sums] = {}
        self.held: set[EventKey] | None = None  # what the touched-keys table holds, once filled here

    def _hold(self, keys: set[EventKey]) -> None:
        """Make the touched-keys table hold exactly `keys`, filling it only when it holds others."""
        if keys != self.held:
            _fill_keys(self.connection, keys)
            self.held = set(keys)

    def _touch(self, keys: set[EventKey]) -> None:
        """Note what the events of keys not seen yet contribute to the totals, before anything changes them."""
        fresh = keys - self.keys
        if fresh:
            self._hold(fresh)
            for group, sums in _contributions(self.connection).items():
                self.before[group] = self.before.get(group, _Sums()) + sums
        self.keys |= fresh

    def remove(self, article_ids: Iterable[str]) -> None:
        """Take out the fact_events rows of these articles (their facts are about to be deleted)."""
        ids = sorted(set(article_ids))
        if ids:
            self._touch(_keys_of(self.connection, ids))
            self.connection.execute(_ids_param("DELETE FROM fact_events WHERE article_id IN :ids"), {"ids": ids})

    def add(self, article_ids: Iterable[str]) -> None:
        """Put in the fact_events rows of these articles' facts, just written, each its own event until `apply`."""
        ids = sorted(set(article_ids))
        if ids:
            self.connection.execute(_ids_param(grouping.ADD_SQL + " AND f.article_id IN :ids"), {"ids": ids})
            self._touch(_keys_of(self.connection, ids))

    def apply(self) -> None:
        """Regroup the events of the touched keys and change the totals by what those events changed."""
        if not self.keys:
            return
        dialect = self.connection.dialect.name
        self._hold(self.keys)
        for sql in grouping.regroup_sql(dialect):
            self.connection.exec_driver_sql(sql)
        _apply(self.connection, _difference(_contributions(self.connection), self.before))
        self.keys, self.before = set(), {}


def rebuild_events(connection: Connection, corrected: bool = True) -> None:
    """Make the three event tables anew from every fact of the store, read through the desk's corrections (or as
    extracted, with `corrected` false, for a store that has no corrections table yet)."""
    for table in ("event_totals", "events", "fact_events"):
        connection.exec_driver_sql(f"DELETE FROM {table}")
    for sql in grouping.rebuild_sql(connection.dialect.name, corrected):
        connection.exec_driver_sql(sql)
