"""Ingest: dumps read, extracted and loaded into the store, with a progress bar and a closing summary."""

import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Iterable

from tqdm import tqdm

from extract.nlp import DEFAULT_MODEL, load
from models import create_store, make_engine
from pipelines.batch import BATCH_SIZE, Prepared, stream
from pipelines.load import Counts, finish_run, known_ids, start_run, write_batch

__all__ = ["Summary", "ingest", "pipeline_version"]


@dataclass(frozen=True)
class Summary:
    """The closing figures of an ingest."""

    run_id: int
    counts: Counts
    seconds: float

    @property
    def rate(self) -> float:
        """Articles read per second."""
        return self.counts.read / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        c = self.counts
        out = [f"read {c.read} articles: {c.new} new, {c.updated} updated, {c.unchanged} unchanged; "
               f"{c.rejected} rejected; {c.facts} facts",
               f"{self.seconds:.1f} s, {self.rate:.1f} articles/s (run {self.run_id})"]
        if c.read and not (c.new or c.updated):
            out.append("nothing new: the store already holds every article of this dump")
        out += [f"  rejected, {reason}: {n}" for reason, n in sorted(c.reasons.items())]
        return out


def pipeline_version() -> str:
    """The installed version of depeches."""
    try:
        return version("depeches")
    except PackageNotFoundError:
        return "unknown"


def ingest(paths: Iterable[str], db: str | None = None, model: str = DEFAULT_MODEL,
           batch_size: int = BATCH_SIZE, progress: bool = True) -> Summary:
    """Read dumps, extract their facts and load them into the store; re-ingesting the same dump adds nothing."""
    paths = [str(p) for p in paths]
    engine = make_engine(db)
    create_store(engine)
    nlp = load(model)
    run_id = start_run(engine, paths, pipeline_version(), model)
    counts, started = Counts(), time.perf_counter()

    def known(prepared: list[Prepared]) -> set[str]:
        return known_ids(engine, prepared)

    with tqdm(desc="ingest", unit=" articles", disable=not progress, leave=False) as bar:
        for batch in stream(paths, nlp, batch_size, known):
            write_batch(engine, run_id, batch, counts)
            bar.update(batch.read)
    seconds = time.perf_counter() - started
    finish_run(engine, run_id, counts, seconds)
    engine.dispose()
    return Summary(run_id, counts, seconds)
