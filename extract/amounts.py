"""Money amounts: find them in a text and normalise them (value, range, currency, qualifier, per-unit)."""

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from price_parser import Price
from spacy.language import Language
from spacy.tokens import Doc
from text_to_num import text2num

from extract.data import load_json
from extract import text_of
from extract.cues import MONEY_NOUNS, year_at
from extract.patterns import Anchored, literal_alternation
from extract.types import Amount

__all__ = ["find_amounts", "parse_number", "AMOUNTS_COMPONENT"]

AMOUNTS_COMPONENT = "depeches_amounts_v1"

# Symbol magnitudes written before a currency sign: "3,7 M€", "12 k€", "7,135 Md€".
SYMBOL_MAGNITUDES = {"k": 10**3, "K": 10**3, "M": 10**6, "Md": 10**9, "Mds": 10**9, "Mrd": 10**9, "Mrds": 10**9, "G": 10**9}
# Word magnitudes written before "d'euros": "3 millions d'euros", "1,2 milliard d'euros".
WORD_MAGNITUDES = {"mille": 10**3, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9,
                   "md": 10**9, "mds": 10**9, "Md": 10**9, "Mds": 10**9, "Mrd": 10**9, "Mrds": 10**9}
# "chaque euro détourné est un euro de moins": small amounts in words are figures of speech, not money facts.
MIN_WORD_AMOUNT = 10
NUMBER_WORDS = ("zéro un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
                "vingt vingts trente quarante cinquante soixante cent cents").split()

# Largest amount believed: a million milliards, ten times the world's yearly output; anything above
# ("999999999999999999999 €", a run of digits) is a typo or garbage, and would not fit a float.
MAX_AMOUNT = 10**15
# Qualifier cues read just before the amount (longest first so that "pas plus de" wins over "plus de").
QUALIFIER_CUES = [
    ("min", r"pas moins d[e']|un peu plus d[e']|au moins|au minimum|minimum d[e']|plus d[e']|sup[ée]rieure?s? [àa]|"
            r"d[ée]pass\w*(?: les| la)?|exc[èé]d\w*(?: les)?|[àa] partir d[e']|au-del[àa] d[e']|plancher d[e']|dès|"
            r"(?:au )?min(?:i|\.)"),
    ("max", r"pas plus d[e']|un peu moins d[e']|jusqu'[àa]|au maximum|au plus|maximum(?: d[e'])?|maximale? d[e']|moins d[e']|"
            r"(?:au )?max(?:i|\.)|"
            r"plafonn\w*(?: (?:son|sa|ses|leur|leurs|l[ea]|les|l') ?\w+)? [àa]|limit[ée]+e?s? [àa]|dans la limite d[e']|plafond d[e']|inf[ée]rieure?s? [àa]|n'exc[ée]dant pas|"
            r"ne (?:pourra|pourront|peut|peuvent|doit|doivent|saurait|sauraient) (?:pas )?(?:d[ée]passer|exc[ée]der)(?: les)?|sous les|"
            r"ne (?:d[ée]pass|exc[èé]d)\w* (?:pas|plus)(?: les)?|(?:pouvant|peut|peuvent|pourra|pourront|pourrait) atteindre"),
    ("approx", r"environ|d'environ|pr[èe]s d[e']|quelque|autour d[e']|de l'ordre d[e']|approximativement|[àa] peu pr[èe]s|"
               r"grosso modo|avoisin\w*(?: les)?|~|estim\w*\s*:|estim[ée]+e?s? [àa]|env\.|approx\."),
]
POSTFIX_CUES = [("approx", r"environ"), ("max", r"au maximum|maximum|au plus|maxi"),
                ("min", r"au moins|au minimum|minimum|mini")]
