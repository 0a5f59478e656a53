"""Pages of the served site beyond Datasette's own: the dashboard (charts, totals by body) and an article's text."""

from dataclasses import dataclass
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from pipelines.desk.board import (Figures, articles_sql, body_events_sql, body_sources, choices_sql,
                                  figures_from_row, figures_sql, sums_from_rows, sums_sql, top_events_sql)
from pipelines.desk.events import Event, Selection, events_sql, group_events, mentions_from_rows
from pipelines.desk.highlight import Amount, pieces
from pipelines.desk.links import ARTICLE_PATH, DASHBOARD_PATH, article_path
from pipelines.desk.overview import body_chart, region_chart, year_chart
from pipelines.desk.totals import NO_BODY, Sum
from pipelines.site import DATABASE_NAME, review

__all__ = ["register_routes", "menu_links"]

# A query of the dashboard may take longer than a single Datasette query.
DASHBOARD_TIME_LIMIT_MS = 10_000
# Events listed under the charts, largest first.
EVENTS_SHOWN = 100
# Bodies listed in the table by body, largest first, and the articles shown for each, from its largest events:
# a store of years of dispatches has hundreds of bodies and thousands of articles for the largest ones.
BODIES_SHOWN = 30
SOURCES_SHOWN = 10
FILTERS = ("region", "year", "body")


@dataclass(frozen=True)
class SourceLink:
    """An article citing a body's events, linked to the first fact it says it with."""

    article_id: str
    title: str
    href: str


@dataclass(frozen=True)
class BodyRow:
    """A body's committed euros in the selection, its events, the articles that say so and, when they are more than
    shown, where to find them all."""

    label: str
    amount: float
    events: int
    sources: list[SourceLink]
    more: str | None = None


def _path(datasette, path: str) -> str:
    """A path of the site as a plain str: Datasette's own URL strings look up every attribute the slow way, which
    a page of a thousand links pays for."""
    return str(datasette.urls.path(path))


async def _rows(db, query: tuple[str, dict]) -> list:
    sql, params = query
    return (await db.execute(sql, params, custom_time_limit=DASHBOARD_TIME_LIMIT_MS)).rows


async def _events(db, event_ids: list[int]) -> list[Event]:
    """These events with all their mentions, largest first."""
    if not event_ids:
        return []
    return group_events(mentions_from_rows(await _rows(db, events_sql(Selection(event_ids=tuple(event_ids))))))


def _dashboard_href(datasette, current: dict, **changes) -> str:
    values = {**current, **changes}
    query = urlencode({k: v for k, v in values.items() if v})
    return str(datasette.urls.path(DASHBOARD_PATH)) + (f"?{query}" if query else "")


def _facts_href(datasette, current: dict, label: str) -> str:
    """The facts of a body (in the selected region and year) on the fact_events page."""
    values = {"region": current["region"], "year": current["year"]}
    values.update({"body__isnull": "1"} if label == NO_BODY else {"body": label})
    query = urlencode({k: v for k, v in values.items() if v})
    return str(datasette.urls.table(DATABASE_NAME, "fact_events")) + f"?{query}"


def _sources(datasette, events: list[Event]) -> list[SourceLink]:
    """The articles of these events, each once, in the order of the events and of publication."""
    links: dict[str, SourceLink] = {}
    for event in events:
        for m in event.sources:
            links.setdefault(m.article_id, SourceLink(m.article_id, m.title or m.article_id,
                                                      _path(datasette, article_path(m.article_id, m.fact_id))))
    return list(links.values())


async def _body_rows(datasette, db, selection: Selection, by_body: list[Sum], current: dict) -> list[BodyRow]:
    shown = by_body[:BODIES_SHOWN]
    labels = [s.label for s in shown]
    ids = [row["event_id"] for row in await _rows(db, body_events_sql(selection, labels, SOURCES_SHOWN))]
    found = body_sources(labels, await _events(db, ids), SOURCES_SHOWN, {s.label: s.events for s in shown})
    rows = []
    for total, body in zip(shown, found):
        sources = _sources(datasette, body.events)
        more = body.more or len(sources) > SOURCES_SHOWN
        rows.append(BodyRow(total.label, total.amount, total.events, sources[:SOURCES_SHOWN],
                            _facts_href(datasette, current, total.label) if more else None))
    return rows


