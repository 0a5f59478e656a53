"""Golden cases for extract.dates.find_dates, every relative one against a pinned publication date."""

from datetime import date

import pytest

from extract.dates import find_dates, parse_published

# The pinned "today" of the relative cases: Friday 5 March 2021.
PUBLISHED = date(2021, 3, 5)


def case(text: str, *values: str, published: date | None = PUBLISHED, fails: str | None = None):
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
]

NOT_DATES = [
    case("31/02/2020"),
    case("32/01/2020"),
    case("3 000 apprentis"),
    case("2 000 salariés pour 3 M€"),
    case("AEF n°277460"),
    case("une prime de 2000 euros"),
    case("une aide de 2020 € par apprenti"),
]


def values(text: str, published: date | None) -> list[str]:
    return [d.value for d in find_dates(text, published)]


@pytest.mark.parametrize("text, published, want", ABSOLUTE + PERIODS)
def test_absolute_dates(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", RELATIVE)
def test_relative_dates(text, published, want):
    assert values(text, published) == want


@pytest.mark.parametrize("text, published, want", NO_BASE + NOT_DATES)
def test_no_date(text, published, want):
    assert values(text, published) == []


@pytest.mark.parametrize("text, published, want", [p for p in ABSOLUTE + PERIODS + RELATIVE if not p.marks])
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


@pytest.mark.parametrize("value, want", [("2020-12-15", date(2020, 12, 15)), ("2020-12-15T08:30:00+01:00",
                                         date(2020, 12, 15)), ("", None), (None, None), ("mardi", None)])
def test_parse_published(value, want):
    assert parse_published(value) == want
