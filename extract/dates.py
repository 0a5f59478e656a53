"""Dates: French date expressions found by rules, each normalised to ISO at its own precision."""

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.languages import default_loader
from spacy.language import Language
from spacy.tokens import Doc
from text_to_num import text2num

from extract import text_of
from extract.context import tense, verbs_above
from extract.cues import line_around, on_stamp_line
from extract.data import load_json
from extract.patterns import Anchored, literal_alternation
from extract.types import DateMention

__all__ = ["find_dates", "parse_published", "Published", "DATES_COMPONENT"]

DATES_COMPONENT = "depeches_dates_v1"

# Precisions of an ISO date, as the length of its text: 2024, 2024-03, 2024-03-15.
YEAR_PRECISION, MONTH_PRECISION, DAY_PRECISION = 4, 7, 10
# The day 1 of a month written out: "1er", "1ᵉʳ", "premier".
FIRST_DAY = ("1er", "1ᵉʳ", "premier")
MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _french_months() -> tuple[dict[str, int], dict[str, int]]:
    """Month names (the longest form dateparser's French locale gives) and abbreviations, with and without accents."""
    locale = default_loader.get_locale("fr").info
    full, short = {}, {}
    for number, key in enumerate(MONTH_KEYS, 1):
        longest = max(locale[key], key=len)
        for form in locale[key]:
            for variant in (form, _unaccented(form)):
                (full if form == longest else short)[variant] = number
    return full, short


FULL_MONTHS, SHORT_MONTHS = _french_months()
MONTHS = {**SHORT_MONTHS, **FULL_MONTHS}
WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
YEAR = r"(?:19[5-9]\d|20\d{2})"
# A month: its name, or an abbreviation with its full stop ("fév.") or right before a year ("15 fév 2024"); an
# abbreviation alone ("sept", "oct") is too often another word.
_MONTH = (rf"(?:{literal_alternation(FULL_MONTHS)})(?!\w)|"
          rf"(?:{literal_alternation(SHORT_MONTHS)})(?:\.|(?=\s+{YEAR}(?!\d)))")
_DATA = load_json("dates.json")
BUDGET_DOCUMENTS = "|".join(_DATA["budget_documents"])
SEASONS, SEASON_SHIFTS = _DATA["seasons"]["seasons"], _DATA["seasons"]["shifts"]
# Words that tie a bare year to what it dates: "en 2021", "pour 2022", "le budget 2023", "BP 2025", "au premier
# trimestre 2024", "au printemps 2024".
YEAR_CUES = (rf"{BUDGET_DOCUMENTS}|{_DATA['parts_of_year']}|{'|'.join(SEASONS)}|"
             r"en|pour|au titre de|depuis|dès|d'ici(?: à)?|à partir de|avant|après|jusqu'en|"
             r"début|fin|mi-|courant|conventions?(?: annuelle| financière)?|avenants?|comptes|années?|campagne|"
             r"rentrée|dépense|sur la période|période|à l'horizon|horizon|(?P<entre>entre)|(?P<de>de)|au|à")
RELATIVE_YEARS = _DATA["relative_years"]
# How far before its four digits a year expression may start: its longest cue, "projet de loi de finances
# rectificative pour" (45 characters), and a space, with room to spare.
YEAR_REACH = 60
RELATIVE_MONTHS = _DATA["relative_months"]
RELATIVE_DAYS = _DATA["relative_days"]
# "il y a deux ans", "dans six mois": a count of years or months before or after the publication.
ELAPSED_WAYS, ELAPSED_UNITS = _DATA["elapsed"]["directions"], _DATA["elapsed"]["units"]
MAX_ELAPSED = 99
# Dates named by reference to the one before: the same day, or a year before or after it...
ANAPHORIC_SHIFTS = _DATA["anaphoric_years"]
# ... or a day before or after it ("la veille", "le lendemain"), else the publication day.
ANAPHORIC_DAYS = _DATA["anaphoric_days"]
YEAR_PARTS, YEAR_PART_SHIFTS = _DATA["year_parts"]["parts"], _DATA["year_parts"]["shifts"]
# A number followed by a currency is an amount, not a year: "une prime de 2000 euros".
NOT_A_YEAR_AFTER = r"\s?(?:[kKM]\s?)?(?:€|euros?\b|EUR\b)"
# A day and month without a year lie at most this many months after publication, else they are last year's.
MAX_MONTHS_AHEAD = 6

