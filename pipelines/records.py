"""The extract format of the fact specification: one JSON object per article, no database involved."""

from typing import Iterable, Iterator

from extract.nlp import DEFAULT_MODEL
from extract.types import as_dict
from pipelines.batch import BATCH_SIZE, Processed, read_batches
from pipelines.readers import Reject
from pipelines.workers import extract_batches, local_extractor

__all__ = ["record", "extract_records"]


def record(item: Processed) -> dict:
    """One article in the extract format: id, source, published, facts in order, entities in order."""
    raw = item.prepared.raw
    return {
        "id": raw.id,
        "source": raw.source,
        "published": raw.published,
        "title": item.prepared.title,
        "url": raw.url,
        "facts": [as_dict(f) for f in item.extraction.facts],
        "entities": [{"label": m.label, "text": m.text, "norm": m.norm, "start": m.start, "end": m.end}
                     for m in item.extraction.mentions],
    }


def extract_records(paths: Iterable[str], model: str = DEFAULT_MODEL, batch_size: int = BATCH_SIZE,
                    workers: int = 1) -> Iterator[dict | Reject]:
    """Extract every article of the dumps, in `workers` processes, yielding records in reading order, and rejects."""
    extractor, pending = local_extractor(read_batches([str(p) for p in paths], batch_size), model, workers, batch_size)
    try:
        for batch in extract_batches(pending, extractor):
            yield from batch.rejects
            yield from (record(item) for item in batch.processed)
    finally:
        extractor.close()
