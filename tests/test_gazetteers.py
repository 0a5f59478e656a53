"""Golden cases for the gazetteers: places resolved to official regions, bodies to canonical names."""

import pytest

from extract.bodies import canonical, find_bodies
from extract.regions import OFFICIAL_REGIONS, find_places, main_region, region_of


def case(text: str, want, *, main: str | None = None, fails: str | None = None):
    marks = [pytest.mark.xfail(strict=True, reason=fails)] if fails else []
    label = f"{text} [{main}]" if main else text
    return pytest.param(text, want, main, id=label, marks=marks)


# Official names and their written variants (facts.md: "Variants resolve to them").
REGION_VARIANTS = [
    case("la région Normandie", "Normandie"),
    case("les Pays-de-la-Loire", "Pays de la Loire"),
    case("en Pays de la Loire", "Pays de la Loire"),
    case("Auvergne Rhône-Alpes", "Auvergne-Rhône-Alpes"),
    case("l'Ile-de-France", "Île-de-France"),
    case("l'Île-de-France", "Île-de-France"),
    case("la Région Sud", "Provence-Alpes-Côte d'Azur"),
    case("la région PACA", "Provence-Alpes-Côte d'Azur"),
    case("en Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"),
    case("la région Centre-Val de Loire", "Centre-Val de Loire"),
    case("le Grand Est", "Grand Est"),
    case("les Hauts-de-France", "Hauts-de-France"),
    case("la Bourgogne-Franche-Comté", "Bourgogne-Franche-Comté"),
    case("la région Centre", "Centre-Val de Loire"),
]

FORMER_REGIONS = [
    case("en Rhône-Alpes", "Auvergne-Rhône-Alpes"),
    case("en Aquitaine", "Nouvelle-Aquitaine"),
    case("le Limousin", "Nouvelle-Aquitaine"),
    case("le Nord-Pas-de-Calais", "Hauts-de-France"),
    case("la Picardie", "Hauts-de-France"),
    case("la Haute-Normandie", "Normandie"),
    case("l'Alsace", "Grand Est"),
    case("la Lorraine", "Grand Est"),
    case("en Midi-Pyrénées", "Occitanie"),
    case("en Bourgogne", "Bourgogne-Franche-Comté"),
]

