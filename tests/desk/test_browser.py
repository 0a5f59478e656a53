"""The site and the digest in a real browser: headless Chromium (Debian's package) driven by Playwright.

A person's path: from the home page to how much the bodies of Normandie committed in 2020 and the articles that say
so, a search with and without accents, a fact followed to its sentence, the digest opened from its file. Every
request must stay on this machine; screenshots go to test-artifacts/.
"""

from pathlib import Path
from urllib.parse import urlparse

import pytest

from pipelines.desk.charts import format_euros

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
# A page action waits this long (milliseconds) before failing.
ACTION_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test does)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    yield page
    context.close()
    foreign = [url for url in requested if urlparse(url).scheme in ("http", "https")
               and urlparse(url).hostname != "127.0.0.1"]
    assert not foreign, f"requests left the machine: {foreign}"


def test_normandie_2020_without_sql(page, served, desk_store, artifacts):
    page.goto(served.url + "/")
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.select_option("select[name=region]", "Normandie")
    page.select_option("select[name=year]", "2020")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**region=Normandie**")
    expected = desk_store.rows("SELECT body, sum(amount) FROM events WHERE region = 'Normandie' AND year = '2020' "
                               "AND currency = 'EUR' AND per IS NULL AND amount > 0 AND body IS NOT NULL "
                               "GROUP BY body ORDER BY 2 DESC")
    table = page.locator("h2#organismes + table")
    for body, total in expected:
        row = table.locator("tr", has=page.get_by_role("link", name=body, exact=True))
        assert format_euros(total) in row.inner_text(), body
    cdc = table.locator("tr", has=page.get_by_role("link", name="Caisse des dépôts", exact=True))
    assert cdc.locator("ul.articles li").count() >= 2
    page.screenshot(path=str(artifacts / "tableau-de-bord-normandie-2020.png"), full_page=False)
    cdc.locator("ul.articles a").first.click()
    page.wait_for_url("**/-/article/**")
    mark = page.locator("mark.phrase").first
    assert mark.is_visible() and "45" in page.locator("div.desk-text").inner_text()
    page.screenshot(path=str(artifacts / "article-phrase-surlignee.png"))


def _search(page, url: str, words: str) -> list[str]:
    page.goto(url + "/")
    page.fill("form.desk-search input[name=q]", words)
    page.locator("form.desk-search button").click()
    page.wait_for_url("**/recherche?**")
    return page.locator("table.rows-and-columns td.col-article_id a").all_inner_texts()


def test_search_with_and_without_accents(page, served, artifacts):
    with_accents = _search(page, served.url, "régionale")
    page.screenshot(path=str(artifacts / "recherche-regionale.png"))
    without = _search(page, served.url, "REGIONALE")
    assert with_accents and with_accents == without
    assert page.locator("td.col-extrait mark").count() > 0


def test_follow_a_fact_to_its_sentence(page, served, desk_store):
    fact_id, sentence = desk_store.rows("SELECT id, sentence FROM facts WHERE body = 'Caisse des dépôts' "
                                        "AND region = 'Normandie' ORDER BY amount DESC, id LIMIT 1")[0]
    page.goto(f"{served.url}/depeches/fact_events?fact_id={fact_id}")
    page.locator("td.col-article_id a.article-link").first.click()
    page.wait_for_url(f"**fait={fact_id}**")
    marked = " ".join(page.locator("mark.phrase").all_inner_texts())
    assert " ".join(sentence.split())[:40] in " ".join(marked.split())
    assert page.locator(f"#fait-{fact_id}").is_visible()


def test_the_digest_in_a_browser(page, depeches, desk_store, tmp_path, artifacts):
    out = tmp_path / "digest.html"
    done = depeches("digest", "--since", "7d", "--out", out, "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    page.goto(out.as_uri())
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<script>window.pwned = true</script>" in page.inner_text("body")
    normandie = page.locator("h3", has_text="Normandie :").first
    assert normandie.is_visible()
    assert page.get_by_text("Caisse des dépôts", exact=True).count() > 0
    assert page.locator("svg.chart").count() == 3
    page.screenshot(path=str(artifacts / "digest.png"))
