"""Review mode of the site (`depeches serve --review`): a form on each fact's page to correct it, and one endpoint
that records the correction.

The store stays opened read-only for every page; the endpoint alone writes, the corrections table only, through
models/corrections.py with a short write connection of its own (taking the store's write lock like an ingest).
A reviewer opens the link printed at start, which carries a random token (as notebook servers do): the token is
kept in an HttpOnly, SameSite=Strict cookie, and the endpoint refuses (403, nothing written) a request without it.
Datasette's CSRF protection (asgi-csrf) refuses a form posted without the page's CSRF token. Without --review, the
routes answer 404 and no page shows the form.
"""

import asyncio
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from datasette import Response, hookimpl
from datasette.utils.asgi import NotFound

from sqlalchemy import Engine

from models import StoreError, create_store, make_engine
from models.corrections import QUALIFIERS, REGIONS, ROLES, CorrectionError, validate
from pipelines.corrections import correct_in, describe
from pipelines.desk.links import article_path

__all__ = ["Review", "REVIEW_PATH", "CORRECT_PATH", "COOKIE", "TOKEN_PARAMETER", "new_review", "enable", "review_of",
           "allowed", "form_context", "register_routes"]

REVIEW_PATH = "/-/relecture"
CORRECT_PATH = "/-/corriger"
COOKIE = "depeches_relecture"
TOKEN_PARAMETER = "jeton"
# Random bytes of a review token: as many as a notebook server's.
TOKEN_BYTES = 32
# How long the review cookie lasts in a browser, in seconds: a working day.
COOKIE_SECONDS = 12 * 3600
# Where the review state hangs on the Datasette instance of a site served with --review.
ATTRIBUTE = "depeches_review"
# The form's fields, in the names of models/corrections.py.
FORM_FIELDS = ("amount", "qualifier", "body", "body_role", "date", "region")
# The site's corrections go one at a time to its writing engine.
_WRITING = threading.Lock()


@dataclass
class Review:
    """The review mode of one served site: its token, and the store the corrections go to.

    The corrections are written through one writing engine, made (and the store's schema checked) before the site
    opens the store (new_review), so that a correction neither opens nor checks the store anew.
    """

    token: str
    path: Path
    _writer: Engine | None = field(default=None, repr=False)

    def link(self, site_url: str) -> str:
        return f"{site_url.rstrip('/')}{REVIEW_PATH}?{TOKEN_PARAMETER}={self.token}"

    def writer(self) -> Engine:
        """The writing engine of the store, made (and the store's schema checked) by new_review, or else at the first
        correction."""
        if self._writer is None:
            engine = make_engine(str(self.path))
            create_store(engine)
            self._writer = engine
        return self._writer


def new_review(path: Path) -> Review:
    """A review mode with a new random token and its writing engine (see Review)."""
    review = Review(secrets.token_urlsafe(TOKEN_BYTES), path)
    review.writer()
    return review


def enable(datasette, review: Review) -> None:
    """Turn review mode on for this Datasette instance (before its app is built)."""
    setattr(datasette, ATTRIBUTE, review)


def review_of(datasette) -> Review | None:
    return getattr(datasette, ATTRIBUTE, None)


def allowed(request, review: Review | None) -> bool:
    """Whether the request carries the review token in its cookie."""
    given = request.cookies.get(COOKIE, "") if review else ""
    return bool(given) and secrets.compare_digest(given.encode(), review.token.encode())


def _forbidden(why: str) -> Response:
    return Response.text(f"403 : {why}", status=403)


async def open_review(request, datasette):
    """The link printed at start: sets the review cookie and goes to the home page."""
    review = review_of(datasette)
    given = request.args.get(TOKEN_PARAMETER, "")
    if not given or not secrets.compare_digest(given.encode(), review.token.encode()):
        return _forbidden("jeton de relecture absent ou faux : ouvrez le lien affiché au lancement du serveur")
    response = Response.redirect(datasette.urls.path("/"))
    response.set_cookie(COOKIE, review.token, max_age=COOKIE_SECONDS, httponly=True, samesite="strict")
    return response


