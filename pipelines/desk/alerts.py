"""Alerts: the events that match a watchlist's rules, which of them are new since the last run, and the state kept.

The state lives in the store (`alert_seen`, `alert_runs`): each fact mention a rule has reported is recorded by a
signature made of what the fact says (article, amount, body, region, date…), so that re-ingesting an unchanged
article does not alert again, and a new article repeating a known announcement is reported as a new source of it.
"""

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.orm import Session

from models import AlertRun, AlertSeen, create_store, make_engine
from pipelines.desk.events import Event, Mention, read_events
from pipelines.desk.fold import fold
from pipelines.desk.watchlist import ArticleText, Rule, Watchlist, matches

__all__ = ["Hit", "AlertReport", "signature", "run_alerts"]


@dataclass(frozen=True)
class Hit:
    """An event that a rule matches: the mentions that match, those not reported before, and its feed key."""

    rule: str
    event: Event
    matched: tuple[Mention, ...]
    new: tuple[Mention, ...]
    first_seen: datetime
    key: str


@dataclass(frozen=True)
class AlertReport:
    """The outcome of one run: every matching event (for the feed), and which are new."""

    watchlist: Watchlist
    run_at: datetime
    hits: tuple[Hit, ...]

    @property
    def new_hits(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.new]


def signature(mention: Mention) -> str:
    """A key of what a fact says in its article, stable across re-ingests of the same text."""
    parts = [mention.article_id, repr(mention.amount), repr(mention.amount_max), mention.currency, mention.per or "",
             mention.body or "", mention.region or "", mention.date or ""]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _article_texts(connection: Connection, ids: set[str]) -> dict[str, ArticleText]:
    if not ids:
        return {}
    ids_param = bindparam("ids", expanding=True)
    rows = connection.execute(text("SELECT id, title, text FROM articles WHERE id IN :ids").bindparams(ids_param),
                              {"ids": sorted(ids)}).all()
    people_rows = connection.execute(
        text("SELECT article_id, norm FROM entities WHERE label = 'PER' AND article_id IN :ids").bindparams(ids_param),
        {"ids": sorted(ids)}).all()
    people: dict[str, set[str]] = {}
    for article_id, norm in people_rows:
        people.setdefault(article_id, set()).add(fold(norm))
    return {row.id: ArticleText(fold(f"{row.title or ''}\n{row.text}"), frozenset(people.get(row.id, ())))
            for row in rows}


def _needed_articles(events: list[Event], rules: tuple[Rule, ...]) -> set[str]:
    """Articles whose text a rule must read: those of mentions that pass the rule's other keys."""
    needed = set()
    for rule in (r for r in rules if r.reads_articles):
        cheap = dataclasses.replace(rule, people=(), keywords=())
        needed |= {m.article_id for e in events for m in e.mentions if matches(cheap, m, None)}
    return needed


def _hit(rule: Rule, event: Event, texts: dict[str, ArticleText], seen: dict, now: datetime) -> Hit | None:
    matched = tuple(m for m in event.mentions if matches(rule, m, texts.get(m.article_id)))
    if not matched:
        return None
    stamps = {signature(m): seen.get((rule.name, signature(m))) for m in matched}
    # The feed key is the earliest reported mention's, so that it stays the same when new sources join the event.
    key = min(stamps, key=lambda sig: (stamps[sig] is None, stamps[sig] or now, sig))
    new = tuple(m for m in matched if stamps[signature(m)] is None)
    return Hit(rule.name, event, matched, new, stamps[key] or now, key)


def _record(session: Session, report: AlertReport) -> None:
    run = AlertRun(watchlist=report.watchlist.name, started_at=report.run_at, events=len(report.new_hits),
                   mentions=sum(len(hit.new) for hit in report.hits))
    session.add(run)
    session.flush()
    for hit in report.new_hits:
        for sig, mention in {signature(m): m for m in hit.new}.items():
            session.add(AlertSeen(watchlist=report.watchlist.name, rule=hit.rule, signature=sig,
                                  article_id=mention.article_id, first_seen=report.run_at, run_id=run.id))


def run_alerts(watchlist: Watchlist, db: str | None = None, now: datetime | None = None) -> AlertReport:
    """Match every event of the store against the watchlist, record what is new, and return the report."""
    engine = make_engine(db)
    create_store(engine)
    now = now or _now()
    try:
        with Session(engine) as session, session.begin():
            connection = session.connection()
            events = read_events(connection)
            texts = _article_texts(connection, _needed_articles(events, watchlist.rules))
            seen = {(rule, sig): stamp for rule, sig, stamp in session.execute(
                select(AlertSeen.rule, AlertSeen.signature, AlertSeen.first_seen)
                .where(AlertSeen.watchlist == watchlist.name))}
            hits = [_hit(rule, event, texts, seen, now) for rule in watchlist.rules for event in events]
            report = AlertReport(watchlist, now, tuple(hit for hit in hits if hit))
            _record(session, report)
    finally:
        engine.dispose()
    return report
