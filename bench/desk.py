"""The desk at scale: a store of N facts served by `depeches serve`, its pages timed over HTTP, and an ingest into it.

    .venv/bin/python bench/desk.py --facts 1000000 --db /tmp/desk-1m.db
    .venv/bin/python bench/desk.py --facts 300000 --db /tmp/desk-300k.db --build-only

Builds (or reuses, when `--db` already holds a store this script built with N facts) a store of N synthetic facts:
no NLP, but articles, entities and facts written batch by batch through the loader that ingest uses, so that the
event tables are kept the way ingest keeps them. The articles are dispatches of corpus/ with a paragraph per fact,
published day after day over the last YEARS years and ingested the next morning, one run a day; a share of the facts
repeat an announcement of the days before, as follow-ups and recaps do.

Then it serves the store with `depeches serve`, requests each page of PAGES REQUESTS times over HTTP (after one
untimed request) and prints the median and the 95th percentile of each; and it times `depeches ingest` of a dump of
100 dispatches into that store and into an empty one, ROUNDS times in turn, and prints the ratio of the totals.
"""

import argparse
import json
import math
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from extract.nlp import Extraction  # noqa: E402
from extract.types import Fact, Mention  # noqa: E402
from models import create_store, make_engine  # noqa: E402
from pipelines.batch import BATCH_SIZE, Batch, Prepared, Processed, content_hash  # noqa: E402
from pipelines.desk.charts import format_euros  # noqa: E402
from pipelines.load import Counts, finish_run, start_run, write_batch  # noqa: E402
from pipelines.readers import RawArticle  # noqa: E402
from throughput import sources, synthetic  # noqa: E402

SCRIPT = Path(sys.executable).parent / "depeches"
DEFAULT_FACTS = 1_000_000
# Facts of one synthetic dispatch: the sample corpus has about 9 an article, a few have none, budgets have 20.
FACTS_PER_ARTICLE = (2, 18)
# A quarter of the facts repeat an announcement made in the days before (follow-ups, recaps, regional versions).
REPEAT_SHARE = 0.25
# How many recent announcements a repeat is drawn from: about a week of dispatches.
RECENT_ANNOUNCEMENTS = 4_000
# Articles are published over the last YEARS years, up to yesterday; a few carry no publication date.
YEARS = 4
UNDATED_ARTICLE_SHARE = 0.03
# Shares of facts with no body, no region (national amounts), a unit, and of each date precision.
NO_BODY_SHARE, NO_REGION_SHARE, PER_SHARE = 0.15, 0.3, 0.05
DATE_PRECISION = (("none", 0.4), ("year", 0.25), ("month", 0.15), ("day", 0.2))
QUALIFIERS = (("exact", 0.7), ("approx", 0.1), ("max", 0.08), ("min", 0.04), ("range", 0.08))
CURRENCIES = (("EUR", 0.97), ("USD", 0.02), ("GBP", 0.01))
UNITS = ("apprenti", "stagiaire", "an", "projet", "dossier", "mois")
ROLES = (("funder", 0.5), ("recipient", 0.2), (None, 0.3))
# Organisations beyond the gazetteer's, as the model finds them in dispatches: many bodies, each cited a little.
EXTRA_BODY_KINDS = ("CFA", "Université", "CCI", "Mission locale", "Lycée professionnel", "GRETA")
EXTRA_BODIES_PER_KIND = 60
PEOPLE = ("Hélène Quesnel", "Marc Delorme", "Sophie Bernard", "Jean Lefèvre", "Claire Moreau", "Paul Girard",
          "Nadia Benali", "Luc Fontaine", "Anne Roussel", "Yves Marchand")
TOWNS = ("Rouen", "Caen", "Rennes", "Brest", "Lille", "Amiens", "Nantes", "Angers", "Tours", "Dijon", "Besançon",
         "Lyon", "Grenoble", "Clermont-Ferrand", "Bordeaux", "Limoges", "Poitiers", "Toulouse", "Montpellier",
         "Marseille", "Nice", "Strasbourg", "Metz", "Reims", "Ajaccio", "Orléans")