def _changes(form: dict, current: dict) -> dict:
    """The fields of a posted form whose value differs from the fact's, validated (CorrectionError if not)."""
    posted = validate({field: form[field] for field in FORM_FIELDS if field in form})
    changes = {field: value for field, value in posted.items() if (None if value == "" else value) != current[field]}
    if form.get("not_a_fact"):
        changes["not_a_fact"] = True
    return changes


async def _current(datasette, fact_id: int) -> dict | None:
    from pipelines.site import DATABASE_NAME

    columns = ", ".join(f'"{c}"' for c in ("article_id", *FORM_FIELDS))
    row = (await datasette.get_database(DATABASE_NAME).execute(
        f"SELECT {columns} FROM fact_view WHERE fact_id = :id", {"id": fact_id})).first()
    return dict(row) if row else None


def _record(review: Review, fact_id: int, changes: dict, by: str, note: str | None):
    with _WRITING:
        return correct_in(review.writer(), fact_id, changes, by, note)


async def submit(request, datasette):
    """Record the correction posted by a fact's form, then go back to the fact."""
    review = review_of(datasette)
    if request.method != "POST":
        return Response.text("405 : envoyez le formulaire d'un fait", status=405)
    if not allowed(request, review):
        return _forbidden("jeton de relecture absent ou faux : ouvrez le lien affiché au lancement du serveur")
    form = await request.post_vars()
    fact_id = int(form["fait"]) if form.get("fait", "").isdigit() else None
    current = await _current(datasette, fact_id) if fact_id is not None else None
    if current is None:
        return Response.text("400 : aucun fait de ce numéro", status=400)
    back = datasette.urls.path(article_path(current["article_id"], fact_id))
    try:
        changes = _changes(form, current)
        recorded = await asyncio.to_thread(_record, review, fact_id, changes, form.get("by", ""), form.get("note"))
    except (CorrectionError, StoreError) as error:
        datasette.add_message(request, f"Correction refusée : {error}", datasette.ERROR)
        return Response.redirect(back)
    datasette.add_message(request, " ".join(describe(recorded)), datasette.INFO)
    return Response.redirect(back)


def _plain(amount: float) -> str:
    """An amount as a reviewer types it back.

    >>> _plain(3700000.0), _plain(2.5)
    ('3700000', '2.5')
    """
    return str(int(amount)) if float(amount).is_integer() else repr(float(amount))


async def form_context(datasette, request, fact_id: int | None) -> dict:
    """What the article page needs to show the review form of the selected fact (empty outside review mode)."""
    from pipelines.site import DATABASE_NAME

    review = review_of(datasette)
    if review is None or fact_id is None:
        return {"review": None}
    if not allowed(request, review):
        return {"review": {"allowed": False}}
    db = datasette.get_database(DATABASE_NAME)
    fact = (await db.execute("SELECT * FROM fact_view WHERE fact_id = :id", {"id": fact_id})).first()
    if fact is None:
        return {"review": None}
    history = (await db.execute(
        'SELECT c.corrected_at, c.corrected_by, c.changed, c.note FROM facts f JOIN articles a ON a.id = f.article_id '
        'JOIN corrections c ON c.content_hash = a.content_hash AND c.start = f.start AND c."end" = f."end" '
        "AND c.extracted_amount = f.amount WHERE f.id = :id ORDER BY c.id DESC", {"id": fact_id})).rows
    return {"review": {"allowed": True, "fact": fact, "history": history, "action": datasette.urls.path(CORRECT_PATH),
                       "amount": _plain(fact["amount"]), "amount_extracted": _plain(fact["extracted_amount"]),
                       "roles": ROLES, "qualifiers": QUALIFIERS, "regions": REGIONS}}


def _review_only(handler):
    """A route that does not exist on a site served without --review (Datasette builds its routes as it is made,
    before review mode can be turned on, so each request asks)."""

    async def route(request, datasette):
        if review_of(datasette) is None:
            raise NotFound("Pas de relecture sur ce site : lancez depeches serve --review")
        return await handler(request, datasette)

    return route


@hookimpl
def register_routes():
    return [(rf"^{REVIEW_PATH}$", _review_only(open_review)), (rf"^{CORRECT_PATH}$", _review_only(submit))]

