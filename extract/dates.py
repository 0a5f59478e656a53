"""Dates: French date expressions found by rules, each normalised to ISO at its own precision."""

import re
from datetime import date, datetime, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from extract import text_of
from extract.patterns import Anchored, literal_alternation
from extract.types import DateMention

__all__ = ["find_dates", "parse_published", "DATES_COMPONENT"]

DATES_COMPONENT = "depeches_dates_v1"

MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12}
WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
_MONTH = "|".join(MONTHS)
YEAR = r"(?:19[5-9]\d|20\d{2})"
# Words that tie a bare year to what it dates: "en 2021", "pour 2022", "le budget 2023".
YEAR_CUES = (r"en|pour|au titre de|depuis|dès|d'ici(?: à)?|à partir de|avant|après|jusqu'en|début|fin|mi-|courant|"
             r"budgets?(?: primitif| initial| rectificatif| formation)?|conventions?(?: annuelle| financière)?|avenants?|"
             r"comptes(?: administratifs)?|BP|PLF|PLFSS|loi de finances(?: pour)?|exercices?(?: budgétaires?)?|"
             r"années?|campagne|rentrée|dépense|"
             r"sur la période|période|à l'horizon|horizon|entre|de|au|à")
RELATIVE_YEARS = {"l'an dernier": -1, "l'année dernière": -1, "l'an passé": -1, "l'année passée": -1,
                  "l'an prochain": 1, "l'année prochaine": 1, "cette année": 0, "l'année en cours": 0}
RELATIVE_DAYS = {"aujourd'hui": 0, "hier": -1, "avant-hier": -2}
# Dates named by reference to the one before: the same day, or a year before or after it.
ANAPHORIC_SHIFTS = {"le même jour": None, "un an plus tôt": -1, "l'année précédente": -1, "un an auparavant": -1,
                    "un an plus tard": 1, "l'année suivante": 1}
# A number followed by a currency is an amount, not a year: "une prime de 2000 euros".
NOT_A_YEAR_AFTER = r"\s?(?:[kKM]\s?)?(?:€|euros?\b|EUR\b)"
# A day and month without a year lie at most this many months after publication, else they are last year's.
MAX_MONTHS_AHEAD = 6

# Each pattern with the part its every match contains, in lower case, and how far before that part a match may
# start: the pattern is tried only there (extract.patterns.Anchored). The first pattern to claim a span keeps it.
_MONTH_CORE = literal_alternation(MONTHS)
_WEEKDAY_CORE = literal_alternation(WEEKDAYS.split("|"))
PATTERNS = [
    ("day", Anchored(re.compile(rf"\b(?:(?:{WEEKDAYS})\s+)?(?:le\s+)?(?P<day>1er|[0-3]?\d)\s+(?P<month>{_MONTH})"
                                rf"(?:\s+(?P<year>{YEAR}))?\b", re.I), _MONTH_CORE, 40)),
    ("numeric", Anchored(re.compile(rf"(?<![\d/])(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>{YEAR}|\d{{2}})(?![\d/])"),
                         "/", 2)),
    ("month", Anchored(re.compile(rf"\b(?:(?P<cue>début|fin|mi-|courant|en|d'ici|depuis)\s*)?(?P<month>{_MONTH})"
                                  rf"(?:\s+(?P<year>{YEAR})|\s+(?P<rel>dernier|prochain)\b)?\b", re.I), _MONTH_CORE, 40)),
    ("years", Anchored(re.compile(rf"\b(?:(?P<cue>{YEAR_CUES})(?:\s+|(?<=-)))?(?P<year>{YEAR})"
                                  rf"(?:\s*[-/]\s*(?P<year2>{YEAR}))?(?!\d|,\d|{NOT_A_YEAR_AFTER})", re.I),
                       r"(?:19|20)\d\d", 40)),
    ("thatyear", Anchored(re.compile(r"\b(?:cette année-là|la même année)\b", re.I), "cette année-là|la même année", 0)),
    ("relyear", Anchored(re.compile("(?:" + "|".join(re.escape(k) for k in RELATIVE_YEARS) + ")(?!-là)", re.I),
                         literal_alternation(RELATIVE_YEARS), 0)),
    ("relday", Anchored(re.compile(r"\b(?:avant-hier|hier|aujourd'hui)\b", re.I), "avant-hier|hier|aujourd'hui", 0)),
    ("weekday", Anchored(re.compile(rf"\b(?:ce\s+)?(?P<weekday>{WEEKDAYS})(?:\s+(?P<which>dernier|prochain))?\b", re.I),
                         _WEEKDAY_CORE, 8)),
]
ANAPHORIC = Anchored(re.compile(r"\b(?:" + "|".join(re.escape(k) for k in ANAPHORIC_SHIFTS) + r")\b", re.I),
                     literal_alternation(ANAPHORIC_SHIFTS), 0)


