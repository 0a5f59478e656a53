"""Word vectors as ranking features: what the words around a body's mention mean, beyond the cue lists.

The mean of the French model's static word vectors over some tokens, scaled to a fixed length, one feature a
dimension ("context 0" … "context 299"). A model without static vectors (fr_core_news_sm) gives none: the ranker
then weighs the other features only.
"""

from functools import lru_cache

import numpy
from spacy.tokens import Span, Token

__all__ = ["mean_vector", "vector_features"]


def mean_vector(tokens: list[Token]) -> numpy.ndarray | None:
    """The mean static vector of the tokens that are no punctuation and have one; None when none has."""
    if not tokens or not tokens[0].vocab.vectors.shape[0]:
        return None
    vectors = tokens[0].vocab.vectors
    rows = vectors.find(keys=[t.orth for t in tokens if not t.is_punct])
    rows = rows[rows >= 0]
    return numpy.mean(vectors.data[rows], axis=0) if len(rows) else None


@lru_cache(maxsize=None)
def _names(name: str, size: int) -> tuple[str, ...]:
    return tuple(f"{name} {i}" for i in range(size))


def vector_features(tokens: list[Token] | Span, name: str, length: float) -> dict[str, float]:
    """The mean vector of these tokens as features "<name> 0", "<name> 1"…, scaled to `length`; {} without one."""
    vector = mean_vector(list(tokens))
    norm = float(numpy.linalg.norm(vector)) if vector is not None else 0.0
    if not norm:
        return {}
    return dict(zip(_names(name, len(vector)), (vector.astype(numpy.float64) * length / norm).tolist()))
