"""Pages of the served site beyond Datasette's own: the dashboard (charts, totals by body) and an article's text."""

from dataclasses import dataclass
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from pipelines.desk.events import Event, Selection, events_sql, group_events, mentions_from_rows
from pipelines.desk.highlight import Amount, pieces
from pipelines.desk.links import ARTICLE_PATH, DASHBOARD_PATH, article_path
from pipelines.desk.overview import overview
from pipelines.desk.totals import NO_BODY, counts_as_committed
from pipelines.site import DATABASE_NAME

__all__ = ["register_routes", "menu_links"]

# The dashboard reads every event of a selection: give it more time than a single Datasette query.
DASHBOARD_TIME_LIMIT_MS = 10_000
# Events listed under the charts, largest first.
EVENTS_SHOWN = 100
FILTERS = ("region", "year", "body")


@dataclass(frozen=True)
class SourceLink:
    """An article citing a body's events, linked to the first fact it says it with."""

    article_id: str
    title: str
    href: str


@dataclass(frozen=True)
class BodyRow:
    label: str
    amount: float
    events: int
    sources: list[SourceLink]


async def _events(db, selection: Selection) -> list[Event]:
    sql, params = events_sql(selection)
    result = await db.execute(sql, params, custom_time_limit=DASHBOARD_TIME_LIMIT_MS)
    return group_events(mentions_from_rows(result.rows))


def _dashboard_href(datasette, current: dict, **changes) -> str:
    values = {**current, **changes}
    query = urlencode({k: v for k, v in values.items() if v})
    return datasette.urls.path(DASHBOARD_PATH) + (f"?{query}" if query else "")


def _body_rows(datasette, events: list[Event]) -> list[BodyRow]:
    rows: dict[str, BodyRow] = {}
    for event in sorted((e for e in events if counts_as_committed(e)), key=lambda e: -e.amount):
        label = event.body or NO_BODY
        row = rows.setdefault(label, BodyRow(label, 0.0, 0, []))
        known = {s.article_id for s in row.sources}
        new_sources = [SourceLink(m.article_id, m.title or m.article_id,
                                  datasette.urls.path(article_path(m.article_id, m.fact_id)))
                       for m in event.sources if m.article_id not in known]
        rows[label] = BodyRow(label, row.amount + event.amount, row.events + 1, row.sources + new_sources)
    return sorted(rows.values(), key=lambda r: -r.amount)


async def _choices(db, column: str) -> list[str]:
    result = await db.execute(f"SELECT DISTINCT {column} FROM fact_events WHERE {column} IS NOT NULL "
                              f"ORDER BY {column}", custom_time_limit=DASHBOARD_TIME_LIMIT_MS)
    return [row[0] for row in result.rows]


async def dashboard(request, datasette):
    db = datasette.get_database(DATABASE_NAME)
    current = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    selection = Selection(**{name: value or None for name, value in current.items()})
    events = await _events(db, selection)
    everywhere = await _events(db, Selection(year=selection.year, body=selection.body))

    def link(dimension: str, label: str) -> str:
        return _dashboard_href(datasette, current, **{dimension: label})

    summary = overview(events, link, chart_prefix="tableau")
    region_map = overview(everywhere, link, chart_prefix="carte").region_svg
    context = {"current": current, "summary": summary, "events": events[:EVENTS_SHOWN],
               "charts": [Markup(region_map), Markup(summary.body_svg), Markup(summary.year_svg)],
               "bodies": _body_rows(datasette, events), "regions": await _choices(db, "region"),
               "years": await _choices(db, "year"), "reset": _dashboard_href(datasette, {}),
               "article_href": lambda m: datasette.urls.path(article_path(m.article_id, m.fact_id)),
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
               "database": DATABASE_NAME}
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
