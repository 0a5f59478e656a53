"""The served site, in process through Datasette's own client: metadata, facets, queries, links, read-only."""

import asyncio
import html
import re
import sqlite3

import pytest

from models import create_store, make_engine
from models.search import SEARCH_TABLE
from pipelines.desk.charts import format_euros
from pipelines.serve import make_datasette, prepare_store, site_metadata
from pipelines.site import DATABASE_NAME

CANNED = ("montants_par_organisme", "faits_d_un_organisme", "faits_d_une_region", "faits_d_une_periode",
          "plus_gros_montants_30_jours", "articles_citant_une_personne", "faits_nouveaux_depuis", "recherche")


@pytest.fixture(scope="module")
def site(desk_store):
    datasette = make_datasette(desk_store.db)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(datasette.invoke_startup())

    def get(path: str):
        return loop.run_until_complete(datasette.client.get(path))

    yield get
    loop.close()


def _json_rows(response) -> list[dict]:
    assert response.status_code == 200, response.text[:2000]
    data = response.json()
    return [dict(zip(data["columns"], row)) for row in data["rows"]]


def test_every_table_and_column_has_a_title_and_description(desk_store):
    tables = site_metadata()["databases"][DATABASE_NAME]["tables"]
    names = [row[0] for row in desk_store.rows(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        f"AND name NOT LIKE '{SEARCH_TABLE}_%'")]
    assert {"articles", "facts", "events", "fact_events", "alert_seen"} <= set(names)
    for name in names:
        assert name in tables, f"no metadata for {name}"
        assert tables[name].get("title") and tables[name].get("description"), name
        columns = [row[1] for row in desk_store.rows(f'PRAGMA table_info("{name}")')]
        missing = [c for c in columns if not tables[name].get("columns", {}).get(c)]
        assert not missing, (name, missing)


def test_facets_on_region_body_year_and_qualifier(site):
    data = site(f"/{DATABASE_NAME}/events.json?_extra=facet_results").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"region", "body", "year", "qualifier"} <= set(facets)
    regions = {item["value"]: item["count"] for item in facets["region"]["results"]}
    assert regions["Normandie"] > 0


def test_canned_queries_exist_with_titles(site):
    queries = site_metadata()["databases"][DATABASE_NAME]["queries"]
    assert set(CANNED) <= set(queries)
    page = site(f"/{DATABASE_NAME}")
    for name in CANNED:
        assert queries[name]["title"] in html.unescape(page.text)


def test_how_much_each_body_of_normandie_committed_in_2020(site, desk_store):
    rows = _json_rows(site(f"/{DATABASE_NAME}/montants_par_organisme.json?region=normandie&annee=2020&_shape=arrays"))
    by_body = {row["organisme"]: row for row in rows}
    expected = desk_store.rows("SELECT body, sum(amount), count(*) FROM events WHERE region = 'Normandie' "
                               "AND year = '2020' AND currency = 'EUR' AND per IS NULL AND amount > 0 "
                               "AND body IS NOT NULL GROUP BY body")
    assert expected
    for body, total, count in expected:
        assert by_body[body]["total_eur"] == pytest.approx(total) and by_body[body]["evenements"] == count
    cdc = by_body["Caisse des dépôts"]
    assert "2020-07_cdc_normandie_relance" in cdc["articles"] and "2020-09_cdc_normandie_convention" in cdc["articles"]


@pytest.mark.parametrize("query", ["regionale", "RÉGIONALE", "Régionale"])
def test_search_ignores_accents_and_case(site, query):
    rows = _json_rows(site(f"/{DATABASE_NAME}/recherche.json?q={query}&_shape=arrays"))
    plain = _json_rows(site(f"/{DATABASE_NAME}/recherche.json?q=regionale&_shape=arrays"))
    assert rows and [r["article_id"] for r in rows] == [r["article_id"] for r in plain]
    assert "⟦" in rows[0]["extrait"]


def test_table_search_on_articles(site):
    with_accent = _json_rows(site(f"/{DATABASE_NAME}/articles.json?_search=Réunion&_shape=arrays"))
    without = _json_rows(site(f"/{DATABASE_NAME}/articles.json?_search=reunion&_shape=arrays"))
    assert with_accent and [r["id"] for r in with_accent] == [r["id"] for r in without]


@pytest.mark.parametrize("name, params", [
    ("faits_d_un_organisme", "organisme=caisse des depots"), ("faits_d_une_region", "region=reunion"),
    ("faits_d_une_periode", "debut=2020&fin=2020"), ("faits_nouveaux_depuis", "depuis=2000-01-01"),
    ("articles_citant_une_personne", "personne=helene quesnel"), ("plus_gros_montants_30_jours", ""),
])
def test_canned_queries_answer(site, name, params):
    rows = _json_rows(site(f"/{DATABASE_NAME}/{name}.json?{params}&_shape=arrays"))
    assert rows, name


def test_facts_link_to_their_article_with_the_sentence(site, desk_store):
    fact_id, article_id, sentence = desk_store.rows(
        "SELECT id, article_id, sentence FROM facts WHERE amount = 45000000 ORDER BY id LIMIT 1")[0]
    table = site(f"/{DATABASE_NAME}/fact_events?fact_id={fact_id}")
    assert f'href="/-/article/{article_id}?fait={fact_id}#fait-{fact_id}"' in table.text
    page = site(f"/-/article/{article_id}?fait={fact_id}")
    assert page.status_code == 200
    assert '<mark class="phrase">' in page.text and f'id="fait-{fact_id}"' in page.text
    marked = "".join(re.findall(r'<mark class="phrase">(.*?)</mark>', page.text, re.S))
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)).strip() == sentence.strip()


def test_article_text_is_escaped(site, desk_store):
    page = site(f"/-/article/{desk_store.hostile_id}")
    assert page.status_code == 200
    assert "<script>window.pwned" not in page.text and "&lt;script&gt;window.pwned" in page.text
    assert site("/-/article/no-such-article").status_code == 404


def test_dashboard_has_the_three_charts_and_totals(site, desk_store):
    page = site("/-/tableau-de-bord?region=Normandie&year=2020")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3 and 'class="tile"' in page.text
    (total,) = desk_store.rows("SELECT sum(amount) FROM events WHERE region = 'Normandie' AND year = '2020' "
                               "AND currency = 'EUR' AND per IS NULL AND amount > 0")[0]
    assert format_euros(total) in page.text
    assert "Caisse des dépôts" in page.text and "2020-09_cdc_normandie_convention" in page.text


def test_the_site_cannot_write(site, desk_store):
    from pipelines.serve import make_datasette

    database = make_datasette(desk_store.db).get_database(DATABASE_NAME)
    connection = database.connect()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("CREATE TABLE intruder (x)")
    connection.close()
    response = site(f"/{DATABASE_NAME}.json?sql=DELETE+FROM+facts")
    assert response.status_code != 200
    assert desk_store.rows("SELECT count(*) FROM facts")[0][0] > 0


def test_prepare_store_adds_what_an_older_store_lacks(tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(str(db))
    create_store(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP VIEW fact_view")
        connection.exec_driver_sql(f"DROP TABLE {SEARCH_TABLE}")
    engine.dispose()
    assert prepare_store(db) is True
    assert prepare_store(db) is False
    connection = sqlite3.connect(db)
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert {"fact_view", SEARCH_TABLE} <= names
