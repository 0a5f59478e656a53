"""Stories: what a dispatch as a whole gives the amounts whose own sentence says too little.

A page holds its dispatch's story and, sometimes, an older one appended after it. Each story has a main body (the
body it is about), the decision its lead reports (a vote, a budget, a signature: its date and body) and the year its
headline gives ("BP 2025 : …"). Headings of lists give their lines a year the same way.
"""

import re
from collections import Counter
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from extract.cues import BULLETS, DATE_STAMP, DECISION, HORIZON_CUES, UNATTACHED_DATE, line_around, on_stamp_line
from extract.knowledge import PROGRAMME
from extract.types import DateMention, Mention

__all__ = ["Story", "stories", "main_body", "headline", "headline_end", "lead_end", "line_year", "names",
           "is_unattached"]

# An older dispatch appended to a page dates its opening this many years or more before the page's own.
OLDER_STORY_YEARS = 2
# ... and opens on its body, named within this many characters: a dispatch's opening has its subject first.
OPENING_SUBJECT = 60
# The body a dispatch is about must be named at least this often, and more than any other, to stand for amounts
# whose own sentence names none.
MAIN_BODY_MIN_MENTIONS = 2
# ... and hold at least this share of all the body mentions: a story about one body, not a round-up of several.
MAIN_BODY_MIN_SHARE = 0.4
# A first line this short, with no full stop at its end, is a headline.
HEADLINE_MAX = 200
# ... ending on one of these is prose.
HEADLINE_ENDS = (".", ".»", '."')
# The lead of a dispatch: its headline and first paragraph, where its main region and its decision are named.
LEAD_LINES = 2
# An appended dispatch's own heading lines above its date stamp (its title, "À lire aussi"): at most this many.
STAMP_HEADING_LINES = 2
# A year standing alone in a headline: not part of a larger number ("1 342"), a range or a date.
HEADLINE_YEAR = re.compile(r"(?<![\d.,/-])(?<!\d )(?:19[5-9]\d|20\d\d)(?![\d/-]|\s\d)")


@dataclass(frozen=True)
class Story:
    """A dispatch's story, or an older one appended to its page: where it starts, its body, its decision's date and
    body, and its headline's budget year."""

    start: int
    main: str | None
    decision: tuple[str | None, str | None]
    budget_year: str | None = None


def is_heading(line: str) -> bool:
    """A line short and with no full stop at its end: a headline, or a heading."""
    line = line.rstrip()
    return len(line) <= HEADLINE_MAX and not line.endswith(HEADLINE_ENDS)


def headline_start(text: str) -> int:
    """Where the headline starts: past the page's date stamp lines above it ("2024-12-03 | Emploi")."""
    start = 0
    while (end := text.find("\n", start)) >= 0 and DATE_STAMP.fullmatch(text[start:end]):
        start = end + 1
    return start


def headline_end(text: str) -> int:
    """Where the headline ends: its first line (past date stamps) when it is a heading, else 0 (no headline)."""
    start = headline_start(text)
    first = text[start:].split("\n", 1)[0].rstrip()
    return start + len(first) if is_heading(first) else 0


def headline(text: str) -> str | None:
    """The headline of a dispatch, or None when its first line (past date stamps) is no heading or is all its text.

    >>> headline("BP 2025 : la Région vote 12 M€\\nLes élus l'ont voté."), headline("La Région vote 12 M€")
    ('BP 2025 : la Région vote 12 M€', None)
    """
    end = headline_end(text)
    if not end or not text[end:].strip():
        return None
    return text[headline_start(text):end].strip() or None


def lead_end(text: str) -> int:
    """Where the lead of a dispatch ends: its headline, when it has one, and its first paragraph, past the date stamps
    between them ("Publié le 10/04/2025"). A page that starts on its text (an excerpt, a scraped page with no title)
    has its first paragraph alone for lead."""
    wanted, end = LEAD_LINES if headline_end(text) else 1, 0
    for line in text.split("\n"):
        end += len(line) + 1
        wanted -= not DATE_STAMP.fullmatch(line)
        if not wanted:
            break
    return end


def main_body(orgs: list[Mention], text: str) -> str | None:
    """The body a dispatch is about: named most often, at least MAIN_BODY_MIN_MENTIONS times, more than any other;
    failing that, the first body of the headline when the lead paragraph names it again."""
    counts = Counter(m.norm for m in orgs)
    first = {m.norm: i for i, m in reversed(list(enumerate(orgs)))}
    # Most mentions first; between bodies named as often, the one named first.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], first[item[0]]))
    if ranked and ranked[0][1] >= MAIN_BODY_MIN_MENTIONS and ranked[0][1] >= MAIN_BODY_MIN_SHARE * len(orgs):
        return ranked[0][0]
    end = headline_end(text)
    headline = [m for m in orgs if m.end <= end]
    if headline and any(m.norm == headline[0].norm for m in orgs if end <= m.start < lead_end(text)):
        return headline[0].norm
    return None


def is_unattached(text: str, date: DateMention) -> bool:
    """A date that dates no amount: "depuis sa mise en place fin 2019", "créé en 2014", the page's date stamp."""
    before = text[max(0, date.start - 40):date.start + len(date.cue or "")]
    return on_stamp_line(text, date.start) or bool(UNATTACHED_DATE.search(before))


