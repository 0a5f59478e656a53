"""Throughput of depeches against the spaCy floor, workers, memory and re-ingest, measured in one run.

    .venv/bin/python bench/throughput.py --articles 2000

Builds a synthetic dump of N varied dispatches from corpus/ (and one of 10 x N for memory), then runs each
measurement in a fresh process so that none profits from another's loaded model, and prints:
- articles per second of the spaCy floor (the same model and components through nlp.pipe, nothing else), of
  extract, of ingest into SQLite, and the ratios ingest/floor and extract/floor;
- ingest with one worker and with all the cores, and their ratio;
- peak memory (RSS of the process and its workers) ingesting N and 10 x N articles, and their ratio;
- a second ingest of the same dump (everything unchanged) against the first, as a ratio.
The floor, extract and the one-worker ingest run in turn, `--rounds` times (2 by default), and their rates come from
the totals: on a shared machine a slow spell then weighs on all three. Every time includes loading the model, as a
user pays it. Rates per CPU-second are printed too: on a machine busy with other work they move less than wall-clock
rates. `--profile` adds a cProfile of a one-worker ingest.
"""

import argparse
import cProfile
import gzip
import json
import os
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extract.nlp import DEFAULT_MODEL, MODEL_COMPONENTS, shipped_components  # noqa: E402
from pipelines.readers import RawArticle, read_paths  # noqa: E402
from pipelines.workers import default_workers  # noqa: E402

# How often the memory and CPU time of a measured process tree are sampled, in seconds: short next to any run
# measured, long enough that sampling takes next to no CPU itself.
RSS_SAMPLE_S = 0.25
# Extra paragraphs borrowed from other dispatches, at most: keeps lengths varied around the corpus's own.
MAX_BORROWED = 2
# Years are left alone (dates stay plausible); other numbers are redrawn with as many digits.
YEAR = re.compile(r"^(?:19|20)\d\d$")
NUMBER = re.compile(r"\d+")
TARGETS = {"ingest / floor (one worker)": 0.90, "all workers / one worker": 1.7, "peak RSS 10N / N": 1.2,
           "first ingest / re-ingest": 20.0}


def sources() -> list[RawArticle]:
    """Every readable dispatch of corpus/ (gold and samples)."""
    return [item for item in read_paths([REPO / "corpus"]) if isinstance(item, RawArticle)]


def _redraw(match: re.Match, rng: random.Random) -> str:
    digits = match.group()
    if YEAR.match(digits) or len(digits) == 1:
        return digits
    return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))


def synthetic(index: int, pool: list[RawArticle]) -> dict:
    """Dispatch number `index`: one of the corpus with its paragraphs reordered, amounts redrawn, others borrowed."""
    rng = random.Random(index)
    base = pool[index % len(pool)]
    title, *body = base.text.split("\n")
    for _ in range(rng.randint(0, MAX_BORROWED)):
        _, *other = pool[rng.randrange(len(pool))].text.split("\n")
        body.insert(rng.randint(0, len(body)), rng.choice(other or [title]))
    body = body[1:] + body[:1] if rng.random() < 0.5 else body
    text = NUMBER.sub(lambda m: _redraw(m, rng), "\n".join([title, *body]))
    published = base.published or f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {"id": f"synthetic-{index:07d}", "title": title, "published": published, "text": text}


def write_dump(path: Path, count: int) -> Path:
    """Write `count` synthetic dispatches as a gzipped JSONL dump, one at a time."""
    pool = sources()
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for index in range(count):
            out.write(json.dumps(synthetic(index, pool), ensure_ascii=False) + "\n")
    return path


# What runs in the measured child process, by name: each returns (articles gone through, seconds).

def run_floor(dump: str, _db: str, _workers: int) -> tuple[int, float]:
    """The clean texts are read first, untimed; then the model is loaded and the texts piped through it."""
    import spacy

    from pipelines.batch import Prepared, prepare

    texts = [p.text for item in read_paths([dump]) if isinstance(item, RawArticle)
             if isinstance(p := prepare(item), Prepared)]
    started = time.perf_counter()
    every = shipped_components(DEFAULT_MODEL)
    nlp = spacy.load(DEFAULT_MODEL, exclude=[name for name in every if name not in MODEL_COMPONENTS])
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return len(texts), time.perf_counter() - started


def run_extract(dump: str, _db: str, workers: int) -> tuple[int, float]:
    from pipelines.records import extract_records

    started = time.perf_counter()
    count = sum(isinstance(item, dict) for item in extract_records([dump], workers=workers))
    return count, time.perf_counter() - started


def run_ingest(dump: str, db: str, workers: int) -> tuple[int, float]:
    from pipelines.ingest import ingest

    started = time.perf_counter()
    count = ingest([dump], db, progress=False, workers=workers).counts.read
    return count, time.perf_counter() - started


CHILD_RUNS = {"floor": run_floor, "extract": run_extract, "ingest": run_ingest}


def child(kind: str, dump: str, db: str, workers: int) -> None:
    articles, seconds = CHILD_RUNS[kind](dump, db, workers)
    print(json.dumps({"seconds": seconds, "articles": articles}))


@dataclass(frozen=True)
class Measure:
    seconds: float
    articles: int
    peak_rss: int
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    @staticmethod
    def total(measures: list["Measure"]) -> "Measure":
        """Several runs taken as one: their times and articles added up, the highest peak kept."""
        return Measure(sum(m.seconds for m in measures), sum(m.articles for m in measures),
                       max(m.peak_rss for m in measures), sum(m.cpu_seconds for m in measures))

    @property
    def cpu_rate(self) -> float:
        """Articles per CPU-second of the process and its workers: what a busy machine changes least."""
        return self.articles / self.cpu_seconds


