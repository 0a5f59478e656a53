"""The SQL that groups facts into events and sums them, for all the facts or for the keys one write touched.

The same statements run on SQLite and PostgreSQL; the keys (or total groups) a write touched are in a temporary
table, which each statement reads first (`t CROSS JOIN table` makes SQLite's planner, which has no statistics on a
temporary table, look each touched row up in the large table's index rather than the other way round).
"""

from typing import Iterable

from models.correction_sql import CORRECTION_JOIN, SHOWN, corrected_value

__all__ = ["EVENT_GAP_DAYS", "COMMITTED_CURRENCY", "KEY_COLUMNS", "GROUP_COLUMNS", "TOTAL_COLUMNS", "TOUCHED_KEYS",
           "TOUCHED_GROUPS", "ADD_SQL", "names", "regroup_sql", "rebuild_sql", "contributions_sql",
           "touched_totals_sql"]

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
GROUP_COLUMNS = ("region", "body", "year", "mention_year", "own_year", "committed")
TOTAL_COLUMNS = (*GROUP_COLUMNS, "events", "mentions", "amount_cents")
FACT_EVENT_COLUMNS = ("event_id", "fact_id", "article_id", "title", "url", "source", "published", "ingested_at",
                      "seq", "amount", "amount_max", "currency", "qualifier", "per", "body", "body_role", "date",
                      "event_date", "year", "region", "confidence", "sentence", "start", "end")
EVENT_COLUMNS = ("event_id", "amount", "amount_max", "currency", "qualifier", "per", "body", "region", "first_date",
                 "last_date", "year", "sources", "mentions", "first_published", "first_ingested_at",
                 "last_ingested_at", "article_id", "sentence")
# Temporary tables of the keys, and of the total groups, that one write touched.
TOUCHED_KEYS, TOUCHED_GROUPS = "touched_event_keys", "touched_event_totals"


