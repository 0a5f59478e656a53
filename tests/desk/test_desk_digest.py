"""The digest through the real CLI: one self-contained page, events by region and by body, text escaped."""

import re

from pipelines.desk.charts import format_euros


def test_digest_is_self_contained_and_groups_events(depeches_process, desk_store, tmp_path):
    out = tmp_path / "digest.html"
    done = depeches_process("digest", "--since", "7d", "--out", out, "--db", desk_store.db)
    assert done.returncode == 0, done.stderr
    page = out.read_text("utf-8")
    events = desk_store.rows("SELECT count(*) FROM events")[0][0]
    assert f"wrote {out}: {events} events" in done.stdout
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"""\bsrc\s*=""", page), "nothing is loaded from anywhere"
    assert page.count("<svg") == 3
    assert "<h2>Par région</h2>" in page and "<h2>Par organisme</h2>" in page
    assert "<h3>Normandie :" in page and "<h3>Caisse des dépôts :" in page
    assert "&lt;script&gt;window.pwned = true&lt;/script&gt;" in page
    (sources,) = desk_store.rows("SELECT sources FROM events WHERE amount = 45000000 AND body = 'Caisse des dépôts' "
                                 "AND region = 'Normandie'")[0]
    assert f"{sources} sources" in page
    assert "https://www.aefinfo.example/depeche/" in page, "links to the sources"


def test_digest_links_to_the_site_when_asked(depeches, desk_store, tmp_path):
    out = tmp_path / "digest.html"
    done = depeches("digest", "--since", "2000-01-01", "--out", out, "--db", desk_store.db,
                    "--site-url", "http://127.0.0.1:8001")
    assert done.returncode == 0, done.stderr
    assert 'href="http://127.0.0.1:8001/-/article/' in out.read_text("utf-8")


def test_an_empty_period_says_so(depeches, desk_store, tmp_path):
    out = tmp_path / "digest.html"
    done = depeches("digest", "--since", "2999-01-01", "--out", out, "--db", desk_store.db)
    assert done.returncode == 0 and "0 events" in done.stdout
    assert "Aucun nouveau montant" in out.read_text("utf-8")


def test_a_bad_period_fails_with_a_message(depeches, desk_store, tmp_path):
    done = depeches("digest", "--since", "la semaine", "--out", tmp_path / "d.html", "--db", desk_store.db)
    assert done.returncode != 0 and "7d" in done.stderr


def test_the_digest_total_is_the_sum_of_events(depeches, desk_store, tmp_path):
    out = tmp_path / "digest.html"
    depeches("digest", "--since", "7d", "--out", out, "--db", desk_store.db)
    (total,) = desk_store.rows("SELECT sum(amount) FROM events WHERE currency = 'EUR' AND per IS NULL "
                               "AND amount > 0")[0]
    assert f"<strong>{format_euros(total)}</strong>" in out.read_text("utf-8")