def parse_published(value: str | None) -> date | None:
    """The publication date of an article from an ISO string, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        return None


def _written(day: str, month: int, year: str) -> str | None:
    """The ISO form of a day written out in full, or None when no such day exists ("31 février", "45 mars")."""
    number = 1 if day.lower() == "1er" else int(day)
    try:
        return date(int(year), month, number).isoformat()
    except ValueError:
        return None


def _day(match: re.Match, base: date | None) -> str | None:
    year, month = match.group("year"), MONTHS[match.group("month").lower()]
    if not year and base is None:
        return None
    return _written(match.group("day"), month, year or str(_year_of(month, base)))


def _numeric(match: re.Match, base: date | None) -> str | None:
    year = match.group("year")
    if len(year) == 2:  # "05/09/18": the two-digit years of strptime's %y, 69-99 in the 1900s, the rest after 2000
        year = str(datetime.strptime(year, "%y").year)
    return _written(match.group("day"), int(match.group("month")), year)


def _month(match: re.Match, base: date | None) -> str | None:
    year, rel, month = match.group("year"), (match.group("rel") or "").lower(), MONTHS[match.group("month").lower()]
    if not year and (base is None or not (match.group("cue") or rel)):
        return None
    if not year and rel == "dernier":
        year = base.year if month < base.month else base.year - 1
    elif not year and rel == "prochain":
        year = base.year if month > base.month else base.year + 1
    return f"{int(year or _year_of(month, base)):04d}-{month:02d}"


def _year_of(month: int, base: date) -> int:
    """The year of a month named without one: this year's, unless that lies more than MAX_MONTHS_AHEAD ahead."""
    return base.year - 1 if month - base.month > MAX_MONTHS_AHEAD else base.year


def _years(match: re.Match, base: date | None) -> str | None:
    if not match.group("cue") and not match.group("year2"):
        return None
    return match.group("year")


def _relyear(match: re.Match, base: date | None) -> str | None:
    if base is None:
        return None
    return str(base.year + RELATIVE_YEARS[match.group(0).lower()])


def _thatyear(match: re.Match, base: date | None) -> str | None:
    """"Cette année-là", "la même année": the last year named before."""
    years = [y for y in re.finditer(rf"(?<!\d){YEAR}(?!\d|{NOT_A_YEAR_AFTER})", match.string[:match.start()])]
    return years[-1].group() if years else None


def _relday(match: re.Match, base: date | None) -> str | None:
    if base is None:
        return None
    return (base + timedelta(days=RELATIVE_DAYS[match.group(0).lower()])).isoformat()


def _weekday(match: re.Match, base: date | None) -> str | None:
    if base is None:
        return None
    target = WEEKDAYS.split("|").index(match.group("weekday").lower())
    delta = (base.weekday() - target) % 7
    if (match.group("which") or "").lower() == "prochain":
        return (base + timedelta(days=(target - base.weekday()) % 7 or 7)).isoformat()
    return (base - timedelta(days=delta)).isoformat()


RESOLVERS = {"day": _day, "numeric": _numeric, "month": _month, "years": _years, "thatyear": _thatyear,
             "relyear": _relyear, "relday": _relday, "weekday": _weekday}


def _cue(match: re.Match) -> str | None:
    cue = match.groupdict().get("cue")
    return cue.lower() if cue else None


def find_dates(text: str, published: date | None = None) -> list[DateMention]:
    """Date expressions of a text with their ISO value, in order; relative ones need the publication date.

    >>> [d.value for d in find_dates("Voté le 14 décembre 2020, fin mai 2023, pour 2022 et mardi.", date(2021, 3, 5))]
    ['2020-12-14', '2023-05', '2022', '2021-03-02']
    """
    found: list[DateMention] = []
    folded = text.casefold()
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text, folded):
            if any(d.start < match.end() and match.start() < d.end for d in found):
                continue
            value = RESOLVERS[kind](match, published)
            if value is not None:
                found.append(DateMention(match.start(), match.end(), match.group(0), value, _cue(match)))
    return _with_anaphoric(text, folded, sorted(found, key=lambda d: d.start))


def _written_day(mention: DateMention) -> bool:
    """A day written out ("le 9 février 2022", "09/02/2022"), not "aujourd'hui" or "mardi"."""
    return len(mention.value) == 10 and any(c.isdigit() for c in mention.text)


def _with_anaphoric(text: str, folded: str, found: list[DateMention]) -> list[DateMention]:
    """Add "le même jour", "un an plus tôt"… resolved against the date named last before them."""
    added = []
    for match in ANAPHORIC.finditer(text, folded):
        shift = ANAPHORIC_SHIFTS[match.group(0).lower()]
        before = [d for d in found if d.end <= match.start() and (shift is not None or _written_day(d))]
        if before:
            value = before[-1].value if shift is None else str(int(before[-1].value[:4]) + shift)
            added.append(DateMention(match.start(), match.end(), match.group(0), value))
    return sorted(found + added, key=lambda d: d.start)


@Language.component(DATES_COMPONENT)
def dates_component(doc: Doc) -> Doc:
    """Store the dates of the doc in doc._.dates, resolved against doc._.published."""
    doc._.dates = find_dates(text_of(doc), parse_published(doc._.published))
    return doc


for _name in ("dates", "published"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None if _name == "published" else [])
