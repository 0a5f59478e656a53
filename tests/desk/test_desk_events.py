"""Repeats grouped into events: the store's event tables on a real SQLite file, cases written as data."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from models import Article, Fact, Run, create_store, make_engine
from models.events import EventChanges
from pipelines.desk.events import Selection, read_events
from pipelines.desk.totals import counts_as_committed, totals_by


@dataclass(frozen=True)
class Said:
    """One fact as an article says it: in which article (published when), how much, by whom, where, when."""

    article: str
    published: str | None
    amount: float = 45e6
    body: str | None = "Caisse des dépôts"
    region: str | None = "Normandie"
    date: str | None = None
    per: str | None = None


# Each case: the facts of a store, and how many events they must make.
GROUPING = [
    pytest.param([Said("a", "2020-07-10"), Said("b", "2020-09-23")], 1, id="follow-up two months later"),
    pytest.param([Said("a", "2020-07-10"), Said("b", "2021-03-01")], 2, id="eight months later: a new event"),
    pytest.param([Said("a", None, date="2021"), Said("b", None, date="2022")], 2, id="two budget years"),
    pytest.param([Said("a", None, date="2020"), Said("b", "2020-11-05")], 1, id="a year holds its days"),
    pytest.param([Said("a", "2020-07-10", date="2020-07"), Said("b", "2020-09-20")], 1, id="a month reaches on"),
    pytest.param([Said("a", "2020-07-10"), Said("a", "2020-07-10")], 1, id="headline and body of one article"),
    pytest.param([Said("a", "2020-07-10"), Said("b", "2020-07-12", body="Région Normandie")], 2, id="other body"),
    pytest.param([Said("a", "2020-07-10"), Said("b", "2020-07-12", region="Bretagne")], 2, id="other region"),
    pytest.param([Said("a", "2020-07-10"), Said("b", "2020-07-12", amount=46e6)], 2, id="other amount"),
    pytest.param([Said("a", "2020-07-10"), Said("b", "2020-07-12", per="projet")], 2, id="per unit is not total"),
    pytest.param([Said("a", "2020-07-10"), Said("b", None)], 1, id="undated joins the dated event"),
    pytest.param([Said("a", None, body=None), Said("b", None, body=None)], 1, id="no body, no date: one event"),
]


def _store(tmp_path, said: list[Said]):
    engine = make_engine(str(tmp_path / "events.db"))
    create_store(engine)
    with Session(engine) as session, session.begin():
        session.add(Run(id=1, started_at=datetime(2024, 5, 1), paths="[]", version="test", model="none"))
        session.flush()
        for name in dict.fromkeys(s.article for s in said):
            first = next(s for s in said if s.article == name)
            published = date.fromisoformat(first.published) if first.published else None
            session.add(Article(id=name, source=f"{name}.txt", text=f"Texte {name}.", content_hash=name,
                                published=published, run_id=1))
        session.flush()
        for seq, s in enumerate(said):
            session.add(Fact(article_id=s.article, seq=seq, amount=s.amount, currency="EUR", qualifier="exact",
                             per=s.per, body=s.body, date=s.date, region=s.region, sentence="…", start=0, end=1,
                             confidence=0.8))
        session.flush()
        events = EventChanges(session.connection())
        events.add(s.article for s in said)
        events.apply()
    return engine


@pytest.mark.parametrize("said, expected", GROUPING)
def test_repeats_group_into_events(tmp_path, said, expected):
    engine = _store(tmp_path, said)
    with engine.connect() as connection:
        events = read_events(connection)
        view_rows = connection.exec_driver_sql("SELECT event_id, sources, mentions FROM events").all()
    engine.dispose()
    assert len(events) == expected
    assert sum(len(e.mentions) for e in events) == len(said)
    assert sorted(r[0] for r in view_rows) == sorted(e.event_id for e in events)
    by_id = {e.event_id: e for e in events}
    for event_id, sources, mentions in view_rows:
        assert (sources, mentions) == (len(by_id[event_id].sources), len(by_id[event_id].mentions))


def test_event_id_is_its_first_fact(tmp_path):
    engine = _store(tmp_path, [Said("a", "2020-07-10"), Said("b", "2020-08-01")])
    with engine.connect() as connection:
        facts = connection.exec_driver_sql("SELECT min(id) FROM facts").scalar()
        (event,) = read_events(connection)
    engine.dispose()
    assert event.event_id == facts
    assert [m.article_id for m in event.sources] == ["a", "b"]
    assert event.date == "2020-07-10" and event.year == "2020"


def test_the_sample_corpus_announcement_of_45_millions_is_one_event(desk_store):
    engine = create_engine(f"sqlite:///{desk_store.db}")
    with engine.connect() as connection:
        events = read_events(connection, Selection(region="Normandie", body="Caisse des dépôts"))
    engine.dispose()
    (event,) = [e for e in events if e.amount == 45_000_000]
    cited = desk_store.rows("SELECT count(*), count(DISTINCT article_id) FROM facts "
                            "WHERE amount = 45000000 AND body = 'Caisse des dépôts' AND region = 'Normandie'")[0]
    assert (len(event.mentions), len(event.sources)) == cited
    assert len(event.sources) >= 2, "the July announcement and the September convention both report it"


def test_selection_by_ingest_time_keeps_older_sources(desk_store):
    engine = create_engine(f"sqlite:///{desk_store.db}")
    with engine.connect() as connection:
        everything = read_events(connection)
        recent = read_events(connection, Selection(ingested_since=datetime(2000, 1, 1)))
        future = read_events(connection, Selection(ingested_since=datetime(2999, 1, 1)))
    engine.dispose()
    assert len(recent) == len(everything) > 0
    assert future == []


def test_totals_count_each_event_once_and_only_committed_euros(tmp_path):
    said = [Said("a", "2020-07-10"), Said("b", "2020-08-01"), Said("c", "2020-08-01", amount=500, per="apprenti"),
            Said("d", "2020-08-01", amount=-2e6)]
    engine = _store(tmp_path, said)
    with engine.connect() as connection:
        events = read_events(connection)
    engine.dispose()
    assert [counts_as_committed(e) for e in events] == [True, False, False]
    (total,) = totals_by(events, lambda e: e.region, "none")
    assert (total.label, total.amount, total.events, total.sources) == ("Normandie", 45e6, 1, 2)
