"""The dashboard's figures read from the kept tables are those computed from the selected events themselves."""

import asyncio
import itertools
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from pipelines.desk.board import (DIMENSIONS, articles_sql, body_events_sql, figures_from_row, figures_sql,
                                  sums_from_rows, sums_sql, top_events_sql)
from pipelines.desk.events import Selection, read_events
from pipelines.desk.overview import overview
from pipelines.desk.totals import NO_BODY, counts_as_committed

DIMENSION_TOTALS = {"region": "by_region", "body": "by_body", "year": "by_year"}


def _rows(db: Path, query: tuple[str, dict]) -> list[sqlite3.Row]:
    sql, params = query
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _selections(db: Path) -> list[Selection]:
    regions = [None] + [r[0] for r in _rows(db, ("SELECT DISTINCT region FROM facts WHERE region IS NOT NULL", {}))]
    years = [None] + [r[0] for r in _rows(db, ("SELECT DISTINCT year FROM fact_events WHERE year IS NOT NULL", {}))]
    bodies = [None] + [r[0] for r in _rows(db, ("SELECT body FROM facts WHERE body IS NOT NULL "
                                                "GROUP BY body ORDER BY count(*) DESC LIMIT 2", {}))]
    return [Selection(region=r, year=y, body=b) for r, y, b in itertools.product(regions, years, bodies)]


def assert_board_agrees(db: Path, selection: Selection) -> None:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        events = read_events(connection, selection)
    engine.dispose()
    expected = overview(events)
    (articles,) = _rows(db, articles_sql(selection))[0]
    figures = figures_from_row(_rows(db, figures_sql(selection))[0], articles)
    assert (figures.events, figures.mentions, figures.sources) == (expected.events, expected.mentions,
                                                                   expected.sources), selection
    assert figures.committed == pytest.approx(expected.committed), selection
    for dimension, name in DIMENSION_TOTALS.items():
        sums = sums_from_rows(_rows(db, sums_sql(selection, dimension)), dimension)
        assert [(s.label, s.events) for s in sums] == [(t.label, t.events) for t in getattr(expected, name)], \
            (selection, dimension)
        assert [s.amount for s in sums] == pytest.approx([t.amount for t in getattr(expected, name)])
    top = [row["event_id"] for row in _rows(db, top_events_sql(selection, 5))]
    assert top == [e.event_id for e in events][:5], selection
    labels = [t.label for t in expected.by_body]
    by_body = {}
    for row in _rows(db, body_events_sql(selection, labels, 2)):
        by_body.setdefault(row["event_id"], row)
    for label in labels:
        largest = [e.event_id for e in events if counts_as_committed(e) and (e.body or NO_BODY) == label][:2]
        assert [i for i in by_body if i in largest] == largest, (selection, label)


def test_the_board_of_the_sample_corpus_agrees_with_its_events(desk_store):
    selections = _selections(desk_store.db)
    assert len(selections) > 20
    for selection in selections:
        assert_board_agrees(desk_store.db, selection)


@pytest.mark.parametrize("seed", range(4))
def test_the_board_of_random_stores_agrees_with_their_events(tmp_path, seed, random_writes):
    db = tmp_path / "random.db"
    for _ in random_writes(db, seed, steps=8):
        pass
    for selection in _selections(db):
        assert_board_agrees(db, selection)


def test_every_dimension_can_be_summed():
    assert set(DIMENSIONS) == set(DIMENSION_TOTALS)
    with pytest.raises(ValueError):
        sums_sql(Selection(), "qualifier")


def test_the_dashboard_shows_the_largest_bodies_and_links_to_the_rest(desk_store, monkeypatch):
    from pipelines.serve import make_datasette
    from pipelines.site import pages

    monkeypatch.setattr(pages, "BODIES_SHOWN", 2)
    monkeypatch.setattr(pages, "SOURCES_SHOWN", 1)
    datasette = make_datasette(desk_store.db)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(datasette.invoke_startup())
        page = loop.run_until_complete(datasette.client.get("/-/tableau-de-bord?region=Normandie"))
    finally:
        loop.close()
    assert page.status_code == 200
    table = page.text[page.text.index('id="organismes"'):page.text.index('id="graphiques"')]
    assert table.count("<tr>") == 1 + 2
    assert len(re.findall(r'<ul class="articles"><li><a href="/-/article/', table)) == 2
    assert "tous les faits de cet organisme" in table and "/depeches/fact_events?region=Normandie&amp;body=" in table
    assert "montants_par_organisme?region=Normandie" in table
