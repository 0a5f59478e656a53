"""Golden cases for extract.dates.find_dates, every relative one against a pinned publication date."""

from datetime import date

import pytest

from extract.dates import find_dates, parse_published

# The pinned "today" of the relative cases: Friday 5 March 2021.
PUBLISHED = date(2021, 3, 5)


def case(text: str, *values: str, published: date | str | None = PUBLISHED, fails: str | None = None):
    marks = [pytest.mark.xfail(strict=True, reason=fails)] if fails else []
    label = text if published == PUBLISHED else f"{text} @{published}"
    return pytest.param(text, published, list(values), id=label, marks=marks)


# Dates written in full: the same with or without a publication date.
ABSOLUTE = [
    case("le 4 mai 2020", "2020-05-04"),
    case("jeudi 26 mai 2016", "2016-05-26"),
    case("le 1er janvier 2024", "2024-01-01"),
    case("réunie le 14 décembre 2020 pour voter le budget", "2020-12-14"),
    case("la loi du 5 septembre 2018", "2018-09-05"),
    case("05/09/2018", "2018-09-05"),
    case("05/09/18", "2018-09-05"),
    case("le 05/09/99", "1999-09-05"),
    case("31/02/2021"),
    case("le 31 février 2021", "2021-02"),
    case("le 45 mars 2021", "2021-03"),
    case("fin mai 2023", "2023-05"),
    case("mars 2023", "2023-03"),
    case("en 2021", "2021"),
    case("pour 2022", "2022"),
    case("au titre de 2022", "2022"),
    case("14/12/2020", "2020-12-14"),
    case("le budget 2023", "2023"),
    case("début 2024", "2024"),
    case("d'ici 2030", "2030"),
    case("mi-2022", "2022"),
    case("son budget formation 2021", "2021"),
    case("la convention annuelle 2020", "2020"),
    case("les avenants 2022 aux pactes", "2022"),
    case("selon les comptes administratifs 2014", "2014"),
    case("le 4 mai 2020 et le 6 mai 2020", "2020-05-04", "2020-05-06"),
    case("le 4 mai 2020", "2020-05-04", published=None),
    case("en 2021", "2021", published=None),
]

# A period is one mention that starts at its first year.
PERIODS = [
    case("2019-2022", "2019"),
    case("2023-2027", "2023"),
    case("2019/2022", "2019"),
]

# Relative dates, resolved against the publication date (facts.md: "le 4 mai", "l'an prochain", "mardi").
RELATIVE = [
    case("le 4 mai", "2020-05-04", published=date(2020, 4, 20)),
    case("le 14 décembre", "2021-12-14", published=date(2021, 11, 2)),
    case("en mars", "2021-03"),
    case("l'an prochain", "2022"),
    case("l'année prochaine", "2022"),
    case("l'an dernier", "2020"),
    case("l'année dernière", "2020"),
    case("cette année", "2021"),
    case("hier", "2021-03-04"),
    case("aujourd'hui", "2021-03-05"),
    case("mardi", "2021-03-02"),
    case("lundi dernier", "2021-03-01"),
    case("mardi prochain", "2021-03-09"),
    case("le 14 décembre", "2020-12-14", published=date(2021, 1, 10)),
    case("en septembre dernier", "2020-09"),
    case("mai dernier", "2020-05"),
    case("en juin dernier", "2020-06"),
    case("voté en décembre", "2021-12", published=date(2022, 1, 27)),
    case("en juillet", "2021-07", published=date(2021, 2, 1)),
    # "That year" is the last year named before, whatever the publication date.
    case("selon les comptes 2014. Cette année-là, la dépense", "2014", "2014"),
    case("créé en 2019, la même année", "2019", "2019"),
    # Named by reference to the date before: the same day (a day written out), a year before or after.
    case("publié le 9 février 2022 ; le ministère a annoncé le même jour", "2022-02-09", "2022-02-09"),
    case("le 9 février 2022, puis aujourd'hui ; le même jour", "2022-02-09", "2021-03-05", "2022-02-09"),
    case("une perte en 2019, contre 110 M€ un an plus tôt", "2019", "2018"),
    case("voté en 2020, puis revu l'année suivante", "2020", "2021"),
    case("une dotation de 2 M€ en 2021, le double de celle versée deux ans plus tôt", "2021", "2019"),
    case("un budget 2023 en hausse de 4 % sur l'exercice précédent", "2023", "2022"),
    # A day, a count of years or months, a season or a part of a year, from the publication date.
    case("ce matin", "2021-03-05"),
    case("il y a un an", "2020"),
    case("il y a 3 ans", "2018"),
    case("dans deux ans", "2023"),
    case("il y a six mois", "2020-09"),
    case("dans trois mois", "2021-06"),
    case("l'été dernier", "2020"),
    case("cet automne", "2021"),
    case("au printemps prochain", "2022"),
    case("au printemps 2024", "2024"),
    case("au premier trimestre 2024", "2024"),
    case("au second semestre 2022", "2022"),
    case("T1 2024", "2024"),
    case("un résultat de S2 2023", "2023"),
    case("dès septembre", "2021-09"),
    case("à partir de septembre", "2021-09"),
    case("jusqu'en juin", "2021-06"),
    case("il y a deux ans", "2021", published="2023"),
    case("dans six mois", published="2023"),
]

