"""The SQL that reads a fact through the desk's corrections: the join to the correction in force and each field.

Shared by fact_view (models/views.py) and the event tables (models/grouping.py), so that every output reads the
same values. Aliases: `f` the facts row, `a` its article, `c` the correction in force (models/corrections.py).
"""

__all__ = ["CORRECTED_FIELDS", "CLEARABLE_FIELDS", "CORRECTION_JOIN", "SHOWN", "CORRECTED", "corrected_value"]

# The fields a correction may change, in the order of fact_view.
CORRECTED_FIELDS = ("amount", "qualifier", "body", "body_role", "date", "region")
# The fields a fact may hold empty (facts.md): a correction stores '' to empty them, NULL to leave them as extracted.
CLEARABLE_FIELDS = ("body", "body_role", "date", "region")

# A fact's correction in force: same text (content hash), same offsets, same amount extracted there.
CORRECTION_JOIN = ('LEFT JOIN corrections c ON c.content_hash = a.content_hash AND c.start = f.start '
                   'AND c."end" = f."end" AND c.extracted_amount = f.amount AND c.in_force = 1')
# The facts the desk has not said are no facts.
SHOWN = "(c.not_a_fact IS NULL OR c.not_a_fact = 0)"
# 1 when the desk corrected the fact, else 0.
CORRECTED = "CASE WHEN c.id IS NULL THEN 0 ELSE 1 END"


def corrected_value(field: str) -> str:
    """The value of a fact's field once corrected: the correction's when it set one, else the extracted one.

    >>> corrected_value("qualifier")
    'coalesce(c.qualifier, f.qualifier)'
    """
    if field in CLEARABLE_FIELDS:
        return f"CASE WHEN c.{field} IS NULL THEN f.{field} ELSE NULLIF(c.{field}, '') END"
    return f"coalesce(c.{field}, f.{field})"
