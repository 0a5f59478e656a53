"""Property-based tests (hypothesis) of the amount and date normalisers and of the readers.

No input crashes them; what they return is always well formed; and round trips hold: an amount
written out the French way parses back to itself, a date written out the French way reads back as
itself, an article written to a file reads back as its text.
"""

import gzip
import json
import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from extract.amounts import MAX_AMOUNT, find_amounts, parse_number
from extract.clean import TYPOGRAPHY, normalise
from extract.dates import find_dates
from pipelines.decoding import MIXED_ENCODING, is_mixed
from pipelines.readers import RawArticle, Reject, read_file

QUALIFIERS = {"exact", "approx", "min", "max", "range"}
# Enough examples to find the odd case, few enough to keep the suite quick (dateparser costs ~1 ms a call).
EXAMPLES = 150
FEW = settings(max_examples=60, deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MANY = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of French money and date writing, so that random texts come close to real ones.
TOKENS = ["1", "12", "3,7", "1 234", "999999999999999999999", "0", ",", ".", " ", "\u00a0", "\u202f", "€", "M€",
          "k€", "Md€", "Mds€", "euros", "d'euros", "millions", "milliard", "de", "entre", "et", "à", "jusqu'à",
          "environ", "plus de", "par", "apprenti", "-", "+", "^", "10^30", "$", "£", "CHF", "USD", "mille", "cent",
          "demi-", "31/02/2020", "le", "1er", "février", "2020", "mars", "fin", "en", "hier", "lundi", "prochain",
          "\n", "(", ")", "%", "deux", "vingt-trois"]
FRENCHISH = st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join) | st.lists(
    st.sampled_from(TOKENS), max_size=30).map("".join)
ANY_TEXT = st.text(max_size=300) | FRENCHISH


# --- amounts: nothing crashes, everything returned is well formed ---------------------------------------------------

@MANY
@given(ANY_TEXT)
@example("Une dette de 10^30 € et un budget de 999999999999999999999 €.")
@example("1" * 400 + " €")
@example("entre 5 et 3 M€, de 0 à 0 €")
def test_find_amounts_never_crashes_and_returns_well_formed_amounts(text):
    amounts = find_amounts(text)
    previous_end = 0
    for amount in amounts:
        assert 0 <= amount.start < amount.end <= len(text)
        assert text[amount.start:amount.end] == amount.text
        assert amount.start >= previous_end  # in order, never overlapping
        previous_end = amount.end
        assert math.isfinite(amount.value) and abs(amount.value) <= MAX_AMOUNT
        assert amount.value_max is None or (math.isfinite(amount.value_max) and amount.value_max > amount.value)
        assert amount.qualifier in QUALIFIERS and len(amount.currency) == 3


# Texts made mostly of the characters normalise replaces, and of their neighbours.
TYPOGRAPHIC_TEXT = st.text(alphabet=st.sampled_from([*TYPOGRAPHY, *TYPOGRAPHY.values(), "a", "é", "\n", "€", "["]),
                           max_size=200) | st.text(max_size=200)


@given(TYPOGRAPHIC_TEXT)
@MANY
def test_normalise_replaces_each_typographic_character_by_its_plain_form_and_nothing_else(text):
    assert normalise(text) == "".join(TYPOGRAPHY.get(c, c) for c in text)


@MANY
@given(ANY_TEXT)
def test_parse_number_never_crashes(text):
    value = parse_number(text)
    assert value is None or isinstance(value, Decimal)


# --- amounts: round trips -------------------------------------------------------------------------------------------

# Spaces the French put between groups of thousands; the pipeline normalises the typographic ones first.
THOUSANDS = [" ", "\u00a0", "\u202f", "."]
SENTENCE = "La région a voté {} pour les lycées professionnels."


def french_number(value: Decimal, separator: str) -> str:
    """A number written the French way: groups of three digits, a decimal comma."""
    whole, _, fraction = f"{value:f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    written = separator.join([whole, *groups])
    return f"{written},{fraction}" if fraction else written


def amount_of(written: str):
    """The only amount of a sentence holding `written`, found as the pipeline finds it (after normalising)."""
    text = normalise(SENTENCE.format(written))
    amounts = find_amounts(text)
    assert len(amounts) == 1, (written, amounts)
    assert amounts[0].text == normalise(written)
    return amounts[0]


