"""`depeches serve`: the store in a browser, read-only, through Datasette with the desk's pages and metadata.

The SQLite file is opened with `?mode=ro` by every connection of the site, so nothing served can change it; a new
ingest shows up on the next page load. A store made by an older depeches gets its missing views and search index
first (the only write, done before serving, with the store's own create_store). With --review, one endpoint records
the desk's corrections, for the holders of the token printed at start (pipelines/site/review.py).
"""

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from models import StoreError, create_store, make_engine, read_only_engine, resolve_url
from models.search import SEARCH_TABLE, search_index_exists
from models.views import VIEWS
from pipelines.desk.links import DASHBOARD_PATH
from pipelines.site import DATABASE_NAME, SITE_DIR, cells, errors, functions, jinja, pages, review

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Site", "store_path", "prepare_store", "site_metadata", "make_datasette",
           "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
PLUGINS = (cells, errors, functions, jinja, pages, review)
# Datasette's limits, raised for the desk's queries over a large store.
SETTINGS = {"sql_time_limit_ms": 5_000, "facet_time_limit_ms": 1_000, "default_page_size": 50,
            "max_returned_rows": 2_000, "suggest_facets": False}
STATIC_MOUNT = "desk-static"


@dataclass(frozen=True)
class Site:
    """Where the site listens and what it serves."""

    path: Path
    host: str
    port: int
    review: bool = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"


def store_path(db: str | None) -> Path:
    """The SQLite file of the store; the site serves SQLite stores only."""
    url = make_url(resolve_url(db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise StoreError(f"depeches serve needs a SQLite store file, not {url.render_as_string(hide_password=True)}")
    path = Path(url.database).expanduser().resolve()
    if not path.is_file():
        raise StoreError(f"no database at {path}: run 'depeches ingest PATH --db {path}' first")
    return path


def prepare_store(path: Path) -> bool:
    """Add the views and search index a store lacks (made by an older depeches); True if anything was added."""
    engine = read_only_engine(str(path))
    try:
        with engine.connect() as connection:
            views = set(inspect(connection).get_view_names())
            complete = set(VIEWS) <= views and search_index_exists(connection)
    finally:
        engine.dispose()
    if complete:
        return False
    engine = make_engine(str(path))
    try:
        create_store(engine)
    finally:
        engine.dispose()
    return True


def site_metadata() -> dict:
    """The site's metadata (titles, descriptions, facets, canned queries) from pipelines/site/metadata.yaml."""
    return yaml.safe_load((SITE_DIR / "metadata.yaml").read_text("utf-8"))


def _register_plugins() -> None:
    from datasette.plugins import pm

    errors.quiet_datasette()
    for module in PLUGINS:
        if not pm.is_registered(module):
            pm.register(module, name=f"depeches.{module.__name__.rsplit('.', 1)[-1]}")


def make_datasette(path: Path, review_mode: review.Review | None = None):
    """A Datasette instance serving the store at `path` read-only under the name 'depeches'; with `review_mode`,
    its token opens the correction form and endpoint."""
    from datasette.app import Datasette

    _register_plugins()
    datasette = Datasette(metadata=site_metadata(), template_dir=str(SITE_DIR / "templates"),
                          static_mounts=[(STATIC_MOUNT, str(SITE_DIR / "static"))], settings=SETTINGS)
    datasette.add_database(errors.QuietDatabase(datasette, path=str(path), is_mutable=True), name=DATABASE_NAME)
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    if review_mode is not None:
        review.enable(datasette, review_mode)
    return datasette


def serve(site: Site, announce=print) -> None:
    """Serve the store until interrupted."""
    import asyncio

    import uvicorn

    if prepare_store(site.path):
        announce(f"added the views and the search index ({SEARCH_TABLE}) to {site.path}")
    review_mode = review.new_review(site.path) if site.review else None
    datasette = make_datasette(site.path, review_mode)
    asyncio.run(datasette.invoke_startup())
    errors.log_to(sys.stderr)
    announce(f"serving {site.path} read-only at {site.url}")
    if review_mode is not None:
        announce(f"review mode: corrections are written to the store by whoever opens {review_mode.link(site.url)}")
    announce(f"dashboard: {site.url.rstrip('/')}{DASHBOARD_PATH}   (Ctrl-C to stop)")
    uvicorn.run(datasette.app(), host=site.host, port=site.port, log_level="warning", lifespan="on")
