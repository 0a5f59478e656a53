"""The loader: batches written to the store, each batch all or nothing, re-ingesting idempotent.

Rows are written with bulk INSERTs of plain dictionaries (one statement a table a batch), not ORM objects: the
same rows at a fifth of the cost, which matters when writing keeps pace with the NLP. The event tables
(models/events.py) are brought up to date in the same transaction, for the facts written and those removed.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from extract.dates import parse_published
from models import Article, Entity, Fact, Reject, Run
from models.corrections import carry_over
from models.events import EventChanges
from models.writelock import READS_ONLY
from pipelines.batch import Batch, Prepared, Processed

__all__ = ["Counts", "start_run", "known_ids", "write_batch", "delete_articles", "finish_run"]


@dataclass
class Counts:
    """Running totals of an ingest."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    facts: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add_rejects(self, batch: Batch) -> None:
        self.rejected += len(batch.rejects)
        for reject in batch.rejects:
            kind = reject.reason.split(":")[0].split(" (")[0]
            self.reasons[kind] = self.reasons.get(kind, 0) + 1


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def start_run(engine: Engine, paths: list[str], version: str, model: str) -> int:
    """Record the start of an ingest and return its id."""
    with Session(engine) as session, session.begin():
        run = Run(started_at=_now(), paths=json.dumps(paths, ensure_ascii=False), version=version, model=model)
        session.add(run)
        session.flush()
        return run.id


def known_ids(engine: Engine, prepared: list[Prepared]) -> set[str]:
    """Ids of the articles already stored with the same content hash, read without the write lock: the batch being
    written meanwhile holds other ids, and a write replaces whatever it finds stored by then."""
    ids = [p.raw.id for p in prepared]
    with engine.connect().execution_options(**{READS_ONLY: True}) as connection:
        stored = dict(connection.execute(select(Article.id, Article.content_hash).where(Article.id.in_(ids))).all())
    return {p.raw.id for p in prepared if stored.get(p.raw.id) == p.content_hash}


def _published(value: str | None) -> str | None:
    """A publication date as stored: ISO at its own precision (day, month or year), None when it is no date."""
    parsed = parse_published(value)
    return parsed.iso() if parsed else None


@dataclass
class _Rows:
    """The rows of one batch, table by table, ready for bulk INSERTs."""

    articles: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)


def _article_rows(item: Processed, run_id: int, rows: _Rows) -> None:
    raw, extraction, article_id = item.prepared.raw, item.extraction, item.prepared.raw.id
    rows.articles.append(dict(id=article_id, source=raw.source, line=raw.line, url=raw.url,
                              title=item.prepared.title, published=_published(raw.published), text=item.prepared.text,
                              content_hash=item.prepared.content_hash, encoding=raw.encoding,
                              main_region=extraction.main_region, run_id=run_id))
    rows.entities += [dict(article_id=article_id, label=m.label, text=m.text, norm=m.norm, start=m.start, end=m.end)
                      for m in extraction.mentions]
    rows.facts += [dict(article_id=article_id, seq=i, amount=f.amount, amount_max=f.amount_max, currency=f.currency,
                        qualifier=f.qualifier, per=f.per, body=f.body, body_role=f.body_role, date=f.date,
                        region=f.region, sentence=f.sentence, start=f.start, end=f.end, confidence=f.confidence)
                   for i, f in enumerate(extraction.facts)]


def _batch_rows(batch: Batch, run_id: int) -> _Rows:
    rows = _Rows()
    for item in batch.processed:
        _article_rows(item, run_id, rows)
    rows.rejects = [dict(run_id=run_id, source=r.source, line=r.line, article_id=r.id, reason=r.reason)
                    for r in batch.rejects]
    return rows


def _remove(connection: Connection, ids: list[str], events: EventChanges) -> set[str]:
    """Delete the stored articles among `ids` with their entities, facts and events; return the ids that were
    stored."""
    existing = set(connection.scalars(select(Article.id).where(Article.id.in_(ids)))) if ids else set()
    if existing:
        events.remove(existing)
        connection.execute(delete(Entity).where(Entity.article_id.in_(existing)))
        connection.execute(delete(Fact).where(Fact.article_id.in_(existing)))
        connection.execute(delete(Article).where(Article.id.in_(existing)))
    return existing


def delete_articles(connection: Connection, ids: list[str]) -> set[str]:
    """Delete the stored articles among `ids` with everything derived from them; return the ids that were stored."""
    events = EventChanges(connection)
    existing = _remove(connection, ids, events)
    events.apply()
    return existing


def _stored_hashes(connection: Connection, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(connection.execute(select(Article.id, Article.content_hash).where(Article.id.in_(ids))).all())


def _write_rows(connection: Connection, rows: _Rows) -> set[str]:
    """Write a batch's rows, replacing the articles stored under the same ids, the desk's corrections carried over
    to changed texts where their amounts stay; return the ids replaced."""
    ids = [row["id"] for row in rows.articles]
    old_hashes = _stored_hashes(connection, ids)
    events = EventChanges(connection)
    existing = _remove(connection, ids, events)
    for table, values in ((Article, rows.articles), (Entity, rows.entities), (Fact, rows.facts),
                          (Reject, rows.rejects)):
        if values:
            connection.execute(insert(table.__table__), values)
    carry_over(connection, {row["id"]: (old_hashes[row["id"]], row["content_hash"]) for row in rows.articles
                            if row["id"] in old_hashes})
    events.add(ids)
    events.apply()
    return existing


def write_batch(engine: Engine, run_id: int, batch: Batch, counts: Counts) -> None:
    """Write one batch in one transaction: new articles added, changed ones replaced, rejects recorded."""
    rows = _batch_rows(batch, run_id)
    with engine.begin() as connection:
        existing = _write_rows(connection, rows)
    counts.read += batch.read
    counts.updated += len(existing)
    counts.new += len(batch.processed) - len(existing)
    counts.unchanged += len(batch.unchanged)
    counts.facts += sum(len(item.extraction.facts) for item in batch.processed)
    counts.add_rejects(batch)


def finish_run(engine: Engine, run_id: int, counts: Counts, seconds: float) -> None:
    """Record the outcome of an ingest."""
    values = dict(finished_at=_now(), read=counts.read, new=counts.new, updated=counts.updated,
                  unchanged=counts.unchanged, rejected=counts.rejected, facts=counts.facts, seconds=seconds)
    with Session(engine) as session, session.begin():
        session.execute(update(Run).where(Run.id == run_id).values(**values))
