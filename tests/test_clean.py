"""Cleaning: boilerplate lines and inline cross-references removed, article lines kept, typography one for one."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.clean import clean, is_boilerplate, normalise, stamp_date

SEED = open(__file__.rsplit("/", 1)[0] + "/data/000_4b56ed4868a6c56d.txt", encoding="utf-8").read()


def line(text: str, *, fails: str | None = None):
    marks = [pytest.mark.xfail(strict=True, reason=fails)] if fails else []
    return pytest.param(text, id=text[:60], marks=marks)


# The seed's own boilerplate (facts.md, worked example): cookie banner and subscription lines.
SEED_BOILERPLATE = [line(text) for text in SEED.splitlines()[:3] + SEED.splitlines()[4:6]]
OTHER_BOILERPLATE = [
    line("Abonnez-vous à notre newsletter"),
    line("Recevez notre newsletter quotidienne"),
    line("Partager cet article"),
    line("LinkedIn | Twitter | Facebook"),
    line("Lire aussi : la réforme de l'apprentissage"),
    line("Sur le même sujet"),
    line("Dépêche n° 655432"),
    line("Tout refuser"),
    line("Accepter et fermer"),
    line("Mentions légales"),
    # A consent tool's heading and its row of buttons, however many and however separated.
    line("Nous respectons votre vie privée"),
    line("Gestion de vos données personnelles"),
    line("Paramètres de confidentialité"),
    line("Vos choix en matière de cookies"),
    line("Gérer le consentement"),
    line("Politique de protection des données et des cookies"),
    line("Accepter Refuser Paramétrer"),
    line("Tout accepter | Personnaliser | Continuer sans accepter"),
    line("J'accepte Je refuse En savoir plus"),
    line("Accepter et fermer / Refuser"),
    line("Accepter tout · Refuser tout · Voir les préférences"),
    # Banners whose words come in another order, and short lines about cookies.
    line("En continuant votre navigation sur notre site, vous acceptez le dépôt de cookies de mesure d'audience."),
    line("Ce site dépose des cookies : vous pouvez modifier vos choix à tout moment."),
    line("Accepter les cookies"),
    line("Gestion de vos préférences en matière de cookies"),
    line("Newsletter Outre-mer : inscrivez-vous gratuitement pour recevoir chaque vendredi notre sélection."),
    line("Ne manquez rien de l'actualité de la formation en Bretagne : inscrivez-vous à nos alertes."),
    line("Recevez chaque matin notre lettre Emploi & Territoires : inscrivez-vous gratuitement."),
    line("Déjà abonné ? Connectez-vous"),
    line("Cet article est réservé aux abonnés."),
    # Subscription offers with their prices: no money fact.
    line("Pas encore abonné ? Découvrez notre offre Formation à partir de 19 € HT par mois."),
    line("Newsletter Régions : le meilleur de la semaine chaque lundi. Offre découverte : 2 mois pour 5 €."),
    line("Tous nos contenus pendant 15 jours pour 1 €, puis 39 € par mois sans engagement."),
    line("Abonnement annuel : 468 € HT, licence multi-utilisateurs sur devis."),
    line("Abonnement numérique : 39 € TTC par mois."),
    line("Collectivités, organismes de formation : abonnement annuel à partir de 450 € HT, tarifs dégressifs."),
    # A scraper's stamp before the lead (real-dispatches.md): the publication month, not article text.
    line(" date 2023-07 "),
    line("date 2019-11"),
    line(" date 2021-03-04 "),
]
# Article lines, some with words boilerplate also uses: they must stay.
SEED_ARTICLE = [line(text) for text in SEED.splitlines()[3:4] + SEED.splitlines()[6:]]
ARTICLE_LINES = [
    line("La région Normandie a voté 3,7 M€ pour la formation le 14 décembre 2020."),
    line("Les abonnements à la plateforme coûtent 3 M€ par an à la région."),
    line("Abonnement annuel aux transports : la Région en rembourse la moitié aux apprentis, soit 2 M€."),
    line("L'abonnement annuel aux transports coûte 450 € TTC : la Région en rembourse la moitié aux apprentis."),
    line("Voici la liste des lauréats de l'appel à projets, pour un total de 12 M€."),
    line("Le site de la Région permet de consulter la politique régionale de formation."),
    # Words of promotions inside article sentences: a promotion pattern must not drop them with their amounts.
    line("Les apprentis ont un accès gratuit à la cantine, financé à hauteur de 2 M€ par la région."),
    line("La région propose un test gratuit de positionnement à 3 000 demandeurs d'emploi."),
    line("L'aide de 500 euros par apprenti est versée dès le premier mois du contrat."),
    line("La date 2023-07 a été retenue pour le vote."),
    # Words of consent buttons in article lines.
    line("La Région a refusé de fermer le CFA de Brest, faute d'accord sur 2 M€."),
    line("En savoir plus sur le budget 2024 : 3 M€ pour les lycées."),
    line("Accepter ou refuser la réforme : les Opco partagés sur 1,2 Md€."),
    line("Protection des données : la Région consacre 2 M€ à la cybersécurité des lycées."),
    line("L'entreprise, qui fabrique des traceurs GPS, a accepté une aide de 2 M€ de la Région."),
    line("Le contrat est signé sans engagement de volume, pour 4 M€ au plus."),
    line("Recevez-vous des aides ? La Région a voté 3 M€ : les actualités sont bonnes."),
    line("Les stagiaires reçoivent une lettre de la Région : inscrivez-vous avant le 3 mars pour toucher 500 euros."),
]


@pytest.mark.parametrize("text", SEED_BOILERPLATE + OTHER_BOILERPLATE)
def test_boilerplate_line_is_removed(text):
    assert is_boilerplate(normalise(text))
    assert clean(text).text == ""
    assert clean(text).removed_lines == 1


@pytest.mark.parametrize("text", SEED_ARTICLE + ARTICLE_LINES)
def test_article_line_is_kept(text):
    assert not is_boilerplate(normalise(text))
    assert clean(text).text == " ".join(normalise(text).replace("(lire sur AEF info) ", "").split())


def test_seed_keeps_its_three_article_paragraphs():
    cleaned = clean(SEED)
    paragraphs = cleaned.text.split("\n")
    assert len(paragraphs) == 3 and cleaned.removed_lines == 5
    assert paragraphs[0].startswith("L'assemblée plénière de la région Normandie")
    assert paragraphs[1].startswith("Un AAP de 6,2 M€")
    assert paragraphs[2].startswith("L'association Transitions Pro")
    assert "AEF info" not in paragraphs[0] + paragraphs[1]


INLINE = [
    ("Des appels ont été publiés (lire sur AEF info) pour l'Île-de-France (4 M€).",
     "Des appels ont été publiés pour l'Île-de-France (4 M€)."),
    ("La région vote 3,7 M€ (voir encadré).", "La région vote 3,7 M€."),
    ("Le budget (lire aussi notre dépêche n° 632145) atteint 12 M€.", "Le budget atteint 12 M€."),
    ("Le FSE (Fonds social européen) apporte 2 M€.", "Le FSE (Fonds social européen) apporte 2 M€."),
]


@pytest.mark.parametrize("text, want", INLINE, ids=[t for t, _ in INLINE])
def test_inline_cross_reference_is_removed(text, want):
    assert clean(text).text == want


TYPOGRAPHY = [
    ("l\u2019État", "l'État"),
    ("3,7\u00a0M€", "3,7 M€"),
    ("12\u202f000\u00a0€", "12 000 €"),
    ("\u2212 3,3 M€", "- 3,3 M€"),
    ("\u201cguide\u201d", '"guide"'),
    ("Centre\u2011Val de Loire", "Centre-Val de Loire"),
    ("ligne\r\nsuivante", "ligne\n\nsuivante"),
    ("« guillemets »", "« guillemets »"),
]


@pytest.mark.parametrize("text, want", TYPOGRAPHY, ids=[repr(t) for t, _ in TYPOGRAPHY])
def test_normalise_is_one_character_for_one(text, want):
    assert normalise(text) == want
    assert len(normalise(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalise_keeps_the_length_of_any_text(text):
    assert len(normalise(text)) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SEED.splitlines() + ["", "  ", "Abonnez-vous", "3,7\u00a0M€ (voir ci-dessous)"]),
                max_size=8))
def test_clean_is_idempotent(lines):
    once = clean("\n".join(lines)).text
    assert clean(once).text == once
    assert "\n\n" not in once and once == once.strip()


def test_only_boilerplate_gives_an_empty_text():
    banner = "\n".join(SEED.splitlines()[:3])
    assert clean(banner).text == ""
    assert clean(banner).removed_lines == 3


STAMPS = [
    pytest.param(" date 2023-07 \nLa Région vote 3 M€.", "2023-07", id="month stamp"),
    pytest.param("\n date 2021-03-04 \nLa Région vote 3 M€.", "2021-03-04", id="day stamp after a blank line"),
    pytest.param("date 2019-11\r\nLa Région vote 3 M€.", "2019-11", id="no spaces, CRLF"),
    pytest.param("La Région vote 3 M€.\n date 2023-07 ", None, id="not the first line"),
    pytest.param("La date 2023-07 a été retenue.", None, id="inside a sentence"),
    pytest.param("", None, id="empty"),
]


@pytest.mark.parametrize("text, want", STAMPS)
def test_stamp_date_reads_the_first_line_only(text, want):
    assert stamp_date(text) == want


def test_the_stamp_is_dropped_and_the_lead_kept_whole():
    cleaned = clean(" date 2023-07 \nLa Région vote 3,7 M€ le mois dernier.")
    assert cleaned.text == "La Région vote 3,7 M€ le mois dernier." and cleaned.removed_lines == 1