# A range "de X à Y" is no range after a verb of change: "le budget passe de 10 M€ à 12 M€" gives two amounts.
CHANGE_VERBS = r"pass\w*|augment\w*|progress\w*|baiss\w*|grimp\w*|recul\w*|chut\w*|évolu\w*|diminu\w*|port\w*|relev\w*|ramen\w*|abaiss\w*"
# Adverbs that may stand between a cue and its amount: "dépasse désormais 190 M€".
CUE_ADVERBS = r"désormais|déjà|encore|largement|légèrement|nettement|aujourd'hui|toujours|même|tout juste"
# The cues as patterns: those ending just before the amount, those starting right after it.
CUES_BEFORE = [(name, re.compile(rf"(?:^|[\s(,]|\bd['’])(?:{cues})(?:\s+(?:{CUE_ADVERBS}))?\s*$"))
               for name, cues in QUALIFIER_CUES]
CUES_AFTER = [(name, re.compile(rf"\s*(?:{cues})\b")) for name, cues in POSTFIX_CUES]
CHANGE_VERB_BEFORE = re.compile(rf"(?:{CHANGE_VERBS})\s*$")
# How far before or after an amount a qualifier or per-unit cue may stand, in characters.
CUE_WINDOW = 40
PER_UNIT = re.compile(r"\s*(?:(?:HT|TTC|bruts?|nets?|hors taxes?)\s+)?(?:(?:pour|sur) [^,.;:()\n]{1,25}?\s)?"
                      r"(?:par|/)\s*(?!(?:la|le|les|l|un|une|des|du|de|ce|cet|cette|son|sa|ses|leur|leurs|voie|rapport|ailleurs|exemple|conséquent)\b)"
                      r"([a-zàâçéèêëîïôûù][a-zàâçéèêëîïôûù-]+)")


@lru_cache(maxsize=1)
def _currency_table() -> dict[str, str]:
    """Each way of writing a currency, lowercased, with its ISO code."""
    table = {}
    for code, forms in load_json("currencies.json")["currencies"].items():
        for form in forms:
            table[form.lower()] = code
    return table | {form.lower(): code for form, code in load_json("currencies.json")["abbreviated"].items()}


def _currencies(forms=None) -> str:
    """The currency forms as one alternative, each as written, capitalised or in capitals ("euros", "Euros",
    "EUROS"): quicker to match than the same alternative ignoring case."""
    forms = [form for forms in load_json("currencies.json")["currencies"].values() for form in forms] \
        if forms is None else forms
    return f"(?:{_alternation({v for form in forms for v in (form, form.lower(), form.capitalize(), form.upper())})})"


def _abbreviated(after: bool = False) -> str:
    """The abbreviated currencies ("F") as they may follow a symbol magnitude, once or twice ("15 MF", "12 MFF"); with
    `after`, as the currency itself, only after a magnitude or a number grouped by thousands ("500 000 F")."""
    forms = "|".join(re.escape(form) for form in load_json("currencies.json")["abbreviated"])
    if not after:
        return rf"(?:{forms}){{1,2}}\b"
    return rf"(?:(?<=[kMds])|(?<=[kMds] )|(?<=\d[ .]\d{{3}})|(?<=\d[ .]\d{{3}} ))(?:{forms})(?=\b)"


def _alternation(words) -> str:
    """The words as one alternative, the longest first, written as a trie: `re` then tries at each position only the
    words that start with its character, where "|".join(words) would try each of them in turn."""
    return literal_alternation(words)


# A numeral in digits: "1 500 000", "1.500.000", "3,7", "12.50", "52".
DIGITS = r"(?P<num>\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+)"


@lru_cache(maxsize=1)
def _amount_pattern() -> re.Pattern:
    number = rf"(?:(?P<sign>[-+])\s?)?(?:{DIGITS}|{_words()})?\s?"
    symbol_mag = rf"(?P<smag>{_alternation(SYMBOL_MAGNITUDES)})\s?(?=[€$£]|EUR\b|[eE]uros?\b|EUROS?\b|d'euros|d'€|{_abbreviated()})(?:d')?"
    word_mag = rf"(?P<wmag>{_alternation(WORD_MAGNITUDES)})\s(?:(?P<andhalf>et demie?)\s)?"
    half_mag = r"(?P<half>demi-?)(?P<hmag>milliards?|millions?)\s"
    currency = rf"(?:d'|de )?(?P<cur>{_currencies()}|{_abbreviated(after=True)})"
    # Not inside a word or a number, nor after a sign; after "10-" it is the upper bound of a range ("10-20 M€").
    return re.compile(rf"(?<![\w.,+^])(?<![^\d]-){number}(?:{symbol_mag}|{word_mag}|{half_mag})?{currency}"
                      r"(?![^\W\d]|(?<!€)\d)")  # no letter after it, nor a digit but the cents of "12€50"


