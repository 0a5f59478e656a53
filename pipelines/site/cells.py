"""How the site shows some cells: links from facts to their articles, amounts readable, search excerpts marked."""

import json
from html import escape

from datasette import hookimpl
from markupsafe import Markup

from pipelines.desk.charts import format_euros
from pipelines.desk.links import article_path
from pipelines.site import DATABASE_NAME

__all__ = ["render_cell"]

AMOUNT_COLUMNS = ("amount", "amount_max", "total_eur")
# Excerpts of the full-text search wrap the words found in these two characters (see the canned queries).
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


def _keys(row) -> list[str]:
    return list(row.keys()) if hasattr(row, "keys") else []


def _fact_of(row, table: str | None) -> int | None:
    keys = _keys(row)
    for column in ("fact_id", "event_id"):
        if column in keys and row[column] is not None:
            return int(row[column])
    if table == "facts" and "id" in keys:
        return int(row["id"])
    return None


def _article_link(datasette, article_id: str, fact_id: int | None) -> Markup:
    href = str(datasette.urls.path(article_path(article_id, fact_id)))
    return Markup(f'<a class="article-link" href="{escape(href)}" title="Lire l\'article, phrase surlignée">'
                  f'{escape(article_id)}</a>')


def _amount(value) -> Markup:
    whole = f"{value:,.0f}".replace(",", "\u202f")
    return Markup(f'<span class="amount" title="{escape(format_euros(value))}">{escape(whole)}</span>')


def _excerpt(value: str) -> Markup:
    text = escape(value).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(text)


def _articles(datasette, value: str) -> Markup | None:
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return None
    # Datasette's URL strings look up every attribute the slow way: escaping them as plain str is far quicker.
    links = [f'<li><a href="{escape(str(datasette.urls.path(article_path(str(i), None))))}">{escape(str(t))}</a></li>'
             for i, t in items]
    return Markup(f'<ul class="articles">{"".join(links)}</ul>')


def _sources(datasette, row, value) -> Markup:
    href = str(datasette.urls.table(DATABASE_NAME, "fact_events")) + f"?event_id={int(row['event_id'])}"
    return Markup(f'<a href="{escape(href)}">{int(value)} source{"s" if int(value) > 1 else ""}</a>')


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE_NAME or value is None:
        return None
    if column == "article_id" or (table == "articles" and column == "id"):
        return _article_link(datasette, str(value), _fact_of(row, table))
    if column in AMOUNT_COLUMNS and isinstance(value, (int, float)):
        return _amount(value)
    if column == "extrait" and isinstance(value, str):
        return _excerpt(value)
    if column == "articles" and isinstance(value, str):
        return _articles(datasette, value)
    if column == "sources" and table == "events" and "event_id" in _keys(row):
        return _sources(datasette, row, value)
    return None