# Without a publication date a relative expression has no value: it is left out, never guessed.
NO_BASE = [
    case("le 4 mai", published=None),
    case("l'an prochain", published=None),
    case("mardi", published=None),
    case("hier", published=None),
    case("en mars", published=None),
    case("Cette année-là, la dépense atteignait 271 M€"),
    case("le ministère a annoncé le même jour un plan"),
    case("la veille", published=None),
    case("le mois dernier", published=None),
    case("le 15", published=None),
    case("15/03", published=None),
    case("fin d'année", published=None),
    case("ce matin", published=None),
    case("il y a deux ans", published=None),
    case("l'été dernier", published=None),
]

# Every form of the Dates section of real-dispatches.md (shared/docs), against the pinned publication date.
REAL_DISPATCH_DATES = [
    case("dans le contrat de plan 2007-2013", "2007"),
    case("sur 2028-2030", "2028"),
    case("pour la période 2000-2006", "2000"),
    case("la convention signée le 9 mars 2017 prévoit 12 M€ de l'État", "2017-03-09"),
    case("BP 2025", "2025"),
    case("budget rectificatif 2024", "2024"),
    case("PLFR 2024", "2024"),
    case("l'an dernier", "2020"),
    case("la veille", "2021-03-04"),
    case("le lendemain", "2021-03-06"),
    case("le mois dernier", "2021-02"),
    case("le mois prochain", "2021-04"),
    case("mardi prochain", "2021-03-09"),
    case("fin d'année", "2021"),
    case("1er mars 2024", "2024-03-01"),
    case("premier mars", "2021-03-01"),
    case("15 fév. 2024", "2024-02-15"),
    case("2024-03-15", "2024-03-15"),
    case("15/03", "2021-03-15"),
    case("le 15", "2021-03-15"),
    case("mi-octobre 2019", "2019-10"),
    case("courant 2023", "2023"),
]