# Each pattern with the part its every match contains, in lower case, and how far before that part a match may
# start: the pattern is tried only there (extract.patterns.Anchored). The first pattern to claim a span keeps it.
# A month name, or an abbreviation before a full stop or a number: as quick to search as the names alone.
_MONTH_CORE = "(?:" + literal_alternation(MONTHS) + r")(?:(?!\w)|\.|\s+\d)"
_WEEKDAY_CORE = literal_alternation(WEEKDAYS.split("|"))
_DAY = r"1er|1ᵉʳ|premier|[0-3]?\d"
PATTERNS = [
    ("iso", Anchored(re.compile(rf"(?<![\d/.-])(?P<year>{YEAR})(?P<sep>[-/.])(?P<month>[01]\d)(?P=sep)(?P<day>[0-3]\d)"
                                rf"(?![\d/-]|\.\d)"), r"\d{4}[-/.]\d\d[-/.]\d\d", 0)),
    ("day", Anchored(re.compile(rf"\b(?:(?:{WEEKDAYS})\s+)?(?:le\s+)?(?P<day>{_DAY})\s+(?P<month>{_MONTH})"
                                rf"(?:\s+(?P<year>{YEAR})(?!\d))?", re.I), _MONTH_CORE, 40)),
    ("numeric", Anchored(re.compile(rf"(?<![\d/.,-])(?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)"
                                    rf"(?P<year>{YEAR}|(?<=/)\d{{2}})(?![\d/-]|\.\d|,\d)"),
                         r"\d[/.-][01]?\d[/.-]\d\d", 1)),
    # "15/03": two digits each way, a real day and month; "1/3" is a share, "15/20" a mark.
    ("daymonth", Anchored(re.compile(r"(?<![\d/.,°])(?<!n° )(?P<day>[0-3]\d)/(?P<month>[01]\d)(?![\d/]|,\d|\s?%)"),
                          r"\d\d/\d\d", 0)),
    ("month", Anchored(re.compile(rf"\b(?:(?P<cue>début|fin|mi-|courant|en|d'ici|depuis|dès|à partir de|"
                                  rf"jusqu'en)\s*)?(?P<month>{_MONTH})"
                                  rf"(?:\s+(?P<year>{YEAR})(?!\d)|\s+(?P<rel>dernier|prochain)\b)?", re.I),
                       _MONTH_CORE, 40)),
    # "le 15": a day of the publication month, when nothing after it makes it a number of something else: a
    # punctuation mark, or a word that opens a verb's object or complement ("ont dévoilé le 12 les lauréats").
    ("dayonly", Anchored(re.compile(r"\ble\s+(?P<day>1er|1ᵉʳ|[1-9]|[12]\d|3[01])(?:\s+du mois)?"
                                    r"(?:\s+(?P<which>prochain|dernier)\b|(?=\s*[,.;)]|\s*$)"
                                    r"|(?=\s+(?:les?|la|l'|une?|à|au|aux|en|son|sa|ses|leurs?|lors|devant|pour"
                                    r"|dans)\s))",
                                    re.I),
                         r"le\s+(?:1|[2-9]|[12]\d|3[01])", 0)),
    ("yearpart", Anchored(re.compile(rf"\b(?:(?P<cue>d'ici(?: à)?(?: la)?|avant la|jusqu'à la|à la|en)\s+)?"
                                     rf"(?P<part>{'|'.join(YEAR_PARTS)})\s+(?:d'année|de l'année)"
                                     rf"(?:\s+(?P<year>{YEAR})(?!\d)|\s+(?P<shift>{'|'.join(YEAR_PART_SHIFTS)})\b)?",
                                     re.I), r"d'année|de l'année", 25)),
    # A period: "2019-2022", "2023-24", "de 2021 à 2027", "entre 2021 et 2027".
    ("years", Anchored(re.compile(rf"\b(?:(?P<cue>{YEAR_CUES})(?:\s+|(?<=-)))?(?P<year>{YEAR})"
                                  rf"(?:\s*[-/–]\s*(?P<year2>{YEAR}|\d\d(?![\d/-]))|"
                                  rf"(?(de)\s+à|(?(entre)\s+et|(?!)))\s+(?P<until>{YEAR}))?(?!\d|,\d|{NOT_A_YEAR_AFTER})",
                                  re.I), r"(?:19|20)\d\d", YEAR_REACH)),
    ("thatyear", Anchored(re.compile(r"\b(?:cette année-là|la même année)\b", re.I), "cette année-là|la même année", 0)),
    ("relyear", Anchored(re.compile("(?:" + "|".join(re.escape(k) for k in RELATIVE_YEARS) + ")(?!-là)", re.I),
                         literal_alternation(RELATIVE_YEARS), 0)),
    ("relmonth", Anchored(re.compile("(?:" + "|".join(re.escape(k) for k in RELATIVE_MONTHS) + r")(?!\w)", re.I),
                          literal_alternation(RELATIVE_MONTHS), 0)),
    # Not "le monde d'aujourd'hui", "les métiers d'hier".
    ("relday", Anchored(re.compile(rf"(?<!\bde\s)(?<!\bd')(?<![\w-])(?:{literal_alternation(RELATIVE_DAYS)})\b",
                                   re.I),
                        literal_alternation(RELATIVE_DAYS), 0)),
    ("elapsed", Anchored(re.compile(rf"\b(?P<way>{literal_alternation(ELAPSED_WAYS)})\s+"
                                    rf"(?P<count>\d{{1,2}}|[^\W\d_]+)\s+"
                                    rf"(?P<unit>{literal_alternation(ELAPSED_UNITS)})\b", re.I),
                         literal_alternation(ELAPSED_WAYS), 0)),
    # A season without its year (a year after it is the "years" pattern's): this one's, the last or the next.
    ("season", Anchored(re.compile(rf"\b(?:(?P<this>cet|ce|cette)\s+|(?:au|à l'|l'|en)\s*)"
                                   rf"(?P<season>{'|'.join(SEASONS)})(?:\s+(?P<which>{'|'.join(SEASON_SHIFTS)})\b)?",
                                   re.I), "|".join(SEASONS), 6)),
    # "ce" and at most six spaces before the day: within the reach of 8 characters before its core.
    ("weekday", Anchored(re.compile(rf"\b(?:ce\s{{1,6}})?(?P<weekday>{WEEKDAYS})(?:\s+(?P<which>dernier|prochain))?\b",
                                    re.I), _WEEKDAY_CORE, 8)),
]
ANAPHORIC = Anchored(re.compile(r"\b(?:" + "|".join(re.escape(k) for k in ANAPHORIC_SHIFTS) + r")\b", re.I),
                     literal_alternation(ANAPHORIC_SHIFTS), 0)
