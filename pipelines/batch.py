"""The batch runner: articles read from dumps, cleaned, deduplicated and extracted in batches, streaming."""

import hashlib
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from spacy.language import Language

from extract.clean import clean
from extract.nlp import Extraction, extract_docs
from extract.stories import headline
from pipelines.readers import RawArticle, Reject, read_paths

__all__ = ["Prepared", "Processed", "Batch", "Pending", "prepare", "content_hash", "read_batches", "nlp_items",
           "finish", "stream", "BATCH_SIZE", "MAX_ARTICLE_CHARS"]

# Articles handed to spaCy and written to the store together: memory is bounded by this, not by the dump.
BATCH_SIZE = 64
# Longer than any dispatch by two orders of magnitude, and well under spaCy's max_length.
MAX_ARTICLE_CHARS = 200_000


@dataclass(frozen=True)
class Prepared:
    """An article read and cleaned, ready for the NLP stages."""

    raw: RawArticle
    text: str
    content_hash: str

    @property
    def title(self) -> str | None:
        """The title the dump gives the article, or else its headline."""
        return self.raw.title or headline(self.text)


@dataclass(frozen=True)
class Processed:
    """An article with what the stages extracted from it."""

    prepared: Prepared
    extraction: Extraction


@dataclass
class Batch:
    """What one batch of a dump came to."""

    processed: list[Processed] = field(default_factory=list)
    unchanged: list[Prepared] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    read: int = 0


@dataclass
class Pending:
    """A batch read, cleaned and checked against the store, before any NLP work: `todo` is what the stages need."""

    todo: list[Prepared] = field(default_factory=list)
    unchanged: list[Prepared] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    read: int = 0


def content_hash(text: str) -> str:
    """SHA-256 of the clean text: the same text gives the same hash, on any machine."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare(raw: RawArticle) -> Prepared | Reject:
    """Clean an article; one that is only boilerplate, or far too long, becomes a reject."""
    text = clean(raw.text).text
    if not text:
        return Reject(raw.source, "only boilerplate, no article text", raw.line, raw.id)
    if len(text) > MAX_ARTICLE_CHARS:
        return Reject(raw.source, f"article too long ({len(text):,} characters, limit {MAX_ARTICLE_CHARS:,})",
                      raw.line, raw.id)
    return Prepared(raw, text, content_hash(text))


class _Deduplicator:
    """Within one run, an id seen again with the same text is skipped, with another text rejected."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def check(self, item: Prepared) -> Reject | bool:
        """False the first time an id is seen, True for a repeat of the same text, a Reject for another text."""
        previous = self.seen.get(item.raw.id)
        if previous is None:
            self.seen[item.raw.id] = item.content_hash
            return False
        if previous == item.content_hash:
            return True
        return Reject(item.raw.source, f"duplicate id with a different text: {item.raw.id!r} (the first one is kept)",
                      item.raw.line, item.raw.id)


def _split(items: list[RawArticle | Reject], dedup: _Deduplicator, pending: Pending) -> list[Prepared]:
    ready = []
    for item in items:
        prepared = prepare(item) if isinstance(item, RawArticle) else item
        verdict = dedup.check(prepared) if isinstance(prepared, Prepared) else prepared
        if isinstance(verdict, Reject):
            pending.rejects.append(verdict)
        elif verdict is True:
            pending.unchanged.append(prepared)
        else:
            ready.append(prepared)
    return ready


def read_batches(paths: Iterable[str], batch_size: int = BATCH_SIZE,
                 known: Callable[[list[Prepared]], set[str]] | None = None) -> Iterator[Pending]:
    """Read and clean the articles of dumps batch by batch, streaming; `known` names the ones to skip as unchanged."""
    items = iter(read_paths(paths))
    dedup = _Deduplicator()
    while chunk := list(islice(items, batch_size)):
        pending = Pending(read=sum(isinstance(i, RawArticle) for i in chunk))
        ready = _split(chunk, dedup, pending)
        skip = known(ready) if known and ready else set()
        pending.unchanged += [p for p in ready if p.raw.id in skip]
        pending.todo = [p for p in ready if p.raw.id not in skip]
        yield pending


def nlp_items(todo: list[Prepared]) -> list[tuple[str, str | None]]:
    """What the NLP stages need of each article, small enough to send to another process: (text, published)."""
    return [(p.text, p.raw.published) for p in todo]


def finish(pending: Pending, extractions: Iterable[Extraction]) -> Batch:
    """The batch once its articles are extracted, each with its extraction, in reading order."""
    processed = [Processed(p, x) for p, x in zip(pending.todo, extractions, strict=True)]
    return Batch(processed, pending.unchanged, pending.rejects, pending.read)


def stream(paths: Iterable[str], nlp: Language, batch_size: int = BATCH_SIZE,
           known: Callable[[list[Prepared]], set[str]] | None = None) -> Iterator[Batch]:
    """Read, clean and extract the articles of dumps batch by batch in this process; see `read_batches`."""
    for pending in read_batches(paths, batch_size, known):
        yield finish(pending, extract_docs(nlp, nlp_items(pending.todo), batch_size=batch_size))