# The pages a desk uses, timed over HTTP; all must answer within TARGET_P95_S at the 95th percentile. The fact_events
# and events pages show the facets of the site's metadata (region, body, year, qualifier); the last four pages are a
# desk's next clicks.
PAGES = {
    "home page": "/",
    "dashboard": "/-/tableau-de-bord",
    "fact_events, faceted by region…": "/depeches/fact_events",
    "full-text search": "/depeches/recherche?q=apprentissage",
    "largest amounts, 30 days": "/depeches/plus_gros_montants_30_jours",
    "fact_events of a region, faceted": "/depeches/fact_events?region=Normandie",
    "events, faceted": "/depeches/events",
    "dashboard, a region and a year": f"/-/tableau-de-bord?region=Normandie&year={date.today().year - 1}",
    "dashboard, a year": f"/-/tableau-de-bord?year={date.today().year - 1}",
}
# The pages whose facets must all have been computed (Datasette leaves out a facet that takes too long).
FACETED = ("/depeches/fact_events", "/depeches/fact_events?region=Normandie", "/depeches/events")
FACETS = ("region", "body", "year", "qualifier")
TARGET_P95_S = 1.0
TARGET_INGEST_RATIO = 1.2
REQUESTS = 20
INGEST_ARTICLES = 100
ROUNDS = 3
# How long the server may take to start on a large store, and a page to answer before the bench gives up.
SERVER_START_S = 120
PAGE_TIMEOUT_S = 60
# Beside a store this script built, a file saying with how many facts and which seed.
MARK_SUFFIX = ".bench.json"


def _weighted(rng: random.Random, choices) -> object:
    values, weights = zip(*choices)
    return rng.choices(values, weights)[0]


@dataclass(frozen=True)
class Pools:
    """What synthetic facts and articles are drawn from."""

    texts: tuple[RawArticle, ...]
    bodies: tuple[str, ...]
    regions: tuple[str, ...]


def pools() -> Pools:
    from extract.data import load_json

    regions = tuple(load_json("regions.json")["regions"])
    known = [b["name"] for b in load_json("kb.json")["bodies"]]
    extra = [f"{kind} de {TOWNS[i % len(TOWNS)]}" + (f" {i // len(TOWNS) + 1}" if i >= len(TOWNS) else "")
             for kind in EXTRA_BODY_KINDS for i in range(EXTRA_BODIES_PER_KIND)]
    bodies = tuple(dict.fromkeys(known + [f"Région {r}" for r in regions] + [f"Transitions Pro {r}" for r in regions]
                                 + extra))
    return Pools(tuple(sources()), bodies, regions)


@dataclass(frozen=True)
class Announcement:
    """What the facts repeating one announcement share."""

    amount: float
    amount_max: float | None
    currency: str
    qualifier: str
    per: str | None
    body: str | None
    region: str | None
    date: str | None


def _amount(rng: random.Random, per: str | None) -> float:
    """Amounts as dispatches round them, two significant digits, from a thousand euros to a few billions."""
    value = 10 ** (rng.uniform(2, 4) if per else rng.uniform(3, 9.7))
    digits = 1 - int(math.floor(math.log10(value)))
    return float(round(value, digits))


def _fact_date(rng: random.Random, published: date) -> str | None:
    precision = _weighted(rng, DATE_PRECISION)
    if precision == "none":
        return None
    when = published + timedelta(days=rng.randint(-60, 30))
    return {"year": f"{when.year}", "month": f"{when:%Y-%m}", "day": when.isoformat()}[precision]


def announcement(rng: random.Random, pool: Pools, published: date) -> Announcement:
    per = rng.choice(UNITS) if rng.random() < PER_SHARE else None
    amount = _amount(rng, per)
    qualifier = _weighted(rng, QUALIFIERS)
    return Announcement(amount, amount * rng.choice((1.5, 2.0)) if qualifier == "range" else None,
                        _weighted(rng, CURRENCIES), qualifier, per,
                        None if rng.random() < NO_BODY_SHARE else rng.choice(pool.bodies),
                        None if rng.random() < NO_REGION_SHARE else rng.choice(pool.regions),
                        _fact_date(rng, published))


def _amount_text(said: Announcement) -> str:
    one = format_euros(said.amount) if said.currency == "EUR" else f"{said.amount:,.0f} {said.currency}"
    if said.amount_max is not None:
        one = f"entre {one} et {format_euros(said.amount_max)}"
    return one + (f" par {said.per}" if said.per else "")


def _paragraph(said: Announcement, offset: int, rng: random.Random) -> tuple[str, Fact, list[Mention]]:
    """A paragraph saying the announcement, its fact and its entity mentions, `offset` being where it starts."""
    subject = said.body or "Le financement"
    amount = _amount_text(said)
    where = f" en {said.region}" if said.region else ""
    when = f" ({said.date})" if said.date else ""
    text = f"{subject} annonce {amount} pour la formation et l'apprentissage{where}{when}."
    start = offset + text.index(amount)
    fact = Fact(said.amount, said.amount_max, said.currency, said.qualifier, said.per, said.body,
                _weighted(rng, ROLES) if said.body else None, said.date, said.region, text, start,
                start + len(amount), round(rng.uniform(0.3, 0.97), 2))
    mentions = [Mention("MONEY", amount, str(said.amount), start, start + len(amount))]
    if said.body:
        mentions.append(Mention("ORG", said.body, said.body, offset, offset + len(said.body)))
    return text, fact, mentions


