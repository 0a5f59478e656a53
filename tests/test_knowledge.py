"""Golden cases for the knowledge base and the entity stage: known names tagged whole and canonicalised, programmes
apart from organisations, generic nouns resolved to the body they stand for, people whole and places never people."""

import pytest

from extract.anaphora import resolve_generics
from extract.knowledge import known_spans
from extract.nlp import extract_docs, load
from extract.types import Mention


def case(text, want, reason=""):
    return pytest.param(text, want, id=reason or text[:40])


# A known name is tagged whole, under its canonical name, whatever form the text gives it.
KNOWN_NAMES = [
    case("l'université Paris-XIII", [("université Paris-XIII", "ORG", "Université Sorbonne Paris Nord")]),
    case("à Paris 8", [("Paris 8", "ORG", "Université Paris 8")]),
    case("l'UGA", [("UGA", "ORG", "Université Grenoble Alpes")]),
    case("le conseil général du Finistère", [("conseil général du Finistère", "ORG", "Département du Finistère")]),
    case("le Conseil départemental des Hautes-Alpes", [("Conseil départemental des Hautes-Alpes", "ORG",
                                                         "Département des Hautes-Alpes")]),
    case("le conseil régional d'Aquitaine", [("conseil régional d'Aquitaine", "ORG", "Région Nouvelle-Aquitaine")],
         "former region"),
    case("l'Agence nationale de la recherche", [("Agence nationale de la recherche", "ORG", "ANR")]),
    case("le Fongecif Lorraine", [("Fongecif Lorraine", "ORG", "Transitions Pro Grand Est")]),
    case("l'ex-Direccte", [("ex-Direccte", "ORG", "Direccte")]),
    case("le Snesup-FSU", [("Snesup-FSU", "ORG", "Snesup-FSU")], "a name holding another"),
    case("le syndicat Snetap-FSU", [], "an acronym inside an unknown name"),
    # Programmes, calls, funds, plans and laws carry their own label.
    case("le PIA 4 et le FSE+", [("PIA 4", "PROG", "PIA"), ("FSE+", "PROG", "FSE")]),
    case("l'appel à projets générique", [("appel à projets générique", "PROG", "AAPG")]),
    case("au titre du contrat de plan État-région", [("contrat de plan État-région", "PROG", "CPER")]),
]


@pytest.mark.parametrize("text, want", KNOWN_NAMES)
def test_known_names(text, want):
    assert [(s.text, s.label_, s.kb_id_) for s in known_spans(text)] == want


def body(name, start, end, region=None):
    return Mention("ORG", name, name, start, end, region)


GENERICS = [
    pytest.param("L'université de Caen vote son budget. L'établissement prévoit 4 M€.",
         [body("Université de Caen Normandie", 0, 20, "Normandie")], [("L'établissement", "Université de Caen Normandie")],
         id="university"),
    pytest.param("Le Département du Gard et la CDC signent. Le département apporte 2 M€.",
         [body("Département du Gard", 0, 19, "Occitanie"), body("Caisse des dépôts", 26, 33)],
         [("Le département", "Département du Gard")], id="département"),
    pytest.param("Le département apporte 2 M€.", [], [], id="no body to stand for"),
]


@pytest.mark.parametrize("text, bodies, want", GENERICS)
def test_generic_nouns_stand_for_the_body_named(text, bodies, want):
    found = resolve_generics(text, bodies)
    assert [(text[m.start:m.end], m.norm) for m in found] == want


@pytest.fixture(scope="module")
def nlp():
    return load()


def mentions(nlp, text):
    return next(extract_docs(nlp, [(text, "2024-05-02")])).mentions


PEOPLE = [
    case("« Nous tenons le cap », affirme Marie-Hélène de La Roche, présidente de l'université.",
         ["Marie-Hélène de La Roche"], "particles kept"),
    case("Selon Pierre-Yves Le Floch, 1er vice-président, le budget augmente.", ["Pierre-Yves Le Floch"],
         "title after the name"),
    case("M. Karim Ben Yahia (CFDT) a voté contre.", ["Karim Ben Yahia"], "civility dropped"),
    case("Le centre ouvrira à Saint-Étienne-du-Rouvray en 2025, puis à Villeneuve-sur-Lot.", [], "towns"),
]


@pytest.mark.parametrize("text, want", PEOPLE)
def test_people(nlp, text, want):
    assert [m.norm for m in mentions(nlp, text) if m.label == "PER"] == want


def test_programmes_are_never_organisations(nlp):
    text = ("Le Plan d'investissement dans les compétences et le Programme d'investissements d'avenir financent "
            "l'Afpa, qui touche 3 M€ du FSE.")
    found = mentions(nlp, text)
    assert {m.norm for m in found if m.label == "ORG"} == {"Afpa"}
    assert {m.norm for m in found if m.label == "PROG"} >= {"PIA", "FSE"}