@MANY
@given(whole=st.integers(0, 10**12), cents=st.none() | st.integers(0, 99), separator=st.sampled_from(THOUSANDS))
@example(whole=1_234_567, cents=89, separator=" ")
def test_euros_written_out_parse_back(whole, cents, separator):
    value = Decimal(whole) + (Decimal(cents) / 100 if cents is not None else 0)
    exact = Decimal(f"{whole}.{cents:02d}") if cents is not None else Decimal(whole)
    amount = amount_of(f"{french_number(exact, separator)} €")
    assert amount.value == float(value) and amount.currency == "EUR" and amount.qualifier == "exact"


MAGNITUDES = [("k€", 10**3), ("M€", 10**6), ("Md€", 10**9), (" millions d'euros", 10**6),
              (" milliards d'euros", 10**9), (" millions de dollars", 10**6)]


@MANY
@given(mantissa=st.decimals(min_value=1, max_value=999, places=2), magnitude=st.sampled_from(MAGNITUDES),
       space=st.sampled_from(["", " ", "\u00a0"]))
@example(mantissa=Decimal("3.70"), magnitude=("M€", 10**6), space=" ")
@example(mantissa=Decimal("12.00"), magnitude=("k€", 10**3), space=" ")
def test_magnitudes_written_out_parse_back(mantissa, magnitude, space):
    suffix, factor = magnitude
    written = french_number(mantissa.normalize(), "")  # "3,7", "12", "999,99"
    amount = amount_of(f"{written}{space if not suffix.startswith(' ') else ''}{suffix}")
    assert amount.value == pytest.approx(float(mantissa * factor), rel=1e-12)
    assert amount.currency == ("USD" if "dollars" in suffix else "EUR")


# --- dates ----------------------------------------------------------------------------------------------------------

PUBLISHED = st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))
MONTH_NAMES = dict(enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                               "octobre", "novembre", "décembre"], 1))


def check_value(value: str) -> None:
    """A date value is a real year, month or day at its precision."""
    parts = value.split("-")
    assert len(parts) in (1, 2, 3) and len(parts[0]) == 4, value
    numbers = [int(p) for p in parts]
    date(numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1)


@MANY
@given(text=ANY_TEXT, published=PUBLISHED)
@example(text="Le 31/02/2020 et le 30 février 2021, le 45/13/2020.", published=date(2021, 3, 1))
def test_find_dates_never_crashes_and_returns_real_dates(text, published):
    previous_end = 0
    for mention in find_dates(text, published):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.text
        assert mention.start >= previous_end
        previous_end = mention.end
        check_value(mention.value)


DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@MANY
@given(day=DAYS, style=st.sampled_from(["words", "numeric", "padded"]), published=PUBLISHED)
@example(day=date(2020, 2, 29), style="numeric", published=None)
@example(day=date(2021, 1, 1), style="words", published=None)
def test_dates_written_out_read_back(day, style, published):
    if style == "words":
        written = f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month]} {day.year}"
    elif style == "numeric":
        written = f"{day.day}/{day.month}/{day.year}"
    else:
        written = f"{day.day:02d}/{day.month:02d}/{day.year}"
    found = find_dates(f"La convention a été signée le {written} à Caen.", published)
    assert [m.value for m in found] == [day.isoformat()]


# Days that no month has: the 30th and 31st of February, the 31st of the 30-day months; 29 February comes apart.
IMPOSSIBLE_DAYS = [(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)]
YEARS = st.integers(1950, 2099)
NOT_LEAP = YEARS.filter(lambda y: y % 4 != 0)  # 2000 is a leap year, like every fourth one here


@MANY
@given(st.tuples(YEARS, st.sampled_from(IMPOSSIBLE_DAYS)) | st.tuples(NOT_LEAP, st.just((2, 29))))
@example((2020, (2, 31)))
def test_impossible_days_never_become_dates(impossible):
    year, (month, day) = impossible
    text = f"Le {day}/{month:02d}/{year}, puis le {day} {MONTH_NAMES[month]} {year}, la région a voté."
    for mention in find_dates(text, date(year, 12, 31)):
        check_value(mention.value)
        assert len(mention.value) < len("YYYY-MM-DD"), mention  # a month or a year at most, never a made-up day


# --- readers --------------------------------------------------------------------------------------------------------

# Text a person writes: any character but controls (which make a file binary), surrogates and the BOM.
PROSE = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff") | st.sampled_from(
    "\n\t"), min_size=1, max_size=400)
