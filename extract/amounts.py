"""Money amounts: find them in a text and normalise them (value, range, currency, qualifier, per-unit)."""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from price_parser import Price
from spacy.language import Language
from spacy.tokens import Doc
from text_to_num import text2num

from extract.data import load_json
from extract import text_of
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
            r"d[ée]pass\w*(?: les| la)?|exc[èé]d\w*(?: les)?|[àa] partir d[e']|au-del[àa] d[e']|plancher d[e']|dès"),
    ("max", r"pas plus d[e']|un peu moins d[e']|jusqu'[àa]|au maximum|au plus|maximum(?: d[e'])?|maximale? d[e']|moins d[e']|"
            r"plafonn\w* [àa]|dans la limite d[e']|plafond d[e']|inf[ée]rieure?s? [àa]|n'exc[ée]dant pas|"
            r"ne (?:pourra|pourront|peut|peuvent|doit|doivent|saurait|sauraient) (?:pas )?(?:d[ée]passer|exc[ée]der)(?: les)?|sous les"),
    ("approx", r"environ|d'environ|pr[èe]s d[e']|quelque|autour d[e']|de l'ordre d[e']|approximativement|[àa] peu pr[èe]s|"
               r"grosso modo|avoisin\w*(?: les)?|~"),
]
POSTFIX_CUES = [("approx", r"environ"), ("max", r"au maximum|maximum|au plus"), ("min", r"au moins|au minimum|minimum")]
# A range "de X à Y" is no range after a verb of change: "le budget passe de 10 M€ à 12 M€" gives two amounts.
CHANGE_VERBS = r"pass\w*|augment\w*|progress\w*|baiss\w*|grimp\w*|recul\w*|chut\w*|évolu\w*|diminu\w*|port\w*|relev\w*|ramen\w*|abaiss\w*"
# The cues as patterns: those ending just before the amount, those starting right after it.
CUES_BEFORE = [(name, re.compile(rf"(?:^|[\s(,])(?:{cues})\s*$")) for name, cues in QUALIFIER_CUES]
CUES_AFTER = [(name, re.compile(rf"\s*(?:{cues})\b")) for name, cues in POSTFIX_CUES]
CHANGE_VERB_BEFORE = re.compile(rf"(?:{CHANGE_VERBS})\s*$")
# How far before or after an amount a qualifier or per-unit cue may stand, in characters.
CUE_WINDOW = 40
PER_UNIT = re.compile(r"\s*(?:(?:HT|TTC|bruts?|nets?|hors taxes?)\s+)?(?:(?:pour|sur) [^,.;:()\n]{1,25}?\s)?"
                      r"(?:par|/)\s*(?!(?:la|le|les|l|un|une|des|du|de|ce|cet|cette|son|sa|ses|leur|leurs|voie|rapport|ailleurs|exemple|conséquent)\b)"
                      r"([a-zàâçéèêëîïôûù][a-zàâçéèêëîïôûù-]+)")


@lru_cache(maxsize=1)
def _currency_table() -> dict[str, str]:
    table = {}
    for code, forms in load_json("currencies.json")["currencies"].items():
        for form in forms:
            table[form] = code
    return table


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _amount_pattern() -> re.Pattern:
    currencies = _alternation(_currency_table())
    digits = r"(?P<num>\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+)"
    words = rf"(?P<words>(?:{_alternation(NUMBER_WORDS)})(?:[- ](?:et[- ])?(?:{_alternation(NUMBER_WORDS + ['mille'])}))*)"
    number = rf"(?:(?P<sign>[-+])\s?)?(?:{digits}|{words})?\s?"
    symbol_mag = rf"(?P<smag>{_alternation(SYMBOL_MAGNITUDES)})\s?(?=[€$£]|EUR\b|euros?\b|d'euros|d'€)(?:d')?"
    word_mag = rf"(?P<wmag>{_alternation(WORD_MAGNITUDES)})\s"
    half_mag = r"(?P<half>demi-?)(?P<hmag>milliards?|millions?)\s"
    currency = rf"(?:d'|de )?(?P<cur>{currencies})"
    return re.compile(rf"(?<![\w.,+^-]){number}(?:{symbol_mag}|{word_mag}|{half_mag})?{currency}(?![\w])")


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


def _currency_of(text: str) -> str:
    return _currency_table().get(text, "EUR")


def _value(match: re.Match) -> Decimal | None:
    groups = match.groupdict()
    numeral = groups["num"] or groups["words"]
    if not numeral and not groups["half"] and groups["wmag"] != "mille":
        return None
    number = parse_number(numeral) if numeral else Decimal(1)
    if number is None or (groups["words"] and number < MIN_WORD_AMOUNT and _magnitude_of(match) == 1):
        return None
    number *= _magnitude_of(match) * (Decimal("0.5") if groups["half"] else 1)
    return -number if groups["sign"] == "-" else number


def _magnitude_of(match: re.Match) -> int:
    groups = match.groupdict()
    if groups["smag"]:
        return SYMBOL_MAGNITUDES[groups["smag"]]
    if groups["wmag"] or groups["hmag"]:
        return WORD_MAGNITUDES[groups["wmag"] or groups["hmag"]]
    return 1


def _qualifier(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CUE_WINDOW):start].lower()
    found = [(m.start(), name) for name, pattern in CUES_BEFORE for m in [pattern.search(before)] if m]
    if found:
        return min(found)[1]  # the longest cue wins: "pas plus de" is a maximum, not "plus de"
    after = text[end:end + 20].lower()
    for name, pattern in CUES_AFTER:
        if pattern.match(after):
            return name
    return "exact"


