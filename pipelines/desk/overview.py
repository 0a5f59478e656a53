"""The overview of a set of events: counts, sums and the three charts (map, bodies, years), for pages and digests."""

from dataclasses import dataclass
from typing import Callable

from pipelines.desk.charts import Bar, bar_chart, column_chart, region_map
from pipelines.desk.events import Event
from pipelines.desk.totals import NO_BODY, NO_REGION, NO_YEAR, Sum, Total, counts_as_committed, totals_by

__all__ = ["Overview", "overview", "Linker", "region_chart", "body_chart", "year_chart"]

# The bodies chart shows the largest ones only, so that it stays readable.
BODIES_SHOWN = 15

# Where a chart element links: given "region", "body" or "year" and the label, a URL or None.
Linker = Callable[[str, str], str | None]


def _no_link(_dimension: str, _label: str) -> None:
    return None


@dataclass(frozen=True)
class Overview:
    """What a set of events amounts to, and its charts as inline SVG."""

    events: int
    mentions: int
    sources: int
    committed: float
    by_region: list[Total]
    by_body: list[Total]
    by_year: list[Total]
    region_svg: str
    body_svg: str
    year_svg: str


def _bars(totals: list[Sum], dimension: str, link: Linker, skip: str) -> list[Bar]:
    return [Bar(t.label, t.amount, link(dimension, t.label)) for t in totals if t.label != skip]


def region_chart(by_region: list[Sum], link: Linker = _no_link, chart_prefix: str = "graphique") -> str:
    """The tile map of the regions' sums (amounts outside any region left out)."""
    return region_map(_bars(by_region, "region", link, NO_REGION), "Montants par région", f"{chart_prefix}-regions")


def body_chart(by_body: list[Sum], link: Linker = _no_link, chart_prefix: str = "graphique") -> str:
    """Bars of the largest bodies' sums, largest first."""
    return bar_chart(_bars(by_body, "body", link, "")[:BODIES_SHOWN], "Montants par organisme",
                     f"{chart_prefix}-organismes")


def year_chart(by_year: list[Sum], link: Linker = _no_link, chart_prefix: str = "graphique") -> str:
    """Columns of the years' sums, oldest first (undated amounts left out)."""
    return column_chart(_bars(by_year, "year", link, NO_YEAR), "Montants par année", f"{chart_prefix}-annees")


def overview(events: list[Event], link: Linker = _no_link, chart_prefix: str = "graphique") -> Overview:
    """Counts, sums by region, body and year, and the charts of `events`; `link` makes chart elements links."""
    by_region = totals_by(events, lambda e: e.region, NO_REGION)
    by_body = totals_by(events, lambda e: e.body, NO_BODY)
    by_year = sorted(totals_by(events, lambda e: e.year, NO_YEAR), key=lambda t: t.label)
    committed = [e for e in events if counts_as_committed(e)]
    articles = {m.article_id for e in events for m in e.mentions}
    return Overview(len(events), sum(len(e.mentions) for e in events), len(articles),
                    sum(e.amount for e in committed), by_region, by_body, by_year,
                    region_chart(by_region, link, chart_prefix), body_chart(by_body, link, chart_prefix),
                    year_chart(by_year, link, chart_prefix))
