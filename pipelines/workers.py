"""The NLP stages run in N processes on this machine, each loading the model once; batches come back in reading order.

The reading, cleaning and writing stay in the calling process; only (text, published) pairs go to the workers and
only extractions come back. Whatever the number of workers, the results are the same as in one process.
"""

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Iterable, Iterator, Protocol

from extract.nlp import Extraction, extract_docs, load
from pipelines.batch import Batch, Pending, finish, nlp_items

__all__ = ["ClusterError", "Extractor", "InProcess", "ProcessPool", "local_extractor", "extract_batches",
           "default_workers", "IN_FLIGHT_PER_WORKER"]

# Batches handed out per worker before the oldest is waited for: one being extracted, one queued so that a worker
# never idles while the writer catches up. Memory stays bounded by this many batches, whatever the dump size.
IN_FLIGHT_PER_WORKER = 2
# Started once, it imports spaCy and the stages; each worker is forked from it, so that none pays for the imports
# again, and none inherits the threads or open database connections of the calling process.
START_METHOD = "forkserver"
PRELOADED_MODULES = ["extract.nlp"]

_worker_nlp = None


class ClusterError(Exception):
    """The workers cannot be started or reached; the message says why, for a person."""


class Extractor(Protocol):
    """Something that extracts batches of (text, published) pairs, maybe elsewhere, and hands back futures."""

    window: int

    def submit(self, items: list[tuple[str, str | None]]) -> Future: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcess:
    """Extraction in the calling process, the model loaded on the first batch that needs it."""

    window = 1

    def __init__(self, model: str, batch_size: int) -> None:
        self.model, self.batch_size = model, batch_size

    def submit(self, items: list[tuple[str, str | None]]) -> Future:
        done: Future = Future()
        done.set_result(list(extract_docs(load(self.model), items, batch_size=self.batch_size)))
        return done

    def close(self) -> None:
        pass


def _start_worker(model: str) -> None:
    global _worker_nlp
    _worker_nlp = load(model)


def _extract_in_worker(items: list[tuple[str, str | None]], batch_size: int) -> list[Extraction]:
    return list(extract_docs(_worker_nlp, items, batch_size=batch_size))


class ProcessPool:
    """Extraction in N worker processes, started on the first batch that needs them (an unchanged dump starts none)."""

    def __init__(self, model: str, workers: int, batch_size: int) -> None:
        self.model, self.workers, self.batch_size = model, workers, batch_size
        self.window = workers * IN_FLIGHT_PER_WORKER
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, items: list[tuple[str, str | None]]) -> Future:
        if self._pool is None:
            context = multiprocessing.get_context(START_METHOD)
            context.set_forkserver_preload(PRELOADED_MODULES)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                             initargs=(self.model,))
        return self._pool.submit(_extract_in_worker, items, self.batch_size)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def local_extractor(pending: Iterable[Pending], model: str, workers: int,
                    batch_size: int) -> tuple[Extractor, Iterator[Pending]]:
    """A pool of `workers` processes, or this process alone for one worker or for a dump that fits in one batch
    (starting workers would then cost more than they save); with the batches, the first two read ahead to know."""
    batches = iter(pending)
    head = list(islice(batches, 2))
    if workers <= 1 or len(head) < 2:
        return InProcess(model, batch_size), chain(head, batches)
    return ProcessPool(model, workers, batch_size), chain(head, batches)


def _done(pending: Pending, future: Future | None) -> Batch:
    try:
        return finish(pending, future.result() if future is not None else [])
    except BrokenProcessPool as error:
        raise ClusterError("a worker process died (out of memory, or the model cannot be loaded: "
                           "--workers 1 shows the error)") from error


def extract_batches(pending: Iterable[Pending], extractor: Extractor) -> Iterator[Batch]:
    """Extract batches through `extractor`, at most `extractor.window` at a time, yielding them in reading order."""
    queue: deque[tuple[Pending, Future | None]] = deque()
    for item in pending:
        queue.append((item, extractor.submit(nlp_items(item.todo)) if item.todo else None))
        while len(queue) >= extractor.window:
            yield _done(*queue.popleft())
    while queue:
        yield _done(*queue.popleft())