def names(doc: Doc) -> list[Mention]:
    """The names of bodies and programmes, whose years are no dates ("France 2030")."""
    return [m for m in doc._.mentions if m.label in (PROGRAMME, "ORG")]


def line_year(text: str, start: int, end: int, dates: list[DateMention], named: list[Mention]) -> str | None:
    """The year a heading (text[start:end]) gives what follows it; not a horizon ("d'ici à 2027") nor a year that is
    part of a name ("France 2030"). A bare four-digit number in a heading is a year."""
    cued = [d for d in dates if len(d.value) == 4 and start <= d.start and d.end <= end]
    if cued:
        limit = (cued[0].cue or "").startswith(HORIZON_CUES) or is_unattached(text, cued[0])
        return None if limit else cued[0].value
    for bare in HEADLINE_YEAR.finditer(text, start, end):
        if not any(m.start <= bare.start() < m.end for m in named):
            return bare.group()
    return None


def _decision(sentences: list[Span], text: str, lead: int, dates: list[DateMention],
              orgs: list[Mention]) -> tuple[str | None, str | None]:
    """The date and body of the decision the lead reports (a vote, a budget, a signature), or (None, None)."""
    for sentence in sentences:
        if sentence.start_char >= lead:
            break
        if DECISION.search(text[sentence.start_char:sentence.end_char]):
            dated = [d for d in dates if sentence.start_char <= d.start < sentence.end_char]
            bodies = [m for m in orgs if sentence.start_char <= m.start < sentence.end_char]
            if dated and bodies:
                return dated[0].value, bodies[0].norm
    return None, None


def _reference_year(doc: Doc, dates: list[DateMention], lead: int) -> int | None:
    published = doc._.published
    if published:
        return int(str(published)[:4])
    years = [int(d.value[:4]) for d in dates if d.start < lead]
    return max(years) if years else None


def _appended_start(text: str, sentences: list[Span], dates: list[DateMention], orgs: list[Mention],
                    lead: int, year: int | None) -> int | None:
    """Where an older dispatch appended after the lead starts: a paragraph opening on a body, whose first sentence
    gives a month or a day OLDER_STORY_YEARS or more before the page ("Le conseil général du Cantal a voté en mars
    2014 …")."""
    if year is None:
        return None
    for sentence in sentences:
        line_start, _ = line_around(text, sentence.start_char)
        if sentence.start_char < lead or text[line_start:sentence.start_char].strip():
            continue
        inside = [d for d in dates if sentence.start_char <= d.start < sentence.end_char and len(d.value) >= 7]
        named = any(sentence.start_char <= m.start < sentence.start_char + OPENING_SUBJECT for m in orgs)
        if named and inside and int(inside[0].value[:4]) <= year - OLDER_STORY_YEARS:
            return sentence.start_char
    return None


def _stamped_start(text: str, lead: int) -> int | None:
    """Where a dispatch appended after the lead starts when the page gives its date stamp on a line of its own
    ("14/11/2023", "Publié le 14/06/2023"): at the heading lines right above the stamp, if any, else at the stamp."""
    start = lead
    for line in text[lead:].split("\n"):
        if line.strip() and DATE_STAMP.fullmatch(line):
            return _heading_above(text, start, lead)
        start += len(line) + 1
    return None


def _heading_above(text: str, start: int, lead: int) -> int:
    """The start of the heading lines (see `is_heading`; no list line) right above the line starting at `start`, after
    the lead; `start` itself when there are none."""
    for _ in range(STAMP_HEADING_LINES):
        above = text.rfind("\n", 0, start - 1) + 1
        line = text[above:start - 1].strip()
        if above < lead or not line or not is_heading(line) or line.startswith(BULLETS):
            break
        start = above
    return start


def stories(doc: Doc, text: str, sentences: list[Span], dates: list[DateMention], orgs: list[Mention],
            named: list[Mention]) -> list[Story]:
    """The dispatch's story and, when the page appends one, the older story after it, which keeps its own dates and
    bodies; `dates` are those that date amounts, `orgs` the bodies that can hold them, `named` the names of bodies
    and programmes (see `names`)."""
    lead = lead_end(text)
    # The year a headline gives its story: a budget's, a period's, the year it happens or an edition's ("BP 2025 : …",
    # "CPER 2015-2020 : …", "… en 2023", "AAPG 2024 : …").
    budget_year = line_year(text, headline_start(text), headline_end(text), doc._.dates, named)
    own = Story(0, main_body(orgs, text), _decision(sentences, text, lead, dates, orgs), budget_year)
    start = _stamped_start(text, lead)
    if start is None:
        start = _appended_start(text, sentences, dates, orgs, lead, _reference_year(doc, dates, lead))
    if start is None:
        return [own]
    own = replace(own, main=main_body([m for m in orgs if m.start < start], text))
    later = [m for m in orgs if m.start >= start]
    first_date = next((d.value for d in dates if d.start >= start), None)
    main = Counter(m.norm for m in later).most_common(1)[0][0] if later else None
    appended = Story(start, main, (first_date, later[0].norm if later else None))
    return [own, appended]
