-- The event views of schema version 2 (models/views.py before events became tables), as SQLite ran them:
-- the reference the event tables are checked against. Each statement ends with a line holding only ';'.
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
        CASE length(event_date) WHEN 10 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (CAST(substr(event_date, 6, 2) AS INTEGER) - 1) * 31 + CAST(substr(event_date, 9, 2) AS INTEGER)) WHEN 7 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (CAST(substr(event_date, 6, 2) AS INTEGER) - 1) * 31 + 1)
             WHEN 4 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (1 - 1) * 31 + 1) END AS lo,
        CASE length(event_date) WHEN 10 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (CAST(substr(event_date, 6, 2) AS INTEGER) - 1) * 31 + CAST(substr(event_date, 9, 2) AS INTEGER)) + 92
             WHEN 7 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (CAST(substr(event_date, 6, 2) AS INTEGER) - 1) * 31 + 31) + 92 WHEN 4 THEN (CAST(substr(event_date, 1, 4) AS INTEGER) * 372 + (12 - 1) * 31 + 31) END AS hi
    FROM dated d
),
chained AS (
    SELECT s.*, max(coalesce(hi, 0)) OVER (PARTITION BY currency, amount, amount_max, per, body, region ORDER BY coalesce(lo, 99999999), fact_id
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM spans s
),
islands AS (
    SELECT c.*, sum(CASE WHEN reach IS NULL THEN 1 WHEN lo IS NULL THEN 0 WHEN lo > reach THEN 1 ELSE 0 END)
                OVER (PARTITION BY currency, amount, amount_max, per, body, region ORDER BY coalesce(lo, 99999999), fact_id
                      ROWS UNBOUNDED PRECEDING) AS island
    FROM chained c
)
SELECT
    min(fact_id) OVER (PARTITION BY currency, amount, amount_max, per, body, region, island) AS event_id,
    fact_id, article_id, title, url, source, published, ingested_at, seq, amount, amount_max, currency, qualifier,
    per, body, body_role, date, event_date, substr(event_date, 1, 4) AS year, region, confidence, sentence,
    start, "end"
FROM islands
;
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
;
