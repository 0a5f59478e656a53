"""The desk's corrections from the command line and the review page: one write per correction, listings, gold files.

Thin over models/corrections.py: each function opens the store, calls the library and closes it. A correction
writes through the store's writing engine, so it takes the write lock like an ingest's batch (models/writelock.py)
and waits its turn rather than losing anything.
"""

import json
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from models import StoreError, create_store, make_engine, read_only_engine
from models.corrections import Recorded, gold_articles, list_corrections, record_correction
from pipelines.guard import store_failure
from pipelines.query import Result

__all__ = ["correct", "correct_in", "describe", "read_corrections", "export_gold", "LIST_COLUMNS"]

# The columns of `depeches corrections list`, in order.
LIST_COLUMNS = ("id", "corrected_at", "corrected_by", "fact_id", "article_id", "start", "end", "changed", "amount",
                "qualifier", "body", "body_role", "date", "region", "not_a_fact", "in_force", "note")


def correct(db: str | None, fact_id: int, changes: dict, by: str, note: str | None = None) -> Recorded:
    """Record a correction of the fact `fact_id` in the store `db`; raises CorrectionError or StoreError."""
    engine = make_engine(db)
    try:
        create_store(engine)
        return correct_in(engine, fact_id, changes, by, note)
    finally:
        engine.dispose()


def correct_in(engine: Engine, fact_id: int, changes: dict, by: str, note: str | None = None) -> Recorded:
    """Record a correction through a writing engine of the store (one the caller keeps open); raises
    CorrectionError or StoreError."""
    try:
        return record_correction(engine, fact_id, changes, by, note)
    except SQLAlchemyError as error:
        raise StoreError(store_failure(error).split(";")[0]) from error


def _shown(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def describe(recorded: Recorded) -> list[str]:
    r"""What a correction changed, a line a field, for a person.

    >>> changes = [("body", "État", "Région Bretagne"), ("region", None, "Bretagne")]
    >>> print("\n".join(describe(Recorded(7, "a1", changes, 3))))
    fact 7 (article a1), correction 3:
      body: 'État' → 'Région Bretagne'
      region: (empty) → 'Bretagne'
    """
    if not recorded.changes:
        return [f"fact {recorded.fact_id} (article {recorded.article_id}): nothing changed, nothing recorded"]
    lines = [f"fact {recorded.fact_id} (article {recorded.article_id}), correction {recorded.correction_id}:"]
    for field, before, after in recorded.changes:
        if field == "not_a_fact":
            lines.append("  not a fact: hidden from fact_view, events and outputs" if after
                         else "  a fact again: shown in fact_view, events and outputs")
        else:
            lines.append(f"  {field}: {_shown(before)} → {_shown(after)}")
    return lines


def read_corrections(db: str | None, orphaned: bool = False, history: bool = False) -> Result:
    """The corrections of the store as a Result (see models.corrections.list_corrections)."""
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            found = list_corrections(connection, orphaned, history)
    except SQLAlchemyError as error:
        raise StoreError(f"cannot read the corrections: {getattr(error, 'orig', error)}") from error
    finally:
        engine.dispose()
    return Result(list(LIST_COLUMNS), [tuple(row[c] for c in LIST_COLUMNS) for row in found])


def export_gold(db: str | None, out: Path) -> int:
    """Write the corrected articles as gold lines (facts.md's format) to `out`, each article's text beside it as
    <id>.txt, so that `depeches eval out` scores the pipeline against the desk; returns the number of articles."""
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            articles = gold_articles(connection)
    except SQLAlchemyError as error:
        raise StoreError(f"cannot read the corrections: {getattr(error, 'orig', error)}") from error
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (out.parent / f"{article.gold_id}.txt").write_text(article.text, "utf-8")
    out.write_text("".join(json.dumps(a.line, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    return len(articles)