async def _figures(db, selection: Selection) -> Figures:
    (articles,) = (await _rows(db, articles_sql(selection)))[0]
    return figures_from_row((await _rows(db, figures_sql(selection)))[0], articles)


async def _choices(db, dimension: str) -> list[str]:
    return [row[0] for row in await _rows(db, (choices_sql(dimension), {}))]


async def dashboard(request, datasette):
    db = datasette.get_database(DATABASE_NAME)
    current = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    selection = Selection(**{name: value or None for name, value in current.items()})
    sums = {dimension: sums_from_rows(await _rows(db, sums_sql(selection, dimension)), dimension)
            for dimension in ("body", "year")}
    everywhere = Selection(year=selection.year, body=selection.body)
    by_region = sums_from_rows(await _rows(db, sums_sql(everywhere, "region")), "region")
    top = await _events(db, [row["event_id"] for row in await _rows(db, top_events_sql(selection, EVENTS_SHOWN))])

    def link(dimension: str, label: str) -> str:
        return _dashboard_href(datasette, current, **{dimension: label})

    charts = [region_chart(by_region, link, "carte"), body_chart(sums["body"], link, "tableau"),
              year_chart(sums["year"], link, "tableau")]
    context = {"current": current, "summary": await _figures(db, selection), "events": top,
               "charts": [Markup(chart) for chart in charts],
               "bodies": await _body_rows(datasette, db, selection, sums["body"], current),
               "more_bodies": max(0, len(sums["body"]) - BODIES_SHOWN),
               "regions": await _choices(db, "region"), "years": await _choices(db, "year"),
               "reset": _dashboard_href(datasette, {}),
               "article_href": lambda m: _path(datasette, article_path(m.article_id, m.fact_id)),
               "database": DATABASE_NAME}
    return Response.html(await datasette.render_template("desk_dashboard.html", context, request=request))


ARTICLE_SQL = "SELECT id, title, url, published, source, text, main_region FROM articles WHERE id = :id"
ARTICLE_FACTS_SQL = ("SELECT fact_id, event_id, amount, amount_max, currency, qualifier, per, body, body_role, date, "
                     "region, sentence, start, \"end\" FROM fact_events WHERE article_id = :id ORDER BY seq")


async def article(request, datasette):
    db = datasette.get_database(DATABASE_NAME)
    article_id = request.url_vars["article_id"]
    found = (await db.execute(ARTICLE_SQL, {"id": article_id})).first()
    if found is None:
        raise NotFound(f"Aucun article {article_id!r} dans la base")
    facts = (await db.execute(ARTICLE_FACTS_SQL, {"id": article_id})).rows
    selected = request.args.get("fait")
    selected = int(selected) if selected and selected.isdigit() else None
    chosen = next((f for f in facts if f["fact_id"] == selected), None)
    amounts = [Amount(f["fact_id"], f["start"], f["end"]) for f in facts]
    context = {"article": found, "facts": facts, "selected": chosen,
               "pieces": pieces(found["text"], amounts, selected, chosen["sentence"] if chosen else None),
               "fact_href": lambda fact_id: datasette.urls.path(article_path(article_id, fact_id)),
               "database": DATABASE_NAME,
               **await review.form_context(datasette, request, chosen["fact_id"] if chosen else None)}
    return Response.html(await datasette.render_template("desk_article.html", context, request=request))


@hookimpl
def register_routes():
    return [(rf"^{DASHBOARD_PATH}$", dashboard), (rf"^{ARTICLE_PATH}(?P<article_id>.+)$", article)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path(DASHBOARD_PATH), "label": "Tableau de bord"},
            {"href": datasette.urls.table(DATABASE_NAME, "events"), "label": "Événements"},
            {"href": datasette.urls.table(DATABASE_NAME, "fact_events"), "label": "Faits"},
            {"href": datasette.urls.database(DATABASE_NAME) + "/recherche", "label": "Recherche dans les articles"}]
