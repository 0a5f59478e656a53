"""Which components of the French model the depeches stages need, and what each one costs.

    .venv/bin/python bench/components.py

On the dispatches of corpus/, prints the time each pipeline component takes (model components and depeches stages),
then, for each component of the model, what the facts and entities become when it is left out (a component the
stages do not need changes nothing) and when one the pipeline leaves out is added. Each variant runs in a child
process, since a stage missing what it needs may crash the interpreter rather than raise.
"""

import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extract.nlp import (DEFAULT_MODEL, MODEL_COMPONENTS, SENTENCES_COMPONENT, STAGES,  # noqa: E402
                         extract_docs, load, shipped_components, tune_tokenizer)
from pipelines.batch import Prepared, prepare  # noqa: E402
from pipelines.readers import RawArticle, read_paths  # noqa: E402

BATCH = 64


@dataclass(frozen=True)
class Outcome:
    """How a variant of the pipeline compares with the one depeches uses."""

    facts_changed: int
    mentions_changed: int
    seconds: float
    error: str | None = None


def corpus() -> list[tuple[str, str | None]]:
    items = [prepare(item) for item in read_paths([REPO / "corpus"]) if isinstance(item, RawArticle)]
    return [(p.text, p.raw.published) for p in items if isinstance(p, Prepared)]


def pipeline(components: tuple[str, ...]) -> Language:
    """The depeches pipeline built as extract.nlp.load builds it, with another set of model components."""
    every = shipped_components(DEFAULT_MODEL)
    nlp = spacy.load(DEFAULT_MODEL, exclude=[name for name in every if name not in components])
    tune_tokenizer(nlp)
    nlp.add_pipe(SENTENCES_COMPONENT, before="parser" if "parser" in nlp.pipe_names else None)
    for stage in STAGES:
        nlp.add_pipe(stage)
    return nlp


def component_times(nlp: Language, items: list[tuple[str, str | None]]) -> dict[str, float]:
    """Seconds each component of the pipeline takes on the items, each run on the whole list in batches."""
    docs, times = [], {}
    started = time.perf_counter()
    for text, published in items:
        doc = nlp.make_doc(text)
        doc._.published = published
        docs.append(doc)
    times["tokenizer"] = time.perf_counter() - started
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=BATCH))
        else:
            docs = [component(doc) for doc in docs]
        times[name] = time.perf_counter() - started
    return times


def compare(components: tuple[str, ...], items, reference) -> Outcome:
    started = time.perf_counter()
    try:
        found = list(extract_docs(pipeline(components), items, batch_size=BATCH))
    except Exception as error:  # a stage that needs a missing component fails: that is the measurement
        return Outcome(0, 0, time.perf_counter() - started, f"{type(error).__name__}: {error}"[:100])
    facts = sum(a.facts != b.facts for a, b in zip(found, reference))
    mentions = sum(a.mentions != b.mentions for a, b in zip(found, reference))
    return Outcome(facts, mentions, time.perf_counter() - started)


def _in_child(components: tuple[str, ...], items, reference, sender) -> None:
    sender.send(compare(components, items, reference))


def isolated(components: tuple[str, ...], items, reference) -> Outcome:
    """`compare` in a forked process (which shares the corpus and the reference), surviving its crash."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_in_child, args=(components, items, reference, sender))
    child.start()
    sender.close()
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = None
    child.join()
    return outcome or Outcome(0, 0, 0.0, f"the process crashed (exit code {child.exitcode})")


def main() -> None:
    items = corpus()
    nlp = load()
    reference = list(extract_docs(nlp, items, batch_size=BATCH))
    times = component_times(nlp, items)
    total = sum(times.values())
    print(f"{len(items)} dispatches of corpus/, pipeline {nlp.pipe_names}")
    for name, seconds in times.items():
        print(f"  {name:<24} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    enabled = spacy.util.get_model_meta(spacy.util.get_package_path(DEFAULT_MODEL))["pipeline"]
    print(f"articles whose facts / mentions change (of {len(items)}), and seconds for the corpus:")
    variants = [(f"without {name}", tuple(c for c in MODEL_COMPONENTS if c != name)) for name in MODEL_COMPONENTS]
    variants += [(f"with {name}", (*MODEL_COMPONENTS, name)) for name in enabled if name not in MODEL_COMPONENTS]
    for label, components in variants:
        outcome = isolated(components, items, reference)
        detail = outcome.error or f"{outcome.facts_changed:4d} / {outcome.mentions_changed:4d}"
        print(f"  {label:<24} {detail}   {outcome.seconds:6.1f} s")


if __name__ == "__main__":
    main()
