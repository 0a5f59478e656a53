"""Word vectors as ranking features: what the words around a body's mention mean, beyond the cue lists.

The mean of the French model's static word vectors over some tokens, scaled to a fixed length, one feature a
dimension ("context 0" … "context 299"). A model without static vectors (fr_core_news_sm) gives none: the ranker
then weighs the other features only.
"""

import numpy
from spacy.tokens import Span, Token

__all__ = ["mean_vector", "vector_features"]


def mean_vector(tokens: list[Token]) -> numpy.ndarray | None:
    """The mean static vector of the tokens that are no punctuation and have one; None when none has."""
    found = [t.vector for t in tokens if not t.is_punct and t.vocab.vectors.shape[0] and t.has_vector]
    return numpy.mean(found, axis=0) if found else None


def vector_features(tokens: list[Token] | Span, name: str, length: float) -> dict[str, float]:
    """The mean vector of these tokens as features "<name> 0", "<name> 1"…, scaled to `length`; {} without one."""
    vector = mean_vector(list(tokens))
    norm = float(numpy.linalg.norm(vector)) if vector is not None else 0.0
    if not norm:
        return {}
    return {f"{name} {i}": length * float(x) / norm for i, x in enumerate(vector)}
