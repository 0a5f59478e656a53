"""The dashboard's figures, read from the tables kept at ingest instead of from every event of the selection.

Sums and counts come from `event_totals` (the events summed by region, body and year); the largest events, the
articles of each body and the number of articles come from `events` and `fact_events` through their indexes. Each
`*_sql` function returns SQL with named parameters, run by Datasette's connections; the figures are those `overview`
computes from the selected events themselves (tests/desk/test_desk_board.py checks that they agree).

A selection keeps its meaning: the events with a mention meeting every filter. Region and body are the same for all
the mentions of an event, the year is a mention's: an event reported in December and in January is in both years,
and counts in the year of its first date.
"""

from dataclasses import dataclass
from typing import Iterable, Mapping

from models.events import COMMITTED_CURRENCY
from pipelines.desk.events import Event, Selection
from pipelines.desk.totals import NO_BODY, NO_REGION, NO_YEAR, Sum

__all__ = ["Figures", "DIMENSIONS", "figures_sql", "figures_from_row", "sums_sql", "sums_from_rows", "articles_sql",
           "top_events_sql", "body_events_sql", "choices_sql", "body_sources", "BodySources"]

# What an event must be to enter the sums (the rule of pipelines.desk.totals.counts_as_committed, in SQL).
COMMITTED = f"currency = '{COMMITTED_CURRENCY}' AND per IS NULL AND amount > 0"
# The columns a selection can be summed by, and the label of their missing value.
DIMENSIONS = {"region": NO_REGION, "body": NO_BODY, "year": NO_YEAR}


@dataclass(frozen=True)
class Figures:
    """What a selection counts: events, their mentions, the articles that report them, the committed euros."""

    events: int
    mentions: int
    sources: int
    committed: float


def _named_clauses(selection: Selection) -> tuple[list[str], dict]:
    """The selection's region and body as conditions on columns of the same names, with their parameters."""
    clauses, params = [], {}
    for name in ("region", "body"):
        if getattr(selection, name):
            clauses.append(f"{name} = :{name}")
            params[name] = getattr(selection, name)
    return clauses, params


def _cells(selection: Selection) -> tuple[str, dict]:
    """The rows of event_totals that count the selection's events once each."""
    clauses, params = _named_clauses(selection)
    if selection.year:
        clauses.append("mention_year = :year")
        params["year"] = selection.year
    else:
        clauses.append("own_year = 1")
    return " AND ".join(clauses), params


def figures_sql(selection: Selection) -> tuple[str, dict]:
    where, params = _cells(selection)
    return ("SELECT coalesce(sum(events), 0) AS events, coalesce(sum(mentions), 0) AS mentions, "
            f"coalesce(sum(CASE WHEN committed = 1 THEN amount_cents END), 0) / 100.0 AS committed "
            f"FROM event_totals WHERE {where}",
            params)


def figures_from_row(row: Mapping, articles: int) -> Figures:
    """The figures of a row of figures_sql, with the count of articles_sql."""
    return Figures(int(row["events"]), int(row["mentions"]), int(articles), float(row["committed"]))


def sums_sql(selection: Selection, dimension: str) -> tuple[str, dict]:
    """The committed euros of the selection's events by region, body or year (of the event's first date)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"cannot sum by {dimension!r}")
    where, params = _cells(selection)
    return (f"SELECT {dimension} AS label, sum(amount_cents) / 100.0 AS amount, sum(events) AS events "
            "FROM event_totals "
            f"WHERE committed = 1 AND {where} GROUP BY {dimension}", params)


def sums_from_rows(rows: Iterable[Mapping], dimension: str) -> list[Sum]:
    """Sums labelled (a missing value by its label), largest first, or by label for years."""
    sums = [Sum(row["label"] or DIMENSIONS[dimension], float(row["amount"]), int(row["events"])) for row in rows]
    if dimension == "year":
        return sorted(sums, key=lambda s: s.label)
    return sorted(sums, key=lambda s: (-s.amount, s.label))


def _events_where(selection: Selection) -> tuple[str, dict]:
    """The selection as a condition on the events table."""
    clauses, params = _named_clauses(selection)
    if selection.year:
        clauses.append("EXISTS (SELECT 1 FROM fact_events m WHERE m.event_id = events.event_id AND m.year = :year)")
        params["year"] = selection.year
    return " AND ".join(clauses) or "1 = 1", params


def articles_sql(selection: Selection) -> tuple[str, dict]:
    """How many articles report the selection's events (counted over DISTINCT, which SQLite reads from an index in
    order where count(DISTINCT) would sort)."""
    where, params = selection.where()
    if selection.year:
        where = f" WHERE event_id IN (SELECT event_id FROM fact_events{where})"
    return f"SELECT count(*) FROM (SELECT DISTINCT article_id FROM fact_events{where}) articles", params


def top_events_sql(selection: Selection, limit: int) -> tuple[str, dict]:
    """The ids of the selection's largest events, in the order of group_events."""
    where, params = _events_where(selection)
    return (f"SELECT event_id FROM events WHERE {where} ORDER BY amount DESC, event_id LIMIT {int(limit)}",
            params)


def body_events_sql(selection: Selection, bodies: list[str], per_body: int) -> tuple[str, dict]:
    """The ids of the largest committed events of each body (its label, NO_BODY for none) in the selection."""
    where, params = _events_where(selection)
    parts = []
    for i, label in enumerate(bodies):
        if label == NO_BODY:
            match = "body IS NULL"
        else:
            match = f"body = :body_{i}"
            params[f"body_{i}"] = label
        parts.append(f"SELECT * FROM (SELECT event_id, amount FROM events WHERE {match} AND {COMMITTED} AND {where} "
                     f"ORDER BY amount DESC, event_id LIMIT {int(per_body)})")
    return " UNION ALL ".join(parts) or "SELECT event_id, amount FROM events WHERE 0 = 1", params


def choices_sql(dimension: str) -> str:
    """The regions, or the years of mentions, found in the store, for the dashboard's filters."""
    column = {"region": "region", "year": "mention_year"}[dimension]
    return f"SELECT DISTINCT {column} AS value FROM event_totals WHERE {column} IS NOT NULL ORDER BY {column}"


@dataclass(frozen=True)
class BodySources:
    """A body's largest events of a selection, and whether it has more than those."""

    label: str
    events: list[Event]
    more: bool


def body_sources(labels: list[str], events: list[Event], per_body: int,
                 counts: Mapping[str, int]) -> list[BodySources]:
    """The events read for each body, largest first; `counts` holds how many committed events each body has."""
    by_body: dict[str, list[Event]] = {label: [] for label in labels}
    for event in sorted(events, key=lambda e: (-e.amount, e.event_id)):
        by_body.setdefault(event.body or NO_BODY, []).append(event)
    return [BodySources(label, by_body[label][:per_body], counts.get(label, 0) > per_body) for label in labels]