def _words() -> str:
    """A numeral in words: "trois", "vingt-cinq", "deux cent mille"."""
    return rf"(?P<words>(?:{_alternation(NUMBER_WORDS)})(?:[- ](?:et[- ])?(?:{_alternation(NUMBER_WORDS + ['mille'])}))*)"


@lru_cache(maxsize=1)
def _prefix_pattern() -> re.Pattern:
    """An amount written after its currency: "EUR 20", "€20", "$40 millions", "£ 12 millions", "EUR 1,2 million"."""
    before = _currencies(load_json("currencies.json")["before_number"])
    magnitude = rf"(?:\s?(?P<smag>{_alternation(SYMBOL_MAGNITUDES)})|\s(?P<wmag>{_alternation(WORD_MAGNITUDES)}))"
    return re.compile(rf"(?<![\w.,])(?P<cur>{before})\s?(?:(?P<sign>[-+])\s?)?{DIGITS}{magnitude}?(?![\w]|[.,]\d)")


def parse_number(text: str) -> Decimal | None:
    """The value of a French numeral written in digits or words: '1 500,5' → 1500.5, 'trois' → 3.

    >>> parse_number("1.500.000"), parse_number("3,7"), parse_number("deux cent mille")
    (Decimal('1500000'), Decimal('3.7'), Decimal('200000'))
    """
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        decimal = "." if re.fullmatch(r"\d+\.\d{1,2}", text) else ","
        return Price.fromstring(text, decimal_separator=decimal).amount
    try:
        return Decimal(text2num(text.replace(" et ", "-et-"), "fr"))
    except (ValueError, InvalidOperation):
        return None


def _currency_of(form: str, text: str) -> str:
    """The ISO code of a currency as written; "francs" alone are Swiss in a text that names Swiss francs."""
    code = _currency_table().get(form.lower(), "EUR")
    if code == "FRF" and form.lower() in BARE_FRANCS and SWISS_FRANCS.search(text):
        return "CHF"
    return code


def _value(match: re.Match) -> Decimal | None:
    groups = match.groupdict()
    numeral = groups["num"] or groups.get("words")
    if not numeral and not groups.get("half") and groups["wmag"] != "mille":
        return None
    number = parse_number(numeral) if numeral else Decimal(1)
    if number is None or (groups.get("words") and number < MIN_WORD_AMOUNT and _magnitude_of(match) == 1):
        return None
    if groups.get("andhalf"):
        number += Decimal("0.5")  # "deux milliards et demi"
    number *= _magnitude_of(match) * (Decimal("0.5") if groups.get("half") else 1)
    return -number if groups["sign"] == "-" else number


def _magnitude_of(match: re.Match) -> int:
    groups = match.groupdict()
    if groups["smag"]:
        return SYMBOL_MAGNITUDES[groups["smag"]]
    if groups["wmag"] or groups.get("hmag"):
        return WORD_MAGNITUDES[groups["wmag"] or groups["hmag"]]
    return 1


def _unit(text: str, end: int) -> re.Match | None:
    """The per-unit words right after an amount ending at `end`, on its line: "par apprenti", "HT par an"."""
    match = PER_UNIT.match(text, end)
    return match if match and "\n" not in match.group(0) else None


def _qualifier(text: str, start: int, end: int, unit: re.Match | None) -> str:
    before = text[max(0, start - CUE_WINDOW):start].lower()
    found = [(m.start(), name) for name, pattern in CUES_BEFORE for m in [pattern.search(before)] if m]
    if found:
        return min(found)[1]  # the longest cue wins: "pas plus de" is a maximum, not "plus de"
    if unit:  # "528 euros par mois au maximum": the cue may follow the unit
        end = unit.end()
    after = text[end:end + 20].lower()
    for name, pattern in CUES_AFTER:
        if pattern.match(after):
            return name
    return "exact"


