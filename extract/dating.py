"""Dates: the date the rules give an amount, and the date ranker that has the last word.

The rules read the amount's sentence (the nearest date of its clause, not a horizon or a compared year), a list's
introduction, what its story gives it (the line it breaks down, the decision of the lead for the deciding body's
money, the headline's year) and the sentence before for an amount taking up a body named there.

The ranker then scores every date that could be the amount's, and "none", with a model trained on the gold
annotations; the best one is the fact's date. The candidates are the dates of the amount's sentence, the lead's first
period and budget year, the year its headline gives the story, the day of the decision its lead reports, the date of
the lead's first dated amount, the dates a list's introduction gives its lines, and the rules' pick. The sentence
before and the paragraph are left to the rules: as candidates of their own they cost more facts than they gain. Each
candidate gets features that say where it comes from, crossed with the amount's setting (a unit amount, a compared
amount, a national sentence, a list line, the lead, the tense of its clause…), independent of particular sentences.
The weights (a logistic regression, `make model`) are a data file, extract/data/dates_ranker.json.
"""

from dataclasses import dataclass

from spacy.tokens import Doc

from extract.context import Context, is_compared, nearest_owner, tense, verbs_above
from extract.cues import COMPARISON, CONTINUATION, EARLIER, GOAL_CUES, PART_OF, line_around
from extract.lists import TABLE_GAP, TABLE_LABEL
from extract.stories import Story
from extract.types import Amount, DateMention

__all__ = ["DateSetting", "date_candidates", "rule_date", "total_date", "date_setting", "continues", "MODEL_FILE"]

MODEL_FILE = "dates_ranker.json"
# Precision of a value by its length: "2024", "2024-05", "2024-05-12".
PRECISIONS = {4: "year", 7: "month", 10: "day"}
# Amounts of a sentence that add up to a dated amount of the previous one, within this share, break it down and share
# its date: "48 M€ sur 2024-2025 [...]. L'État apporte 21 M€, la Région 19,5 M€ et France Travail 7,5 M€."
TOTAL_TOLERANCE = 0.02


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
    compared: frozenset[int] = frozenset()  # where the sentence's dates after a comparison start ("contre … en 2023")


def _sources(place: DateSetting) -> dict[str, set[str]]:
    """Each candidate value with the names of the places it comes from."""
    found: dict[str, set[str]] = {}

    def add(value: str | None, source: str) -> None:
        if value:
            found.setdefault(value, set()).add(source)

    amount = place.amount
    if "table cell" in place.setting:  # a table's column or row heading names the cell's year: no other date but
        cell = {place.list_dates[0]: {"list heading"}}  # the rules' pick (a decision's day within that year)
        if place.picked and place.picked != place.list_dates[0]:
            cell[place.picked] = {f"picked, {place.how}"}
        return cell
    nearest = min(place.sentence, key=lambda d: abs(d.start - amount.start), default=None)
    for date in place.sentence:
        add(date.value, "sentence, before the amount" if date.end <= amount.start else
            "sentence, after a comparison" if date.start in place.compared else "sentence, after the amount")
        if date.kind:
            add(date.value, f"sentence, {date.kind}")
    add(nearest.value if nearest else None, "nearest in sentence")
    for kind in ("period", "budget"):
        add(next((d.value for d in place.lead if d.kind == kind), None), f"lead's first {kind}")
    add(next((d.value for d in place.lead if d.kind is None), None), "lead's first date named")
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


def continues(ctx: Context) -> bool:
    """A table line or a sentence breaking down an amount given before it."""
    line_start, _ = line_around(ctx.text, ctx.amount.start)
    if TABLE_GAP.search(ctx.text[line_start:ctx.amount.start]) and ctx.amount.start - line_start < TABLE_LABEL:
        return True
    return bool(CONTINUATION.match(ctx.sentence_text.strip()))


def _clause_verb(doc: Doc, start: int, end: int) -> int | None:
    """The token index of the verb whose clause holds the text at start:end."""
    verb = next(verbs_above(doc.char_span(start, end, alignment_mode="expand").root), None)
    return None if verb is None else verb.i


def _governing(ctx: Context, dates: list[DateMention], siblings: list[Amount], verbs: set[int]) -> list[DateMention]:
    """Dates of the sentence that date this amount too: their clause holds it (`verbs`, the amount's clause verbs), or
    it breaks down an amount before it."""
    prior = [a for a in siblings if a.end <= ctx.amount.start]
    if prior and PART_OF.search(ctx.text[prior[-1].end:ctx.amount.start]):
        return dates
    return [d for d in dates if _clause_verb(ctx.sentence.doc, d.start, d.end) in verbs]


def _amount_verbs(ctx: Context) -> set[int]:
    return {verb.i for verb in ctx.verbs}


def _is_goal(ctx: Context, date: DateMention, verbs: set[int]) -> bool:
    """A horizon after the amount, in another clause, dates a goal: "120 M€ pour former d'ici à 2030 60 000 salariés"."""
    if date.start < ctx.amount.end or not (date.cue or "").startswith(GOAL_CUES):
        return False
    return _clause_verb(ctx.sentence.doc, date.start, date.end) not in verbs


def _within_story(ctx: Context) -> bool:
    """An amount of the story itself: no national comparison, nothing it is compared with."""
    return not is_compared(ctx) and not ctx.national