# "la veille", "le lendemain", but not "à la veille des élections" nor "le lendemain de son élection".
ANAPHORIC_DAY = Anchored(re.compile(r"(?:" + "|".join(re.escape(k) for k in ANAPHORIC_DAYS) +
                                    r")(?!\w)(?!\s+(?:de\b|du\b|des\b|d'))", re.I),
                         literal_alternation(ANAPHORIC_DAYS), 0)
_BUDGET_CUE = re.compile(rf"(?:{BUDGET_DOCUMENTS})", re.I)
_ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?=$|[T ])")


@dataclass(frozen=True)
class Published:
    """A publication date at its precision: `first` is that day, or the first day of the month or year it names."""

    first: date
    precision: int = DAY_PRECISION

    @property
    def day(self) -> date | None:
        """The publication day, when known."""
        return self.first if self.precision == DAY_PRECISION else None

    @property
    def month(self) -> date | None:
        """The first day of the publication month, when known."""
        return self.first if self.precision >= MONTH_PRECISION else None

    def iso(self) -> str:
        return self.first.isoformat()[:self.precision]


def parse_published(value: "str | date | Published | None") -> Published | None:
    """A publication date from an ISO day, month or year ("2020-12-15", "2023-07", "2023"), or None.

    >>> parse_published("2023-07").iso(), parse_published("2020-12-15T08:30:00+01:00").day
    ('2023-07', datetime.date(2020, 12, 15))
    """
    if isinstance(value, Published) or value is None:
        return value
    if isinstance(value, datetime):
        return Published(value.date())
    if isinstance(value, date):
        return Published(value)
    match = _ISO_PREFIX.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return Published(date(int(year), int(month or 1), int(day or 1)), len(match.group(0)))
    except ValueError:
        return None


