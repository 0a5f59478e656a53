"""Watchlists: TOML read strictly, and which facts meet which rules (cases as data)."""

from dataclasses import replace
from datetime import datetime

import pytest

from pipelines.desk.events import Mention
from pipelines.desk.fold import fold
from pipelines.desk.watchlist import ArticleText, Rule, WatchlistError, load_watchlist, matches, parse_watchlist

FACT = Mention(event_id=1, fact_id=1, article_id="a", title="t", url=None, source="a.txt", published="2021-03-23",
               ingested_at=datetime(2024, 5, 1), amount=14e6, amount_max=None, currency="EUR", qualifier="exact",
               per=None, body="Région Bretagne", body_role="funder", date="2021-03-22", event_date="2021-03-22",
               year="2021", region="Bretagne", confidence=0.8, sentence="…", start=0, end=1)
ARTICLE = ArticleText(fold("La Région Bretagne vote 14 M€ pour 38 CFA, annonce Loïc Kerhervé. L'apprentissage…"),
                      frozenset({fold("Loïc Kerhervé")}))

MATCHING = [
    pytest.param(Rule("r", regions=("Bretagne",)), FACT, True, id="region"),
    pytest.param(Rule("r", regions=("bretagne",)), FACT, True, id="region, any case"),
    pytest.param(Rule("r", regions=("Finistère",)), FACT, True, id="a département resolves to its region"),
    pytest.param(Rule("r", regions=("Normandie",)), FACT, False, id="other region"),
    pytest.param(Rule("r", regions=("PACA",)), replace(FACT, region="Provence-Alpes-Côte d'Azur"), True, id="PACA"),
    pytest.param(Rule("r", bodies=("region bretagne",)), FACT, True, id="body without accents"),
    pytest.param(Rule("r", bodies=("France compétences", "Région Bretagne")), FACT, True, id="one of the bodies"),
    pytest.param(Rule("r", bodies=("CDC",)), replace(FACT, body="Caisse des dépôts"), True, id="body alias"),
    pytest.param(Rule("r", bodies=("Transitions Pro",)), replace(FACT, body="Transitions Pro Normandie"), True,
                 id="body as whole words"),
    pytest.param(Rule("r", bodies=("Région",)), replace(FACT, body="Régionale SA"), False, id="not inside a word"),
    pytest.param(Rule("r", bodies=("Région Bretagne",)), replace(FACT, body=None), False, id="no body"),
    pytest.param(Rule("r", min_amount=1e6), FACT, True, id="above the minimum"),
    pytest.param(Rule("r", min_amount=20e6), FACT, False, id="below the minimum"),
    pytest.param(Rule("r", min_amount=20e6), replace(FACT, amount_max=25e6), True, id="range reaching it"),
    pytest.param(Rule("r", people=("Loic Kerherve",)), FACT, True, id="person, accents aside"),
    pytest.param(Rule("r", people=("Kerhervé",)), FACT, True, id="person by surname"),
    pytest.param(Rule("r", people=("Hélène Quesnel",)), FACT, False, id="person absent"),
    pytest.param(Rule("r", keywords=("apprentissage", "alternance")), FACT, True, id="one keyword"),
    pytest.param(Rule("r", keywords=("CFA",)), FACT, True, id="keyword any case"),
    pytest.param(Rule("r", keywords=("CF",)), FACT, False, id="keyword is a whole word"),
    pytest.param(Rule("r", regions=("Bretagne",), keywords=("hydrogène",)), FACT, False, id="every key must hold"),
    pytest.param(Rule("r", regions=("Bretagne",), bodies=("Région Bretagne",), people=("Loïc Kerhervé",),
                      keywords=("CFA",), min_amount=1e6), FACT, True, id="the issue's example shape"),
]


@pytest.mark.parametrize("rule, fact, expected", MATCHING)
def test_matching(rule, fact, expected):
    assert matches(rule, fact, ARTICLE) is expected


def test_a_rule_on_articles_needs_the_article():
    with pytest.raises(ValueError):
        matches(Rule("r", keywords=("CFA",)), FACT, None)


def test_the_example_watchlist_reads():
    watchlist = load_watchlist("corpus/watchlists/example.toml")
    assert watchlist.name == "example" and len(watchlist.rules) >= 3
    bretagne = watchlist.rules[0]
    assert bretagne.name == "Apprentissage en Bretagne" and bretagne.min_amount == 1_000_000


def test_the_issue_example_rule_reads():
    text = '''
[[rule]]
name = "Apprentissage en Bretagne"
regions = ["Bretagne"]
bodies = ["Région Bretagne", "France compétences"]
people = ["Loïg Chesnais-Girard"]
keywords = ["apprentissage", "CFA"]
min_amount = 1_000_000
'''
    (rule,) = parse_watchlist(text, "w").rules
    assert rule == Rule("Apprentissage en Bretagne", ("Région Bretagne", "France compétences"), ("Bretagne",),
                        ("Loïg Chesnais-Girard",), ("apprentissage", "CFA"), 1_000_000.0)


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\nregions = ["Bretagne"]\n', "needs a name"),
    ('[[rule]]\nname = "x"\nregion = ["Bretagne"]\n', "unknown key"),
    ('[[rule]]\nname = "x"\nmin_amount = "beaucoup"\n', "must be a number"),
    ('[[rule]]\nname = "x"\nbodies = [1, 2]\n', "list of non-empty strings"),
    ('title = "t"\n', "no rule"),
    ('[[rule]]\nname = "x"\n[[rule]]\nname = "x"\n', "same name"),
    ('[[rule]\nname = "x"\n', "not valid TOML"),
    ('[[rules]]\nname = "x"\n', "unknown top-level"),
])
def test_bad_watchlists_say_why(text, message):
    with pytest.raises(WatchlistError, match=message):
        parse_watchlist(text, "w")


def test_a_single_string_is_a_list_of_one():
    (rule,) = parse_watchlist('[[rule]]\nname = "x"\nregions = "Bretagne"\n', "w").rules
    assert rule.regions == ("Bretagne",)
