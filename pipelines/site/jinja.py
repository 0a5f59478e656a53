"""Template filters of the desk's pages: amounts as people read them, and query strings from filters."""

from urllib.parse import urlencode

from datasette import hookimpl

from pipelines.desk.charts import format_euros

__all__ = ["prepare_jinja2_environment", "whole", "query_string"]


def whole(amount: float) -> str:
    r"""An amount in full with thin spaces between thousands.

    >>> whole(45_000_000.0)
    '45\u202f000\u202f000'
    """
    return f"{amount:,.0f}".replace(",", "\u202f")


def query_string(values: dict) -> str:
    """A query string of the non-empty values.

    >>> query_string({"region": "Île-de-France", "year": "", "body": None})
    'region=%C3%8Ele-de-France'
    """
    return urlencode({key: value for key, value in values.items() if value})


@hookimpl
def prepare_jinja2_environment(env) -> None:
    env.filters["desk_euros"] = format_euros
    env.filters["desk_whole"] = whole
    env.filters["desk_query"] = query_string
