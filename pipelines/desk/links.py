"""Where a fact's source can be read: its page on the served site (sentence highlighted) or the article's own URL."""

from urllib.parse import quote, urlencode

__all__ = ["ARTICLE_PATH", "DASHBOARD_PATH", "article_path", "source_href"]

ARTICLE_PATH = "/-/article/"
DASHBOARD_PATH = "/-/tableau-de-bord"


def article_path(article_id: str, fact_id: int | None = None) -> str:
    """The path of an article's page on the served site, pointing at one fact when given.

    >>> article_path("2020-07 cdc/relance", 12)
    '/-/article/2020-07%20cdc%2Frelance?fait=12#fait-12'
    """
    path = ARTICLE_PATH + quote(article_id, safe="")
    return f"{path}?{urlencode({'fait': fact_id})}#fait-{fact_id}" if fact_id is not None else path


def source_href(article_id: str, fact_id: int | None, url: str | None, site_url: str | None) -> str | None:
    """The served site's page of the fact when the site's address is known, else the article's URL, else None."""
    if site_url:
        return site_url.rstrip("/") + article_path(article_id, fact_id)
    return url or None
