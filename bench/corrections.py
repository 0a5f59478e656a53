"""One correction at scale: the time to record a correction (and regroup its article's events) in a store of N facts
against a store of N / 100, and the time of `depeches facts`' query through the corrections.

    .venv/bin/python bench/corrections.py --facts 1000000 --db /tmp/desk-1m.db
    .venv/bin/python bench/corrections.py --facts 100000 --db /tmp/desk-100k.db

The stores are those of bench/desk.py (built, or reused when --db already holds one it built with N facts; the small
one is built in a temporary folder). CORRECTIONS corrections of random facts (a body, a region or a date, in turn) are
recorded one transaction each through one writing engine, as the review page does, in both stores in turn; the
script prints the median and the 95th percentile of each, and the ratio of the medians (large / small). A
correction touches one article and the event keys of its facts, so it should cost about the same in both.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from desk import build, built  # noqa: E402
from models import make_engine  # noqa: E402
from models.corrections import REGIONS, record_correction  # noqa: E402
from pipelines.query import FactFilter, find_facts  # noqa: E402

CORRECTIONS = 50
# The small store is this many times smaller than the large one.
SMALL_FACTOR = 100
# Bodies a correction gives, in turn with regions and dates.
BODIES = ("Région Bretagne", "Caisse des dépôts", "État", "France compétences")
TARGET_RATIO = 2.0


def _changes(rng: random.Random, index: int) -> dict:
    kind = index % 3
    if kind == 0:
        return {"body": rng.choice(BODIES)}
    if kind == 1:
        return {"region": rng.choice(REGIONS)}
    return {"date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}"}


def _store(db: Path, facts: int, seed: int) -> Path:
    if not built(db, facts, seed):
        if db.exists():
            raise SystemExit(f"{db} exists and was not built by bench/desk.py with --facts {facts}: name another file")
        build(db, facts, seed)
    return db


def correction_times(db: Path, count: int, seed: int) -> list[float]:
    """Seconds of each of `count` corrections of random facts of the store."""
    rng = random.Random(seed)
    engine = make_engine(str(db))
    with engine.connect() as connection:
        (last,) = connection.exec_driver_sql("SELECT max(id) FROM facts").one()
    times = []
    for index in range(count):
        fact = rng.randint(1, last)
        started = time.perf_counter()
        try:
            record_correction(engine, fact, _changes(rng, index), "bench")
        except Exception as error:  # a fact id left by a replaced article: not a fact of the store any more
            if "no fact" not in str(error):
                raise
            continue
        times.append(time.perf_counter() - started)
    engine.dispose()
    return times


def facts_query_seconds(db: Path) -> float:
    started = time.perf_counter()
    find_facts(FactFilter(limit=100), str(db))
    return time.perf_counter() - started


def _figures(times: list[float]) -> str:
    ordered = sorted(times)
    return (f"median {statistics.median(ordered) * 1000:.1f} ms, "
            f"p95 {ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000:.1f} ms ({len(ordered)} corrections)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--facts", type=int, default=1_000_000, help="N, the facts of the large store.")
    parser.add_argument("--db", type=Path, required=True, help="The large store (built by bench/desk.py, or built).")
    parser.add_argument("--corrections", type=int, default=CORRECTIONS, help="Corrections timed in each store.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="depeches-corrections-") as folder:
        small = _store(Path(folder) / "small.db", args.facts // SMALL_FACTOR, args.seed)
        large = _store(args.db, args.facts, args.seed)
        facts_small, facts_large = facts_query_seconds(small), facts_query_seconds(large)
        times_small = correction_times(small, args.corrections, args.seed)
        times_large = correction_times(large, args.corrections, args.seed)
    ratio = statistics.median(times_large) / statistics.median(times_small)
    print(f"one correction, store of {args.facts // SMALL_FACTOR} facts: {_figures(times_small)}")
    print(f"one correction, store of {args.facts} facts: {_figures(times_large)}")
    print(f"median large / small: {ratio:.2f} (target ≤ {TARGET_RATIO:g}: {'met' if ratio <= TARGET_RATIO else 'NOT met'})")
    print(f"depeches facts (100 largest, through the corrections): {facts_small:.2f} s small, {facts_large:.2f} s large")


if __name__ == "__main__":
    main()