def _day_number(day: str) -> int:
    return 1 if day.lower() in FIRST_DAY else int(day)


def _written(day: str, month: int, year) -> str | None:
    """The ISO form of a day written out in full, or None when no such day exists ("31 février", "45 mars")."""
    try:
        return date(int(year), month, _day_number(day)).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _shifted(first: date, months: int) -> tuple[int, int]:
    """The year and month `months` after the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return index // 12, index % 12 + 1


def _iso(match: re.Match, base: Published | None) -> str | None:
    return _written(match.group("day"), int(match.group("month")), match.group("year"))


def _day(match: re.Match, base: Published | None) -> str | None:
    year, month = match.group("year"), _month_number(match.group("month"))
    if not year and (base is None or base.month is None):
        return None
    return _written(match.group("day"), month, year or str(_year_of(month, base.month)))


def _numeric(match: re.Match, base: Published | None) -> str | None:
    year = match.group("year")
    if len(year) == 2:  # "05/09/18": the two-digit years of strptime's %y, 69-99 in the 1900s, the rest after 2000
        year = str(datetime.strptime(year, "%y").year)
    return _written(match.group("day"), int(match.group("month")), year)


def _daymonth(match: re.Match, base: Published | None) -> str | None:
    month = int(match.group("month"))
    if base is None or base.month is None or not 1 <= month <= 12:
        return None
    return _written(match.group("day"), month, _year_of(month, base.month))


def _month(match: re.Match, base: Published | None) -> str | None:
    year, rel, month = match.group("year"), (match.group("rel") or "").lower(), _month_number(match.group("month"))
    known = base.month if base else None
    if not year and (known is None or not (match.group("cue") or rel)):
        return None
    if not year and rel == "dernier":
        year = known.year if month < known.month else known.year - 1
    elif not year and rel == "prochain":
        year = known.year if month > known.month else known.year + 1
    return f"{int(year or _year_of(month, known)):04d}-{month:02d}"


def _year_of(month: int, base: date) -> int:
    """The year of a month named without one: this year's, unless that lies more than MAX_MONTHS_AHEAD ahead."""
    return base.year - 1 if month - base.month > MAX_MONTHS_AHEAD else base.year


def _dayonly(match: re.Match, base: Published | None) -> str | None:
    """"le 15" is in the publication month; "le 15 prochain" the next 15th, "le 15 dernier" the last one."""
    if base is None or base.month is None:
        return None
    day, which = _day_number(match.group("day")), (match.group("which") or "").lower()
    if which and base.day is None:
        return None
    months = 0
    if which == "prochain":
        months = 0 if day > base.day.day else 1
    elif which == "dernier":
        months = 0 if day < base.day.day else -1
    year, month = _shifted(base.first, months)
    return _written(str(day), month, year)


def _yearpart(match: re.Match, base: Published | None) -> str | None:
    """"fin d'année", "en début d'année prochaine": the publication year (shifted), unless a year is written."""
    if match.group("year"):
        return match.group("year")
    if base is None:
        return None
    return str(base.first.year + YEAR_PART_SHIFTS.get((match.group("shift") or "en cours").lower(), 0))


def _years(match: re.Match, base: Published | None) -> str | None:
    if not match.group("cue") and not _is_period(match):
        return None
    return match.group("year")


def _is_period(match: re.Match) -> bool:
    """"2019-2022", "2023-24": a second year after the first, written in full or by its last two digits."""
    second, first = match.group("year2") or match.group("until"), int(match.group("year"))
    if not second:
        return False
    return int(second) > first if len(second) == 4 else int(second) == (first + 1) % 100


def _relyear(match: re.Match, base: Published | None) -> str | None:
    if base is None:
        return None
    return str(base.first.year + RELATIVE_YEARS[match.group(0).lower()])


def _relmonth(match: re.Match, base: Published | None) -> str | None:
    if base is None or base.month is None:
        return None
    year, month = _shifted(base.month, RELATIVE_MONTHS[match.group(0).lower()])
    return f"{year:04d}-{month:02d}"


