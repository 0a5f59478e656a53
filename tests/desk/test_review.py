"""Review mode of the site, in process through Datasette's own client, and the desk's outputs after a correction:
only the token's holders write, only through the CSRF-checked endpoint, everything shown escaped; the facts list,
the export, the digest, the alerts and their Atom feed, and the dashboard's charts show the corrected body."""

import asyncio
import re
import sqlite3

import pytest

from pipelines.serve import make_datasette
from pipelines.site.review import COOKIE, CORRECT_PATH, REVIEW_PATH, TOKEN_PARAMETER, Review

ARTICLE = "2021-03_cfa_bretagne"
# The rank of 2,4 M€ in ARTICLE, and a body no sample dispatch names.
PLATEAU = 5
BODY = "Opco Santé"
HOSTILE_NOTE = "<script>alert(1)</script>"
TOKEN = "jeton-de-test"


def _fact(db, seq: int = PLATEAU) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id FROM facts WHERE article_id = ? AND seq = ?", (ARTICLE, seq)).fetchone()[0]
    finally:
        connection.close()


class Client:
    """Datasette's in-process client on one site, keeping the cookies it is given."""

    def __init__(self, datasette):
        self.loop = asyncio.new_event_loop()
        self.datasette = datasette
        self.loop.run_until_complete(datasette.invoke_startup())
        self.cookies: dict[str, str] = {}

    def get(self, path: str):
        response = self.loop.run_until_complete(self.datasette.client.get(path, cookies=self.cookies))
        self.cookies.update({k: v for k, v in response.cookies.items() if k != COOKIE or v})
        return response

    def post(self, path: str, data: dict, cookies: dict | None = None):
        chosen = self.cookies if cookies is None else cookies
        response = self.loop.run_until_complete(self.datasette.client.post(path, data=data, cookies=chosen))
        self.cookies.update(response.cookies.items()) if cookies is None else None
        return response


@pytest.fixture
def reviewing(store_copy):
    client = Client(make_datasette(store_copy.db, Review(TOKEN, store_copy.db)))
    yield client, store_copy
    client.loop.close()


def _form(client: Client, fact: int) -> dict:
    """The review form of a fact's page, as the page fills it."""
    page = client.get(f"/-/article/{ARTICLE}?fait={fact}").text
    form = re.search(r'<form method="post".*?</form>', page, re.S).group(0)
    values = dict(re.findall(r'<input (?:type="hidden" )?name="(\w+)" value="([^"]*)"', form))
    values.update({name: (re.search(r"<option selected>([^<]*)</option>", options) or [None, ""])[1]
                   for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.S)})
    return values


def _corrections(store) -> int:
    return store.rows("SELECT count(*) FROM corrections")[0][0]


def test_the_token_opens_the_form_and_a_reviewer_corrects_a_body(reviewing):
    client, store = reviewing
    fact = _fact(store.db)
    assert "Corriger ce fait" not in client.get(f"/-/article/{ARTICLE}?fait={fact}").text
    assert client.get(f"{REVIEW_PATH}?{TOKEN_PARAMETER}=faux").status_code == 403
    opened = client.get(f"{REVIEW_PATH}?{TOKEN_PARAMETER}={TOKEN}")
    assert opened.status_code == 302 and "HttpOnly" in opened.headers["set-cookie"]
    assert "SameSite=strict" in opened.headers["set-cookie"]
    form = {**_form(client, fact), "body": BODY, "by": "Anne", "note": HOSTILE_NOTE}
    sent = client.post(CORRECT_PATH, form)
    assert sent.status_code == 302 and sent.headers["location"].endswith(f"?fait={fact}#fait-{fact}")
    assert store.rows("SELECT body, corrected, extracted_body IS NOT NULL FROM fact_view WHERE fact_id = ?",
                      (fact,)) == [(BODY, 1, 1)]
    assert store.rows("SELECT changed, corrected_by, note FROM corrections") == [("body", "Anne", HOSTILE_NOTE)]
    page = client.get(f"/-/article/{ARTICLE}?fait={fact}").text
    assert HOSTILE_NOTE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'name="body" value="{BODY}"' in page and "Fait corrigé par la rédaction" in page


