"""Date ranking: for each amount, every date that could be its own, and "none", scored by a model trained on the gold
annotations; the best one is the fact's date.

The candidates are the dates of the amount's sentence, the lead's first period and budget year, the year its headline
gives the story, the day of the decision its lead reports, the date of the lead's first dated amount, the dates a
list's introduction gives its lines, and the rules' own pick (which may come from the sentence before). The sentence
before and the paragraph are left to the rules: as candidates of their own they cost more facts than they gain. Each gets features that say where it comes from and in
what setting (a unit amount, a compared amount, a national sentence, a list line, the lead…), independent of
particular sentences. The weights (a logistic regression, `make model`) are a data file, extract/data/dates_ranker.json.
"""

from dataclasses import dataclass

from extract.types import Amount, DateMention

__all__ = ["DateSetting", "date_candidates", "MODEL_FILE"]

MODEL_FILE = "dates_ranker.json"
# Precision of a value by its length: "2024", "2024-05", "2024-05-12".
PRECISIONS = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True)
class DateSetting:
    """What the date features look at around one amount; `sentence` and `lead` (its story's lead) hold the dates
    there that can date an amount (not those that say when a body was created…), `setting` names the flags of the
    amount's surroundings that hold."""

    amount: Amount
    picked: str | None
    how: str
    sentence: tuple[DateMention, ...]
    headline_year: str | None
    decision: str | None
    decision_body: bool
    story: str | None
    list_dates: tuple[str | None, str | None]
    setting: frozenset[str]
    lead: tuple[DateMention, ...]


def _sources(place: DateSetting) -> dict[str, set[str]]:
    """Each candidate value with the names of the places it comes from."""
    found: dict[str, set[str]] = {}

    def add(value: str | None, source: str) -> None:
        if value:
            found.setdefault(value, set()).add(source)

    amount = place.amount
    nearest = min(place.sentence, key=lambda d: abs(d.start - amount.start), default=None)
    for date in place.sentence:
        add(date.value, "sentence, before the amount" if date.end <= amount.start else "sentence, after the amount")
        if date.kind:
            add(date.value, f"sentence, {date.kind}")
    add(nearest.value if nearest else None, "nearest in sentence")
    for kind in ("period", "budget"):
        add(next((d.value for d in place.lead if d.kind == kind), None), f"lead's first {kind}")
    add(place.headline_year, "headline year")
    add(place.decision, "decision of the lead, its body's" if place.decision_body else "decision of the lead")
    add(place.story, "lead's first date")
    add(place.list_dates[0], "list heading")
    add(place.list_dates[1], "list introduction")
    add(place.picked, f"picked, {place.how}")
    return found


def date_candidates(place: DateSetting) -> list[tuple[str | None, dict[str, float]]]:
    """Every date that could be the amount's, then "none" (None), each with its features: where it comes from, crossed
    with the amount's setting, and its precision."""
    out = []
    for value, sources in _sources(place).items():
        values = {source: 1.0 for source in sources}
        values.update({f"{source} | {flag}": 1.0 for source in sources for flag in place.setting})
        values[f"precision {PRECISIONS.get(len(value), 'other')}"] = 1.0
        values["picked"] = float(value == place.picked)
        out.append((value, values))
    out.append((None, {"none": 1.0, "picked": float(place.picked is None),
                       **{f"none | {flag}": 1.0 for flag in place.setting}}))
    return out
