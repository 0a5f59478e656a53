"""Views people query: one row per fact with its article's provenance joined in.

The events (facts grouped by announcement) are tables kept up to date at ingest: see models/events.py.
"""

__all__ = ["VIEWS"]

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

VIEWS = {"fact_view": FACT_VIEW}
