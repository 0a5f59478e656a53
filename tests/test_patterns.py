"""The quicker scans of extract.patterns give exactly the matches of the plain regular expressions they stand for."""

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract import bodies, dates, regions
from extract.data import load_json
from extract.patterns import Screened, literal_alternation, required_literals
from pipelines.readers import RawArticle, read_paths

CORPUS = [item.text for item in read_paths([Path(__file__).resolve().parent.parent / "corpus"])
          if isinstance(item, RawArticle)]
# Pieces of date expressions, and what stands around them, put together at random below: cues, years, months,
# weekdays, relative words in any case, numbers, spaces, and characters whose casefolded form is longer (ß, İ).
DATE_PIECES = ["en", "pour", "le", "1er", "14", "3", "2021", "1999", "2023-2025", "19", "20", "mars", "Décembre",
               "AOÛT", "fin", "mi-", "début", "budget", "loi de finances pour", "cette année-là", "la même année",
               "l'an dernier", "L'année prochaine", "hier", "aujourd'hui", "avant-hier", "mardi", "ce", "Lundi",
               "dernier", "prochain", "le même jour", "un an plus tôt", "/", "05/09/18", "12/2021", "2 000 €", "euros",
               ",", ".", "-", "(", " ", "  ", "\n", "ß", "İ", "x"]
SETTINGS = settings(max_examples=300, deadline=None)


def spans(matches) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in matches]


def plain_alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@SETTINGS
@given(st.lists(st.text("abé-", min_size=1, max_size=5), min_size=1, max_size=12),
       st.text("abé- x", max_size=60))
def test_literal_alternation_matches_as_the_longest_first_alternation(words, text):
    plain = re.compile(rf"(?<![\w-])(?:{plain_alternation(words)})(?![\w-])")
    trie = re.compile(literal_alternation(words, r"(?<![\w-].)") + r"(?![\w-])")
    assert spans(trie.finditer(text)) == spans(plain.finditer(text))


def test_place_alternation_finds_what_the_plain_one_finds():
    plain_places = re.compile(rf"(?<![\w-])(?:{plain_alternation(regions.place_table())})(?![\w-])")
    for text in CORPUS + ["l'ex-Direccte, la ex-Dreets, Paris-Saclay, Pau, Paris."]:
        assert spans(regions._place_pattern().finditer(text)) == spans(plain_places.finditer(text))


DATE_PATTERNS = [pytest.param(anchored, id=kind) for kind, anchored in dates.PATTERNS]
DATE_PATTERNS.append(pytest.param(dates.ANAPHORIC, id="anaphoric"))


@pytest.mark.parametrize("anchored", DATE_PATTERNS)
def test_date_pattern_tried_near_its_core_finds_what_a_full_scan_finds_in_the_corpus(anchored):
    for text in CORPUS:
        assert spans(anchored.finditer(text)) == spans(anchored.pattern.finditer(text))


@SETTINGS
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=30), st.lists(st.sampled_from(["", " ", "\n"]), max_size=30))
@example(pieces=["ce", "  ", "  ", "mardi"], separators=[])  # "ce" farther from its day than the reach looks back
def test_date_patterns_tried_near_their_core_find_what_a_full_scan_finds(pieces, separators):
    text = "".join(piece + (separators[i] if i < len(separators) else " ") for i, piece in enumerate(pieces))
    for _, anchored in [*dates.PATTERNS, ("anaphoric", dates.ANAPHORIC)]:
        assert spans(anchored.finditer(text)) == spans(anchored.pattern.finditer(text)), anchored.pattern.pattern


@pytest.mark.parametrize("text", ["La Région Île-de-France, la région et le conseil régional de Bretagne.",
                                  "L'Exécutif régional de Corse, la Collectivité territoriale et l'ASSEMBLÉE régionale.",
                                  *CORPUS])
def test_region_institutions_tried_near_their_words_are_all_found(text):
    anchored = bodies._region_institution()
    assert spans(anchored.finditer(text)) == spans(anchored.pattern.finditer(text))


@pytest.mark.parametrize("text", ["L'université de Lille et Nantes Université.", "L'INSA Lyon, l'École centrale.",
                                  "L'Institut national des sciences appliquées de Rouen.", *CORPUS])
def test_organisation_patterns_match_only_texts_holding_their_core_words(text):
    pattern, core = bodies._named_patterns()
    for match in pattern.finditer(text):
        assert core.search(match.group(0).casefold()), match.group(0)


# Pieces of boilerplate lines and of the prose around them, put together at random below.
BOILERPLATE_PIECES = ["cookies", "cookie", "traceurs", "accepter", "navigation", "abonnez-vous", "abonné", "déjà",
                      "demandez", "votre", "essai", "test", "gratuit", "newsletter", "newsletters", "inscrivez-vous",
                      "nos", "offres", "d'abonnement", "©", "tous droits réservés", "copyright", "s'abonner", "la",
                      "région", "vote", "3,7 m€", "utilisons", "des", "profitez d'un", "accès découverte", " ", "\n",
                      "-", ".", "x"]


def test_required_literals_of_the_boilerplate_patterns_are_in_every_line_they_match():
    lines = [line.lower() for text in CORPUS for line in text.split("\n")]
    for pattern in [p["pattern"] for p in load_json("boilerplate.json")["line_patterns"]]:
        required = required_literals(pattern)
        for line in lines:
            if re.search(pattern, line):
                assert required is None or any(word in line for word in required), (pattern, line)


@SETTINGS
@given(st.lists(st.sampled_from(BOILERPLATE_PIECES), max_size=20), st.lists(st.sampled_from(["", " "]), max_size=20))
def test_a_screened_pattern_finds_what_the_plain_search_finds(pieces, separators):
    line = "".join(piece + (separators[i] if i < len(separators) else " ") for i, piece in enumerate(pieces))
    for pattern in [p["pattern"] for p in load_json("boilerplate.json")["line_patterns"]]:
        screened = Screened(re.compile(pattern))
        assert spans([m for m in [screened.search(line)] if m]) == spans([m for m in [re.search(pattern, line)] if m])


@pytest.mark.parametrize("pattern, text", [(r"(?i)cookies", "COOKIES"), (r"(?i:cookies) x", "COOKIES x"),
                                           (r"a(?=.*cookies)", "a, cookies"), (r"(?:ab|)c", "c"), (r"\d+ €", "12 €")])
def test_screening_never_hides_a_match(pattern, text):
    assert Screened(re.compile(pattern)).search(text) is not None
    assert Screened(re.compile(pattern.replace("(?i)", ""), re.IGNORECASE)).search(text.upper()) is not None
