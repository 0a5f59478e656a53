"""The site's log of failed requests: one line for a request that cannot be served, a traceback only for a fault of
the server.

Datasette prints every exception it turns into an error page as a screen-long traceback with its local variables, even
for a page that does not exist or a query that took too long, and prints every failed SQL statement besides. Here each
answer of status 400 or more is one line of the site's log: its status, the request and, when Datasette raised one, its
message (no such page, table or row; SQL that is wrong or too slow). A 5xx line is followed by the plain traceback
Datasette prints for it. The error pages themselves are Datasette's, unchanged.
"""

import logging
import re
import sqlite3
import sys
from contextvars import ContextVar
from typing import TextIO

from datasette import hookimpl
from datasette.database import Database
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

__all__ = ["LOG", "QuietDatabase", "quiet_datasette", "log_to", "error_status", "request_line", "handle_exception",
           "asgi_wrapper"]

LOG = logging.getLogger("depeches.site")
# The first status of a failed request, and the first of a fault of the server.
CLIENT_ERROR, SERVER_ERROR = 400, 500
# Longest request target (path and query) and message written in a log line: a query string may carry a whole SQL
# statement, and Datasette's message for a slow query quotes it.
MAX_TARGET_CHARS = 200
MAX_MESSAGE_CHARS = 200
# Why the request being answered failed, for its log line: set by the ASGI wrapper for each request, filled by the
# error handler and the database as they meet the failure.
FAILURE: ContextVar[dict | None] = ContextVar("depeches_failure", default=None)
# Parts of an HTML message that are no words of it: the SQL shown back in a text area, the script that sizes it.
HTML_EXTRAS = re.compile(r"<(script|textarea)\b.*?</\1>", re.S | re.I)
LOG_FORMAT = "%(asctime)s %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class QuietDatabase(Database):
    """A Datasette database that does not print the SQL statements that fail: the database's message is noted for
    the log line of the request that ran one."""

    async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                      log_sql_errors=True):
        try:
            return await super().execute(sql, params, truncate, custom_time_limit, page_size, log_sql_errors=False)
        except sqlite3.DatabaseError as error:
            _note(str(error))
            raise


def quiet_datasette() -> None:
    """Stop Datasette's own error handler printing a rich traceback for every error page; it still renders every page
    and still prints the plain traceback of a server error."""
    import datasette.plugins  # noqa: F401 - first: it registers the module below, which would be empty if imported first
    import datasette.handle_exception as datasette_errors

    datasette_errors.rich = None


def log_to(stream: TextIO = sys.stderr) -> None:
    """Write the site's log lines to `stream`, each with its time."""
    if LOG.handlers:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


def error_status(exception: BaseException) -> int:
    """The HTTP status Datasette answers an exception with (its own rule): a 4xx it raised, else 500."""
    if isinstance(exception, (Base400, DatasetteError)):
        return exception.status
    return SERVER_ERROR


def request_line(status: int, method: str, target: str, message: str = "") -> str:
    """One log line for a failed request, on one line whatever the message holds.

    >>> request_line(404, "GET", "/depeches/nulle_part", "Table not found")
    '404 GET /depeches/nulle_part: Table not found'
    >>> line = request_line(400, "GET", "/depeches.json?sql=" + "x" * 300, "SQL query took\\ntoo long")
    >>> len(line) < 250, line.endswith("x…: SQL query took too long")
    (True, True)
    """
    message = _cut(re.sub(r"\s+", " ", message).strip(), MAX_MESSAGE_CHARS)
    line = f"{status} {method} {_cut(target, MAX_TARGET_CHARS)}"
    return line + (f": {message}" if message and message != str(status) else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(exception: BaseException) -> str:
    """What an exception says, as words: Datasette's HTML messages (a slow query) without their markup."""
    if isinstance(exception, DatasetteError):
        message = str(exception.message)
        return Markup(HTML_EXTRAS.sub("", message)).striptags() if exception.message_is_html else message
    return str(exception.args[0]) if exception.args else type(exception).__name__


def _note(message: str, logged: bool = False) -> None:
    """Note why the request being answered failed; the first message noted is the closest to the cause."""
    failure = FAILURE.get()
    if failure is not None:
        failure.setdefault("message", message)
        failure["logged"] = failure.get("logged") or logged


def _target(scope: dict) -> str:
    path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
    query = scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    """Note why the request failed; log a server error at once, before Datasette prints its traceback. Return
    nothing, so that Datasette renders its error page."""
    message = _message(exception)
    if error_status(exception) >= SERVER_ERROR:
        LOG.error(request_line(SERVER_ERROR, request.method, _target(request.scope), message))
        _note(message, logged=True)
    else:
        _note(message)
    return None


@hookimpl
def asgi_wrapper(datasette):
    """Log one line for every answer of status 400 or more, once it is sent."""

    def wrap(app):
        async def logged(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            failure, statuses = {}, []

            async def watched(message):
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])
                await send(message)

            token = FAILURE.set(failure)
            try:
                await app(scope, receive, watched)
            finally:
                FAILURE.reset(token)
            if statuses and statuses[0] >= CLIENT_ERROR and not failure.get("logged"):
                LOG.warning(request_line(statuses[0], scope["method"], _target(scope), failure.get("message", "")))

        return logged

    return wrap
