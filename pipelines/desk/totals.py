"""Sums of events for the charts and summaries: what a region, a body or a year accounts for.

Only events that read as money committed count: amounts in euros, not per-unit amounts ("1 500 € par apprenti"),
not negative balances. A range counts for its lower bound. Each event counts once, however many articles repeat it.
"""

from dataclasses import dataclass
from typing import Callable, Iterable

from pipelines.desk.events import Event

__all__ = ["Sum", "Total", "counts_as_committed", "totals_by", "NO_BODY", "NO_REGION", "NO_YEAR"]

CURRENCY = "EUR"
NO_BODY = "Organisme non précisé"
NO_REGION = "Hors région (national, européen, étranger)"
NO_YEAR = "Sans date"


@dataclass(frozen=True)
class Sum:
    """The events of one group: their summed amount and how many they are."""

    label: str
    amount: float
    events: int


@dataclass(frozen=True)
class Total(Sum):
    """The events of one group: their summed amount, how many they are, and how many articles report them."""

    sources: int
    article_ids: tuple[str, ...]


def counts_as_committed(event: Event) -> bool:
    """Whether an event enters the sums: a positive amount in euros that is not counted per unit."""
    return event.currency == CURRENCY and event.per is None and event.amount > 0


def totals_by(events: Iterable[Event], key: Callable[[Event], str | None], missing: str) -> list[Total]:
    """Committed events summed by `key` (None becomes `missing`), largest total first."""
    groups: dict[str, list[Event]] = {}
    for event in events:
        if counts_as_committed(event):
            groups.setdefault(key(event) or missing, []).append(event)
    totals = []
    for label, members in groups.items():
        article_ids = tuple(dict.fromkeys(m.article_id for e in members for m in e.sources))
        totals.append(Total(label, sum(e.amount for e in members), len(members), len(article_ids), article_ids))
    return sorted(totals, key=lambda t: (-t.amount, t.label))