def _thatyear(match: re.Match, base: Published | None) -> str | None:
    """"Cette année-là", "la même année": the last year named before."""
    years = [y for y in re.finditer(rf"(?<!\d){YEAR}(?!\d|{NOT_A_YEAR_AFTER})", match.string[:match.start()])]
    return years[-1].group() if years else None


def _relday(match: re.Match, base: Published | None) -> str | None:
    if base is None or base.day is None:
        return None
    return (base.day + timedelta(days=RELATIVE_DAYS[match.group(0).lower()])).isoformat()


def _elapsed(match: re.Match, base: Published | None) -> str | None:
    """"il y a deux ans" is the publication year less two, "dans six mois" the publication month plus six."""
    count = _count(match.group("count"))
    unit = ELAPSED_UNITS[match.group("unit").lower()]
    if base is None or count is None or (unit == "month" and base.month is None):
        return None
    shift = ELAPSED_WAYS[match.group("way").lower()] * count
    if unit == "year":
        return str(base.first.year + shift)
    year, month = _shifted(base.month, shift)
    return f"{year:04d}-{month:02d}"


def _count(word: str) -> int | None:
    """A count written in digits or in words ("deux", "un"), or None for another word ("dans les mois") or a count
    beyond MAX_ELAPSED ("il y a mille ans" is history, not a date)."""
    try:
        count = int(word) if word.isdigit() else text2num(word.lower(), "fr")
    except ValueError:
        return None
    return count if count <= MAX_ELAPSED else None


def _season(match: re.Match, base: Published | None) -> str | None:
    """"cet automne" is in the publication year, "l'été dernier" the year before, "au printemps prochain" the year
    after; a season named alone ("à l'automne") says nothing of its year."""
    which = (match.group("which") or "").lower()
    if base is None or not (which or match.group("this")):
        return None
    return str(base.first.year + SEASON_SHIFTS.get(which, 0))


def _weekday(match: re.Match, base: Published | None) -> str | None:
    if base is None or base.day is None:
        return None
    today = base.day
    target = WEEKDAYS.split("|").index(match.group("weekday").lower())
    delta = (today.weekday() - target) % 7
    if (match.group("which") or "").lower() == "prochain":
        return (today + timedelta(days=(target - today.weekday()) % 7 or 7)).isoformat()
    return (today - timedelta(days=delta)).isoformat()


RESOLVERS = {"iso": _iso, "day": _day, "numeric": _numeric, "daymonth": _daymonth, "month": _month,
             "dayonly": _dayonly, "yearpart": _yearpart, "years": _years,
             "thatyear": _thatyear, "relyear": _relyear, "relmonth": _relmonth, "relday": _relday,
             "weekday": _weekday, "elapsed": _elapsed, "season": _season}


def _kind(pattern: str, match: re.Match) -> str | None:
    """"period" for a span of years ("2007-2013", "de 2021 à 2027"), "budget" for a budget's year ("BP 2025")."""
    if pattern == "years" and _is_period(match):
        return "period"
    if pattern == "years" and match.group("cue") and _BUDGET_CUE.fullmatch(match.group("cue")):
        return "budget"
    return None


def _cue(match: re.Match) -> str | None:
    cue = match.groupdict().get("cue")
    return cue.lower() if cue else None


def find_dates(text: str, published: "date | str | Published | None" = None) -> list[DateMention]:
    """Date expressions of a text with their ISO value, in order; relative ones need the publication date, and get
    from it only the precision it has (a publication month dates "le mois dernier", never "hier").

    >>> [d.value for d in find_dates("Voté le 14 décembre 2020, fin mai 2023, pour 2022 et mardi.", date(2021, 3, 5))]
    ['2020-12-14', '2023-05', '2022', '2021-03-02']
    >>> [(d.value, d.kind) for d in find_dates("Le mois dernier, le CPER 2021-2027 et le BP 2024.", "2023-07")]
    [('2023-06', None), ('2021', 'period'), ('2024', 'budget')]
    """
    base = parse_published(published)
    found: list[DateMention] = []
    folded = text.casefold()
    taken = bytearray(len(text) + 1)  # the characters of the dates found so far, each date its own once
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text, folded):
            if any(taken[match.start():match.end()]):
                continue
            value = RESOLVERS[kind](match, base)
            if value is not None:
                found.append(DateMention(match.start(), match.end(), match.group(0), value, _cue(match),
                                         _kind(kind, match)))
                taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    found = _with_anaphoric(text, folded, sorted(found, key=lambda d: d.start))
    return _with_anaphoric_days(text, folded, found, base)


