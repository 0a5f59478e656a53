"""The event tables kept at ingest: after any write, replacement or deletion they hold exactly what a rebuild from
scratch makes, and what the views of schema version 2 computed at each query."""

import sqlite3
from pathlib import Path

import pytest

from models import make_engine
from models.events import rebuild_events
from pipelines.ingest import ingest

REPO = Path(__file__).resolve().parents[2]
LEGACY_VIEWS = REPO / "tests" / "data" / "events_views_v2.sql"
CHANGED_ID = "2020-09_cdc_normandie_convention"
TABLES = {
    "fact_events": "SELECT * FROM fact_events ORDER BY fact_id",
    "events": "SELECT * FROM events ORDER BY event_id",
    "event_totals": "SELECT region, body, year, mention_year, own_year, committed, events, mentions, amount_cents "
                    "FROM event_totals",
}


def event_tables(db: Path) -> dict[str, list[tuple]]:
    """The rows of the three event tables, in an order that does not depend on how they were written."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {name: sorted(connection.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}
    finally:
        connection.close()


def rebuilt(db: Path) -> dict[str, list[tuple]]:
    """The event tables once made anew from the facts (the store at `db` is changed)."""
    engine = make_engine(str(db))
    with engine.begin() as connection:
        rebuild_events(connection)
    engine.dispose()
    return event_tables(db)


def legacy_views(db: Path) -> dict[str, list[tuple]]:
    """What the views of schema version 2 give on the store's facts, created as temporary views under other names."""
    sql = (LEGACY_VIEWS.read_text("utf-8").replace("fact_events", "legacy_fact_events")
           .replace("CREATE VIEW events", "CREATE VIEW legacy_events").replace("CREATE VIEW", "CREATE TEMP VIEW"))
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        connection.executescript(sql)
        return {"fact_events": sorted(connection.execute("SELECT * FROM legacy_fact_events").fetchall(), key=repr),
                "events": sorted(connection.execute("SELECT * FROM legacy_events").fetchall(), key=repr)}
    finally:
        connection.close()


def test_the_tables_hold_what_the_views_of_version_2_computed(desk_store):
    kept = event_tables(desk_store.db)
    legacy = legacy_views(desk_store.db)
    assert len(kept["fact_events"]) == desk_store.rows("SELECT count(*) FROM facts")[0][0]
    assert kept["fact_events"] == legacy["fact_events"]
    assert kept["events"] == legacy["events"]


def test_reingest_of_a_changed_article_leaves_the_tables_a_rebuild_makes(store_copy, tmp_path):
    (text,) = store_copy.rows("SELECT text FROM articles WHERE id = ?", (CHANGED_ID,))[0]
    assert "45 M€" in text
    changed = tmp_path / "dump" / f"{CHANGED_ID}.txt"
    changed.parent.mkdir()
    changed.write_text(text.replace("45 M€", "46 M€"), "utf-8")
    before = event_tables(store_copy.db)
    summary = ingest([changed], str(store_copy.db), progress=False, workers=1)
    assert summary.counts.updated == 1
    after = event_tables(store_copy.db)
    assert after != before
    assert store_copy.rows("SELECT count(*) FROM fact_events WHERE amount = 46000000")[0][0] >= 1
    assert after == rebuilt(store_copy.db)
    assert after["fact_events"] == legacy_views(store_copy.db)["fact_events"]


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_replacements_and_deletions_leave_the_tables_a_rebuild_makes(tmp_path, seed, random_writes):
    db = tmp_path / "random.db"
    for step in random_writes(db, seed, steps=12):
        kept = event_tables(db)
        assert kept == rebuilt(db), f"step {step}"
        assert kept["fact_events"] == legacy_views(db)["fact_events"], f"step {step}"
        assert kept["events"] == legacy_views(db)["events"], f"step {step}"
