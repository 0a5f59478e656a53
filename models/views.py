"""Views people query: one row per fact with its article's provenance joined in, and facts grouped into events."""

__all__ = ["VIEWS", "EVENT_GAP_DAYS"]

FACT_VIEW = """
CREATE VIEW fact_view AS
SELECT
    f.id          AS fact_id,
    f.article_id  AS article_id,
    a.source      AS source,
    a.url         AS url,
    a.title       AS title,
    a.published   AS published,
    f.seq         AS seq,
    f.amount      AS amount,
    f.amount_max  AS amount_max,
    f.currency    AS currency,
    f.qualifier   AS qualifier,
    f.per         AS per,
    f.body        AS body,
    f.body_role   AS body_role,
    f.date        AS date,
    f.region      AS region,
    f.confidence  AS confidence,
    f.sentence    AS sentence,
    f.start       AS start,
    f."end"       AS "end"
FROM facts f JOIN articles a ON a.id = f.article_id
"""

# Repeats of one announcement (a headline, a follow-up, a regional recap) are grouped into an *event*: facts with the
# same amount, range, currency, unit, body and region whose dates are compatible. A fact's date is its own date, else
# its article's publication date, taken as the span it names ("2020" is the whole year, "2020-07" the month); a day or
# a month reaches EVENT_GAP_DAYS further, a year does not (4 Md€ for 2021 and 4 Md€ for 2022 are two budgets).
# Facts whose spans overlap chain into one event. Days are counted as 31 a month, 372 a year, so that the SQL stays
# the same on SQLite and PostgreSQL. An event's id is the id of its first fact.
# Follow-ups and recaps of an announcement come within about a quarter of it.
EVENT_GAP_DAYS = 92
# A fact with no date at all (nor its article) sorts after the dated ones and joins the latest event of its key.
UNDATED_LAST = 99_999_999
EVENT_KEY = "currency, amount, amount_max, per, body, region"


def _day(year: str, month: str, day: str) -> str:
    return f"({year} * 372 + ({month} - 1) * 31 + {day})"


_YEAR, _MONTH, _DAY = ("CAST(substr(event_date, 1, 4) AS INTEGER)", "CAST(substr(event_date, 6, 2) AS INTEGER)",
                       "CAST(substr(event_date, 9, 2) AS INTEGER)")

FACT_EVENTS = f"""
CREATE VIEW fact_events AS
WITH dated AS (
    SELECT f.id AS fact_id, f.article_id, a.title, a.url, a.source, a.published, r.started_at AS ingested_at,
           f.seq, f.amount, f.amount_max, f.currency, f.qualifier, f.per, f.body, f.body_role, f.date, f.region,
           f.confidence, f.sentence, f.start, f."end",
           coalesce(f.date, CAST(a.published AS VARCHAR(10))) AS event_date
    FROM facts f JOIN articles a ON a.id = f.article_id LEFT JOIN runs r ON r.id = a.run_id
),
spans AS (
    SELECT d.*,
        CASE length(event_date) WHEN 10 THEN {_day(_YEAR, _MONTH, _DAY)} WHEN 7 THEN {_day(_YEAR, _MONTH, "1")}
             WHEN 4 THEN {_day(_YEAR, "1", "1")} END AS lo,
        CASE length(event_date) WHEN 10 THEN {_day(_YEAR, _MONTH, _DAY)} + {EVENT_GAP_DAYS}
             WHEN 7 THEN {_day(_YEAR, _MONTH, "31")} + {EVENT_GAP_DAYS} WHEN 4 THEN {_day(_YEAR, "12", "31")} END AS hi
    FROM dated d
),
chained AS (
    SELECT s.*, max(coalesce(hi, 0)) OVER (PARTITION BY {EVENT_KEY} ORDER BY coalesce(lo, {UNDATED_LAST}), fact_id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM spans s
),
islands AS (
    SELECT c.*, sum(CASE WHEN reach IS NULL THEN 1 WHEN lo IS NULL THEN 0 WHEN lo > reach THEN 1 ELSE 0 END)
                OVER (PARTITION BY {EVENT_KEY} ORDER BY coalesce(lo, {UNDATED_LAST}), fact_id
                      ROWS UNBOUNDED PRECEDING) AS island
    FROM chained c
)
SELECT
    min(fact_id) OVER (PARTITION BY {EVENT_KEY}, island) AS event_id,
    fact_id, article_id, title, url, source, published, ingested_at, seq, amount, amount_max, currency, qualifier,
    per, body, body_role, date, event_date, substr(event_date, 1, 4) AS year, region, confidence, sentence,
    start, "end"
FROM islands
"""

EVENTS = """
CREATE VIEW events AS
SELECT
    e.event_id,
    e.amount, e.amount_max, e.currency,
    CASE WHEN min(e.qualifier) = max(e.qualifier) THEN min(e.qualifier) ELSE 'mixed' END AS qualifier,
    e.per, e.body, e.region,
    min(e.event_date) AS first_date,
    max(e.event_date) AS last_date,
    substr(min(e.event_date), 1, 4) AS year,
    count(DISTINCT e.article_id) AS sources,
    count(*) AS mentions,
    min(e.published) AS first_published,
    min(e.ingested_at) AS first_ingested_at,
    max(e.ingested_at) AS last_ingested_at,
    f.article_id AS article_id,
    f.sentence AS sentence
FROM fact_events e JOIN facts f ON f.id = e.event_id
GROUP BY e.event_id, e.amount, e.amount_max, e.currency, e.per, e.body, e.region, f.article_id, f.sentence
"""

VIEWS = {"fact_view": FACT_VIEW, "fact_events": FACT_EVENTS, "events": EVENTS}
