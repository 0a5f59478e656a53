"""The digest: one self-contained HTML page of the events new in a period, by region and by body, with the charts.

"New" means arrived in the store (ingested) during the period. Each event is counted once, with all its sources,
including older articles that reported it before. The page has no script and loads nothing: it can be mailed as it
is. Every text from the store is escaped by the template engine.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from models import read_only_engine
from pipelines.desk.charts import format_euros
from pipelines.desk.events import Event, Selection, read_events
from pipelines.desk.links import source_href
from pipelines.desk.overview import overview
from pipelines.desk.totals import NO_BODY, NO_REGION

__all__ = ["Digest", "Section", "build_digest", "render_digest"]


@dataclass(frozen=True)
class Section:
    """A region or a body and its new events, largest first."""

    label: str
    total: float
    events: list[Event]


@dataclass(frozen=True)
class Digest:
    """The page and what it counts."""

    html: str
    events: int
    mentions: int
    sources: int


def _sections(events: list[Event], key, missing: str) -> list[Section]:
    groups: dict[str, list[Event]] = {}
    for event in events:
        groups.setdefault(key(event) or missing, []).append(event)
    sections = [Section(label, sum(e.amount for e in items if e.currency == "EUR" and e.per is None and e.amount > 0),
                        items) for label, items in groups.items()]
    return sorted(sections, key=lambda s: (s.label == missing, -s.total, s.label))


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pipelines.desk", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["euros"] = format_euros
    return env


def render_digest(events: list[Event], since: datetime, now: datetime, site_url: str | None = None) -> str:
    """The digest page of `events` (those with a mention ingested since `since`)."""
    summary = overview(events, chart_prefix="digest")

    def href(mention) -> str | None:
        return source_href(mention.article_id, mention.fact_id, mention.url, site_url)

    def is_new(mention) -> bool:
        return mention.ingested_at is not None and mention.ingested_at >= since

    template = _environment().get_template("digest.html")
    return template.render(
        since=since, now=now, summary=summary, href=href, is_new=is_new,
        charts=[Markup(summary.region_svg), Markup(summary.body_svg), Markup(summary.year_svg)],
        by_region=_sections(events, lambda e: e.region, NO_REGION),
        by_body=_sections(events, lambda e: e.body, NO_BODY))


def build_digest(since: datetime, db: str | None = None, site_url: str | None = None,
                 now: datetime | None = None) -> Digest:
    """The digest of the events with a mention ingested since `since` (a naive UTC datetime)."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    engine = read_only_engine(db)
    try:
        with engine.connect() as connection:
            events = read_events(connection, Selection(ingested_since=since))
    finally:
        engine.dispose()
    html = render_digest(events, since, now, site_url)
    return Digest(html, len(events), sum(len(e.mentions) for e in events),
                  len({m.article_id for e in events for m in e.mentions}))
