"""Confidence: the probability that a fact's body, date and region are all right, from a logistic model.

The model is trained on the gold annotations (`make model`, see pipelines/train.py) over features that say how each
field was decided and how crowded the amount's surroundings are; its weights are a data file
(extract/data/confidence.json), read once per process. The features are independent of particular sentences: the
way each field was found, counts of bodies, dates and amounts around the amount, where it stands on the page.
"""

import math
from functools import lru_cache

from extract.cues import BULLETS
from extract.data import load_json

__all__ = ["features", "log_terms", "probability", "load_model", "MODEL_FILE"]

MODEL_FILE = "confidence.json"
# Counts are capped and scaled to [0, 1]: beyond these, one more body, date or amount says little more.
MAX_BODIES = 4
MAX_DATES = 3
MAX_AMOUNTS = 6
# A body (or date) a ranker puts this far ahead of the next (in log-odds) is as sure as the ranking gets.
MAX_MARGIN = 4.0


def features(*, body: str | None, body_how: str, date: str | None, date_how: str, region_how: str,
             bodies_in_sentence: int, dates_in_sentence: int, amounts_in_sentence: int, ranker_margin: float,
             date_margin: float, known_body: bool, main_body: bool, headline: bool, lead: bool, appended: bool,
             published: bool, line_before: str, position: float) -> dict[str, float]:
    """The features of one attributed amount, by name; absent names count as 0."""
    out = {f"body:{body_how}": 1.0, f"date:{date_how}": 1.0, f"region:{region_how}": 1.0,
           "bodies in sentence": min(bodies_in_sentence, MAX_BODIES) / MAX_BODIES,
           "dates in sentence": min(dates_in_sentence, MAX_DATES) / MAX_DATES,
           "amounts in sentence": min(amounts_in_sentence, MAX_AMOUNTS) / MAX_AMOUNTS,
           "ranker margin": min(ranker_margin, MAX_MARGIN) / MAX_MARGIN,
           "date ranker margin": min(date_margin, MAX_MARGIN) / MAX_MARGIN,
           "position": position}
    flags = {"body known": body is not None and known_body, "body is the story's": body is not None and main_body,
             "day precision": date is not None and len(date) == 10, "headline": headline, "lead": lead,
             "appended story": appended, "published": published,
             "bullet or table line": line_before.lstrip().startswith(BULLETS) or ":" in line_before}
    out.update({name: 1.0 for name, on in flags.items() if on})
    return out


@lru_cache(maxsize=1)
def load_model() -> dict:
    """The shipped model: {"features": [...], "weights": [...], "intercept": float, "recalibration": [a, b, c], ...};
    the regression's probability p becomes that of a·ln p + b·ln(1 - p) + c, as fitted on held-out folds (p held where
    that map rises, see _rising_side)."""
    return load_json(MODEL_FILE)


def log_terms(p: float) -> tuple[float, float]:
    """The logarithms of p and of 1 - p (kept away from 0): what the recalibration weighs."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p), math.log(1 - p)


def _weights(model: dict) -> dict[str, float]:
    return dict(zip(model["features"], model["weights"]))


@lru_cache(maxsize=1)
def _shipped_weights() -> dict[str, float]:
    return _weights(load_model())


def probability(values: dict[str, float], model: dict | None = None) -> float:
    """The model's probability for these features (the shipped model unless one is given), recalibrated as fitted
    on held-out folds."""
    weights = _weights(model) if model else _shipped_weights()
    model = model or load_model()
    score = model["intercept"] + math.fsum(weights.get(name, 0.0) * value for name, value in values.items())
    found = 1.0 / (1.0 + math.exp(-score))
    if "recalibration" not in model:
        return found
    low, high, constant = model["recalibration"]
    ln_p, ln_q = log_terms(_rising_side(found, low, high))
    return 1.0 / (1.0 + math.exp(-(low * ln_p + high * ln_q + constant)))


def _rising_side(p: float, low: float, high: float) -> float:
    """p held on the side of the recalibration's turning point where the map rises: with weights a of ln p and b of
    ln(1 - p) of the same sign, the map turns at a / (a + b); below it (both negative) or above it (both positive) a
    surer regression would give a less sure fact, so p stops there."""
    if low < 0 and high < 0:
        return max(p, low / (low + high))
    if low > 0 and high > 0:
        return min(p, low / (low + high))
    return p