def article(index: int, rng: random.Random, pool: Pools, published: date | None,
            recent: deque) -> Processed:
    """Dispatch number `index`: a dispatch of corpus/ followed by a paragraph per fact."""
    base = pool.texts[index % len(pool.texts)]
    person = rng.choice(PEOPLE)
    text = f"{base.text}\n{person} commente les montants."
    facts, mentions = [], [Mention("PER", person, person, len(base.text) + 1, len(base.text) + 1 + len(person))]
    day = published or date.today()
    for _ in range(rng.randint(*FACTS_PER_ARTICLE)):
        said = rng.choice(recent) if recent and rng.random() < REPEAT_SHARE else announcement(rng, pool, day)
        recent.append(said)
        paragraph, fact, found = _paragraph(said, len(text) + 1, rng)
        text += "\n" + paragraph
        facts.append(fact)
        mentions += found
    raw = RawArticle(f"bench-{index:07d}", f"bench/{day:%Y-%m}.jsonl", text, title=f"{base.title or base.id} ({index})",
                     url=f"https://depeches.example/{index}", published=published.isoformat() if published else None,
                     line=index)
    main = next((f.region for f in facts if f.region), None)
    return Processed(Prepared(raw, text, content_hash(text)), Extraction(facts, mentions, main))


def _batches(items: list[Processed]) -> list[Batch]:
    return [Batch(items[i:i + BATCH_SIZE], read=len(items[i:i + BATCH_SIZE]))
            for i in range(0, len(items), BATCH_SIZE)]


def _ingested_at(engine, run_id: int, moment: datetime) -> None:
    """Date a run as if it had been ingested then (its articles' ingested_at is its start)."""
    from sqlalchemy import update

    from models import Run

    with engine.begin() as connection:
        connection.execute(update(Run).where(Run.id == run_id).values(started_at=moment))


