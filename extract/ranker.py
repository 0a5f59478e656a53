"""Body ranking: for each amount, every body the page names, the bodies running the programmes it names (and "none")
scored by a model trained on the gold annotations; the best one is the fact's body.

Each candidate gets features that say why it could fit, independent of particular sentences: where it is named
(the amount's sentence, the one before, the paragraph, the headline, the lead), how far from the amount and on which
side, whether another amount stands between, whether it is the subject or agent of a verb governing the amount and
what kind of verb, what the words around its mention mean (word vectors), how often the page names it, what kind of
body it is, whether it runs a programme named, and whether the rule cascade of extract/facts.py picked it. The
weights (a logistic regression, `make model`) are a data file, extract/data/ranker.json, read once per process;
`rank` serves the date ranker (extract/dating.py) as well.
"""

import math
import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy
from spacy.tokens import Doc, Span, Token

from extract.cues import AGENT_BEFORE, CLAUSE_BREAK
from extract.data import load_json
from extract.knowledge import entry
from extract.types import Amount, Mention
from extract.vectors import block_names, is_block, vector_features

__all__ = ["Place", "Page", "page", "candidates", "rank", "choose", "load_model", "models_in_place", "Weights",
           "MODEL_FILE"]

MODEL_FILE = "ranker.json"
# Kinds of bodies of the knowledge base the ranker tells apart; others count as "other".
KINDS = ("region", "departement", "university", "school", "comue", "operator", "agency", "ministry", "state",
         "social_partner", "european", "network", "local_authority")
# Dependency paths longer than this say only "far".
MAX_PATH = 8
# A body this close before the amount, with no clause break between, stands right next to it.
ADJACENT = 45
# The words on each side of a body's mention whose meaning the ranker weighs ("versée par", "aux Crous pour"), and
# the length of their mean vector. Measured over ten folds of articles drawn four ways: body ranker 0.838 → 0.844
# with the features that say whether another amount stands between (either alone gains about 0.001); lengths 1 and
# 10 and windows of 2 and 3 words did less well.
CONTEXT_WORDS = 5
CONTEXT_LENGTH = 3.0
# The words before the amount (and CONTEXT_WORDS after) whose meaning "none" weighs; measured the same way: 0.844 →
# 0.847, corpus/heldout 0.864 → 0.869 (twelve words: 0.847 and 0.865).
AMOUNT_WORDS = 8
# The names of the two blocks of word-vector features (see extract/vectors.py): the words around a candidate's
# mention, and those around the amount.
CONTEXT, AMOUNT_WORDS_BLOCK = "context", "amount words"
# A body this close after the amount, linked by "de" or "par", owns it ("12 M€ de la Région").
OWNER_AFTER = 25
OWNER_GAP = re.compile(r"\s*(?:de|par)\s+(?:la |le |l'|les |du )?")


@dataclass(frozen=True)
class Place:
    """Where an amount stands on its page: what the features look at. Spans are character offsets."""

    text: str
    amount: Amount
    sentence: tuple[int, int]
    previous: tuple[int, int] | None
    paragraph: tuple[int, int]
    subjects: tuple[tuple[int, int, str], ...]
    funding: bool
    receiving: bool
    national: bool
    listed: bool
    anaphora: bool
    main: str | None
    decision: str | None
    doc: Doc | None = None
    runners: tuple[Mention, ...] = ()  # the programmes of the sentence, each named by the body that runs it
    runner: str | None = None  # the body running the programme of the sentence, or else of the headline
    appended: bool = False  # the amount belongs to an older dispatch appended after the lead
    cost: bool = False  # the words before the amount call it a cost, a price or an average
    siblings: tuple[tuple[int, int], ...] = ()  # the other amounts of the sentence


def _inside(mentions: list[Mention], span: tuple[int, int] | None) -> list[Mention]:
    return [m for m in mentions if span is not None and span[0] <= m.start < span[1]]


def _path(a: Token, b: Token) -> int:
    """The number of dependency arcs between two tokens of one sentence."""
    depth = {}
    for steps, token in enumerate([a, *a.ancestors]):
        depth[token.i] = steps
    for steps, token in enumerate([b, *b.ancestors]):
        if token.i in depth:
            return depth[token.i] + steps
    return MAX_PATH


def _clause_head(token: Token) -> int:
    """The verb (or root) whose clause holds the token."""
    for ancestor in [token, *token.ancestors]:
        if ancestor.pos_ in ("VERB", "AUX") or ancestor.dep_ == "ROOT":
            return ancestor.i
    return token.i


