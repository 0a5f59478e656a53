"""Word vectors as ranking features: what the words around a body's mention mean, beyond the cue lists.

The mean of the French model's static word vectors over some tokens, scaled to a fixed length: one feature a
dimension ("context 0" … "context 299"), kept as one block (the vector under its name, "context") until a model is
fitted on them (`expanded`), so that a candidate's dimensions cost one product to score. A model without static
vectors (fr_core_news_sm) gives none: the ranker then weighs the other features only.
"""

from functools import lru_cache

import numpy
from spacy.attrs import IS_PUNCT, ORTH
from spacy.tokens import Doc

__all__ = ["mean_vector", "vector_features", "is_block", "expanded", "block_names"]

# Where a doc keeps the row of each of its tokens in the static vectors, found once.
ROWS_KEY = "depeches.vector_rows"


def _rows(doc: Doc) -> numpy.ndarray:
    """The row of each token of the doc in the model's static vectors: -1 for punctuation and words without one."""
    rows = doc.user_data.get(ROWS_KEY)
    if rows is None or len(rows) != len(doc):
        words = doc.to_array([ORTH, IS_PUNCT])
        rows = doc.vocab.vectors.find(keys=words[:, 0])
        rows[words[:, 1] == 1] = -1
        doc.user_data[ROWS_KEY] = rows
    return rows


def mean_vector(doc: Doc, positions: list[int]) -> numpy.ndarray | None:
    """The mean static vector of the doc's tokens at these positions that are no punctuation and have one; None when
    none has."""
    if not positions or not doc.vocab.vectors.shape[0]:
        return None
    vectors = doc.vocab.vectors
    rows = _rows(doc)[positions]
    rows = rows[rows >= 0]
    return numpy.mean(vectors.data[rows], axis=0) if len(rows) else None


@lru_cache(maxsize=None)
def block_names(name: str, size: int) -> tuple[str, ...]:
    """The features a block of `size` dimensions stands for: "<name> 0", "<name> 1"…"""
    return tuple(f"{name} {i}" for i in range(size))


def vector_features(doc: Doc, positions: list[int], name: str, length: float) -> dict[str, numpy.ndarray]:
    """The mean vector of the doc's tokens at these positions scaled to `length`, as the block {name: vector} (see
    `expanded`); {} without one."""
    vector = mean_vector(doc, positions)
    norm = float(numpy.linalg.norm(vector)) if vector is not None else 0.0
    if not norm:
        return {}
    return {name: vector.astype(numpy.float64) * length / norm}


def is_block(value) -> bool:
    """Whether a feature value is a block of dimensions rather than one number."""
    return isinstance(value, numpy.ndarray)


def expanded(values: dict) -> dict[str, float]:
    """Feature values with each block spread into its features, one a dimension: {"context": [0.5, …]} gives
    {"context 0": 0.5, …}."""
    out = {}
    for name, value in values.items():
        if is_block(value):
            out.update(zip(block_names(name, len(value)), value.tolist()))
        else:
            out[name] = value
    return out
