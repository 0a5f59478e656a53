"""Views people query: one row per fact with its article's provenance joined in, as the desk corrected it.

The events (facts grouped by announcement) are tables kept up to date at ingest: see models/events.py.
"""

from models.correction_sql import CORRECTED, CORRECTED_FIELDS, CORRECTION_JOIN, SHOWN, corrected_value

__all__ = ["VIEWS"]

# The extracted values beside the corrected ones, under extracted_<field>.
_EXTRACTED = ",\n    ".join(f"f.{field} AS extracted_{field}" for field in CORRECTED_FIELDS)

FACT_VIEW = f"""
CREATE VIEW fact_view AS
SELECT
    f.id          AS fact_id,
    f.article_id  AS article_id,
    a.source      AS source,
    a.url         AS url,
    a.title       AS title,
    a.published   AS published,
    f.seq         AS seq,
    {corrected_value('amount')} AS amount,
    f.amount_max  AS amount_max,
    f.currency    AS currency,
    {corrected_value('qualifier')} AS qualifier,
    f.per         AS per,
    {corrected_value('body')} AS body,
    {corrected_value('body_role')} AS body_role,
    {corrected_value('date')} AS date,
    {corrected_value('region')} AS region,
    f.confidence  AS confidence,
    f.sentence    AS sentence,
    f.start       AS start,
    f."end"       AS "end",
    {CORRECTED} AS corrected,
    {_EXTRACTED}
FROM facts f JOIN articles a ON a.id = f.article_id
{CORRECTION_JOIN}
WHERE {SHOWN}
"""

VIEWS = {"fact_view": FACT_VIEW}
