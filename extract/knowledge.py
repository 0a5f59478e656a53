"""Knowledge base of the field: bodies and programmes under every name they go by, matched whole by spaCy.

Each entry of `data/kb.json` has a canonical name, a kind (region, département, university, operator, ministry,
programme…), the region it belongs to, and its aliases, acronyms and former names. A `PhraseMatcher` finds them in a
doc: acronyms and one-word names as written, longer names whatever their case. Names that follow a pattern rather
than a list (the State budget's programmes by their number: "P150", "programme 231") are regular expressions of the
entry (`regex`), searched in the doc's text and kept where they fall on token boundaries: far cheaper than a token
`Matcher`, which walks every token of every doc. A matched span carries its label
(`ORG` for a body, `PROG` for a programme, call, fund, plan or law) and the canonical name as its `kb_id_`.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from extract.data import load_json

__all__ = ["Entry", "entries", "entry", "regional_member", "KnowledgeMatcher", "KnowledgeComponent", "known_spans",
           "KNOWLEDGE_COMPONENT", "SPANS_KEY", "BODY", "PROGRAMME"]

KNOWLEDGE_COMPONENT = "depeches_knowledge_v1"
SPANS_KEY = "knowledge"
BODY, PROGRAMME = "ORG", "PROG"


@dataclass(frozen=True)
class Entry:
    """A body or programme of the knowledge base."""

    name: str
    kind: str
    region: str | None
    label: str
    runner: str | None = None
    per_region: str | None = None  # a network of one member per region: "named" after it, or "carried" (a Dreets)


@lru_cache(maxsize=1)
def _data() -> dict:
    return load_json("kb.json")


@lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    """Every entry of the knowledge base by canonical name."""
    out = {}
    for section, label in (("bodies", BODY), ("programmes", PROGRAMME)):
        for row in _data()[section]:
            out[row["name"]] = Entry(row["name"], row.get("kind", "programme"), row.get("region"), label,
                                     row.get("runner"), row.get("per_region"))
    return out


def entry(name: str | None) -> Entry | None:
    """The entry of a canonical name, or None."""
    return entries().get(name) if name else None


@lru_cache(maxsize=None)
def regional_member(name: str | None, region: str | None) -> str | None:
    """The one body of a network that serves a region, named after the network ("Transitions Pro" and Bretagne:
    `Transitions Pro Bretagne`), or None: no such network, no member there, or several (the Crous of Paris, Créteil
    and Versailles)."""
    network = entry(name)
    if network is None or network.label != BODY or network.region is not None or region is None:
        return None
    members = [e.name for e in entries().values()
               if e.label == BODY and e.region == region and e.name.startswith(f"{network.name} ")]
    return members[0] if len(members) == 1 else None


def _forms(row: dict) -> tuple[list[str], list[str]]:
    """A row's names matched as written (acronyms, one-word names) and those matched whatever their case."""
    names = {row["name"], *row.get("aliases", ()), *row.get("former", ())}
    exact = set(row.get("acronyms", ())) | {n for n in names if " " not in n}
    # "l'ex-Direccte", "l'ex-Pôle emploi": a former body under its own name, whose first word the tokenizer keeps in
    # one piece with the prefix.
    folded = names - exact
    return sorted(exact | {f"ex-{n}" for n in exact}), sorted(folded | {f"ex-{n}" for n in folded})


class KnowledgeMatcher:
    """Finds the knowledge base's names in docs made with the tokenizer of `nlp`, or in texts (`find`)."""

    def __init__(self, nlp: Language) -> None:
        self.make_doc = nlp.make_doc
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.patterns: list[tuple[str, re.Pattern]] = []
        for section in ("bodies", "programmes"):
            for row in _data()[section]:
                exact, folded = _forms(row)
                self.exact.add(row["name"], list(nlp.tokenizer.pipe(exact)))
                self.folded.add(row["name"], list(nlp.tokenizer.pipe(folded)))
                if row.get("regex"):
                    self.patterns.append((row["name"], re.compile("|".join(row["regex"]))))

    def __call__(self, doc: Doc) -> list[Span]:
        """The longest names found, without overlaps, each labelled ORG or PROG with its canonical name as kb_id."""
        vocab: Vocab = doc.vocab
        found = [(vocab.strings[match_id], start, end) for matcher in (self.exact, self.folded)
                 for match_id, start, end in matcher(doc)]
        found += [(name, span.start, span.end) for name, pattern in self.patterns for match in pattern.finditer(doc.text)
                  if (span := doc.char_span(*match.span())) is not None]
        spans = [Span(doc, start, end, label=entries()[name].label, kb_id=name) for name, start, end in found
                 if _stands_alone(doc, start, end)]
        return sorted(filter_spans(spans), key=lambda span: span.start)

    def find(self, text: str) -> list[Span]:
        """The names found in a text, tokenised by the tokenizer of `nlp`."""
        return self(self.make_doc(text))


def _stands_alone(doc: Doc, start: int, end: int) -> bool:
    """A name is not part of a longer word: "FSU" in "Snesup-FSU" is not the FSU; "l'ex-Direccte" is the Direccte."""
    before = doc[start - 1] if start and not doc[start - 1].whitespace_ else None
    after = doc[end] if end < len(doc) and not doc[end - 1].whitespace_ else None
    if before is not None and before.text == "-" and start >= 2 and doc[start - 2].lower_ != "ex":
        return False
    return after is None or after.text != "-"


class KnowledgeComponent:
    """The pipeline's stage: the names of each doc in doc.spans[SPANS_KEY]. Its matcher also finds them in texts that
    are no doc of the pipeline (a text read without an acronym in brackets) as `known_spans` would, the pipeline's
    tokenizer having the rules of the blank French one that `known_spans` builds (at a cost, once a process)."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = KnowledgeMatcher(nlp)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[SPANS_KEY] = self.matcher(doc)
        return doc


@Language.factory(KNOWLEDGE_COMPONENT)
def make_knowledge_matcher(nlp: Language, name: str) -> KnowledgeComponent:
    return KnowledgeComponent(nlp)


@lru_cache(maxsize=1)
def _blank() -> tuple[Language, KnowledgeMatcher]:
    from extract.nlp import tune_tokenizer  # the pipeline's module imports this one

    nlp = spacy.blank("fr")
    tune_tokenizer(nlp)
    return nlp, KnowledgeMatcher(nlp)


def known_spans(text: str) -> list[Span]:
    """The knowledge base's names in a text, tokenised by French rules without a model (for use outside a pipeline).

    >>> [(s.text, s.label_, s.kb_id_) for s in known_spans("La CDC et le PIA financent l'université Rennes-II.")]
    [('CDC', 'ORG', 'Caisse des dépôts'), ('PIA', 'PROG', 'PIA'), ('université Rennes-II', 'ORG', 'Université Rennes 2')]
    """
    _, matcher = _blank()
    return matcher.find(text)