def _per_unit(unit: re.Match | None) -> str | None:
    return unit.group(1) if unit and len(unit.group(0)) <= CUE_WINDOW + 20 else None


def _cues(text: str, start: int, end: int) -> tuple[str, str | None]:
    """The qualifier and the unit of the amount text[start:end]."""
    unit = _unit(text, end)
    return _qualifier(text, start, end, unit), _per_unit(unit)


@lru_cache(maxsize=1)
def _range_start() -> re.Pattern:
    digits = r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+,\d+|\d+"
    mags = _alternation(list(SYMBOL_MAGNITUDES) + list(WORD_MAGNITUDES))
    return re.compile(rf"(?P<lead>\b(?:entre|de|d')\s?)?(?<![\d.,])(?P<low>{digits})(?:\s?(?P<lowmag>{mags}))?"
                      rf"(?:\s?(?:d')?(?P<lowcur>{_currencies()}))?(?:\s(?P<link>et|à)\s|\s?(?P<link_dash>[-–—])\s?)$")


# A bare lower bound ("X à Y euros", no "de" or "entre" before it) is at least this share of the upper one.
RANGE_SPREAD = 100
# What links the bounds of a range, right before the upper one: "et", "à", a dash.
RANGE_LINK_BEFORE = re.compile(r"(?:\s(?:et|à)\s|\s?[-–—]\s?)$")


def _numeral_start(match: re.Match) -> int:
    """Where the number of an amount starts, after its sign: in "10 - 20 M€" the dash links a range."""
    return match.start("num") if match.group("num") else match.start("words") if match.group("words") else match.start()


def _range_low(text: str, match: re.Match) -> tuple[int, Decimal] | None:
    """The lower bound of "entre X et Y", "de X à Y", "X à Y" or "X - Y" ending just before the amount, if any."""
    head = _numeral_start(match)
    if not RANGE_LINK_BEFORE.search(text, max(0, head - 5), head):
        return None
    window_start = max(0, head - 60)
    found = _range_start().search(text[window_start:head])
    if not found or not _linked(found) or (found.group("link") == "à" and CHANGE_VERB_BEFORE.search(
            text[:window_start + found.start()].lower())):
        return None
    if year_at(text, window_start + found.start("low"), window_start + found.end("low")):
        return None  # "le décret du 22 février 2025 à 5 000 euros", "en 2021 à 6 400 euros": a year is no bound
    low = parse_number(found.group("low"))
    if low is None:
        return None
    magnitude = SYMBOL_MAGNITUDES.get(found.group("lowmag") or "", WORD_MAGNITUDES.get(found.group("lowmag") or "", 0))
    high = parse_number(match.group("num") or match.group("words") or "") or Decimal(0)
    # "de 500 000 euros à 1 M€", "de 50 000 à 2 millions": a bound written with its currency, or already larger
    # than the upper number, has its own magnitude; "de 10 à 15 millions" shares the upper one's.
    shares = not found.group("lowcur") and low < high
    if not (magnitude or found.group("lowcur") or shares or found.group("lead")):
        return None  # "en 2023 à 20 M€", "2024 - 5 M€": no range without a bound of the same kind
    if shares and not found.group("lead") and low * RANGE_SPREAD < high:
        return None  # "les titres de niveau 7 à 10 000 euros": a number that small is no bound of that one
    low *= magnitude or (_magnitude_of(match) if shares else 1)
    return window_start + found.start("low"), low


def _linked(found: re.Match) -> bool:
    """"entre" goes with "et"; "de", or nothing, with "à"; a dash with anything."""
    lead, link = (found.group("lead") or "").strip(), found.group("link")
    if found.group("link_dash"):
        return True
    return (lead == "entre") == (link == "et")


def _after_a_number(text: str, match: re.Match) -> bool:
    """"2024 - 5 M€": a dash after a number separates, it is no minus sign; nor is a bullet, a dash and a space
    opening a line ("- 240 M€ pour le programme 103")."""
    if match.group("sign") != "-":
        return False
    before = text[max(0, match.start() - 3):match.start()]
    bullet = bool(re.search(r"(?:^|\n)[ \t]*$", before)) and text[match.start("sign") + 1:match.start("sign") + 2].isspace()
    return bullet or bool(re.search(r"\d\s?$", before))


