"""Ingest: dumps read, extracted and loaded into the store, with a progress bar and a closing summary."""

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Iterable, Iterator

from tqdm import tqdm

from extract.nlp import DEFAULT_MODEL
from models import create_store, make_engine
from pipelines.batch import BATCH_SIZE, Batch, Pending, Prepared, read_batches
from pipelines.load import Counts, finish_run, known_ids, start_run, write_batch
from pipelines.workers import Extractor, extract_batches, local_extractor

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


def _extractor(pending: Iterator[Pending], model: str, batch_size: int, workers: int,
               dask: str | None) -> tuple[Extractor, Iterator[Pending]]:
    if dask:
        from pipelines.distributed import DaskExtractor

        return DaskExtractor(dask, model, batch_size), pending
    return local_extractor(pending, model, workers, batch_size)


def ingest(paths: Iterable[str], db: str | None = None, model: str = DEFAULT_MODEL,
           batch_size: int = BATCH_SIZE, progress: bool = True, workers: int = 1, dask: str | None = None) -> Summary:
    """Read dumps, extract their facts and load them into the store; re-ingesting the same dump adds nothing.

    The NLP runs in this process (`workers` = 1), in `workers` processes, or on the Dask cluster at `dask` (an
    address, or local:N); this process reads, skips unchanged articles before any NLP work, and writes each batch
    in one transaction, from one writer thread while the next batch is extracted. The model is loaded only if some
    article needs it.
    """
    paths = [str(p) for p in paths]
    engine = make_engine(db)
    create_store(engine)
    run_id = start_run(engine, paths, pipeline_version(), model)
    counts, started = Counts(), time.perf_counter()

    def known(prepared: list[Prepared]) -> set[str]:
        return known_ids(engine, prepared)

    def write(batch: Batch) -> int:
        write_batch(engine, run_id, batch, counts)
        return batch.read

    extractor, pending = _extractor(read_batches(paths, batch_size, known), model, batch_size, workers, dask)
    try:
        with tqdm(desc="ingest", unit=" articles", disable=not progress, leave=False) as bar, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="depeches-writer") as writer:
            written: Future | None = None
            for batch in extract_batches(pending, extractor):
                if written is not None:
                    bar.update(written.result())
                written = writer.submit(write, batch)
            if written is not None:
                bar.update(written.result())
    finally:
        extractor.close()
    seconds = time.perf_counter() - started
    finish_run(engine, run_id, counts, seconds)
    engine.dispose()
    return Summary(run_id, counts, seconds)
