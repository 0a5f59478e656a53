"""Plain records that cross stage boundaries: they pickle, so the same extraction runs anywhere."""

from dataclasses import asdict, dataclass

__all__ = ["Amount", "DateMention", "Mention", "Fact", "as_dict"]


@dataclass(frozen=True)
class Amount:
    """A money amount found in a text, with character offsets into it."""

    start: int
    end: int
    text: str
    value: float
    value_max: float | None
    currency: str
    qualifier: str
    per: str | None


@dataclass(frozen=True)
class DateMention:
    """A date expression and its normalised value at its own precision (YYYY, YYYY-MM, YYYY-MM-DD); `kind` tells a
    span of years ("period", valued at its start year) and a budget's year ("budget", "BP 2025") from other dates."""

    start: int
    end: int
    text: str
    value: str
    cue: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Mention:
    """An entity mention: label (ORG, PER, LOC, MONEY, DATE), text, normalised form, offsets."""

    label: str
    text: str
    norm: str
    start: int
    end: int
    region: str | None = None


@dataclass(frozen=True)
class Fact:
    """A money amount with its attribution, as defined by the fact specification."""

    amount: float
    amount_max: float | None
    currency: str
    qualifier: str
    per: str | None
    body: str | None
    body_role: str | None
    date: str | None
    region: str | None
    sentence: str
    start: int
    end: int
    confidence: float


def as_dict(record) -> dict:
    """A record as a JSON-ready dict, whole numbers written without a decimal part."""
    out = asdict(record)
    for key, value in out.items():
        if isinstance(value, float) and value.is_integer():
            out[key] = int(value)
    return out