def _sample(process: psutil.Process, cpu: dict[int, float]) -> int:
    """The RSS of a process and its descendants; their CPU times so far are kept in `cpu`, by pid."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            with member.oneshot():
                total += member.memory_info().rss
                times = member.cpu_times()
            cpu[member.pid] = times.user + times.system
        except psutil.Error:
            pass
    return total


def measure(kind: str, dump: Path, db: Path | None = None, workers: int = 1) -> Measure:
    """Run one measurement in a fresh process, sampling the memory of it and its workers."""
    command = [sys.executable, __file__, "--child", kind, "--dump", str(dump), "--db", str(db or ""),
               "--workers", str(workers)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    watched, peak, cpu = psutil.Process(proc.pid), 0, {}
    while proc.poll() is None:
        try:
            peak = max(peak, _sample(watched, cpu))
        except psutil.Error:
            pass
        time.sleep(RSS_SAMPLE_S)
    out = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"{kind} failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return Measure(result["seconds"], result["articles"], peak, sum(cpu.values()))


def profile(dump: Path, db: Path, top: int) -> None:
    """cProfile of a one-worker ingest, the functions that take the most time with what they call."""
    from pipelines.ingest import ingest

    profiler = cProfile.Profile()
    profiler.runcall(ingest, [str(dump)], str(db), progress=False, workers=1)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def _line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def _ratio(label: str, value: float) -> None:
    target = TARGETS.get(label)
    verdict = ""
    if target is not None:
        ok = value <= target if label.startswith("peak") else value >= target
        verdict = f"   (target {'≤' if label.startswith('peak') else '≥'} {target}: {'met' if ok else 'NOT met'})"
    _line(label, f"{value:.2f}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="N, the size of the main synthetic dump.")
    parser.add_argument("--memory-articles", type=int, metavar="M",
                        help="Measure memory on M and 10 x M articles rather than N and 10 x N (a shorter run).")
    parser.add_argument("--workers", type=int, default=default_workers(), help="All the workers.")
    parser.add_argument("--rounds", type=int, default=2, metavar="R",
                        help="Run the floor, extract and the one-worker ingest in turn R times; rates from the totals.")
    parser.add_argument("--profile", type=int, default=0, metavar="ARTICLES",
                        help="Also profile a one-worker ingest of this many articles.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dump, args.db, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="depeches-bench-") as folder:
        run(Path(folder), args.articles, args.workers, args.profile, args.memory_articles or args.articles,
            max(1, args.rounds))


def _rates(label: str, measured: Measure) -> None:
    _line(label, f"{measured.rate:.2f} articles/s ({measured.seconds:.1f} s with the model load), "
                 f"{measured.cpu_rate:.2f} articles/CPU-s")


def alternated(folder: Path, dump: Path, rounds: int) -> tuple[Measure, Measure, list[Measure]]:
    """The floor, extract and a one-worker ingest (into a new store each time) run in turn, `rounds` times: a slow
    spell of a shared machine then weighs on all three alike. Returns the floor and extract totals, and the ingests."""
    floors, extracts, ingests = [], [], []
    for index in range(rounds):
        floors.append(measure("floor", dump))
        extracts.append(measure("extract", dump))
        ingests.append(measure("ingest", dump, folder / f"one-{index}.db", 1))
        _line(f"round {index + 1}: ingest / floor, extract / floor",
              f"{ingests[-1].rate / floors[-1].rate:.2f}, {extracts[-1].rate / floors[-1].rate:.2f}")
    return Measure.total(floors), Measure.total(extracts), ingests


def run(folder: Path, n: int, workers: int, profile_articles: int, m: int, rounds: int) -> None:
    dump, big = write_dump(folder / "n.jsonl.gz", n), write_dump(folder / "10m.jsonl.gz", 10 * m)
    _line("synthetic dumps", f"{n} articles, and {10 * m} for memory; {workers} cores")
    _line("load average at start (1, 5, 15 min)", ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    floor, extract, ingests = alternated(folder, dump, rounds)
    one = Measure.total(ingests)
    _rates("spaCy floor (nlp.pipe)", floor)
    _rates("extract, one worker", extract)
    _ratio("extract / floor (one worker)", extract.rate / floor.rate)
    _ratio("extract / floor, by CPU time", extract.cpu_rate / floor.cpu_rate)
    _rates("ingest into SQLite, one worker", one)
    _ratio("ingest / floor (one worker)", one.rate / floor.rate)
    _ratio("ingest / floor, by CPU time", one.cpu_rate / floor.cpu_rate)
    again = measure("ingest", dump, folder / f"one-{rounds - 1}.db", 1)
    _line("re-ingest, unchanged dump", f"{again.seconds:.2f} s")
    _ratio("first ingest / re-ingest", ingests[-1].seconds / again.seconds)
    every = measure("ingest", dump, folder / "all.db", workers)
    _rates(f"ingest into SQLite, {workers} workers", every)
    _line(f"peak RSS, {n} articles, {workers} workers", _mib(every.peak_rss))
    _ratio("all workers / one worker", every.rate / one.rate)
    base = every if m == n else measure("ingest", write_dump(folder / "m.jsonl.gz", m), folder / "m.db", workers)
    _line(f"peak RSS, {m} articles, {workers} workers", _mib(base.peak_rss))
    large = measure("ingest", big, folder / "big.db", workers)
    _rates(f"ingest of {10 * m}, {workers} workers", large)
    _line(f"peak RSS, {10 * m} articles, {workers} workers", _mib(large.peak_rss))
    _ratio("peak RSS 10N / N", large.peak_rss / base.peak_rss)
    _line("load average at end (1, 5, 15 min)", ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    if profile_articles:
        profile(write_dump(folder / "p.jsonl.gz", profile_articles), folder / "profile.db", 30)


if __name__ == "__main__":
    main()