@dataclass(frozen=True)
class Page:
    """What the candidates of every amount of a page share, found once a page: its bodies, by name too, those of its
    headline, and for each name whether the headline or the lead names it and its kind of body."""

    orgs: list[Mention]
    by_name: dict[str, list[Mention]]
    headline: list[Mention]
    in_headline: dict[str, bool]
    in_lead: dict[str, bool]
    kinds: dict[str, str]


def page(orgs: list[Mention], headline_end: int, lead: int) -> Page:
    """The page of these bodies, its headline ending at `headline_end` and its lead at `lead`."""
    by_name = _by_name(orgs)
    return Page(orgs, by_name, [m for m in orgs if m.end <= headline_end],
                {norm: any(m.end <= headline_end for m in found) for norm, found in by_name.items()},
                {norm: any(m.start < lead for m in found) for norm, found in by_name.items()},
                {norm: _kind(norm) for norm in by_name})


def _kind(norm: str) -> str:
    known = entry(norm)
    return known.kind if known and known.kind in KINDS else "other"


@dataclass(frozen=True)
class _Around:
    """What every candidate of one amount is compared with, found once: the bodies of its sentence and paragraph (and
    their mentions there by name), the names of the sentence before, the nearest body's distance, the headline's
    bodies, the amount's token with its clause, and the sentence's tokens."""

    sentence: list[Mention]
    paragraph: list[Mention]
    nearest: int | None
    root: Token | None
    clause: int | None
    in_sentence: dict[str, list[Mention]]
    in_paragraph: dict[str, list[Mention]]
    in_previous: frozenset[str]
    tokens: Span | None = None
    last_before: int | None = None  # where the last body named since the sentence's amount before this one ends


