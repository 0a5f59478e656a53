"""Bodies: organisations of the field found by gazetteer, with canonical names, and regions as institutions."""

import re
from functools import lru_cache

from spacy.tokens import Span

from extract.data import load_json
from extract.knowledge import entry, known_spans
from extract.patterns import Anchored
from extract.regions import find_places, place_alternation, region_of
from extract.types import Mention

__all__ = ["canonical", "is_not_body", "find_bodies", "REGIONAL_BODIES"]

# Bodies that exist once per region: "Transitions Pro Normandie" names the body; a Dreets keeps its national name
# but carries its region for attribution.
REGIONAL_BODIES = {"Transitions Pro": "named", "Carif-Oref": "named", "Dreets": "carried", "Direccte": "carried",
                   "Drieets": "carried", "Ceser": "carried", "Crefop": "carried", "rectorat": "carried"}
LINK = r"(?:\s*\([^()\n]{0,30}\))?\s+(?:de la |de l'|des |du |de |d'|en |pour la |pour l')?"


@lru_cache(maxsize=1)
def _aliases() -> tuple[dict[str, str], dict[str, str]]:
    """Every written form of a known body mapped to its canonical name: as written, and casefolded for long names."""
    exact, folded = {}, {}
    for row in load_json("kb.json")["bodies"]:
        names = {row["name"], *row.get("aliases", ()), *row.get("former", ())}
        for name in names | set(row.get("acronyms", ())):
            exact[name] = row["name"]
        folded.update({name.casefold(): row["name"] for name in names if " " in name})
    return exact, folded


def canonical(name: str) -> str | None:
    """The canonical name of a known body from any of its written forms, or None.

    >>> canonical("Caisse des dépôts et consignations"), canonical("CDC"), canonical("une association")
    ('Caisse des dépôts', 'Caisse des dépôts', None)
    """
    exact, folded = _aliases()
    return exact.get(name) or folded.get(name.casefold())


@lru_cache(maxsize=1)
def _not_bodies() -> frozenset:
    programmes = {n for row in load_json("kb.json")["programmes"]
                  for n in (row["name"], *row.get("aliases", ()), *row.get("acronyms", ()))}
    return frozenset(load_json("bodies.json")["not_bodies"]["names"]) | programmes


def is_not_body(name: str) -> bool:
    """True for publisher and programme names that are never bodies (AEF info, PIC, France 2030…)."""
    return name in _not_bodies()


@lru_cache(maxsize=1)
def _place_after() -> re.Pattern:
    """The place that may follow a body that exists once per region: "Transitions Pro (ou CPIR) de Normandie"."""
    return re.compile(rf"{LINK}(?P<place>{place_alternation()})(?![\w-])")


@lru_cache(maxsize=1)
def _region_institution() -> Anchored:
    """"Région", "conseil régional"… with the place that may follow; tried only where the casefolded text has
    one of those words."""
    return Anchored(re.compile(
        rf"(?<![\w-])(?P<lead>(?:[Cc]onseil [Rr][ée]gional|[Aa]ssembl[ée]e r[ée]gionale|[Ee]x[ée]cutif r[ée]gional|[Rr][ée]gion|[Cc]ollectivit[ée](?: territoriale)?)"
        rf"(?:\s+(?:de la |de l'|des |du |de |d')?(?P<place>{place_alternation()}|Sud)(?![\w-]))?)"),
        r"conseil|assembl|ex[ée]cutif|r[ée]gion|collectivit", 0)


def _known_body(text: str, known: Span, main: str | None) -> Mention:
    """A body of the knowledge base; one that exists once per region takes the place after it, or the story's."""
    name, kind = known.kb_id_, REGIONAL_BODIES.get(known.kb_id_)
    after = _place_after().match(text, known.end_char) if kind else None
    region = (region_of(after.group("place")) if after else None) or (main if kind else entry(name).region)
    end = after.end() if after else known.end_char
    norm = f"{name} {region}" if kind == "named" and region else name
    return Mention("ORG", text[known.start_char:end], norm, known.start_char, end, region)