# The same phenomena with other numbers, months and places in a sentence.
REAL_DISPATCH_VARIANTS = [
    # "la veille", "le lendemain": a day before or after the day named last, else the publication day.
    case("Le conseil a voté le 3 juin 2022. La veille, le préfet avait signé.", "2022-06-03", "2022-06-02"),
    case("Signée le 30 avril 2023, la convention a été publiée le lendemain.", "2023-04-30", "2023-05-01"),
    # ... but not the day of the page's date stamp, which dates the page.
    case("Publié le 04/03/2021 – Mis à jour le 06/03/2021 à 10h05\nLe conseil, réuni la veille, a voté 3 M€.",
         "2021-03-04", "2021-03-06", "2021-03-03", published="2021-03-04"),
    case("Le lendemain, la Région a confirmé 3 M€.", "2021-03-06"),
    case("l'avant-veille", "2021-03-03"),
    case("le surlendemain, la Région a voté", "2021-03-07"),
    case("le mois dernier", "2020-12", published=date(2021, 1, 10)),
    case("le mois prochain", "2021-01", published=date(2020, 12, 15)),
    case("La commission permanente se réunira le mois prochain pour voter 4 M€.", "2021-04"),
    case("jeudi prochain", "2021-03-11"),
    case("en fin d'année dernière", "2020"),
    case("d'ici la fin de l'année", "2021"),
    case("en début d'année prochaine", "2022"),
    case("fin d'année 2022", "2022"),
    case("au cours du premier avril 2019", "2019-04-01"),
    case("le 1ᵉʳ juillet 2022", "2022-07-01"),
    case("3 janv. 2022", "2022-01-03"),
    case("le 12 sept. 2021", "2021-09-12"),
    case("7 déc. 2020", "2020-12-07"),
    case("30 nov 2019", "2019-11-30"),
    case("voté le 4 juil. 2023 par les élus", "2023-07-04"),
    case("en oct. 2019", "2019-10"),
    case("mis en ligne le 2019-11-30 à 10 h", "2019-11-30"),
    case("15.03.2024", "2024-03-15"),
    case("15-03-2024", "2024-03-15"),
    case("Le dossier est à déposer avant le 28/02, dernier délai.", "2021-02-28"),
    case("le 2", "2021-03-02"),
    case("Elle a été votée le 1er.", "2021-03-01"),
    case("le 25 prochain", "2021-03-25"),
    case("le 2 prochain", "2021-04-02"),
    case("le 28 dernier", "2021-02-28"),
    case("mi-mars 2020", "2020-03"),
    case("courant 2024", "2024"),
    case("courant mars", "2021-03"),
    case("de 2021 à 2027", "2021"),
    case("entre 2014 et 2020", "2014"),
    case("l'année universitaire 2023-24", "2023"),
    case("le CPER 2015–2020 prévoit 12 M€", "2015"),
    case("BP 2023", "2023"),
    case("le budget primitif 2022", "2022"),
    case("LFR 2024 : 900 M€ de plus pour l'apprentissage", "2024"),
    case("Le PLF 2025 prévoit 1,2 Md€", "2025"),
    case("la loi de finances pour 2024", "2024"),
    case("le budget supplémentaire 2023", "2023"),
    case("le compte administratif 2022", "2022"),
    case("en 2020 et 2021", "2020", "2021", fails="the second year of two joined by 'et' has no cue of its own"),
]

# A publication date known to the month only ("2023-07", the scraper's stamp): what it can date, at its precision.
MONTH_PUBLISHED = [
    case("le mois dernier", "2023-06", published="2023-07"),
    case("l'an dernier", "2022", published="2023-07"),
    case("fin d'année", "2023", published="2023-07"),
    case("le 15", "2023-07-15", published="2023-07"),
    case("ont dévoilé le 12 les lauréats", "2023-07-12", published="2023-07"),
    case("le conseil a voté le 15 son budget", "2023-07-15", published="2023-07"),
    case("15/03", "2023-03-15", published="2023-07"),
    case("le 4 mai", "2023-05-04", published="2023-07"),
    case("Voté le 3 mai 2023, le plan a été annoncé la veille.", "2023-05-03", "2023-05-02", published="2023-07"),
    case("Présenté le 20 mars.\nFonds | Programmé au 31/12/2024\nLa Région a ouvert la veille un appel.", "2025-03-20",
         "2024-12-31", "2025-03-19", published="2025-03"),
    case("la veille", published="2023-07"),
    case("le lendemain", published="2023-07"),
    case("hier", published="2023-07"),
    case("aujourd'hui", published="2023-07"),
    case("mardi prochain", published="2023-07"),
    case("le 15 prochain", published="2023-07"),
    case("le mois dernier", published="2023"),
    case("l'an dernier", "2022", published="2023"),
]

NOT_DATES = [
    case("31/02/2020"),
    case("t1 2024"),
    case("32/01/2020"),
    case("3 000 apprentis"),
    case("2 000 salariés pour 3 M€"),
    case("AEF n°277460"),
    case("une prime de 2000 euros"),
    case("une aide de 2020 € par apprenti"),
    case("les 2/3 des crédits"),
    case("une note de 15/20"),
    case("AEF n°15/03"),
    case("à la veille des élections régionales"),
    case("le lendemain de son élection"),
    case("les métiers de demain"),
    case("les économies qu'on nous imposera demain"),
    case("le monde d'aujourd'hui"),
    case("il y a 3 000 apprentis"),
    case("dans les six mois"),
    case("dans quelques années"),
    case("il y a mille ans"),
    case("à l'automne"),
    case("un hiver rigoureux"),
    case("Les lauréats sont sept."),
    case("le 15 % restant"),
    case("le 12 rue de la Paix"),
    case("classé le 3 des 20 projets"),
    case("la décision du conseil"),
]