CP1252_PROSE = st.text(st.characters(codec="cp1252", blacklist_categories=("Cc",)) | st.just("\n"), min_size=1,
                       max_size=400)


def read_only(path):
    results = list(read_file(path))
    assert len(results) == 1, results
    return results[0]


@FEW
@given(text=PROSE)
def test_utf8_text_file_reads_back_as_itself(tmp_path, text):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode("utf-8"))
    result = read_only(path)
    if not text.strip():
        assert isinstance(result, Reject) and result.reason == "empty article"
    else:
        assert isinstance(result, RawArticle), result
        assert result.text == text.replace("\r\n", "\n").replace("\r", "\n") and result.encoding == "utf-8"


@FEW
@given(text=PROSE, encoding=st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]))
def test_utf16_and_utf32_text_files_with_their_mark_read_back_as_themselves(tmp_path, text, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(("\ufeff" + text).encode(encoding))  # these codecs write no mark of their own
    result = read_only(path)
    if not text.strip():
        assert isinstance(result, Reject) and result.reason == "empty article"
    else:
        assert isinstance(result, RawArticle), result
        assert result.text == text.replace("\r\n", "\n").replace("\r", "\n")
        assert result.encoding == encoding[:-3]


@FEW
@given(text=CP1252_PROSE)
def test_cp1252_text_file_reads_back_as_itself_and_is_flagged(tmp_path, text):
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
        assume(False)  # bytes that are also UTF-8 are read as UTF-8: nothing tells them apart
    except UnicodeDecodeError:
        pass
    # ... and so are bytes holding more well-formed UTF-8 sequences than broken bytes, which French cp1252 text never
    # does ("é" is one byte, then a letter) but "\xa0Â\xa0Â" does: UTF-8 with a stray byte reads the same.
    assume(not is_mixed(data))
    assume(text.strip())
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    result = read_only(path)
    assert isinstance(result, RawArticle), result
    assert result.text == text.replace("\r", "\n") and result.encoding == "cp1252"


@FEW
@given(before=PROSE, stray=st.sampled_from("’‘“”«»€éèàçœ–—…"), after=PROSE)
@example(before="\xa0", stray="’", after="\ufffd")  # a U+FFFD the text holds is no broken byte
def test_utf8_text_with_a_stray_cp1252_byte_reads_back_as_itself(tmp_path, before, stray, after):
    """A page pasted together: UTF-8 with one character in cp1252, whose byte UTF-8 cannot read."""
    assume(sum(len(char.encode()) > 1 for char in before + after) >= 2)
    path = tmp_path / "article.txt"
    path.write_bytes(before.encode() + stray.encode("cp1252") + after.encode())
    result = read_only(path)
    assert isinstance(result, RawArticle), result
    text = before + stray + after
    assert result.text == text.replace("\r\n", "\n").replace("\r", "\n") and result.encoding == MIXED_ENCODING


RECORD_TEXT = st.text(max_size=200)


@FEW
@given(article_id=st.text(min_size=1, max_size=40).filter(str.strip), text=RECORD_TEXT,
       title=st.none() | st.text(max_size=40), compress=st.booleans())
def test_jsonl_record_reads_back_as_itself(tmp_path, article_id, text, title, compress):
    line = json.dumps({"id": article_id, "text": text, "title": title}) + "\n"
    path = tmp_path / ("dump.jsonl.gz" if compress else "dump.jsonl")
    path.write_bytes(gzip.compress(line.encode("utf-8")) if compress else line.encode("utf-8"))
    result = read_only(path)
    if not text.strip():
        assert isinstance(result, Reject) and result.reason == "empty article"
        return
    assert isinstance(result, RawArticle), result
    storable_id = article_id.strip().replace("\x00", "\\u0000")
    assert (result.id, result.line) == (storable_id, 1)
    assert result.text == text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    assert result.title == ((title.strip().replace("\x00", "\ufffd") or None) if title else None)


@FEW
@given(data=st.binary(max_size=600), name=st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.jsonl.gz"]))
@example(data=b'{"id": "x\\ud800", "text": "a\\u0000b\\udfff"}', name="a.jsonl")
def test_whatever_the_bytes_every_string_read_can_be_stored(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    for item in read_file(path):
        assert isinstance(item, (RawArticle, Reject))
        for value in (item.source, item.id, getattr(item, "text", None), getattr(item, "title", None),
                      getattr(item, "reason", None)):
            if value is not None:
                value.encode("utf-8")  # raises on a lone surrogate
                assert "\x00" not in value