def _story_date(ctx: Context, story: str | None) -> str | None:
    """The date a story gives an amount whose sentence gives none: the line it breaks down, the decision of the lead
    for the deciding body's money, the budget year of the headline ("BP 2025 : …") for the story's amounts."""
    if story and continues(ctx):
        return story
    if ctx.decision[0] and ctx.body is not None and ctx.body == ctx.decision[1] and _within_story(ctx):
        return ctx.decision[0]
    if ctx.budget_year and _within_story(ctx):
        return ctx.budget_year
    return None


def rule_date(ctx: Context, dates: list[DateMention], amounts: list[Amount], body_how: str,
              story: str | None = None) -> tuple[str | None, str]:
    """The rules' date of an amount and how they found it (own, sentence, list, story, previous, none); `body_how`
    says how its body was found, `story` is the date of the lead's first dated amount."""
    siblings = [a for a in amounts if ctx.sentence.start_char <= a.start < ctx.sentence.end_char]
    verbs = _amount_verbs(ctx)
    in_sentence = [d for d in dates if ctx.sentence.start_char <= d.start < ctx.sentence.end_char
                   and not _is_goal(ctx, d, verbs) and not _after_comparison(ctx, d)]
    if any(d.start < ctx.amount.start for d in in_sentence):
        # A sentence dating its amount before it: a horizon after the amount dates a goal ("signée le 16 septembre,
        # la convention prévoit 83 M€ pour 20 600 formations d'ici à la fin de l'année").
        in_sentence = [d for d in in_sentence if d.start < ctx.amount.end or not (d.cue or "").startswith(GOAL_CUES)]
    own = [d for d in in_sentence if nearest_owner(d.start, siblings) is ctx.amount]
    if own:
        return min(own, key=lambda d: abs(d.start - ctx.amount.start)).value, "own"
    governing = _governing(ctx, in_sentence, siblings, verbs)
    if governing:
        return min(governing, key=lambda d: abs(d.start - ctx.amount.start)).value, "sentence"
    heading, act = ctx.list_date
    told = _story_date(ctx, story)
    if heading and not (told and told.startswith(heading) and len(told) > len(heading)):
        return heading, "list"
    if told:  # the story's date, or its decision's day within the year a list heading gives: the more precise
        return told, "story"
    if act:
        return act, "list"
    if ctx.previous is not None and body_how == "previous" and not is_compared(ctx):
        earlier = [d for d in dates if ctx.previous.start_char <= d.start < ctx.previous.end_char]
        if earlier:
            return earlier[-1].value, "previous"
    return None, "none"


def total_date(ctx: Context, amounts: list[Amount], dated: list[tuple[Amount, str]]) -> str | None:
    """The date of the previous sentence's amount that the amounts of this sentence (or its first few) add up to."""
    if ctx.previous is None or ctx.amount.per is not None:
        return None
    totals = [(a, d) for a, d in dated if ctx.previous.start_char <= a.start < ctx.previous.end_char]
    if not totals:
        return None
    total, date = max(totals, key=lambda t: t[0].value)
    parts = [a.value for a in amounts if ctx.sentence.start_char <= a.start < ctx.sentence.end_char and a.per is None]
    sums = [sum(parts[:n]) for n in range(2, len(parts) + 1)] or parts
    return date if any(abs(s - total.value) <= TOTAL_TOLERANCE * total.value for s in sums) else None


def date_setting(ctx: Context, dates: list[DateMention], told: Story, story: str | None, rules: tuple[str | None, str],
                 line: tuple[bool, bool, bool], bounds: tuple[int, int]) -> DateSetting:
    """What the date ranker looks at around one amount; `rules` holds the rules' date and how they found it, `story`
    the date of the lead's first dated amount, `line` whether the amount is a list line, whether a place next to it
    names another region than the dispatch's and whether it is a table's cell whose heading names its year, `bounds`
    where the headline and the lead end."""
    start, end = ctx.sentence.start_char, ctx.sentence.end_char
    in_sentence = tuple(d for d in dates if start <= d.start < end)
    flags = {"unit amount": ctx.amount.per is not None, "compared": is_compared(ctx), "national": ctx.national,
             "list line": line[0], "another region": line[1], "table cell": line[2], "continues": continues(ctx),
             "headline": ctx.amount.start < bounds[0], "lead": bounds[0] <= ctx.amount.start < bounds[1],
             "appended story": told.start > 0,
             "no body": ctx.body is None, "main body": ctx.body is not None and ctx.body == ctx.main_body,
             "no date in sentence": not in_sentence, "a bound": ctx.amount.qualifier in ("min", "max"),
             "earlier": bool(EARLIER.search(ctx.sentence_text)), f"tense {tense(list(ctx.verbs))}": True}
    lead = _lead_of(ctx.text, told, bounds[1])
    return DateSetting(ctx.amount, *rules, in_sentence, told.budget_year, told.decision[0],
                       ctx.body is not None and ctx.body == told.decision[1], story, ctx.list_date,
                       frozenset(name for name, on in flags.items() if on),
                       tuple(d for d in dates if told.start <= d.start < lead),
                       frozenset(d.start for d in in_sentence if _after_comparison(ctx, d)))


def _after_comparison(ctx: Context, date: DateMention) -> bool:
    """A date after the amount with a comparison between them dates what the amount is compared with: "31,1 Md€, soit
    une baisse de 410 M€ par rapport à la LFI 2024"."""
    return date.start >= ctx.amount.end and bool(COMPARISON.search(ctx.text[ctx.amount.end:date.end]))


def _lead_of(text: str, told: Story, lead: int) -> int:
    """Where the lead of a story ends: the dispatch's lead, or an appended story's first paragraph."""
    if not told.start:
        return lead
    end = text.find("\n", told.start)
    return len(text) if end < 0 else end