def _by_name(mentions: list[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = {}
    for mention in mentions:
        out.setdefault(mention.norm, []).append(mention)
    return out


def _around(place: Place, orgs: list[Mention]) -> _Around:
    sentence, paragraph = _inside(orgs, place.sentence), _inside(orgs, place.paragraph)
    span = place.doc.char_span(place.amount.start, place.amount.end, alignment_mode="expand") if place.doc else None
    root = span.root if span is not None else None
    return _Around(sentence, paragraph, min((abs(m.start - place.amount.start) for m in sentence), default=None),
                   root,
                   _clause_head(root) if root is not None else None, _by_name(sentence), _by_name(paragraph),
                   frozenset(m.norm for m in _inside(orgs, place.previous)),
                   place.doc.char_span(*place.sentence, alignment_mode="expand") if place.doc else None,
                   _last_before(place, sentence))


def _tree(place: Place, around: _Around, in_sentence: list[Mention]) -> dict[str, float]:
    if around.root is None or not in_sentence:
        return {}
    heads = [place.doc.char_span(m.start, m.end, alignment_mode="expand") for m in in_sentence]
    heads = [h.root for h in heads if h is not None]
    if not heads:
        return {}
    paths = [min(_path(around.root, h), MAX_PATH) for h in heads]
    return {"dependency path": min(paths) / MAX_PATH,
            "same clause": any(_clause_head(h) == around.clause for h in heads)}


def _syntax(place: Place, in_sentence: list[Mention]) -> dict[str, float]:
    def held(dep_test):
        return any(s <= m.start < e and dep_test(d) for m in in_sentence for s, e, d in place.subjects)

    subject, agent = held(lambda d: d != "obl:agent"), held(lambda d: d == "obl:agent")
    text, amount = place.text, place.amount
    return {"subject": subject, "agent": agent, "subject of funding": place.funding and (subject or agent),
            "subject of receiving": place.receiving and (subject or agent),
            "par before": any(AGENT_BEFORE.search(text[max(0, m.start - 12):m.start]) for m in in_sentence),
            "owner after": any(0 <= m.start - amount.end <= OWNER_AFTER
                               and OWNER_GAP.fullmatch(text[amount.end:m.start]) for m in in_sentence)}


def _position(place: Place, around: _Around, norm: str, mentions: list[Mention], on_page: Page) -> dict[str, float]:
    in_sentence, in_paragraph = around.in_sentence.get(norm, []), around.in_paragraph.get(norm, [])
    values = {"in sentence": bool(in_sentence), "in previous sentence": norm in around.in_previous,
              "in headline": on_page.in_headline[norm], "in lead": on_page.in_lead[norm],
              "in the lead of another story": place.appended and on_page.in_lead[norm]}
    values.update(_in_sentence(place, around, in_sentence) if in_sentence else ABSENT_FROM_SENTENCE)
    values.update({"in paragraph": bool(in_paragraph),
                   "first in paragraph": bool(around.paragraph) and around.paragraph[0].norm == mentions[0].norm,
                   "paragraph log count": math.log1p(len(in_paragraph))})
    if in_sentence:
        values.update(_syntax(place, in_sentence))
        values.update(_tree(place, around, in_sentence))
        values.update(_context(place, around, in_sentence))
    else:
        values.update(NO_SYNTAX)
    return values


def _words_around(sentence: Span | None, start: int, end: int, before: int, after: int,
                  inside: bool = False) -> list[int]:
    """Where the words of the amount's sentence stand (token positions) just before (`before` of them) and after
    (`after`) a span, and with `inside` those of the span too."""
    if sentence is None:
        return []
    span = sentence.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    middle = range(span.start, span.end) if inside else ()
    return [*range(max(sentence.start, span.start - before), span.start), *middle,
            *range(span.end, min(sentence.end, span.end + after))]


def _context(place: Place, around: _Around, in_sentence: list[Mention]) -> dict[str, float]:
    """The meaning of the words around the candidate's mention nearest the amount, within the sentence."""
    nearest = min(in_sentence, key=lambda m: abs(m.start - place.amount.start))
    words = _words_around(around.tokens, nearest.start, nearest.end, CONTEXT_WORDS, CONTEXT_WORDS)
    return vector_features(place.doc, words, CONTEXT, CONTEXT_LENGTH)


def _amount_words(place: Place, around: _Around) -> dict[str, float]:
    """The meaning of the words around the amount (what "none" weighs: a cost, a threshold, a comparison…)."""
    words = _words_around(around.tokens, place.amount.start, place.amount.end, AMOUNT_WORDS, CONTEXT_WORDS,
                          inside=True)
    return vector_features(place.doc, words, AMOUNT_WORDS_BLOCK, CONTEXT_LENGTH)


def _in_sentence(place: Place, around: _Around, in_sentence: list[Mention]) -> dict[str, float]:
    """Where a candidate named in the amount's sentence stands from it."""
    amount = place.amount
    before = [m for m in in_sentence if m.end <= amount.start]
    after = [m for m in in_sentence if m.start >= amount.end]
    distance = min(abs(m.start - amount.start) for m in in_sentence)
    gap = place.text[before[-1].end:amount.start] if before else ""
    return {"log distance": math.log1p(distance), "before": bool(before), "after only": bool(after) and not before,
            "adjacent before": bool(before) and amount.start - before[-1].end <= ADJACENT
            and not CLAUSE_BREAK.search(gap),
            "clause break between": bool(before) and bool(re.search(r"[;:]", gap)),
            "amount between": all(_amount_between(place, m) for m in in_sentence),
            "last before since an amount": bool(before) and before[-1].end == around.last_before,
            "nearest in sentence": distance == around.nearest,
            "alone in sentence": len({m.norm for m in around.sentence}) == 1}


def _amount_between(place: Place, mention: Mention) -> bool:
    """Another amount of the sentence stands between the mention and the amount."""
    if mention.end <= place.amount.start:
        low, high = mention.end, place.amount.start
    else:
        low, high = place.amount.end, mention.start
    return any(low <= start and end <= high for start, end in place.siblings)


def _last_before(place: Place, sentence: list[Mention]) -> int | None:
    """Where the last body named between the sentence's amount before this one (or its start) and this one ends,
    among the sentence's bodies."""
    floor = max((end for start, end in place.siblings if end <= place.amount.start), default=place.sentence[0])
    ends = [m.end for m in sentence if floor <= m.start and m.end <= place.amount.start]
    return ends[-1] if ends else None


# The features of _in_sentence and _syntax for a candidate the amount's sentence does not name.
ABSENT_FROM_SENTENCE = {"log distance": 0.0, "before": False, "after only": False, "adjacent before": False,
                        "clause break between": False, "amount between": False, "last before since an amount": False,
                        "nearest in sentence": False, "alone in sentence": False}
NO_SYNTAX = {"subject": False, "agent": False, "subject of funding": False, "subject of receiving": False,
             "par before": False, "owner after": False}


def _story(place: Place, around: _Around, norm: str, mentions: list[Mention], on_page: Page) -> dict[str, float]:
    kind = on_page.kinds[norm]
    return {"log count": math.log1p(len(mentions)), "share": len(mentions) / max(1, len(on_page.orgs)),
            "main": norm == place.main, "main, national sentence": norm == place.main and place.national,
            "main, list line": norm == place.main and place.listed,
            "first in headline": bool(on_page.headline) and on_page.headline[0].norm == norm,
            "decision body": norm == place.decision,
            "anaphora, previous sentence": place.anaphora and norm in around.in_previous,
            "anaphora, main": place.anaphora and norm == place.main, f"kind {kind}": True,
            "state, national sentence": kind == "state" and place.national}


def _runs(place: Place, norm: str) -> dict[str, float]:
    """Whether the candidate runs a programme the sentence (or failing that the headline) names, and one that is the
    subject of a verb governing the amount."""
    runs = [r for r in place.runners if r.norm == norm]
    return {"runs a programme of the sentence": bool(runs), "runs the programme named": norm == place.runner,
            "runs a programme subject": any(s <= r.start < e for r in runs for s, e, _ in place.subjects)}


def candidates(place: Place, on_page: Page, picked: str | None) -> list[tuple[str | None, dict[str, float]]]:
    """Every body the page names, the bodies running the programmes named, "none" (None), and the body the cascade
    picked, each with its features."""
    by_name = on_page.by_name
    around = _around(place, on_page.orgs)
    out = []
    for norm, mentions in by_name.items():
        values = {**_position(place, around, norm, mentions, on_page), **_story(place, around, norm, mentions, on_page),
                  **_runs(place, norm), "picked": norm == picked}
        out.append((norm, values))
    runners = {r.norm for r in place.runners} | ({place.runner} if place.runner else set())
    for norm in sorted(runners - set(by_name)):
        out.append((norm, {**_runs(place, norm), "picked": norm == picked, "named nowhere": True}))
    if picked is not None and picked not in by_name and picked not in runners:
        out.append((picked, {"picked": True, "picked, named nowhere": True}))
    out.append((None, {"none": True, "none, no body in sentence": not around.sentence, "none, national": place.national,
                       "none, per unit": place.amount.per is not None, "none, no main body": place.main is None,
                       "none, list line": place.listed, "none, cost": place.cost, "picked": picked is None,
                       **_amount_words(place, around)}))
    return out


@lru_cache(maxsize=None)
def load_model(name: str = MODEL_FILE) -> dict:
    """A shipped ranker, the body ranker by default: {"features": [...], "weights": [...], ...} (no intercept: it
    would not change a ranking); {} when none has been trained yet."""
    try:
        return load_json(name)
    except FileNotFoundError:
        return {}


class Weights:
    """A ranker's weights by feature name, and those of a block's dimensions as one vector (see extract/vectors.py)."""

    def __init__(self, model: dict) -> None:
        self.by_name = dict(zip(model.get("features", ()), model.get("weights", ())))
        self._blocks: dict[tuple[str, int], numpy.ndarray] = {}

    def block(self, name: str, size: int) -> numpy.ndarray:
        key = (name, size)
        if key not in self._blocks:
            self._blocks[key] = numpy.array([self.by_name.get(n, 0.0) for n in block_names(name, size)])
        return self._blocks[key]

    def score(self, values: dict) -> float:
        """The sum of the candidate's values by their weights, summed exactly so that the features' order is no
        matter (a block's dimensions as one product)."""
        blocks, plain = [], {}
        for name, value in values.items():
            if is_block(value):
                blocks.append(name)
            else:
                plain[name] = value
        terms = [float(self.block(name, len(values[name])) @ values[name]) for name in sorted(blocks)]
        return math.fsum([*terms, *map(operator.mul, map(self.by_name.get, plain, repeat(0.0)), plain.values())])


@lru_cache(maxsize=None)
def _shipped_weights(name: str = MODEL_FILE) -> Weights:
    return Weights(load_model(name))


# Weights standing in for shipped models, by file name, while `models_in_place` runs.
_IN_PLACE: dict[str, Weights] = {}


@contextmanager
def models_in_place(models: dict[str, dict]):
    """Rank with these models instead of the shipped ones of the same file names while inside (training on folds)."""
    _IN_PLACE.update({name: Weights(model) for name, model in models.items()})
    try:
        yield
    finally:
        _IN_PLACE.clear()


def rank(found: list[tuple[str | None, dict[str, float]]],
         model: dict | Weights | str | None = None) -> tuple[str | None, float]:
    """The candidate with the highest score and its margin over the next best (0 when alone); between equal scores,
    the first. `model` is a model or its `Weights` (read once for many rankings), or the file name of a shipped one
    (the body ranker's by default)."""
    if isinstance(model, Weights):
        weights = model
    elif isinstance(model, dict):
        weights = Weights(model)
    else:
        weights = _IN_PLACE.get(model or MODEL_FILE) or _shipped_weights(model or MODEL_FILE)
    if not weights.by_name:  # no model trained yet: the cascade's pick
        return next(norm for norm, values in found if values.get("picked")), 0.0
    scores = [weights.score(values) for _, values in found]
    best = max(range(len(found)), key=lambda i: scores[i])
    others = [scores[i] for i in range(len(found)) if i != best]
    return found[best][0], (scores[best] - max(others)) if others else 0.0


def choose(found: list[tuple[str | None, dict[str, float]]], model: dict | Weights | str | None = None) -> str | None:
    """The best candidate (see `rank`)."""
    return rank(found, model)[0]
