"""The spaCy pipeline of depeches, assembled once: the French model plus the depeches stages."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy
import spacy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from extract import DEFAULT_MODEL, TEXT_KEY, amounts, dates, entities, facts, knowledge  # noqa: F401  (registers the components)
from extract.types import Fact, Mention

__all__ = ["DEFAULT_MODEL", "MODEL_COMPONENTS", "shipped_components", "tune_tokenizer", "load", "Extraction", "extract_docs"]

# Model components the stages use: the parser (sentences, attribution), the tagger's parts of speech, the NER.
MODEL_COMPONENTS = ("tok2vec", "morphologizer", "parser", "ner")
STAGES = (knowledge.KNOWLEDGE_COMPONENT, entities.ENTITIES_COMPONENT, amounts.AMOUNTS_COMPONENT, dates.DATES_COMPONENT, facts.FACTS_COMPONENT)
SENTENCES_COMPONENT = "depeches_lines_v1"
BATCH_SIZE = 32


@dataclass(frozen=True)
class Extraction:
    """What the stages found in one text: its facts and its entity mentions (MONEY and DATE included)."""

    facts: list[Fact] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    main_region: str | None = None
    # The confidence features of each fact, in the order of `facts` (extract/confidence.py), its body candidates
    # with their features (extract/ranker.py) and its date candidates (extract/dating.py).
    features: list[dict[str, float]] = field(default_factory=list)
    candidates: list[list[tuple[str | None, dict[str, float]]]] = field(default_factory=list)
    date_candidates: list[list[tuple[str | None, dict[str, float]]]] = field(default_factory=list)


# A full stop after a currency sign ends the sentence: "48 M€." is "48", "M€", "." (the model keeps "M€." whole).
CURRENCY_FULL_STOP = r"|(?<=[€$£¥])\.$"
# ... and so does a full stop after an acronym: "U2P." is "U2P", "." (the model keeps it whole as an abbreviation).
ACRONYM_FULL_STOP = r"|(?<=[A-Z0-9][A-Z0-9])\.$"
# A name written with the Breton "c'h" is one word ("Le Floc'h", "Kerc'hove"), not an elided one and the rest.
BRETON_NAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]*c['’]h[a-zà-ÿ]*$")
# Within a line, a sentence starts only after these: never inside "Opco Commerce : 1 180 M€" or "Centre-Val de Loire".
SENTENCE_END = {".", "!", "?", "…", "»", '"', "...", ".»", '."'}


_END_IDS = numpy.array(sorted(get_string_id(s) for s in SENTENCE_END), dtype="uint64")
# What closes a quotation or a bracket: after end punctuation it stays in the sentence it closes ("… fin. »").
CLOSING = {"»", ")", "]", "”"}
# A word this short before a full stop and a number is an abbreviation ("env. 3 M€", "fév. 2024", "art. 12").
ABBREVIATION_MAX = 4


@Language.component(SENTENCES_COMPONENT)
def lines_component(doc: Doc) -> Doc:
    """A line break always ends a sentence (one paragraph a line); within a line only end punctuation may, and not all
    of it (see _ends_no_sentence).

    A token's trailing whitespace is one space at most: a line break is a whitespace token of its own."""
    if not len(doc):
        return doc
    attrs = doc.to_array([ORTH, IS_SPACE])
    after = numpy.where(attrs[:-1, 1] == 1, 1, numpy.where(numpy.isin(attrs[:-1, 0], _END_IDS), 0, -1))
    starts = numpy.concatenate([[1], after]).astype("int64")
    for i in numpy.flatnonzero(starts[1:] == 0) + 1:
        if _ends_no_sentence(doc[i - 1], doc[i]):
            starts[i] = -1
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def _ends_no_sentence(stop: Token, word: Token) -> bool:
    """End punctuation that ends no sentence: the word after it is in lower case ("3 Md. d'euros", "12 000 hab. de la
    commune", "« … » estime-t-elle"), it opens a quotation ('P102 "Accès et retour à l'emploi"'), a closing quote or
    bracket follows it ("… la fin. »"), or it is the full stop of a short word in lower case before a number ("env.
    3 M€", "le 15 fév. 2024")."""
    before = stop.nbor(-1) if stop.i else None
    opening = stop.text == '"' and not stop.whitespace_ and before is not None and bool(before.whitespace_)
    closing = word.text in CLOSING or (word.text == '"' and not stop.whitespace_)
    if word.text[:1].islower() or opening or closing:
        return True
    return (stop.text == "." and word.is_digit and before is not None and before.is_alpha and before.is_lower
            and len(before) <= ABBREVIATION_MAX and not before.whitespace_)


def shipped_components(model: str) -> list[str]:
    """The components a model package or folder ships, read from its meta without loading any."""
    if Path(model).exists():
        return spacy.util.get_model_meta(Path(model))["components"]
    if spacy.util.is_package(model):
        return spacy.util.get_model_meta(spacy.util.get_package_path(model))["components"]
    return []  # spaCy's own error names what is missing


def tune_tokenizer(nlp: Language) -> None:
    """Split a full stop off a currency sign or an acronym (see CURRENCY_FULL_STOP, ACRONYM_FULL_STOP); keep a
    Breton name whole (see BRETON_NAME)."""
    pattern = nlp.tokenizer.suffix_search.__self__.pattern
    nlp.tokenizer.suffix_search = re.compile(pattern + CURRENCY_FULL_STOP + ACRONYM_FULL_STOP).search
    model_match = nlp.tokenizer.token_match
    nlp.tokenizer.token_match = lambda text: BRETON_NAME.match(text) or (model_match(text) if model_match else None)


@lru_cache(maxsize=2)
def load(model: str = DEFAULT_MODEL) -> Language:
    """The French model with only the components the stages need, and the depeches stages after it."""
    nlp = spacy.load(model, exclude=[name for name in shipped_components(model) if name not in MODEL_COMPONENTS])
    tune_tokenizer(nlp)
    nlp.add_pipe(SENTENCES_COMPONENT, before="parser")
    for stage in STAGES:
        nlp.add_pipe(stage)
    return nlp


def _money_norm(value: float, currency: str) -> str:
    """An amount in plain digits and its currency: 3700000.0 → '3700000 EUR', 1500.5 → '1500.5 EUR'."""
    return f"{value:f}".rstrip("0").rstrip(".") + " " + currency


def _extraction(doc: Doc, details: bool = False) -> Extraction:
    mentions = list(doc._.mentions)
    mentions += [Mention("MONEY", a.text, _money_norm(a.value, a.currency), a.start, a.end) for a in doc._.amounts]
    mentions += [Mention("DATE", d.text, d.value, d.start, d.end) for d in doc._.dates]
    found = ([], [], [])
    if details:
        found = tuple(doc.user_data.get(key, []) for key in (facts.FEATURES_KEY, facts.CANDIDATES_KEY,
                                                              facts.DATE_CANDIDATES_KEY))
    return Extraction(list(doc._.facts), sorted(mentions, key=lambda m: (m.start, m.label)), doc._.main_region, *found)


def extract_docs(nlp: Language, items: Iterable[tuple[str, str | None]], batch_size: int = BATCH_SIZE,
                 details: bool = False) -> Iterator[Extraction]:
    """Extract (clean text, publication date) pairs in batches, yielding one Extraction per item, in order; with
    `details`, each also holds its facts' confidence features and body and date candidates (for evaluation and
    training)."""
    def docs():
        for text, published in items:
            doc = nlp.make_doc(text)
            doc.user_data[TEXT_KEY] = text
            doc._.published = published
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield _extraction(doc, details)
