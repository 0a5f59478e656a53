"""An Atom feed (RFC 4287) of a watchlist's alerts, that a feed reader can subscribe to.

The feed holds every event the watchlist has alerted on, newest first: an entry keeps its id and date from one run
to the next, so that a reader shows each event once.
"""

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime
from html import escape

from pipelines.desk.alert_report import event_title
from pipelines.desk.alerts import AlertReport, Hit
from pipelines.desk.links import source_href

__all__ = ["atom_feed", "FEED_ENTRIES"]

ATOM_NS = "http://www.w3.org/2005/Atom"
# A feed reader needs the recent entries only; older ones stay in the store and in the JSON of their run.
FEED_ENTRIES = 200
TAG_AUTHORITY = "tag:depeches,2024:"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _content(hit: Hit, site_url: str | None) -> str:
    items = []
    for source in hit.event.sources:
        href = source_href(source.article_id, source.fact_id, source.url, site_url)
        label = escape(source.title or source.article_id)
        link = f'<a href="{escape(href)}">{label}</a>' if href else label
        items.append(f"<li>{link} ({escape(source.published or 'date inconnue')}) : "
                     f"<q>{escape(source.sentence.strip())}</q></li>")
    count = len(hit.event.sources)
    return (f"<p>Règle : {escape(hit.rule)}. {count} source{'s' if count > 1 else ''}, "
            f"{len(hit.event.mentions)} mention(s).</p><ul>{''.join(items)}</ul>")


def _entry(feed: ET.Element, report: AlertReport, hit: Hit, site_url: str | None) -> None:
    entry = _sub(feed, "entry")
    rule_key = hashlib.sha1(hit.rule.encode("utf-8")).hexdigest()[:12]
    _sub(entry, "id", f"{TAG_AUTHORITY}{report.watchlist.name}/{rule_key}/{hit.key}")
    _sub(entry, "title", f"[{hit.rule}] {event_title(hit)}")
    _sub(entry, "updated", _stamp(hit.first_seen))
    first = hit.event.sources[0]
    href = source_href(first.article_id, first.fact_id, first.url, site_url)
    if href:
        _sub(entry, "link", rel="alternate", href=href)
    _sub(entry, "content", _content(hit, site_url), type="html")


def atom_feed(report: AlertReport, site_url: str | None = None) -> str:
    """The feed of every event the watchlist matches, most recently alerted first."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    hits = sorted(report.hits, key=lambda h: (h.first_seen, h.event.amount), reverse=True)[:FEED_ENTRIES]
    _sub(feed, "id", f"{TAG_AUTHORITY}{report.watchlist.name}")
    _sub(feed, "title", f"{report.watchlist.title} : alertes depeches")
    _sub(feed, "updated", _stamp(max((h.first_seen for h in hits), default=report.run_at)))
    author = _sub(feed, "author")
    _sub(author, "name", "depeches")
    _sub(feed, "generator", "depeches alerts")
    for hit in hits:
        _entry(feed, report, hit, site_url)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
