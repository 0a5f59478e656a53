"""Golden cases for extract.amounts.find_amounts, grouped by where they come from."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from extract.amounts import find_amounts, parse_number
from extract.clean import normalise


@dataclass(frozen=True)
class Want:
    """One expected amount: value, upper bound, currency, qualifier, per-unit."""

    value: float
    value_max: float | None = None
    currency: str = "EUR"
    qualifier: str = "exact"
    per: str | None = None


def case(text: str, *wants: Want, fails: str | None = None):
    marks = [pytest.mark.xfail(strict=True, reason=fails)] if fails else []
    return pytest.param(text, list(wants), id=text, marks=marks)


# The magnitudes and forms listed in the fact specification.
SPEC_MAGNITUDES = [
    case("3,7 M€", Want(3_700_000)),
    case("12 k€", Want(12_000)),
    case("12 K€", Want(12_000)),
    case("12 k €", Want(12_000)),
    case("3 M €", Want(3_000_000)),
    case("52M€", Want(52_000_000)),
    case("7,135 Md€", Want(7_135_000_000)),
    case("2 Mds€", Want(2_000_000_000)),
    case("1,5 Mds €", Want(1_500_000_000)),
    case("0,5 M€", Want(500_000)),
    case("3 millions d'euros", Want(3_000_000)),
    case("1,5 million d'euros", Want(1_500_000)),
    case("1,2 milliard d'euros", Want(1_200_000_000)),
    case("2,5 milliards d'euros", Want(2_500_000_000)),
    case("une enveloppe d'un milliard d'euros", Want(1_000_000_000)),
    case("5 millions €", Want(5_000_000)),
    case("deux mille euros", Want(2_000)),
    case("mille euros", Want(1_000)),
]

SPEC_NUMBER_WORDS = [
    case("trois millions d'euros", Want(3_000_000)),
    case("un demi-milliard d'euros", Want(500_000_000)),
    case("un million d'euros", Want(1_000_000)),
    case("deux cent mille euros", Want(200_000)),
    case("vingt-cinq millions d'euros", Want(25_000_000)),
    case("soixante-dix millions d'euros", Want(70_000_000)),
    case("quatre-vingts millions d'euros", Want(80_000_000)),
    case("six cents euros", Want(600)),
    case("deux milliards et demi d'euros", Want(2_500_000_000)),
]

# Thousands separators: space, dot, and the no-break spaces that extract.clean.normalise turns into spaces.
SEPARATORS = [
    case("500 000 euros", Want(500_000)),
    case("1.500.000 euros", Want(1_500_000)),
    case("1.500 euros", Want(1_500)),
    case("1\u00a0500\u00a0000 euros", Want(1_500_000)),
    case("12\u202f000 €", Want(12_000)),
    case("3,7\u202fM€", Want(3_700_000)),
    case("1 234,56 €", Want(1234.56)),
    case("12,50 euros", Want(12.5)),
    case("3.5 M€", Want(3_500_000)),
    case("2 000 000 d'euros", Want(2_000_000)),
    case("10 000 EUR", Want(10_000)),
    case("500€", Want(500)),
]

SIGNS = [
    case("-3,3 M€", Want(-3_300_000)),
    case("+7,135 Md€", Want(7_135_000_000)),
    case("un déficit de \u22123,3 M€", Want(-3_300_000)),
    case("une baisse de 3 M€", Want(3_000_000)),
]

QUALIFIERS = [
    case("environ 19 M€", Want(19_000_000, qualifier="approx")),
    case("une enveloppe d'environ 19 M€", Want(19_000_000, qualifier="approx")),
    case("près de 5 M€", Want(5_000_000, qualifier="approx")),
    case("près d'un million d'euros", Want(1_000_000, qualifier="approx")),
    case("quelque 300 000 euros", Want(300_000, qualifier="approx")),
    case("autour de 2 M€", Want(2_000_000, qualifier="approx")),
    case("~3 M€", Want(3_000_000, qualifier="approx")),
    case("env. 3 M€", Want(3_000_000, qualifier="approx")),
    case("approx. 450 000 euros", Want(450_000, qualifier="approx")),
    case("une aide de max. 2 000 euros", Want(2_000, qualifier="max")),
    case("une aide de 2 000 euros maxi", Want(2_000, qualifier="max")),
    case("au min. 1 M€", Want(1_000_000, qualifier="min")),
    case("un apport de 500 euros mini", Want(500, qualifier="min")),
    case("un mini-budget de 3 M€", Want(3_000_000)),
    case("plus de 3 M€", Want(3_000_000, qualifier="min")),
    case("au moins 1 M€", Want(1_000_000, qualifier="min")),
    case("une assiette supérieure à 1 M€", Want(1_000_000, qualifier="min")),
    case("le budget dépasse 2 M€", Want(2_000_000, qualifier="min")),
    case("à partir de 500 euros", Want(500, qualifier="min")),
    case("pas moins de 3 M€", Want(3_000_000, qualifier="min")),
    case("jusqu'à 2 M€", Want(2_000_000, qualifier="max")),
    case("au maximum 1 M€", Want(1_000_000, qualifier="max")),
    case("L'aide est de maximum 2 M€", Want(2_000_000, qualifier="max")),
    case("au plus 100 000 euros", Want(100_000, qualifier="max")),
    case("moins de 1 M€", Want(1_000_000, qualifier="max")),
    case("une aide plafonnée à 3 000 euros", Want(3_000, qualifier="max")),
    case("dans la limite de 1 500 euros", Want(1_500, qualifier="max")),
    case("pas plus de 3 M€", Want(3_000_000, qualifier="max")),
    case("2 M€ au maximum", Want(2_000_000, qualifier="max")),
]

RANGES = [
    case("entre 2 et 3 M€", Want(2_000_000, 3_000_000, qualifier="range")),
    case("entre 2 M€ et 3 M€", Want(2_000_000, 3_000_000, qualifier="range")),
    case("entre 2 et 3 millions d'euros", Want(2_000_000, 3_000_000, qualifier="range")),
    case("de 10 à 15 millions d'euros", Want(10_000_000, 15_000_000, qualifier="range")),
    case("de 2 à 3 M€", Want(2_000_000, 3_000_000, qualifier="range")),
    case("entre 1 500 et 3 000 euros par an", Want(1_500, 3_000, qualifier="range", per="an")),
    case("entre 2 et 3 M€ par projet", Want(2_000_000, 3_000_000, qualifier="range", per="projet")),
    case("de 500 000 euros à 1 M€", Want(500_000, 1_000_000, qualifier="range")),
    case("entre 500 000 euros et 1 M€", Want(500_000, 1_000_000, qualifier="range")),
    # Not ranges: a change from one amount to another, two amounts joined by "et".
    case("le budget passe de 10 M€ à 12 M€", Want(10_000_000), Want(12_000_000)),
    case("3 M€ et 4 M€", Want(3_000_000), Want(4_000_000)),
]

PER_UNIT = [
    case("1 500 euros par apprenti", Want(1_500, per="apprenti")),
    case("3 000 euros par an", Want(3_000, per="an")),
    case("L'aide est de maximum 2 M€ pour trois ans par projet", Want(2_000_000, qualifier="max", per="projet")),
    case("3 M€/an", Want(3_000_000, per="an")),
    case("1 200 euros/mois", Want(1_200, per="mois")),
    case("3 000 € HT par stagiaire", Want(3_000, per="stagiaire")),
    case("30 000 euros brut par an", Want(30_000, per="an")),
    case("jusqu'à 2 M€ par projet", Want(2_000_000, qualifier="max", per="projet")),
    # Not per-unit: a period or the funder after "par".
    case("1,5 M€ sur trois ans", Want(1_500_000)),
    case("2 M€ par la région", Want(2_000_000)),
]

OTHER_CURRENCIES = [
    case("5 millions de dollars", Want(5_000_000, currency="USD")),
    case("3 M$", Want(3_000_000, currency="USD")),
    case("100 USD", Want(100, currency="USD")),
    case("10 000 francs suisses", Want(10_000, currency="CHF")),
    case("2 millions de livres sterling", Want(2_000_000, currency="GBP")),
    case("15 millions de francs CFP", Want(15_000_000, currency="XPF")),
    # Francs as the press abbreviated them before 2002: after a magnitude, or a number grouped by thousands.
    case("un budget de 15 MF en 1999", Want(15_000_000, currency="FRF")),
    case("soit 1,2 MF de plus", Want(1_200_000, currency="FRF")),
    case("2 MdF pour les lycées", Want(2_000_000_000, currency="FRF")),
    case("12 MFF votés", Want(12_000_000, currency="FRF")),
    case("une aide de 500 000 F par an", Want(500_000, currency="FRF", per="an")),
    case("20 000F par apprenti", Want(20_000, currency="FRF", per="apprenti")),
    case("100 FF de plus", Want(100, currency="FRF")),
]

# Numbers that are not money: the specification says none of them is a fact.
NOT_MONEY = [
    case("25 %"),
    case("une hausse de 5,5 % du budget"),
    case("3 millions de personnes"),
    case("plus de 3 millions de Français"),
    case("1 500 apprentis"),
    case("2 000 salariés"),
    case("AEF n°277460"),
    case("AEF info n° 655 432"),
    case("Tél. : 01 44 55 66 77"),
    case("en 2021"),
    case("le 4 mai 2020"),
    case("Le M€ est l'unité des budgets."),
    case("de 2020 à 2022"),
    # A lone "F" after a plain number is a room, a level or a letter, not francs.
    case("la salle 12 F est fermée"),
    case("niveau 5 F"),
    case("en 1998 F"),
    case("les 30 000 F2 du parc"),
    case("les 3 000 Français"),
]

# Sentences of the seed dispatch (facts.md, worked example).
SEED_SENTENCES = [
    case("David Margueritte (LR), 3,7 M€ serviront à financer", Want(3_700_000)),
    case("pour l'Île-de-France (4 M€), la Bretagne (8,6 M€), les Pays-de-la-Loire (6,9 M€), "
         "Auvergne Rhône-Alpes (4 M€).",
         Want(4_000_000), Want(8_600_000), Want(6_900_000), Want(4_000_000)),
    case("qui doit avoir une \"assiette de dépenses supérieure à 1 M€\".", Want(1_000_000, qualifier="min")),
    case("décrocher 10 M€ de budget supplémentaire à son enveloppe d'environ 19 M€",
         Want(10_000_000), Want(19_000_000, qualifier="approx")),
]

# Every form of the Amounts section of real-dispatches.md (shared/docs), each in a sentence like those of the pages.
REAL_DISPATCH_AMOUNTS = [
    case("20 Euros", Want(20)),
    case("EUR 20", Want(20)),
    case("EUR 1,2 million", Want(1_200_000)),
    case("20 €", Want(20)),
    case("€20", Want(20)),
    case("1 milliard d'euros", Want(1_000_000_000)),
    # A magnitude without currency takes the currency of the text's other amounts, or of the money words around it.
    case("La Région vote 3 M€. Les dépenses atteignent 4,2 milliards.", Want(3_000_000), Want(4_200_000_000)),
    case("Le budget atteint 7,1 milliards.", Want(7_100_000_000)),
    case("une enveloppe de deux milliards et demi.", Want(2_500_000_000)),
    # ... and after "de" a money noun keeps it money ("2 millions de jeunes" is a count).
    case("malgré 7,1 milliards de subventions versées par l'État", Want(7_100_000_000)),
    case("soit 1,8 milliard d'AE et 1,6 milliard de CP.", Want(1_800_000_000), Want(1_600_000_000)),
    case("| Formation continue | 1 250 k€ |", Want(1_250_000)),
    case("(-1,7 M€)", Want(-1_700_000)),
    case("+5,1 M€ dont 1,9 M€", Want(5_100_000), Want(1_900_000)),
    case("10 - 20 M€", Want(10_000_000, 20_000_000, qualifier="range")),
    case("10-20 M€", Want(10_000_000, 20_000_000, qualifier="range")),
    case("10 – 20 M€", Want(10_000_000, 20_000_000, qualifier="range")),
    case("10 à 20 M€", Want(10_000_000, 20_000_000, qualifier="range")),
    case("entre 10 et 20 M€", Want(10_000_000, 20_000_000, qualifier="range")),
    case("Coût estimé : 300 millions d'euros", Want(300_000_000, qualifier="approx")),
    case("moins de 450 € par apprenti", Want(450, qualifier="max", per="apprenti")),
    case("plafonnée à 900 euros par an", Want(900, qualifier="max", per="an")),
    case("$40 millions", Want(40_000_000, currency="USD")),
    case("£ 12 millions", Want(12_000_000, currency="GBP")),
    case("120 millions de francs suisses", Want(120_000_000, currency="CHF")),
    case("500 millions de francs", Want(500_000_000, currency="FRF")),
    case("12,50 euros", Want(12.5)),
    case("12,50 €", Want(12.5)),
]

# The same phenomena with other numbers, currencies and places in a sentence.
REAL_DISPATCH_VARIANTS = [
    case("Le ticket coûte 3 EUROS", Want(3)),
    case("une aide de 1 500 Euro par mois", Want(1_500, per="mois")),
    case("La dotation s'élève à EUR 350 000 en 2024.", Want(350_000)),
    case("soit €1,5 Md de plus", Want(1_500_000_000)),
    case("un fonds de US$ 3 millions", Want(3_000_000, currency="USD")),
    case("près de EUR 2 millions", Want(2_000_000, qualifier="approx")),
    case("Le repas est facturé 12€50.", Want(12.5)),
    case("Son budget 2021 atteint 31,6 millions d'euros, contre 27,4 millions en 2020.",
         Want(31_600_000), Want(27_400_000)),
    case("Le fonds suisse apporte 120 millions de francs suisses, dont 40 millions pour la formation.",
         Want(120_000_000, currency="CHF"), Want(40_000_000, currency="CHF")),
    case("En 1998, la Région a voté 500 millions de francs, puis 80 millions en 1999.",
         Want(500_000_000, currency="FRF"), Want(80_000_000, currency="FRF")),
    case("la Suisse verse 30 millions de francs suisses ; Genève ajoute 5 millions de francs",
         Want(30_000_000, currency="CHF"), Want(5_000_000, currency="CHF")),
    case("le Royaume-Uni consacre £12 millions par an", Want(12_000_000, currency="GBP", per="an")),
    case("450k€", Want(450_000)),
    case("Bretagne ........ 450 K€", Want(450_000)),
    case("Occitanie : 1 200 kEUR", Want(1_200_000)),
    case("• -0,6 Md€ de CP (contre +1,8 Md€)", Want(-600_000_000), Want(1_800_000_000)),
    case("un déficit de 2,5 M€ (-0,4 M€ sur un an)", Want(2_500_000), Want(-400_000)),
    case("3 - 5 millions d'euros", Want(3_000_000, 5_000_000, qualifier="range")),
    case("une aide de 1 500-3 000 euros par an", Want(1_500, 3_000, qualifier="range", per="an")),
    case("une enveloppe de 2 – 4 Md€", Want(2_000_000_000, 4_000_000_000, qualifier="range")),
    case("les projets recevront 50 000 à 200 000 euros", Want(50_000, 200_000, qualifier="range")),
    case("entre 1,5 et 2 milliards d'euros", Want(1_500_000_000, 2_000_000_000, qualifier="range")),
    case("Coût estimé : 45 M€", Want(45_000_000, qualifier="approx")),
    case("un coût total estimé : 1,2 Md€", Want(1_200_000_000, qualifier="approx")),
    case("une dépense estimée à 180 M€", Want(180_000_000, qualifier="approx")),
    case("une dotation d'au moins 800 M€", Want(800_000_000, qualifier="min")),
    case("elle serait limitée à 4 500 euros par contrat", Want(4_500, qualifier="max", per="contrat")),
    case("un pacte de 260 M€, dont 171 millions de l'État", Want(260_000_000), Want(171_000_000)),
    case("Lycée | Opération | Montant (k€)\nLycée de Miramas | ateliers | 9 800", Want(9_800_000)),
    case("Répartition des crédits (en millions d'euros) :\nNord : 14,8\nSud : 6", Want(14_800_000), Want(6_000_000)),
    # ... or the line introducing a table or list states it, brackets or not, for every column.
    case("Le rapport compare les deux collectes, en millions d'euros :\nContribution | 2021 | 2022\nCUFPA | 9 412 | 10 275",
         Want(9_412_000_000), Want(10_275_000_000)),
    case("Répartition des crédits en k€ :\nNord : 14,8\nSud : 6", Want(14_800), Want(6_000)),
    case("une prime plafonnée à 4 000 euros par salarié", Want(4_000, qualifier="max", per="salarié")),
    case("moins de 1 200 € par stagiaire", Want(1_200, qualifier="max", per="stagiaire")),
    case("la Région plafonnant son aide à 600 000 euros par projet", Want(600_000, qualifier="max", per="projet")),
    case("l'État finance à hauteur de 528 euros par mois au maximum", Want(528, qualifier="max", per="mois")),
    case("son rendement ne dépasserait plus 200 M€", Want(200_000_000, qualifier="max")),
    case("une aide pouvant atteindre EUR 150 000", Want(150_000, qualifier="max")),
    case("la dépense dépasse désormais 190 M€", Want(190_000_000, qualifier="min")),
    case("trois milliards et demi d'euros", Want(3_500_000_000)),
    case("2 millions et demi d'euros", Want(2_500_000)),
    # Not negative: a dash after a number separates; not a range when the first number is no bound of the same kind.
    case("Budget 2024 - 5 M€", Want(5_000_000)),
    # Nor is a bullet: a dash and a space opening a line; a dash glued to the figure stays a sign.
    case("Crédits votés :\n- 240 M€ pour le programme 103", Want(240_000_000)),
    case("Mesures nouvelles\n  - 12,5 M€ d'AE", Want(12_500_000)),
    case("Solde :\n-3,1 M€ en 2024", Want(-3_100_000)),
    case("en 2023 à 20 M€", Want(20_000_000)),
    # Nor the year closing a date: "du 22 février 2025 à 5 000 euros" is no range.
    case("ramenée par le décret du 22 février 2025 à 5 000 euros", Want(5_000)),
    # ... nor a year after "en": "de 5 800 euros en 2021 à 6 400 euros" is two amounts.
    case("passé de 5 800 euros par stagiaire en 2021 à 6 400 euros en 2024", Want(5_800, per="stagiaire"), Want(6_400)),
    case("pour 10 à 15 % et 3 M€", Want(3_000_000)),
    case("plafonner les titres de niveau 7 à 10 000 euros par an", Want(10_000, per="an")),
]

# Not amounts: counts, and a page cut off right after a number (a truncated last amount is no fact).
REAL_DISPATCH_NOT_AMOUNTS = [
    case("Les effectifs, en milliers :\nCentre | 2023 | 2024\nCFA | 12 | 14"),
    case("Les crédits en M€ :\nsont votés en juin.\nCentre | 2023 | 2024\nCFA | 12 | 14"),
    case("Le trafic a atteint 4,2 milliards de passagers."),
    case("Le budget est voté. Le trafic a atteint 4,2 milliards de passagers.", ),
    case("Le nombre de contrats financés a atteint 1,2 million."),
    case("La Région a décidé de consacrer dans un premier temps 10 m"),
    case("La Région vote 3 M€. Elle prévoit de consacrer dans un premier temps 10 m", Want(3_000_000)),
    case("La Région vote 3 M€ et l'État 2,5 mil", Want(3_000_000)),
    case("La Région vote 3 M€, puis de consacrer un budget de 10 millions", Want(3_000_000)),
    case("Sans budget, 7,1 milliards"),
    case("Montants en M€ 2023"),
]

ALL = SPEC_MAGNITUDES + SPEC_NUMBER_WORDS + SEPARATORS + SIGNS + QUALIFIERS + RANGES + PER_UNIT + OTHER_CURRENCIES
ALL += NOT_MONEY + SEED_SENTENCES + REAL_DISPATCH_AMOUNTS + REAL_DISPATCH_VARIANTS + REAL_DISPATCH_NOT_AMOUNTS


def found(text: str) -> list[Want]:
    return [Want(a.value, a.value_max, a.currency, a.qualifier, a.per) for a in find_amounts(normalise(text))]


@pytest.mark.parametrize("text, wants", SPEC_MAGNITUDES + SPEC_NUMBER_WORDS)
def test_magnitudes_and_number_words(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", SEPARATORS + SIGNS)
def test_separators_and_signs(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", QUALIFIERS)
def test_qualifiers(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", RANGES)
def test_ranges(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", PER_UNIT)
def test_per_unit(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", OTHER_CURRENCIES)
def test_other_currencies(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", NOT_MONEY)
def test_not_money(text, wants):
    assert found(text) == []


@pytest.mark.parametrize("text, wants", SEED_SENTENCES)
def test_seed_sentences(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text, wants", REAL_DISPATCH_AMOUNTS + REAL_DISPATCH_VARIANTS + REAL_DISPATCH_NOT_AMOUNTS)
def test_real_dispatch_amounts(text, wants):
    assert found(text) == wants


@pytest.mark.parametrize("text", [p.values[0] for p in ALL if not p.marks])
def test_offsets_point_at_the_amount_text(text):
    clean = normalise(text)
    assert len(clean) == len(text)
    for amount in find_amounts(clean):
        assert clean[amount.start:amount.end] == amount.text
        assert amount.text.strip() == amount.text


@pytest.mark.parametrize("text, span", [("Crédits votés :\n- 240 M€ pour le programme 103", "240 M€"),
                                        ("Exercice 2024 - 5 M€ de crédits", "5 M€"),
                                        ("Écart : -5 M€", "-5 M€")])
def test_a_dash_that_is_no_sign_is_no_part_of_the_amount(text, span):
    assert [a.text for a in find_amounts(text)] == [span]


def test_amounts_come_in_order_of_appearance():
    text = "La région vote 3 M€, puis 1 M€, puis environ 12 M€ et enfin 500 000 euros par an."
    starts = [a.start for a in find_amounts(text)]
    assert starts == sorted(starts) and len(starts) == 4


@pytest.mark.parametrize("text, value", [("1 500,5", "1500.5"), ("1.500.000", "1500000"), ("3,7", "3.7"), ("12", "12"),
                                         ("deux cent mille", "200000"), ("trois", "3"), ("", None)])
def test_parse_number(text, value):
    assert parse_number(text) == (Decimal(value) if value else None)