def _unsynced(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def build(db: Path, facts: int, seed: int = 0) -> None:
    """A store of about `facts` synthetic facts, written day after day through the loader.

    The store's file is not flushed to the disk at each commit (synchronous = NORMAL): the build writes as many
    batches as years of daily ingests, and a crash would only mean building again.
    """
    from sqlalchemy import event

    rng, pool, recent = random.Random(seed), pools(), deque(maxlen=RECENT_ANNOUNCEMENTS)
    articles = max(1, round(facts / (sum(FACTS_PER_ARTICLE) / 2)))
    first_day, days = date.today() - timedelta(days=365 * YEARS), 365 * YEARS
    engine = make_engine(str(db))
    event.listen(engine, "connect", _unsynced)
    create_store(engine)
    written, started, index = 0, time.perf_counter(), 0
    for day in range(days):
        published = first_day + timedelta(days=day)
        count = articles * (day + 1) // days - index
        items = [article(index + i, rng, pool, None if rng.random() < UNDATED_ARTICLE_SHARE else published, recent)
                 for i in range(count)]
        index += count
        run_id = start_run(engine, [f"bench/{published:%Y-%m-%d}"], "bench", "none")
        _ingested_at(engine, run_id, datetime.combine(published + timedelta(days=1), datetime.min.time()))
        counts = Counts()
        for batch in _batches(items):
            write_batch(engine, run_id, batch, counts)
        finish_run(engine, run_id, counts, 0.0)
        written += counts.facts
        if day % 100 == 0:
            print(f"  {published}: {index} articles, {written} facts, {time.perf_counter() - started:.0f} s",
                  flush=True)
    engine.dispose()
    _mark(db).write_text(json.dumps({"facts": facts, "seed": seed}))


def _mark(db: Path) -> Path:
    return db.with_name(db.name + MARK_SUFFIX)


def built(db: Path, facts: int, seed: int) -> bool:
    """Whether `db` is a store this script built with these settings."""
    mark = _mark(db)
    return db.is_file() and mark.is_file() and json.loads(mark.read_text()) == {"facts": facts, "seed": seed}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> float:
    """Seconds to get a page in full; anything but 200 stops the bench."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT_S) as response:
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


@contextmanager
def served(db: Path, log: Path):
    """`depeches serve` on the store, on a free port; yields its base URL."""
    port = _free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([str(SCRIPT), "serve", "--db", str(db), "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                _get(url + "/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"depeches serve did not start: {log.read_text()}")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _facets_complete(url: str) -> None:
    """The faceted pages must have computed their facets, not given up on them (a quick page that says nothing)."""
    for path in FACETED:
        table, _, query = path.partition("?")
        with urllib.request.urlopen(f"{url}{table}.json?{query}&_extra=facet_results",
                                    timeout=PAGE_TIMEOUT_S) as response:
            results = json.load(response)["facet_results"]
        missing = [name for name in FACETS if name not in results.get("results", results)]
        if missing:
            raise SystemExit(f"{path}: facets {', '.join(missing)} timed out")


def time_pages(url: str, requests: int) -> dict[str, list[float]]:
    """Each page requested once untimed, then `requests` times in turn; the seconds of each request."""
    _facets_complete(url)
    for path in PAGES.values():
        _get(url + path)
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(requests):
        for name, path in PAGES.items():
            times[name].append(_get(url + path))
    return times


def p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _dump(folder: Path, name: str, first_index: int) -> Path:
    """INGEST_ARTICLES dispatches of corpus/, reworded and renumbered, with ids no store holds yet."""
    pool = sources()
    path = folder / f"{name}.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for index in range(first_index, first_index + INGEST_ARTICLES):
            record = synthetic(index, pool)
            record["id"] = f"{name}-{index:05d}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _ingest(dump: Path, db: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(SCRIPT), "ingest", str(dump), "--db", str(db), "--quiet"], capture_output=True,
                          text=True, cwd=REPO)
    if done.returncode:
        raise SystemExit(f"ingest into {db} failed: {done.stderr}")
    return time.perf_counter() - started


def ingest_times(db: Path, folder: Path, rounds: int) -> tuple[list[float], list[float]]:
    """`depeches ingest` of a 100-dispatch dump into an empty store, then into a copy of the large one, in turn."""
    large = folder / "large.db"
    shutil.copy(db, large)
    empty_times, large_times = [], []
    for index in range(rounds):
        dump = _dump(folder, f"round{index}", index * INGEST_ARTICLES)
        empty_times.append(_ingest(dump, folder / f"empty-{index}.db"))
        large_times.append(_ingest(dump, large))
        _line(f"round {index + 1}: ingest into empty, into large store",
              f"{empty_times[-1]:.1f} s, {large_times[-1]:.1f} s")
    return empty_times, large_times


def _line(label: str, value: str) -> None:
    print(f"{label:<46} {value}", flush=True)


def _store_figures(db: Path) -> str:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts = [connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("articles", "facts", "events")]
    finally:
        connection.close()
    size = db.stat().st_size / 2**30
    return f"{counts[0]:,} articles, {counts[1]:,} facts, {counts[2]:,} events, {size:.1f} GiB"


def report_pages(times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        worst = p95(values)
        verdict = "met" if worst <= TARGET_P95_S else "NOT met"
        _line(name, f"median {statistics.median(values):.3f} s, p95 {worst:.3f} s "
                    f"(target p95 ≤ {TARGET_P95_S:g} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--facts", type=int, default=DEFAULT_FACTS, help="N, the facts of the store.")
    parser.add_argument("--db", type=Path, help="The store to build (or reuse); default: a temporary file.")
    parser.add_argument("--build-only", action="store_true", help="Build the store and stop.")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="Timed requests of each page.")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="Ingests into each store, in turn.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the synthetic store.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="depeches-desk-") as folder:
        run(args, Path(folder))


def run(args, folder: Path) -> None:
    db = args.db or folder / "desk.db"
    if built(db, args.facts, args.seed):
        _line("store (reused)", str(db))
    else:
        if db.exists():
            raise SystemExit(f"{db} exists and was not built by this script with --facts {args.facts}: "
                             "name another file")
        started = time.perf_counter()
        build(db, args.facts, args.seed)
        _line("store built", f"{db} in {time.perf_counter() - started:.0f} s")
    _line("store", _store_figures(db))
    if args.build_only:
        return
    _line("load average at start (1, 5, 15 min)", ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    with served(db, folder / "serve.log") as url:
        times = time_pages(url, args.requests)
    report_pages(times)
    empty_times, large_times = ingest_times(db, folder, max(1, args.rounds))
    ratio = sum(large_times) / sum(empty_times)
    _line(f"ingest of {INGEST_ARTICLES} dispatches, large / empty store",
          f"{ratio:.2f} (target ≤ {TARGET_INGEST_RATIO:g}: {'met' if ratio <= TARGET_INGEST_RATIO else 'NOT met'})")
    _line("load average at end (1, 5, 15 min)", ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