def _per_unit(text: str, end: int) -> str | None:
    match = PER_UNIT.match(text, end)
    if match and "\n" not in match.group(0) and len(match.group(0)) <= CUE_WINDOW + 20:
        return match.group(1)
    return None


@lru_cache(maxsize=1)
def _range_start() -> re.Pattern:
    digits = r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+,\d+|\d+"
    mags = _alternation(list(SYMBOL_MAGNITUDES) + list(WORD_MAGNITUDES))
    currencies = _alternation(_currency_table())
    return re.compile(rf"(?P<lead>\b(?:entre|de|d')\s?)(?P<low>{digits})(?:\s?(?P<lowmag>{mags}))?(?:\s?(?:d')?(?P<lowcur>{currencies}))?"
                      rf"\s(?P<link>et|à)\s$")


def _range_low(text: str, match: re.Match) -> tuple[int, Decimal] | None:
    """The lower bound of "entre X et Y" / "de X à Y" ending just before the amount, if any."""
    window_start = max(0, match.start() - 60)
    found = _range_start().search(text[window_start:match.start()])
    if not found or (found.group("lead").startswith("entre")) != (found.group("link") == "et"):
        return None
    if found.group("link") == "à" and CHANGE_VERB_BEFORE.search(text[:window_start + found.start()].lower()):
        return None
    low = parse_number(found.group("low"))
    if low is None:
        return None
    magnitude = SYMBOL_MAGNITUDES.get(found.group("lowmag") or "", WORD_MAGNITUDES.get(found.group("lowmag") or "", 0))
    high = parse_number(match.group("num") or match.group("words") or "") or Decimal(0)
    # "de 500 000 euros à 1 M€", "de 50 000 à 2 millions": a bound written with its currency, or already larger
    # than the upper number, has its own magnitude; "de 10 à 15 millions" shares the upper one's.
    shares = not found.group("lowcur") and low < high
    low *= magnitude or (_magnitude_of(match) if shares else 1)
    return window_start + found.start("low"), low


def _amount(text: str, match: re.Match) -> Amount | None:
    value = _value(match)
    if value is None or abs(value) > MAX_AMOUNT:
        return None
    currency = _currency_of(match.group("cur"))
    per = _per_unit(text, match.end())
    low = _range_low(text, match)
    if low is not None and low[1] < value:
        start, low_value = low
        return Amount(start, match.end(), text[start:match.end()], float(low_value), float(value), currency, "range", per)
    qualifier = _qualifier(text, match.start(), match.end())
    return Amount(match.start(), match.end(), match.group(0), float(value), None, currency, qualifier, per)


# "un budget de 27,4 millions", "près d'un milliard pour le Feder": a magnitude without currency is money in euros
# when nothing counts people or things after it and money words stand close by.
BARE_MAGNITUDE = re.compile(r"(?<![\w.,+-])(?P<num>\d{1,3}(?:[ .]\d{3})*(?:,\d+)?|un|une)\s(?P<wmag>millions?|milliards?)"
                            r"(?!\s(?:de|d'|d’)\s?\w)(?![\w-])")
MONEY_CONTEXT = re.compile(r"€|\beuros?\b|\bbudget|\benveloppe|\bdotation|\bcrédits?\b|\bfinanc|\bsubvention|"
                           r"\binvesti|\bcoût|\bfonds\b|\bdoté|\bFeder\b|\bFSE\b", re.I)
# How far around a bare magnitude money words must stand, in characters.
MONEY_CONTEXT_WINDOW = 80


def _bare_amounts(text: str, taken: list[Amount]) -> list[Amount]:
    found = []
    for match in BARE_MAGNITUDE.finditer(text):
        if any(a.start < match.end() and match.start() < a.end for a in taken):
            continue
        window = text[max(0, match.start() - MONEY_CONTEXT_WINDOW):match.end() + MONEY_CONTEXT_WINDOW]
        number = Decimal(1) if match.group("num") in ("un", "une") else parse_number(match.group("num"))
        if number is None or not MONEY_CONTEXT.search(window):
            continue
        value = number * WORD_MAGNITUDES[match.group("wmag")]
        found.append(Amount(match.start(), match.end(), match.group(0), float(value), None, "EUR",
                            _qualifier(text, match.start(), match.end()), _per_unit(text, match.end())))
    return found


def find_amounts(text: str) -> list[Amount]:
    """Every money amount of a text, in order of appearance.

    >>> [(a.value, a.qualifier) for a in find_amounts("L'aide est de maximum 2 M€, contre environ 19 M€.")]
    [(2000000.0, 'max'), (19000000.0, 'approx')]
    """
    found = []
    for match in _amount_pattern().finditer(text):
        amount = _amount(text, match)
        if amount is None:
            continue
        while found and found[-1].end > amount.start:
            found.pop()  # "entre 2 M€ et 3 M€": the range replaces its lower bound
        found.append(amount)
    return sorted(found + _bare_amounts(text, found), key=lambda a: a.start)


@Language.component(AMOUNTS_COMPONENT)
def amounts_component(doc: Doc) -> Doc:
    """Store the amounts of the doc in doc._.amounts and as MONEY spans in doc.spans['amounts']."""
    doc._.amounts = find_amounts(text_of(doc))
    spans = [doc.char_span(a.start, a.end, label="MONEY", alignment_mode="expand") for a in doc._.amounts]
    doc.spans["amounts"] = [s for s in spans if s is not None]
    return doc


if not Doc.has_extension("amounts"):
    Doc.set_extension("amounts", default=[])
