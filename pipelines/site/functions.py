"""SQL functions added to the served store's connections: fold() for matching without accents or case."""

from datasette import hookimpl

from pipelines.desk.fold import fold

__all__ = ["prepare_connection"]


@hookimpl
def prepare_connection(conn) -> None:
    conn.create_function("fold", 1, fold, deterministic=True)