def _amount(text: str, match: re.Match) -> Amount | None:
    value = _value(match)
    if value is None or abs(value) > MAX_AMOUNT:
        return None
    currency = _currency_of(match.group("cur"), text)
    unit = _unit(text, match.end())
    per = _per_unit(unit)
    low = _range_low(text, match)
    if low is not None and low[1] < abs(value):
        start, low_value = low
        return Amount(start, match.end(), text[start:match.end()], float(low_value), float(abs(value)), currency,
                      "range", per)
    start = match.start()
    if _after_a_number(text, match):  # the dash is no part of the amount
        value, start = abs(value), _numeral_start(match)
    qualifier = _qualifier(text, start, match.end(), unit)
    return Amount(start, match.end(), text[start:match.end()], float(value), None, currency, qualifier, per)


def _with_cents(text: str, amount: Amount) -> Amount:
    """"12€50": the cents written right after the euro sign."""
    cents = CENTS_AFTER_SIGN.match(text, amount.end)
    if not cents or not amount.text.endswith("€") or amount.value_max is not None or amount.value % 1:
        return amount
    return replace(amount, end=cents.end(), text=text[amount.start:cents.end()],
                   value=amount.value + (-1 if amount.value < 0 else 1) * int(cents.group(1)) / 100)


# A magnitude without currency: "un budget de 27,4 millions", "7,1 milliards", "deux milliards et demi", "171 millions
# de l'État" (but "2 millions de jeunes" is a count).
BARE_MAGNITUDE = re.compile(rf"(?<![\w.,+-])(?:(?P<num>\d{{1,3}}(?:[ .]\d{{3}})*(?:,\d+)?)|(?P<one>un|une)|"
                            rf"(?P<words>(?:{_alternation(NUMBER_WORDS)})(?:[- ](?:{_alternation(NUMBER_WORDS)}))*))"
                            r"\s(?P<wmag>millions?|milliards?)(?:\s(?P<andhalf>et demie?))?"
                            rf"(?!\s(?:de|d'|d’)\s?(?!l['’]|la\s|(?i:{MONEY_NOUNS})\b)\w)(?![\w-])")
# ... tried only up to this many characters before a magnitude word (extract.patterns.Anchored).
BARE_ANCHORED = Anchored(BARE_MAGNITUDE, "milli", 60)
MONEY_CONTEXT = re.compile(r"€|\beuros?\b|\bbudget|\benveloppe|\bdotation|\bcrédits?\b|\bfinanc|\bsubvention|"
                           rf"\binvesti|\bcoût|\bfonds\b|\bdoté|\bFeder\b|\bFSE\b|\bdépens|\b{MONEY_NOUNS}\b", re.I)
# Words that make a bare magnitude a count: "le nombre de contrats atteint 1,2 million".
COUNTED = re.compile(r"\b(?:nombre|effectifs?|habitants?|personnes?|visit\w*|inscrits?|bénéficiaires|apprentis|"
                     r"salariés|demandeurs|chômeurs|élèves|étudiants|jeunes|passagers|emplois|heures|contrats|"
                     r"dossiers|formations|stagiaires|utilisateurs|comptes|abonnés|exemplaires|tonnes|kilomètres)\b",
                     re.I)
# How far around a bare magnitude money words must stand, in characters.
MONEY_CONTEXT_WINDOW = 80
# How far back in its clause a count word makes a bare magnitude a count, in characters.
COUNTED_WINDOW = 60
CLAUSE_BREAK = re.compile(r"[.;:!?\n]")
# "francs" alone are Swiss in a text naming Swiss francs.
BARE_FRANCS = {"franc", "francs"}
SWISS_FRANCS = re.compile(r"\bfrancs? suisses?\b|\bCHF\b", re.I)
# Cents written after the euro sign: "12€50".
CENTS_AFTER_SIGN = re.compile(r"(\d{2})(?![\w,.]?\d)")


