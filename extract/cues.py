"""The words attribution reads around an amount (extract/data/cues.json), compiled once.

Each list of cues.json is a set of regular-expression alternatives matched case-insensitively; adding a verb or a cue
is a change of that file. The patterns below say where each list is looked for.
"""

import re

from extract.data import load_json

__all__ = ["CUES", "FUNDER_VERBS", "RECIPIENT_VERBS", "ANAPHORA", "COMPARISON", "COMPARED", "ROLE_BEFORE", "NATIONAL",
           "UNATTACHED_DATE", "DECISION", "CONTINUATION", "PART_OF", "AFTER_BODY", "AGENT_BEFORE", "CLAUSE_BREAK",
           "GAP_BREAK", "GOAL_CUES", "HORIZON_CUES", "BULLETS", "DATE_STAMP", "DATELINE", "EARLIER",
           "PLACE_COMPLEMENT", "MONTH_BEFORE", "PLACE_ACTING", "COST", "COST_REACH", "YEAR_BEFORE", "YEAR",
           "MONEY_NOUNS", "line_around", "on_stamp_line", "role_of", "year_at"]

CUES = load_json("cues.json")


def _words(name: str) -> str:
    """The alternatives of one list of cues.json, as a regular-expression group."""
    return "(?:" + "|".join(CUES[name]) + ")"


# Verbs of giving and of receiving money (stems: a word starting with one counts).
FUNDER_VERBS = re.compile(rf"^{_words('funder_verbs')}", re.I)
RECIPIENT_VERBS = re.compile(rf"^{_words('recipient_verbs')}", re.I)
# Words taking up a body named before: "il", "l'établissement".
ANAPHORA = re.compile(rf"\b{_words('anaphora')}\b", re.I)
# A date after one of these, later than the amount, dates what the amount is compared with: "en baisse de 12 M€
# par rapport au budget 2021", "7 450 euros, contre 7 700 euros en 2021".
COMPARISON = re.compile(rf"\b{_words('comparison')}\b", re.I)
# An amount after these is what another is compared with: it takes no date from the sentence before.
COMPARED = re.compile(rf"\b{_words('compared')}\s+(?:(?:les|la|le|l'|des|un|une)\s+)?$", re.I)
# A person's role right before an organisation in brackets: "son président (CFDT)", "la vice-présidente (PS)".
ROLE_BEFORE = re.compile(rf"\b{_words('role_before')}\w*(?:\s+{_words('role_qualifiers')})?$", re.I)
# A sentence about the whole country: its amounts are not the dispatch's region's.
NATIONAL = re.compile(rf"\b{_words('national')}\b", re.I)
# Dates that do not date an amount: "depuis sa mise en place fin 2019", "créé en 2014".
UNATTACHED_DATE = re.compile(rf"\b{_words('unattached_date')}\b[^,.;:()\n]{{0,30}}$", re.I)
# A lead reporting one decision (a vote, a budget, a signature): every amount of the story is part of it.
DECISION = re.compile(rf"\b{_words('decision')}\w*", re.I)
# Table lines and sentences that break down the story's amount ("dont", "sur cette enveloppe").
CONTINUATION = re.compile(rf"^(?:[^\s:]{{1,3}}\s)?{_words('continuation')}", re.I)
# An amount after these breaks down or restates the one before it: "593 M€ sur 2021-2027, dont 210 M€".
PART_OF = re.compile(rf"\b{_words('part_of')}\b", re.I)
# A body named right after the amount: "dont 187 M€ par l'État", "les 500 M€ versés par la Région".
AFTER_BODY = re.compile(rf"[ ]*(?:{_words('given')}e?s?[ ]+)?(?P<link>par|de)[ ]+(?:la |le |l'|les |du )?$")
# The agent's "par" right before a body: "financé par la Région".
AGENT_BEFORE = re.compile(r"\bpar (?:la |le |les |l')?$")
# What parts a body from an amount after it: a clause's end or a word joining another clause.
CLAUSE_BREAK = re.compile(rf"[;.:]|\b{_words('clause_break')}\b")
# ... and, for a body standing right before its amount, a figure or a word opening an aside too.
GAP_BREAK = re.compile(rf"[;.:\d]|\b{_words('clause_break')}\b|\b{_words('gap_break')}\b")
# Cues of a horizon: "d'ici à 2030", "à l'horizon 2027".
GOAL_CUES = tuple(CUES["goal"])
# ... and a heading's year after these is a horizon or a limit, not the year of what follows.
HORIZON_CUES = GOAL_CUES + tuple(CUES["horizon"])
# Marks that open a list line.
BULLETS = tuple(CUES["bullets"])
# A place right after one of these prepositions complements the amount before it: "61,4 M€ pour la Bretagne".
PLACE_COMPLEMENT = re.compile(rf"\b{_words('place_complement')}(?: l[ea]| les| l'|)\s*$", re.I)
# An amount set before the story's news: "des appels de ce type ont déjà été publiés pour la Bretagne (8,6 M€)".
EARLIER = re.compile(rf"\b{_words('earlier')}(?!\w)", re.I)
# A line that is a page's date stamp and nothing else: "14/11/2023", "Publié le 10/04/2025 à 17h42", "Mis à jour le
# mardi 8 avril 2025", "Publié le 25/03/2025 – Mis à jour le 27/03/2025 à 11h20", and a page's section after it
# ("2024-12-03 | Emploi - Politiques publiques"), and a dispatch's dateline ("Nantes, 8 février 2019").
_MONTH = r"(?:janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec)[a-zéû]*\.?"
_DAY = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}(?:-\d{{2}})?|(?:\d{{1,2}}(?:er)?\s+)?{_MONTH}\s+\d{{4}})"
# A month's name right before a number: the number is the year of a date ("le décret du 22 février 2025 à 5 000 euros").
MONTH_BEFORE = re.compile(rf"(?<!\w){_MONTH}\s+$", re.I)
# A four-digit number after one of these is a year ("passé de 5 800 euros en 2021 à 6 400 euros").
YEAR_BEFORE = re.compile(rf"(?<!\w){_words('year_before')}\s*$", re.I)
YEAR = re.compile(r"(?:19|20)\d\d")
# A place named bare, then one of these verbs, is its council at work: "la Bretagne verse 500 euros par apprenti".
PLACE_ACTING = re.compile(rf"\s*(?:,\s*)?(?:(?:en outre|aussi|également|déjà|elle|pour sa part|de son côté|quant à elle)"
                          rf"\s*,?\s*)*(?:(?:a|ont|avait|avaient|aura|auront|va|vont|doit|devra|devrait)\s+)?"
                          rf"{_words('place_acting_verbs')}\w*\b", re.I)
