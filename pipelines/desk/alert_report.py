"""Alerts written for people (Markdown) and for programs (JSON): one entry per event, with its sources."""

import json

from pipelines.desk.alerts import AlertReport, Hit
from pipelines.desk.charts import format_euros
from pipelines.desk.links import source_href

__all__ = ["event_title", "markdown", "as_json"]


def event_title(hit: Hit) -> str:
    """A one-line title: amount, body, region and date of the event."""
    event = hit.event
    amount = format_euros(event.amount) if event.currency == "EUR" else f"{event.amount:,.0f} {event.currency}"
    if event.amount_max is not None:
        amount += f" à {format_euros(event.amount_max)}" if event.currency == "EUR" else f" à {event.amount_max:,.0f}"
    if event.per:
        amount += f" par {event.per}"
    parts = [amount, event.body or "organisme non précisé", event.region or "hors région", event.date or "sans date"]
    return " — ".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _hit_lines(hit: Hit, site_url: str | None) -> list[str]:
    event = hit.event
    counts = (f"{_plural(len(event.sources), 'source')}, {_plural(len(event.mentions), 'mention')}"
              f" ({_plural(len(hit.new), 'nouvelle')})")
    lines = [f"- **{event_title(hit)}** — {counts}", f"  > {hit.matched[0].sentence.strip()}"]
    for source in event.sources:
        label = (source.title or source.article_id).replace("[", "(").replace("]", ")")
        href = source_href(source.article_id, source.fact_id, source.url, site_url)
        shown = f"[{label}]({href})" if href else label
        lines.append(f"  - {shown} ({source.published or 'date inconnue'}, `{source.article_id}`)")
    return lines


def markdown(report: AlertReport, hits: list[Hit], site_url: str | None = None) -> str:
    """The hits as Markdown, grouped by rule; empty text when there is no hit."""
    if not hits:
        return ""
    lines = [f"# {report.watchlist.title} : {_plural(len(hits), 'événement')} "
             f"({report.run_at:%Y-%m-%d %H:%M} UTC)"]
    for rule in report.watchlist.rules:
        mine = [hit for hit in hits if hit.rule == rule.name]
        if mine:
            lines += ["", f"## {rule.name} : {_plural(len(mine), 'événement')}", ""]
            for hit in mine:
                lines += _hit_lines(hit, site_url)
    return "\n".join(lines) + "\n"


def _hit_record(hit: Hit, site_url: str | None) -> dict:
    event = hit.event
    return {"rule": hit.rule, "event_id": event.event_id, "amount": event.amount, "amount_max": event.amount_max,
            "currency": event.currency, "per": event.per, "body": event.body, "region": event.region,
            "date": event.date, "sources": len(event.sources), "mentions": len(event.mentions),
            "new_mentions": len(hit.new), "first_alerted": hit.first_seen.isoformat() + "Z",
            "articles": [{"id": s.article_id, "title": s.title, "published": s.published,
                          "link": source_href(s.article_id, s.fact_id, s.url, site_url), "sentence": s.sentence}
                         for s in event.sources]}


def as_json(report: AlertReport, hits: list[Hit], site_url: str | None = None) -> str:
    """The hits as one JSON document."""
    document = {"watchlist": report.watchlist.name, "title": report.watchlist.title,
                "run_at": report.run_at.isoformat() + "Z", "events": [_hit_record(h, site_url) for h in hits]}
    return json.dumps(document, ensure_ascii=False, indent=1)
