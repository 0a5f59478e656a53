"""The loader: batches written to the store, each batch all or nothing, re-ingesting idempotent."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from models import Article, Entity, Fact, Reject, Run
from pipelines.batch import Batch, Prepared, Processed

__all__ = ["Counts", "start_run", "known_ids", "write_batch", "finish_run"]


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
    """Ids of the articles already stored with the same content hash."""
    ids = [p.raw.id for p in prepared]
    with Session(engine) as session:
        stored = dict(session.execute(select(Article.id, Article.content_hash).where(Article.id.in_(ids))).all())
    return {p.raw.id for p in prepared if stored.get(p.raw.id) == p.content_hash}


def _published(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _article(item: Processed, run_id: int) -> Article:
    raw, extraction = item.prepared.raw, item.extraction
    article = Article(id=raw.id, source=raw.source, line=raw.line, url=raw.url, title=raw.title,
                      published=_published(raw.published), text=item.prepared.text,
                      content_hash=item.prepared.content_hash, encoding=raw.encoding,
                      main_region=extraction.main_region, run_id=run_id)
    article.entities = [Entity(label=m.label, text=m.text, norm=m.norm, start=m.start, end=m.end)
                        for m in extraction.mentions]
    article.facts = [Fact(seq=i, amount=f.amount, amount_max=f.amount_max, currency=f.currency, qualifier=f.qualifier,
                          per=f.per, body=f.body, body_role=f.body_role, date=f.date, region=f.region,
                          sentence=f.sentence, start=f.start, end=f.end, confidence=f.confidence)
                     for i, f in enumerate(extraction.facts)]
    return article


def write_batch(engine: Engine, run_id: int, batch: Batch, counts: Counts) -> None:
    """Write one batch in one transaction: new articles added, changed ones replaced, rejects recorded."""
    ids = [item.prepared.raw.id for item in batch.processed]
    with Session(engine) as session, session.begin():
        existing = set(session.scalars(select(Article.id).where(Article.id.in_(ids)))) if ids else set()
        if existing:
            session.execute(delete(Entity).where(Entity.article_id.in_(existing)))
            session.execute(delete(Fact).where(Fact.article_id.in_(existing)))
            session.execute(delete(Article).where(Article.id.in_(existing)))
        session.add_all(_article(item, run_id) for item in batch.processed)
        session.add_all(Reject(run_id=run_id, source=r.source, line=r.line, article_id=r.id, reason=r.reason)
                        for r in batch.rejects)
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