def _bare_amounts(text: str, taken: list[Amount]) -> list[Amount]:
    """Magnitudes whose currency the text implies: money words around them, or other amounts in the text, which
    lend them their currency (the nearest before, else after). A count, or a magnitude ending a cut-off page
    ("… de consacrer 10 millions"), is no amount."""
    found = []
    for match in BARE_ANCHORED.finditer(text):
        if any(a.start < match.end() and match.start() < a.end for a in taken) or not text[match.end():].strip():
            continue
        number = _bare_number(match)
        window = text[max(0, match.start() - MONEY_CONTEXT_WINDOW):match.end() + MONEY_CONTEXT_WINDOW]
        if number is None or _counts(text, match.start()) or not (taken or MONEY_CONTEXT.search(window)):
            continue
        value = number * WORD_MAGNITUDES[match.group("wmag")]
        found.append(Amount(match.start(), match.end(), match.group(0), float(value), None,
                            _implied_currency(taken, match.start()), *_cues(text, match.start(), match.end())))
    return found


def _bare_number(match: re.Match) -> Decimal | None:
    number = Decimal(1) if match.group("one") else parse_number(match.group("num") or match.group("words"))
    if number is None:
        return None
    return number + (Decimal("0.5") if match.group("andhalf") else 0)


def _counts(text: str, start: int) -> bool:
    before = text[max(0, start - COUNTED_WINDOW):start]
    breaks = list(CLAUSE_BREAK.finditer(before))
    return bool(COUNTED.search(before[breaks[-1].end() if breaks else 0:]))


def _implied_currency(taken: list[Amount], start: int) -> str:
    before = [a for a in taken if a.end <= start]
    if before:
        return before[-1].currency
    return taken[0].currency if taken else "EUR"


def _prefix_amounts(text: str, taken: list[Amount]) -> list[Amount]:
    """Amounts written after their currency: "EUR 20", "€20", "$40 millions"."""
    found = []
    for match in _prefix_pattern().finditer(text):
        if any(a.start < match.end() and match.start() < a.end for a in taken):
            continue
        number = parse_number(match.group("num"))
        if number is None:
            continue
        value = number * _magnitude_of(match) * (-1 if match.group("sign") == "-" else 1)
        if abs(value) <= MAX_AMOUNT:
            found.append(Amount(match.start(), match.end(), match.group(0), float(value), None,
                                _currency_of(match.group("cur"), text), *_cues(text, match.start(), match.end())))
    return found


# A unit stated once for a table's column or a list's lines: "Montant (k€)", "Répartition (en k€) :", "(en millions
# d'euros)". The bare numbers under it are amounts in that unit.
_UNIT = (r"(?:(?:(?P<smag>k|K|M|Md|Mds)\s?)?(?P<cur>€|euros?|EUR)|"
         r"(?P<wmag>milliers|millions?|milliards?) d['’](?P<wcur>euros))")
STATED_UNIT = re.compile(rf"\((?:en\s+)?{_UNIT}\)")
# ... or by the line introducing the table or list, brackets or not: "…, en millions d'euros :", "Crédits en k€ :".
INTRO_UNIT = re.compile(rf"\ben\s+{_UNIT}\)?\s*:\s*$", re.M)
STATED_MAGNITUDES = {**SYMBOL_MAGNITUDES, **WORD_MAGNITUDES, "milliers": 10**3}
CELL_SEPARATOR = re.compile(r"[|\t]")
CELL_NUMBER = re.compile(rf"\s*(?:(?P<sign>[-+])\s?)?{DIGITS}\s*$")
# A list line under a stated unit: a label, a colon, a bare number.
UNIT_LIST_LINE = re.compile(rf"[^:|\t\n]{{1,80}}:\s*(?:(?P<sign>[-+])\s?)?{DIGITS}\s*$")


def _stated_unit(cell: str, text: str, pattern: re.Pattern = STATED_UNIT) -> tuple[int, str] | None:
    """The magnitude and currency a heading states, if any."""
    found = pattern.search(cell)
    if not found:
        return None
    magnitude = STATED_MAGNITUDES.get(found.group("smag") or found.group("wmag") or "", 1)
    return magnitude, _currency_of(found.group("cur") or found.group("wcur"), text)