def _written_day(mention: DateMention) -> bool:
    """A day written out ("le 9 février 2022", "09/02/2022"), not "aujourd'hui" or "mardi"."""
    return len(mention.value) == DAY_PRECISION and any(c.isdigit() for c in mention.text)


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


def _in_table(text: str, position: int) -> bool:
    """Whether text[position] stands on a line of cells ("Fonds | Programmé au 31/12/2024")."""
    start, end = line_around(text, position)
    return " | " in text[start:end]


def _with_anaphoric_days(text: str, folded: str, found: list[DateMention], base: Published | None) -> list[DateMention]:
    """Add "la veille", "le lendemain"…: a day before or after the day named last before them in prose (not on the
    page's date stamp nor in a table's cells), else the publication day; nothing when neither is known to the day."""
    added = []
    for match in ANAPHORIC_DAY.finditer(text, folded):
        days = [d for d in found if d.end <= match.start() and len(d.value) == DAY_PRECISION
                and not on_stamp_line(text, d.start) and not _in_table(text, d.start)]
        reference = date.fromisoformat(days[-1].value) if days else (base.day if base else None)
        if reference is not None:
            value = (reference + timedelta(days=ANAPHORIC_DAYS[match.group(0).lower()])).isoformat()
            added.append(DateMention(match.start(), match.end(), match.group(0), value))
    return sorted(found + added, key=lambda d: d.start)


# The tenses that put a month named without its year before the publication, or after it.
PAST_TENSES, FUTURE_TENSES = ("past", "pluperfect", "imperfect"), ("future",)
_YEAR_WRITTEN = re.compile(rf"{YEAR}|\b(?:dernier|derni[èe]re|prochain|prochaine)\b", re.I)


def _month_named(mention: DateMention) -> bool:
    """A month or day named with its month but not its year: "en décembre", "le 15 mars"."""
    words = re.findall(r"[^\W\d_]+\.?", mention.text.lower())
    return not _YEAR_WRITTEN.search(mention.text) and any(w in MONTHS or w.rstrip(".") in MONTHS for w in words)


def by_tense(doc: Doc, mentions: list[DateMention], base: Published | None) -> list[DateMention]:
    """Months named without their year, moved a year back when their clause tells of the past and they fall after
    the publication ("le budget, voté en décembre" in June), a year on when it tells of the future and they fall
    before it ("sera versée en mars" in December)."""
    if base is None or base.month is None:
        return mentions
    out = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand") if _month_named(mention) else None
        if span is not None and len(mention.value) >= MONTH_PRECISION:
            mention = _shifted_year(mention, tense(list(verbs_above(span.root))), base)
        out.append(mention)
    return out


def _shifted_year(mention: DateMention, clause_tense: str, base: Published) -> DateMention:
    """The mention a year back when its clause tells of the past and it falls after the publication (its day, or its
    month when either is a month), a year on when its clause tells of the future and it falls before."""
    both_days = base.day is not None and len(mention.value) == DAY_PRECISION
    published = base.day.isoformat() if both_days else base.month.isoformat()[:MONTH_PRECISION]
    value = mention.value[:len(published)]
    shift = -1 if clause_tense in PAST_TENSES and value > published else \
        1 if clause_tense in FUTURE_TENSES and value < published else 0
    return replace(mention, value=f"{int(mention.value[:4]) + shift:04d}{mention.value[4:]}") if shift else mention


@Language.component(DATES_COMPONENT)
def dates_component(doc: Doc) -> Doc:
    """Store the dates of the doc in doc._.dates, resolved against doc._.published (and the tense of their clause for
    a month named without its year)."""
    published = parse_published(doc._.published)
    doc._.dates = by_tense(doc, find_dates(text_of(doc), published), published)
    return doc


for _name in ("dates", "published"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None if _name == "published" else [])
