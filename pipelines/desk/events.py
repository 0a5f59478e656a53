"""Events read from the store: the repeated mentions of one announcement grouped, with all their sources.

The grouping itself is kept in the store's `fact_events` table, brought up to date at every ingest (see
models/events.py); this module reads it into dataclasses. The same SQL runs through SQLAlchemy (digest, alerts) and
through Datasette's own connections (the dashboard), so it is plain SQL with named parameters.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from models import StoreError

__all__ = ["Mention", "Event", "Selection", "MENTION_COLUMNS", "events_sql", "mentions_from_rows", "group_events",
           "read_events", "as_datetime"]

MENTION_COLUMNS = ("event_id", "fact_id", "article_id", "title", "url", "source", "published", "ingested_at",
                   "amount", "amount_max", "currency", "qualifier", "per", "body", "body_role", "date", "event_date",
                   "year", "region", "confidence", "sentence", "start", "end")


@dataclass(frozen=True)
class Mention:
    """One fact as stored (a mention of an amount in one article), with its article's provenance."""

    event_id: int
    fact_id: int
    article_id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    ingested_at: datetime | None
    amount: float
    amount_max: float | None
    currency: str
    qualifier: str
    per: str | None
    body: str | None
    body_role: str | None
    date: str | None
    event_date: str | None
    year: str | None
    region: str | None
    confidence: float
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Event:
    """One announcement: its mentions across articles, first mention first."""

    event_id: int
    mentions: tuple[Mention, ...]

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    @property
    def sources(self) -> list[Mention]:
        """The first mention in each article, in order of publication."""
        seen: dict[str, Mention] = {}
        for mention in self.mentions:
            seen.setdefault(mention.article_id, mention)
        return list(seen.values())

    @property
    def date(self) -> str | None:
        """The earliest date of the event at its own precision (a fact's date, else its article's publication)."""
        dates = [m.event_date for m in self.mentions if m.event_date]
        return min(dates) if dates else None

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None

    @property
    def qualifiers(self) -> list[str]:
        return sorted({m.qualifier for m in self.mentions})

    @property
    def amount(self) -> float:
        return self.first.amount

    @property
    def amount_max(self) -> float | None:
        return self.first.amount_max

    @property
    def currency(self) -> str:
        return self.first.currency

    @property
    def per(self) -> str | None:
        return self.first.per

    @property
    def body(self) -> str | None:
        return self.first.body

    @property
    def region(self) -> str | None:
        return self.first.region


@dataclass(frozen=True)
class Selection:
    """Which events to read: those with at least one mention meeting every filter that is set."""

    region: str | None = None
    body: str | None = None
    year: str | None = None
    ingested_since: datetime | None = None
    event_ids: tuple[int, ...] = field(default_factory=tuple)

    def where(self) -> tuple[str, dict]:
        clauses, params = [], {}
        for name in ("region", "body", "year"):
            if getattr(self, name):
                clauses.append(f"{name} = :{name}")
                params[name] = getattr(self, name)
        if self.ingested_since:
            clauses.append("ingested_at >= :ingested_since")
            params["ingested_since"] = self.ingested_since.strftime("%Y-%m-%d %H:%M:%S")
        if self.event_ids:
            names = [f"event_{i}" for i in range(len(self.event_ids))]
            clauses.append(f"event_id IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, self.event_ids))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def events_sql(selection: Selection) -> tuple[str, dict]:
    """SQL and parameters reading every mention of the selected events, grouped by event, oldest source first."""
    where, params = selection.where()
    columns = ", ".join(f'"{c}"' for c in MENTION_COLUMNS)
    sql = (f"SELECT {columns} FROM fact_events WHERE event_id IN (SELECT event_id FROM fact_events{where}) "
           "ORDER BY event_id, coalesce(CAST(published AS VARCHAR(10)), event_date, ''), fact_id")
    return sql, params


def as_datetime(value) -> datetime | None:
    """A timestamp read back from the store: SQLite gives text, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def mentions_from_rows(rows: Iterable[Mapping]) -> list[Mention]:
    """Mentions from rows of `events_sql` (any mapping from column name to value)."""
    out = []
    for row in rows:
        values = {name: row[name] for name in MENTION_COLUMNS}
        values["ingested_at"] = as_datetime(values["ingested_at"])
        values["published"] = str(values["published"]) if values["published"] is not None else None
        out.append(Mention(**values))
    return out


def group_events(mentions: Iterable[Mention]) -> list[Event]:
    """Mentions grouped by event, largest amounts first."""
    groups: dict[int, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.event_id, []).append(mention)
    events = [Event(event_id, tuple(items)) for event_id, items in groups.items()]
    return sorted(events, key=lambda e: (-e.amount, e.event_id))


def read_events(connection: Connection, selection: Selection = Selection()) -> list[Event]:
    """The selected events of the store, each with all its mentions."""
    sql, params = events_sql(selection)
    try:
        rows = connection.execute(text(sql), params).mappings().all()
    except (OperationalError, ProgrammingError) as error:
        hint = "" if "fact_events" not in str(error.orig) else (
            "; a store made by an older depeches gets its event tables with 'depeches db upgrade'")
        raise StoreError(f"cannot read events ({error.orig}){hint}") from error
    return group_events(mentions_from_rows(rows))