def _intro_unit(line: str, text: str) -> tuple[int, str] | None:
    """The magnitude and currency a line introducing a list or table states before its colon, if any."""
    if not line.rstrip().endswith(":"):
        return None
    return _stated_unit(line, text) or _stated_unit(line, text, INTRO_UNIT)


def _unit_amount(text: str, start: int, number: re.Match, unit: tuple[int, str]) -> Amount | None:
    value = parse_number(number.group("num"))
    if value is None:
        return None
    value *= unit[0] * (-1 if number.group("sign") == "-" else 1)
    begin, end = start + number.start("sign" if number.group("sign") else "num"), start + number.end("num")
    return Amount(begin, end, text[begin:end], float(value), None, unit[1], "exact", None)


def _column_amounts(text: str, taken: list[Amount]) -> list[Amount]:
    """Bare numbers under a heading that states their unit: a table's column ("Montant (k€)"), or the lines of a list
    or the cells of a table introduced by one ("Répartition des crédits (en k€) :", "…, en millions d'euros :")."""
    if not (STATED_UNIT.search(text) or INTRO_UNIT.search(text)):
        return []
    found, width, columns, listed, start = [], 0, {}, None, 0
    for line in text.split("\n"):
        cells = CELL_SEPARATOR.split(line)
        units = {i: u for i, cell in enumerate(cells) if (u := _stated_unit(cell, text))} if len(cells) > 1 else {}
        if not units and listed and len(cells) > 1:  # a table under the line stating its unit: every column is in it
            units = dict.fromkeys(range(len(cells)), listed)
        if units:  # a table's heading row: the columns whose unit it states
            width, columns, listed = len(cells), units, None
        elif columns and len(cells) == width:
            offsets = [0] + [m.end() for m in CELL_SEPARATOR.finditer(line)]
            found += [_unit_amount(text, start + offsets[i], number, unit) for i, unit in columns.items()
                      if (number := CELL_NUMBER.match(cells[i]))]
        elif listed and (number := UNIT_LIST_LINE.match(line)):
            found.append(_unit_amount(text, start, number, listed))
        else:
            columns = {}
            listed = _intro_unit(line, text)
        start += len(line) + 1
    return [a for a in found if a and not any(t.start < a.end and a.start < t.end for t in taken)]


def find_amounts(text: str) -> list[Amount]:
    """Every money amount of a text, in order of appearance.

    >>> [(a.value, a.qualifier) for a in find_amounts("L'aide est de maximum 2 M€, contre environ 19 M€.")]
    [(2000000.0, 'max'), (19000000.0, 'approx')]
    >>> [(a.value, a.value_max, a.currency) for a in find_amounts("10-20 M€, EUR 20 et 4,2 milliards en dépenses.")]
    [(10000000.0, 20000000.0, 'EUR'), (20.0, None, 'EUR'), (4200000000.0, None, 'EUR')]
    """
    found = []
    for match in _amount_pattern().finditer(text):
        amount = _amount(text, match)
        if amount is None:
            continue
        while found and found[-1].end > amount.start:
            found.pop()  # "entre 2 M€ et 3 M€": the range replaces its lower bound
        found.append(_with_cents(text, amount))
    found = sorted(found + _prefix_amounts(text, found), key=lambda a: a.start)
    found = sorted(found + _bare_amounts(text, found), key=lambda a: a.start)
    return sorted(found + _column_amounts(text, found), key=lambda a: a.start)


@Language.component(AMOUNTS_COMPONENT)
def amounts_component(doc: Doc) -> Doc:
    """Store the amounts of the doc in doc._.amounts and as MONEY spans in doc.spans['amounts']."""
    doc._.amounts = find_amounts(text_of(doc))
    spans = [doc.char_span(a.start, a.end, label="MONEY", alignment_mode="expand") for a in doc._.amounts]
    doc.spans["amounts"] = [s for s in spans if s is not None]
    return doc


if not Doc.has_extension("amounts"):
    Doc.set_extension("amounts", default=[])
