"""Alerts through the real CLI: matching events printed and written (Markdown, JSON, Atom), nothing new twice."""

import json
import xml.etree.ElementTree as ET

from pipelines.ingest import ingest

ATOM = "{http://www.w3.org/2005/Atom}"
# A new dispatch repeating the Caisse des dépôts announcement of the sample corpus, a month after the convention.
REPEAT = ("Caen : la Caisse des dépôts fait le point sur son enveloppe de 45 M€\n\n"
          "Un mois après la signature de la convention, la Caisse des dépôts a engagé en Normandie "
          "une première part de son enveloppe de 45 M€ pour les lieux de formation, a indiqué le 15 octobre 2020 "
          "sa directrice régionale.\n")
REPEAT_ID = "2020-10_cdc_normandie_point"


def _alerts(depeches, store, watchlist, out, *extra):
    return depeches("alerts", "--watchlist", watchlist, "--db", store.db, "--out", out, *extra)


def test_first_run_reports_second_run_is_silent(depeches_process, store_copy, watchlist_file, tmp_path):
    depeches = depeches_process
    out = tmp_path / "alerts"
    first = _alerts(depeches, store_copy, watchlist_file, out, "--since-last")
    assert first.returncode == 0, first.stderr
    assert "## Caisse des dépôts en Normandie" in first.stdout
    assert "45 M€ — Caisse des dépôts — Normandie" in first.stdout
    document = json.loads((out / "example.json").read_text())
    cdc = [e for e in document["events"] if e["rule"] == "Caisse des dépôts en Normandie" and e["amount"] == 45e6]
    assert len(cdc) == 1, "the announcement repeated by two dispatches is one event"
    assert cdc[0]["sources"] == len(cdc[0]["articles"]) >= 2
    assert (out / "example.md").read_text() == first.stdout

    second = _alerts(depeches, store_copy, watchlist_file, out, "--since-last")
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""
    assert json.loads((out / "example.json").read_text())["events"] == []
    feed = ET.parse(out / "example.atom").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(document["events"])
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)


def test_without_since_last_every_match_is_listed_again(depeches, store_copy, watchlist_file, tmp_path):
    out = tmp_path / "alerts"
    first = _alerts(depeches, store_copy, watchlist_file, out)
    again = _alerts(depeches, store_copy, watchlist_file, out)
    assert first.stdout and again.stdout
    assert again.stdout.count("**") == first.stdout.count("**")
    assert "(0 nouvelle)" in again.stdout


def test_a_new_source_of_a_known_event_is_reported_with_its_sources(depeches, store_copy, watchlist_file, tmp_path):
    out = tmp_path / "alerts"
    assert _alerts(depeches, store_copy, watchlist_file, out, "--since-last").stdout
    feed_ids = {e.find(f"{ATOM}id").text for e in ET.parse(out / "example.atom").getroot().iter(f"{ATOM}entry")}
    dump = tmp_path / "new"
    dump.mkdir()
    (dump / f"{REPEAT_ID}.txt").write_text(REPEAT, "utf-8")
    ingest([dump], str(store_copy.db), progress=False)

    third = _alerts(depeches, store_copy, watchlist_file, out, "--since-last")
    assert third.returncode == 0, third.stderr
    document = json.loads((out / "example.json").read_text())
    assert document["events"], third.stdout
    (cdc,) = [e for e in document["events"] if e["amount"] == 45e6 and e["rule"] == "Caisse des dépôts en Normandie"]
    assert cdc["new_mentions"] >= 1 and cdc["sources"] >= 3
    assert REPEAT_ID in [a["id"] for a in cdc["articles"]]
    assert f"{cdc['sources']} sources" in third.stdout
    new_feed = {e.find(f"{ATOM}id").text for e in ET.parse(out / "example.atom").getroot().iter(f"{ATOM}entry")}
    assert feed_ids <= new_feed, "entries keep their ids from one run to the next"
    assert _alerts(depeches, store_copy, watchlist_file, out, "--since-last").stdout == ""


def test_a_bad_watchlist_fails_with_a_message(depeches, store_copy, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "x"\nregion = ["Bretagne"]\n')
    done = depeches("alerts", "--watchlist", bad, "--db", store_copy.db, "--out", tmp_path / "o")
    assert done.returncode != 0 and "unknown key" in done.stderr