# "la région" alone names the institution after these words ("financé par la région"), not after "dans la région".
BARE_REGION_BEFORE = re.compile(r"(?:^|[\n.;:,(]\s?|\b(?:par|et|que|avec|dont|entre|pour|à|ou)\s)la\s$", re.I)
BARE_REGION_AFTER = re.compile(r"\s(?:de |d'|du |des |où |qui compte|natale|parisienne)", re.I)


def _is_institution(match: re.Match) -> bool:
    lead, place = match.group("lead"), match.group("place")
    text, start = match.string, match.start()
    before = text[max(0, start - 14):start]
    if lead.lower().startswith(("conseil", "assembl", "ex")):
        return True
    if lead.lower().startswith("collectivit"):
        return place is not None or bool(re.search(r"\bla\s$", before, re.I))
    if re.search(r"\b(?:en|dans la)\s$", before, re.I):
        return False
    if place is not None:
        return True
    if re.search(r"\bde la\s$", before, re.I):
        return False
    if lead.startswith("Région"):
        return True
    return bool(BARE_REGION_BEFORE.search(before)) and not BARE_REGION_AFTER.match(text, match.end())


def _institution(match: re.Match, main: str | None) -> Mention | None:
    place = match.group("place")
    region = "Provence-Alpes-Côte d'Azur" if place == "Sud" else (region_of(place) or main)
    if region is None or not _is_institution(match):
        return None
    return Mention("ORG", match.group(0), f"Région {region}", match.start(), match.end(), region)


@lru_cache(maxsize=1)
def _named_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The organisation patterns as one, and the words one of which each of their matches holds (casefolded)."""
    data = load_json("bodies.json")["org_patterns"]
    return re.compile("|".join(f"(?:{p})" for p in data["patterns"])), re.compile(data["core"])


def _named_matches(text: str, folded: str) -> list[re.Match]:
    """The matches of the organisation patterns; a text without any of their words needs no scan."""
    pattern, core = _named_patterns()
    return list(pattern.finditer(text)) if core.search(folded) else []


def _named(match: re.Match) -> Mention:
    text = match.group(0)
    places = find_places(text)
    region = places[0].region if places else None
    return Mention("ORG", text, text[0].upper() + text[1:], match.start(), match.end(), region)


def _overlaps(start: int, end: int, found: list[Mention]) -> bool:
    return any(f.start < end and start < f.end for f in found)


def find_bodies(text: str, main: str | None = None, known: list[Span] | None = None) -> list[Mention]:
    """Bodies of the knowledge base (`known`: its spans in the text, found here when not given), regional
    institutions and universities or schools named by pattern: ORG mentions with canonical names, in order.

    >>> [m.norm for m in find_bodies("La région Normandie et la CDC financent Transitions Pro (ou CPIR) de Normandie.")]
    ['Région Normandie', 'Caisse des dépôts', 'Transitions Pro Normandie']
    """
    known = known_spans(text) if known is None else known
    found = []
    for span in known:
        if span.label_ == "ORG" and not _overlaps(span.start_char, span.end_char, found):
            found.append(_known_body(text, span, main))
    institutions, named = _scan(text)
    found += [m for m in (_institution(m, main) for m in institutions)
              if m is not None and not _overlaps(m.start, m.end, found)]
    found += [_named(m) for m in named if not _overlaps(m.start(), m.end(), found)]
    return sorted(found, key=lambda mention: mention.start)


@lru_cache(maxsize=2)
def _scan(text: str) -> tuple[list[re.Match], list[re.Match]]:
    """The matches of the institution and name patterns, kept for the second look at the same text (with its main
    region)."""
    folded = text.casefold()
    return list(_region_institution().finditer(text, folded)), _named_matches(text, folded)