def names(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _add_sql(corrected: bool) -> str:
    """The facts as fact_events rows, each its own event until regrouped, ending in a WHERE clause to which a
    caller may add conditions: read through the desk's corrections (the facts it said are no facts left out), or,
    for a store older than the corrections table, as extracted."""
    value = corrected_value if corrected else (lambda field: f"f.{field}")
    event_date = f"coalesce({value('date')}, CAST(a.published AS VARCHAR(10)))"
    return f"""
INSERT INTO fact_events ({names(FACT_EVENT_COLUMNS)})
SELECT f.id, f.id, f.article_id, a.title, a.url, a.source, a.published, r.started_at, f.seq, {value('amount')},
       f.amount_max, f.currency, {value('qualifier')}, f.per, {value('body')}, {value('body_role')}, {value('date')},
       {event_date}, substr({event_date}, 1, 4), {value('region')}, f.confidence, f.sentence, f.start, f."end"
FROM facts f JOIN articles a ON a.id = f.article_id LEFT JOIN runs r ON r.id = a.run_id
{CORRECTION_JOIN if corrected else ""}
WHERE {SHOWN if corrected else "1 = 1"}
"""


# The facts (of some articles, with an AND added) as fact_events rows, as the desk corrected them.
ADD_SQL = _add_sql(corrected=True)


def _same(dialect: str, left: str, right: str) -> str:
    """Equality that holds between two NULLs, as grouping needs."""
    return f"{left} IS {right}" if dialect == "sqlite" else f"{left} IS NOT DISTINCT FROM {right}"


def _key_join(dialect: str, alias: str) -> str:
    """The rows of table `alias` whose key is the touched key k."""
    return " AND ".join(f"{alias}.{c} = k.{c}" if c in ("currency", "amount") else _same(dialect, f"{alias}.{c}",
                                                                                          f"k.{c}")
                        for c in KEY_COLUMNS)


def _day(year: str, month: str, day: str) -> str:
    return f"({year} * 372 + ({month} - 1) * 31 + {day})"


_YEAR, _MONTH, _DAY = ("CAST(substr(event_date, 1, 4) AS INTEGER)", "CAST(substr(event_date, 6, 2) AS INTEGER)",
                       "CAST(substr(event_date, 9, 2) AS INTEGER)")
_KEY = ", ".join(KEY_COLUMNS)
_MEMBER_COLUMNS = "e.fact_id, e.event_id, e.event_date, e.currency, e.amount, e.amount_max, e.per, e.body, e.region"


def _grouping_sql(members: str) -> str:
    """Give each fact_events row of `members` (a query of such rows) the id of its event, where it changes."""
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


def _events_sql(source: str, where: str = "") -> str:
    """The events rows of the fact_events rows of `source` (a FROM clause whose fact_events alias is e)."""
    return f"""
INSERT INTO events ({names(EVENT_COLUMNS)})
SELECT e.event_id, e.amount, e.amount_max, e.currency,
       CASE WHEN min(e.qualifier) = max(e.qualifier) THEN min(e.qualifier) ELSE 'mixed' END,
       e.per, e.body, e.region, min(e.event_date), max(e.event_date), substr(min(e.event_date), 1, 4),
       count(DISTINCT e.article_id), count(*), min(e.published), min(e.ingested_at), max(e.ingested_at),
       f.article_id, f.sentence
FROM {source} JOIN fact_events f ON f.fact_id = e.event_id {f"WHERE {where}" if where else ""}
GROUP BY e.event_id, e.amount, e.amount_max, e.currency, e.per, e.body, e.region, f.article_id, f.sentence
"""


def _totals_sql(dialect: str, source: str, where: str = "") -> str:
    """The event_totals rows of the events of `source` (a FROM clause whose events alias is e): one row of each
    event for each year its mentions fall in, then summed by group."""
    own = f"CASE WHEN {_same(dialect, 'y.year', 'e.year')} THEN 1 ELSE 0 END"
    committed = (f"CASE WHEN e.currency = '{COMMITTED_CURRENCY}' AND e.per IS NULL AND e.amount > 0 "
                 "THEN 1 ELSE 0 END")
    return f"""
SELECT {", ".join(GROUP_COLUMNS)}, count(*), sum(mentions), sum(cents)
FROM (SELECT DISTINCT e.event_id, e.region, e.body, e.year, y.year AS mention_year, {own} AS own_year,
             {committed} AS committed, e.mentions, round(e.amount * 100) AS cents
      FROM {source} JOIN fact_events y ON y.event_id = e.event_id {f"WHERE {where}" if where else ""}) event_years
GROUP BY {", ".join(GROUP_COLUMNS)}
"""


def regroup_sql(dialect: str) -> list[str]:
    """The statements regrouping the events of the touched keys, in order."""
    touched = f"{TOUCHED_KEYS} k CROSS JOIN fact_events e"
    return [f"DELETE FROM events WHERE event_id IN (SELECT e.event_id FROM {TOUCHED_KEYS} k CROSS JOIN events e "
            f"WHERE {_key_join(dialect, 'e')})",
            _grouping_sql(f"SELECT {_MEMBER_COLUMNS} FROM {touched} WHERE {_key_join(dialect, 'e')}"),
            _events_sql(touched, _key_join(dialect, "e"))]


def rebuild_sql(dialect: str, corrected: bool = True) -> list[str]:
    """The statements filling the empty event tables from every fact, in order (`corrected`: see _add_sql)."""
    return [_add_sql(corrected),
            _grouping_sql(f"SELECT {_MEMBER_COLUMNS} FROM fact_events e"),
            _events_sql("fact_events e"),
            f"INSERT INTO event_totals ({names(TOTAL_COLUMNS)}) {_totals_sql(dialect, 'events e')}"]


def contributions_sql(dialect: str) -> str:
    """What the events of the touched keys add to each group of event_totals."""
    return _totals_sql(dialect, f"{TOUCHED_KEYS} k CROSS JOIN events e", _key_join(dialect, "e"))


def touched_totals_sql(dialect: str) -> str:
    """The event_totals rows of the touched groups: id, group, sums."""
    match = " AND ".join(_same(dialect, f"t.{c}", f"g.{c}") for c in GROUP_COLUMNS)
    return (f"SELECT t.id, {', '.join(f't.{c} AS {c}' for c in TOTAL_COLUMNS)} FROM {TOUCHED_GROUPS} g "
            f"CROSS JOIN event_totals t WHERE {match}")