DEPARTEMENTS = [
    case("le Calvados", "Normandie"),
    case("la Seine-Maritime", "Normandie"),
    case("la Seine-Saint-Denis", "Île-de-France"),
    case("le Val-d'Oise", "Île-de-France"),
    case("les Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
    case("en Gironde (33)", "Nouvelle-Aquitaine"),
    case("le Nord", "Hauts-de-France"),
    case("le Var", "Provence-Alpes-Côte d'Azur"),
    case("la Manche", "Normandie"),
    case("dans le 93", "Île-de-France"),
]

PREFECTURES_AND_CITIES = [
    case("à Rouen", "Normandie"),
    case("à Caen", "Normandie"),
    case("à Lyon", "Auvergne-Rhône-Alpes"),
    case("à Marseille", "Provence-Alpes-Côte d'Azur"),
    case("à Toulouse", "Occitanie"),
    case("à Bordeaux", "Nouvelle-Aquitaine"),
    case("à Lille", "Hauts-de-France"),
    case("à Nantes", "Pays de la Loire"),
    case("à Strasbourg", "Grand Est"),
    case("à Rennes", "Bretagne"),
    case("à Orléans", "Centre-Val de Loire"),
    case("à Dijon", "Bourgogne-Franche-Comté"),
    case("à Ajaccio", "Corse"),
    case("à Paris", "Île-de-France"),
    case("au Havre", "Normandie"),
]

OVERSEAS = [
    case("à La Réunion", "La Réunion"),
    case("à la Réunion", "La Réunion"),
    case("à Saint-Denis de La Réunion", "La Réunion"),
    case("en Guadeloupe", "Guadeloupe"),
    case("en Martinique", "Martinique"),
    case("en Guyane", "Guyane"),
    case("à Mayotte", "Mayotte"),
    case("à Cayenne", "Guyane"),
    case("à Fort-de-France", "Martinique"),
]

# Common words that are also place names: no region without the context that makes them a place.
NOT_PLACES = [
    case("un centre de formation", None),
    case("une réunion du conseil d'administration", None),
]


@pytest.mark.parametrize("text, want, main", REGION_VARIANTS + FORMER_REGIONS + DEPARTEMENTS + PREFECTURES_AND_CITIES
                         + OVERSEAS)
def test_place_resolves_to_its_region(text, want, main):
    assert [m.region for m in find_places(text)] == [want]


@pytest.mark.parametrize("text, want, main", NOT_PLACES)
def test_common_words_are_not_places(text, want, main):
    assert find_places(text) == []


def test_place_mentions_point_at_their_text():
    text = "Entre Rouen, le Calvados et la Bretagne (8,6 M€), les Pays-de-la-Loire."
    for mention in find_places(text):
        assert text[mention.start:mention.end] == mention.text
        assert mention.norm == mention.region and mention.region in OFFICIAL_REGIONS


def test_region_of():
    assert region_of("Rouen") == "Normandie"
    assert region_of("PACA") == "Provence-Alpes-Côte d'Azur"
    assert region_of("Atlantide") is None
    assert region_of(None) is None
    # A name two regions share (Saint-Denis: in Île-de-France and La Réunion's prefecture) resolves to neither.
    assert region_of("Saint-Denis") is None


def test_main_region_needs_a_clear_majority():
    normandy = find_places("La Normandie, Rouen et le Calvados, puis la Bretagne.")
    assert main_region(normandy) == "Normandie"
    assert main_region(find_places("La Normandie et la Bretagne.")) is None
    assert main_region(find_places("La Normandie.")) is None


# Bodies: acronyms and long forms are one body, in canonical form (facts.md, "Canonical names").
BODY_FORMS = [
    case("la Caisse des dépôts et consignations", ["Caisse des dépôts"]),
    case("la CDC", ["Caisse des dépôts"]),
    case("la Caisse des Dépôts", ["Caisse des dépôts"]),
    case("l'État", ["État"]),
    case("l'Etat", ["État"]),
    case("France compétences", ["France compétences"]),
    case("Pôle emploi", ["Pôle emploi"]),
    case("France Travail", ["France Travail"]),
    case("le Fonds social européen", []),  # a fund: a programme, not a body
    case("la Direccte", ["Direccte"]),
    case("la Dreets Occitanie", ["Dreets"]),
    case("le ministère du Travail", ["ministère du Travail"]),
    case("l'Opco des entreprises de proximité", ["Opco EP"]),
    case("Transitions Pro Normandie", ["Transitions Pro Normandie"]),
    case("Transitions Pro (ou CPIR) de Normandie", ["Transitions Pro Normandie"]),
    case("la CPIR de Bretagne", ["Transitions Pro Bretagne"]),
    case("le Fongecif Bretagne", ["Transitions Pro Bretagne"]),
]

# Regions as institutions: "Région <official name>".
REGION_INSTITUTIONS = [
    case("la région Normandie", ["Région Normandie"]),
    case("le conseil régional de Normandie", ["Région Normandie"]),
    case("le Conseil régional d'Occitanie", ["Région Occitanie"]),
    case("le conseil régional des Pays de la Loire", ["Région Pays de la Loire"]),
    case("la Région Sud", ["Région Provence-Alpes-Côte d'Azur"]),
    case("la Région Île-de-France", ["Région Île-de-France"]),
    case("la région Guadeloupe", ["Région Guadeloupe"]),
    case("la Région Réunion", ["Région La Réunion"]),
    case("la Collectivité de Corse", ["Région Corse"]),
    # "la région" alone, inside a regional story, is that region's institution...
    case("Il est financé à parité par la région et l'État.", ["Région Normandie", "État"], main="Normandie"),
    case("La Région finance 3 M€.", ["Région Normandie"], main="Normandie"),
    case("Le conseil régional a voté 3 M€.", ["Région Bretagne"], main="Bretagne"),
    # ...but not a place ("dans la région") nor without a story region.
    case("les entreprises de la région", [], main="Normandie"),
    case("dans la région", [], main="Normandie"),
    case("Il est financé par la région et l'État.", ["État"]),
]

# A body's name never swallows the words around it.
TRIMMING = [
    case("publié par la Caisse des dépôts pour encourager les innovations", ["Caisse des dépôts"]),
    case("l'État pour les jeunes", ["État"]),
    case("avec la Direccte sur des dossiers FSE", ["Direccte"]),
]


@pytest.mark.parametrize("text, want, main", BODY_FORMS + REGION_INSTITUTIONS + TRIMMING)
def test_bodies(text, want, main):
    assert [m.norm for m in find_bodies(text, main)] == want


@pytest.mark.parametrize("text, want, main", TRIMMING)
def test_trimmed_body_text(text, want, main):
    for mention in find_bodies(text, main):
        assert text[mention.start:mention.end] == mention.text
        assert mention.text.split()[-1] not in {"pour", "sur", "avec", "les"}


def test_canonical():
    assert canonical("Caisse des dépôts et consignations") == "Caisse des dépôts"
    assert canonical("CDC") == "Caisse des dépôts"
    assert canonical("Une association inconnue") is None


SEED_SENTENCE = ("Un AAP de 6,2 M€ devrait être publié le 4 mai 2020 par la Caisse des dépôts pour encourager "
                 "les innovations en matière d'ingénierie pédagogique en Normandie.")


def test_pipeline_trims_the_body_in_the_seed_sentence(nlp):
    orgs = [m for m in nlp(SEED_SENTENCE)._.mentions if m.label == "ORG"]
    assert [(m.text, m.norm) for m in orgs] == [("Caisse des dépôts", "Caisse des dépôts")]


def test_pipeline_trims_an_unknown_organisation(nlp):
    text = "La Fondation Orange pour encourager l'insertion des jeunes a versé 2 M€ en 2021."
    orgs = [m for m in nlp(text)._.mentions if m.label == "ORG"]
    assert [m.text for m in orgs] == ["Fondation Orange"]


def test_pipeline_reads_the_region_as_an_institution_in_a_regional_story(nlp):
    text = ("La région Normandie soutient la formation en Normandie. "
            "Le dispositif est financé à parité par la région et l'État.")
    doc = nlp(text)
    assert doc._.main_region == "Normandie"
    orgs = [m.norm for m in doc._.mentions if m.label == "ORG"]
    assert orgs == ["Région Normandie", "Région Normandie", "État"]


def test_a_region_named_inside_a_body_s_name_counts_once_for_the_main_region(nlp):
    """"la Région Normandie" is one mention of Normandie, not a body and a place: named once, it is no main region."""
    text = ("France compétences fixe à 6 650 € le niveau de prise en charge du BTS. "
            "La Région Normandie ajoute 2 M€ pour les CFA ruraux.")
    assert nlp(text)._.main_region is None
    assert nlp(text + "\nEn Normandie, 40 CFA sont concernés.")._.main_region == "Normandie"