@pytest.mark.parametrize("case", ["no-cookie-at-all", "no-review-token", "wrong-review-token", "bad-csrf",
                                  "no-csrf"])
def test_a_post_without_the_token_or_with_a_bad_csrf_token_is_refused_and_writes_nothing(reviewing, case):
    client, store = reviewing
    fact = _fact(store.db)
    client.get(f"{REVIEW_PATH}?{TOKEN_PARAMETER}={TOKEN}")
    form = {**_form(client, fact), "body": BODY, "by": "Mallory"}
    cookies = dict(client.cookies)
    if case == "no-cookie-at-all":
        cookies = {}
    elif case == "no-review-token":
        del cookies[COOKIE]
    elif case == "wrong-review-token":
        cookies[COOKIE] = "faux"
    elif case == "bad-csrf":
        form["csrftoken"] = "faux"
    else:
        del form["csrftoken"]
    assert client.post(CORRECT_PATH, form, cookies=cookies).status_code == 403
    assert _corrections(store) == 0


def test_a_bad_value_in_the_page_is_refused_with_a_message_and_writes_nothing(reviewing):
    client, store = reviewing
    fact = _fact(store.db)
    client.get(f"{REVIEW_PATH}?{TOKEN_PARAMETER}={TOKEN}")
    sent = client.post(CORRECT_PATH, {**_form(client, fact), "region": "<b>Narnia</b>", "by": "Anne"})
    assert sent.status_code == 302 and _corrections(store) == 0
    page = client.get(f"/-/article/{ARTICLE}?fait={fact}").text
    assert "Correction refusée" in page and "&lt;b&gt;Narnia&lt;/b&gt;" in page and "<b>Narnia" not in page


def test_without_review_there_is_no_form_and_no_endpoint(store_copy):
    client = Client(make_datasette(store_copy.db))
    fact = _fact(store_copy.db)
    try:
        assert "<form method=\"post\"" not in client.get(f"/-/article/{ARTICLE}?fait={fact}").text
        assert client.get(f"{REVIEW_PATH}?{TOKEN_PARAMETER}={TOKEN}").status_code == 404
        # Without cookies Datasette's CSRF check lets a POST through to the router: there is no route.
        assert client.post(CORRECT_PATH, {"fait": str(fact), "body": BODY, "by": "x"}, cookies={}).status_code == 404
    finally:
        client.loop.close()
    assert _corrections(store_copy) == 0


def _watchlist(tmp_path):
    path = tmp_path / "opco.toml"
    path.write_text(f'title = "Opco"\n\n[[rule]]\nname = "{BODY}"\nbodies = ["{BODY}"]\n', "utf-8")
    return path


def _outputs(depeches, db, tmp_path, label: str) -> dict[str, str]:
    """What each output of the desk says, as text."""
    out = tmp_path / label
    out.mkdir()
    said = {"facts": depeches("facts", "--body", BODY, "--db", db).stdout,
            "export": depeches("export", "--format", "csv", "--db", db).stdout}
    assert depeches("digest", "--since", "7d", "--out", out / "digest.html", "--db", db).returncode == 0
    said["digest"] = (out / "digest.html").read_text("utf-8")
    alerts = depeches("alerts", "--watchlist", _watchlist(tmp_path), "--out", out, "--db", db)
    assert alerts.returncode == 0, alerts.stderr
    said["alerts"] = alerts.stdout
    said["atom"] = (out / "opco.atom").read_text("utf-8")
    client = Client(make_datasette(db))
    try:
        said["dashboard"] = client.get("/-/tableau-de-bord?region=Bretagne").text
        said["charts"] = " ".join(re.findall(r"<svg.*?</svg>", said["dashboard"], re.S))
    finally:
        client.loop.close()
    return said


def test_every_output_of_the_desk_shows_the_corrected_body(store_copy, depeches, tmp_path):
    db = store_copy.db
    before = _outputs(depeches, db, tmp_path, "before")
    assert not [name for name, text in before.items() if BODY in text]
    done = depeches("correct", _fact(db), "--body", BODY, "--region", "Bretagne", "--by", "Anne", "--db", db)
    assert done.returncode == 0, done.stderr
    after = _outputs(depeches, db, tmp_path, "after")
    assert [name for name, text in after.items() if BODY not in text] == []
    assert "2400000" in after["facts"]