# A cost, a price or an average named in the words before an amount (its last COST_REACH characters, in its
# sentence): "le coût moyen d'un projet dépassant 35 000 euros", "chiffré à 31 M€".
COST = re.compile(rf"\b{_words('cost')}\b", re.I)
COST_REACH = 60
# Nouns after which a magnitude is money, not a count: "7,1 milliards de subventions".
MONEY_NOUNS = _words("money_nouns")
_STAMP = rf"\s*(?:{_words('stamp')}\s+)*{_DAY}(?:\s*(?:à|,)?\s*\d{{1,2}}\s?[h:]\s?\d{{2}})?\s*"
# A dispatch's dateline, the place it was written before its day: "Nantes, 8 février 2019", "Rennes, le 28 juin 2013".
DATELINE = rf"\s*(?-i:[A-ZÀ-Ý])[^\d,|\n.]{{0,40}},"
DATE_STAMP = re.compile(rf"(?:{DATELINE})?{_STAMP}(?:[–—|·,-]{_STAMP})*(?:[|·][^\d|]{{1,60}})?", re.I)


def year_at(text: str, start: int, end: int) -> bool:
    """Whether the number text[start:end] is the year of a date: after a month's name, or a four-digit year after
    "en", "depuis", "fin"…"""
    before = text[max(0, start - 15):start]
    return bool(MONTH_BEFORE.search(before) or (YEAR.fullmatch(text, start, end) and YEAR_BEFORE.search(before)))


def line_around(text: str, position: int) -> tuple[int, int]:
    """Where the line holding text[position] starts and ends."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, end if end >= 0 else len(text)


def on_stamp_line(text: str, position: int) -> bool:
    """Whether the line holding text[position] is a page's date stamp, which dates the page, not what it says."""
    return DATE_STAMP.fullmatch(text, *line_around(text, position)) is not None


def role_of(words) -> str | None:
    """"recipient" when one of these words is a verb of receiving, else "funder" when one is of giving, else None."""
    words = list(words)
    if any(RECIPIENT_VERBS.match(w) for w in words):
        return "recipient"
    if any(FUNDER_VERBS.match(w) for w in words):
        return "funder"
    return None