def values(text: str, published: date | None) -> list[str]:
    return [d.value for d in find_dates(text, published)]


@pytest.mark.parametrize("text, published, want", ABSOLUTE + PERIODS)
def test_absolute_dates(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", RELATIVE)
def test_relative_dates(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", REAL_DISPATCH_DATES + REAL_DISPATCH_VARIANTS)
def test_real_dispatch_dates(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", MONTH_PUBLISHED)
def test_month_precision_publication(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", NO_BASE + NOT_DATES)
def test_no_date(text, published, want):
    assert values(text, published) == []


@pytest.mark.parametrize("text, published, want", [p for p in ABSOLUTE + PERIODS + RELATIVE + REAL_DISPATCH_DATES
                                                     + REAL_DISPATCH_VARIANTS + MONTH_PUBLISHED if not p.marks])
def test_mentions_cover_their_text(text, published, want):
    for mention in find_dates(text, published):
        assert text[mention.start:mention.end] == mention.text


def test_a_period_mention_covers_both_years():
    (mention,) = find_dates("sur la période 2019-2022", PUBLISHED)
    assert mention.text.endswith("2019-2022")


def test_dates_come_in_order():
    text = "Voté le 14 décembre 2020, le budget 2021 sera revu en mars et l'an prochain."
    found = find_dates(text, PUBLISHED)
    assert [d.value for d in found] == ["2020-12-14", "2021", "2021-03", "2022"]


# What a period or a budget's year is marked as, so that attribution can tell them from a day.
KINDS = [
    pytest.param("dans le contrat de plan 2007-2013", "2007", "period", id="plan 2007-2013"),
    pytest.param("sur 2028-2030", "2028", "period", id="sur 2028-2030"),
    pytest.param("pour la période 2000-2006", "2000", "period", id="période 2000-2006"),
    pytest.param("de 2021 à 2027", "2021", "period", id="de 2021 à 2027"),
    pytest.param("l'année 2023-24", "2023", "period", id="2023-24"),
    pytest.param("BP 2025 : la Région vote 1,2 Md€", "2025", "budget", id="BP 2025"),
    pytest.param("budget rectificatif 2024", "2024", "budget", id="budget rectificatif 2024"),
    pytest.param("PLFR 2024", "2024", "budget", id="PLFR 2024"),
    pytest.param("LFR 2024", "2024", "budget", id="LFR 2024"),
    pytest.param("le budget 2023", "2023", "budget", id="budget 2023"),
    pytest.param("en 2024", "2024", None, id="en 2024"),
    pytest.param("le 9 mars 2017", "2017-03-09", None, id="a day"),
]


@pytest.mark.parametrize("text, value, kind", KINDS)
def test_periods_and_budget_years_are_marked(text, value, kind):
    (mention,) = find_dates(text, PUBLISHED)
    assert (mention.value, mention.kind) == (value, kind)


@pytest.mark.parametrize("value, want", [("2020-12-15", "2020-12-15"), ("2020-12-15T08:30:00+01:00", "2020-12-15"),
                                         ("2023-07", "2023-07"), ("2023", "2023"), ("2023-13", None),
                                         ("2021-02-30", None), ("", None), (None, None), ("mardi", None)])
def test_parse_published(value, want):
    parsed = parse_published(value)
    assert (parsed.iso() if parsed else None) == want


def test_a_publication_day_may_be_given_as_a_date():
    assert parse_published(PUBLISHED).day == PUBLISHED and parse_published("2023-07").day is None


# The tense of an amount's clause, which the date ranker weighs: a story's date seldom dates an amount of another time.
TENSES = [
    pytest.param("La Région a voté 3 M€.", "past", id="passé composé"),
    pytest.param("Le budget primitif avait inscrit 352 M€ à ce titre.", "pluperfect", id="plus-que-parfait"),
    pytest.param("La dépense dépasse désormais 190 M€.", "present", id="present"),
    pytest.param("L'État versera 3 M€ aux missions locales.", "future", id="future"),
    pytest.param("La mesure pourrait coûter 3 M€.", "conditional", id="conditional, through the infinitive"),
    pytest.param("Une enveloppe de 3 M€ pour les CFA.", "no verb", id="no verb"),
]


@pytest.mark.parametrize("text, want", TENSES)
def test_the_tense_of_an_amounts_clause(nlp, text, want):
    from extract.context import tense, verbs_above

    doc = nlp(text)
    amount = doc._.amounts[0]
    root = doc.char_span(amount.start, amount.end, alignment_mode="expand").root
    assert tense(list(verbs_above(root))) == want


# A month named without its year takes the side of the publication its clause's tense tells.
MONTHS_BY_TENSE = [
    pytest.param("Le budget primitif, voté en décembre, avait inscrit 352 M€.", "2024-06-25", "2023-12", id="past"),
    pytest.param("La Région a voté le 15 décembre une enveloppe de 3 M€.", "2024-06-25", "2023-12-15", id="past day"),
    pytest.param("La Région votera en décembre une enveloppe de 3 M€.", "2024-06-25", "2024-12", id="future"),
    pytest.param("L'aide de 3 M€ sera versée en mars.", "2024-12-10", "2025-03", id="future, next year"),
    pytest.param("La Région a voté en mai une enveloppe de 3 M€.", "2024-06-25", "2024-05", id="past, this year"),
    pytest.param("La Région a voté le 28 juin une enveloppe de 3 M€.", "2024-06-25", "2023-06-28",
                 id="past, a day after the publication day"),
    pytest.param("Les élus examineront le 20 juin une aide de 3 M€.", "2024-06-25", "2025-06-20",
                 id="future, a day before the publication day"),
]


@pytest.mark.parametrize("text, published, want", MONTHS_BY_TENSE)
def test_a_month_without_its_year_follows_the_tense(nlp, text, published, want):
    from extract.nlp import extract_docs

    (extraction,) = extract_docs(nlp, [(text, published)])
    assert [m.norm for m in extraction.mentions if m.label == "DATE"] == [want]


# A month's abbreviation with its full stop before a year ends no sentence ("le 15 fév. 2024 une participation"), so
# the amount after it keeps its sentence's date and body; before a capital, the full stop ends the sentence.
ABBREVIATED_MONTHS = [
    pytest.param("La Région Bretagne avait voté le 15 fév. 2024 une participation de 8,5 M€ au chantier.", 1,
                 "2024-02-15", id="fév. before a year"),
    pytest.param("Signé le 3 juil. 2023 à Lyon, le contrat engage la Métropole de Lyon à hauteur de 4 M€.", 1,
                 "2023-07-03", id="juil. before a year"),
    pytest.param("Le conseil s'est réuni le 12 fév. La Région vote 3 M€.", 2, "2026-02-12",
                 id="fév. before a capital"),
]


@pytest.mark.parametrize("text, sentences, date", ABBREVIATED_MONTHS)
def test_a_months_abbreviation_ends_a_sentence_only_before_a_capital(nlp, text, sentences, date):
    from extract.nlp import extract_docs

    assert len(list(nlp(text).sents)) == sentences
    (extraction,) = extract_docs(nlp, [(text, "2026-03-01")])
    assert date in {m.norm for m in extraction.mentions if m.label == "DATE"}
    if sentences == 1:
        assert (extraction.facts[0].date, extraction.facts[0].body is not None) == (date, True)


# End punctuation before a word in lower case, an opening quote or a closing one, or an abbreviation's full stop before
# a number, ends no sentence.
ABBREVIATIONS = [
    pytest.param("Le budget atteint 3 Md. d'euros pour la Région Bretagne.", 1, id="before a word in lower case"),
    pytest.param("La Région Bretagne verse env. 3 M€ aux CFA.", 1, id="a short word's full stop before a number"),
    pytest.param("« C'est trop peu » estime-t-elle. La Région Bretagne vote 3 M€.", 2, id="a quote's end"),
    pytest.param('• P102 "Accès et retour à l\'emploi" : -312 M€ en AE.', 1, id="an opening quote"),
    pytest.param("« La Région Bretagne votera 3 M€ en mars. » Le président l'a confirmé.", 2, id="a closing quote"),
    pytest.param("La Région Bretagne a voté 3 M€. 12 CFA en profitent.", 2, id="a sentence starting with a number"),
]


@pytest.mark.parametrize("text, sentences", ABBREVIATIONS)
def test_end_punctuation_ends_a_sentence_before_a_capital_or_a_number(nlp, text, sentences):
    assert len(list(nlp(text).sents)) == sentences
