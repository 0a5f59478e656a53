"""Bodies: organisations of the field found by gazetteer, with canonical names, and regions as institutions."""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from spacy.tokens import Span

from extract.cues import PLACE_ACTING
from extract.data import load_json
from extract.knowledge import entries, entry, known_spans
from extract.patterns import Anchored
from extract.regions import find_places, place_alternation, region_of
from extract.types import Mention

__all__ = ["canonical", "is_not_body", "is_budget_act", "find_bodies", "acting_places", "regional_bodies"]

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


# A budget act's acronym reads as such after these words or before a year: "en LFI", "la LFI 2024".
BUDGET_BEFORE = re.compile(r"(?:\ben|\bla|\bde la)\s$", re.I)
BUDGET_AFTER = re.compile(r"\s?(?:19|20)\d\d\b")


@lru_cache(maxsize=1)
def _budget_acts() -> frozenset:
    return frozenset(load_json("bodies.json")["budget_acts"]["names"])


def is_budget_act(text: str, span: Span) -> bool:
    """True for a name of the base that is here a budget act's acronym ("la LFI 2024" is no party); `span` is a span
    of a doc of `text` (its text is read from `text`, quicker than from the tokens)."""
    if text[span.start_char:span.end_char] not in _budget_acts():
        return False
    before = text[max(0, span.start_char - 6):span.start_char]
    return bool(BUDGET_BEFORE.search(before) or BUDGET_AFTER.match(text, span.end_char))


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


@lru_cache(maxsize=1)
def regional_bodies() -> dict[str, str]:
    """Bodies that exist once per region (`per_region` in kb.json) and how: "named" (Transitions Pro Normandie names
    the body) or "carried" (a Dreets keeps its national name but carries its region for attribution)."""
    return {e.name: e.per_region for e in entries().values() if e.per_region}


def _known_body(text: str, known: Span, main: str | None) -> Mention:
    """A body of the knowledge base; one that exists once per region takes the place after it, or the story's."""
    name, kind = known.kb_id_, regional_bodies().get(known.kb_id_)
    after = _place_after().match(text, known.end_char) if kind else None
    region = (region_of(after.group("place")) if after else None) or (main if kind else entry(name).region)
    end = after.end() if after else known.end_char
    norm = f"{name} {region}" if kind == "named" and region else name
    return Mention("ORG", text[known.start_char:end], norm, known.start_char, end, region)


def _members_named(text: str, known: list[Span]) -> dict[str, set[str]]:
    """The regions of the members named of each body of the knowledge base that exists once per region: by the place
    after its name ("Transitions Pro de Normandie"), or by a member's own name ("Transitions Pro Bretagne")."""
    found: dict[str, set[str]] = {}
    for span in known:
        network = span.kb_id_ if span.kb_id_ in regional_bodies() else _network_of(span.kb_id_)
        after = _place_after().match(text, span.end_char) if span.kb_id_ in regional_bodies() else None
        region = region_of(after.group("place")) if after else (entry(span.kb_id_).region if network else None)
        if network and region:
            found.setdefault(network, set()).add(region)
    return found


def _network_of(name: str) -> str | None:
    """The network a member's name starts with: "Transitions Pro" for "Transitions Pro Bretagne"."""
    return next((network for network in regional_bodies() if name.startswith(f"{network} ")), None)


# "la région" alone names the institution after these words ("financé par la région"), not after "dans la région".
BARE_REGION_BEFORE = re.compile(r"(?:^|[\n.;:,(]\s?|\b(?:par|et|que|avec|dont|entre|pour|à|ou)\s)la\s$", re.I)
BARE_REGION_AFTER = re.compile(r"\s(?:de |d'|du |des |où |qui compte|natale|parisienne)", re.I)


def _is_institution(match: re.Match) -> bool:
    lead, place = match.group("lead"), match.group("place")
    text, start = match.string, match.start()
    before = text[max(0, start - 14):start]
    if lead.lower().startswith(("conseil", "assembl", "ex")):
        return True
    if lead.lower().startswith("collectivit"):  # "la collectivité" alone may be a département: a generic noun
        return place is not None
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


@dataclass(frozen=True)
class PatternBody:
    """A kind of body named by a pattern ("la mission locale de Laval"): its scan, the canonical words of its head
    (None: the head as written, capitalised), and whether it is foreign (no French region)."""

    scan: Anchored
    name: str | None
    foreign: bool


@lru_cache(maxsize=1)
def _pattern_bodies() -> tuple[PatternBody, ...]:
    data = load_json("bodies.json")["pattern_bodies"]
    found = []
    for row in data["bodies"]:
        pattern = row["pattern"]
        for part, regex in data["parts"].items():
            pattern = pattern.replace(f"<{part}>", regex)
        scan = Anchored(re.compile(rf"(?<![\w-])(?:{pattern})"), row["core"], row.get("reach", 0))
        found.append(PatternBody(scan, row.get("name"), row.get("foreign", False)))
    return tuple(found)


LEADING_LINK = re.compile(r"^\s*(?:de la |de l'|des |du |de |d')?")


def _pattern_body(match: re.Match, body: PatternBody) -> Mention:
    """A body named by a pattern, under its canonical name: the kind's words, then the rest as written."""
    text = match.string
    head = match.group("head")
    rest = text[match.end("head"):match.end()]
    lead = text[match.start():match.start("head")] + (body.name or head)
    region = None
    if not body.foreign:
        places = find_places(rest)
        region = places[0].region if places else region_of(LEADING_LINK.sub("", rest))
    return Mention("ORG", match.group(0), lead[0].upper() + lead[1:] + rest, match.start(), match.end(), region)


def _patterned(text: str, folded: str) -> list[Mention]:
    """Bodies named by a pattern, the longest where two overlap, in order."""
    found = [_pattern_body(m, body) for body in _pattern_bodies() for m in body.scan.finditer(text, folded)]
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if not _overlaps(mention.start, mention.end, kept):
            kept.append(mention)
    return kept


def _contains(outer: Mention, start: int, end: int) -> bool:
    return outer.start <= start and end <= outer.end and outer.end - outer.start > end - start


def _over_known(patterned: list[Mention], known: list[Span]) -> list[Mention]:
    """The bodies named by a pattern that hold, longer, every name of the knowledge base they overlap: "le
    gouvernement britannique" is not the État; "la CCI de Bretagne" stays the base's own name."""
    return [m for m in patterned
            if all(_contains(m, s.start_char, s.end_char) for s in known if s.start_char < m.end and m.start < s.end_char)]


# An acronym in brackets inside a name, the name going on after it with a capital or a "de": "la chambre régionale
# de métiers et de l'artisanat (CRMA) Grand Est", "la chambre de métiers (CMA) de la Sarthe".
BRACKETED_ACRONYM = re.compile(r" \((?=[A-Z])[\w&'-]{2,12}\)(?= (?:[A-ZÉÈÎ]|de |du |des |d'))")
# How far before and after the bracket a name cut by it may reach.
CUT_NAME_REACH = 120


@dataclass(frozen=True)
class _Window:
    """The text around an acronym in brackets, read without it: where it starts in the text, where the bracket was
    cut out of it and how wide it was, the window itself, and the base's bodies and the patterned bodies in it."""

    start: int
    cut: int
    width: int
    text: str
    known: list[Span]
    patterned: list[Mention]


@lru_cache(maxsize=2)
def _bracket_windows(text: str, known_in: Callable[[str], list[Span]]) -> tuple[_Window, ...]:
    """The windows of a text's bracketed acronyms, kept for the second look at the same text (with its main region);
    `known_in` finds the knowledge base's names in a text."""
    windows = []
    for bracket in BRACKETED_ACRONYM.finditer(text):
        start, end = max(0, bracket.start() - CUT_NAME_REACH), min(len(text), bracket.end() + CUT_NAME_REACH)
        window = text[start:bracket.start()] + text[bracket.end():end]
        windows.append(_Window(start, bracket.start() - start, bracket.end() - bracket.start(), window,
                               [s for s in known_in(window) if s.label_ == "ORG"],
                               _patterned(window, window.casefold())))
    return tuple(windows)


def _cut_by_bracket(text: str, main: str | None, known_in: Callable[[str], list[Span]]) -> list[Mention]:
    """Names of the base or of a pattern that an acronym in brackets cuts in two: each is found in the text read
    without the bracket, and kept when it runs across it (the bracket belongs to the mention)."""
    found = []
    for w in _bracket_windows(text, known_in):
        start, cut, width, window = w.start, w.cut, w.width, w.text
        spans = [_known_body(window, s, main) for s in w.known]
        for m in spans + w.patterned:
            if m.start < cut < m.end and not _overlaps(start + m.start, start + m.end + width, found):
                found.append(Mention("ORG", text[start + m.start:start + m.end + width], m.norm, start + m.start,
                                     start + m.end + width, m.region))
    return found


def find_bodies(text: str, main: str | None = None, known: list[Span] | None = None,
                known_in: Callable[[str], list[Span]] = known_spans) -> list[Mention]:
    """Bodies of the knowledge base (`known`: its spans in the text, found here by `known_in` when not given),
    regional institutions and universities or schools named by pattern: ORG mentions with canonical names, in order.

    >>> [m.norm for m in find_bodies("La région Normandie et la CDC financent Transitions Pro (ou CPIR) de Normandie.")]
    ['Région Normandie', 'Caisse des dépôts', 'Transitions Pro Normandie']
    """
    known = known_in(text) if known is None else known
    # A network whose members of several regions are named ("Transitions Pro Bretagne", "Transitions Pro Normandie")
    # is the network where it stands alone, not the story's member.
    networks = {name for name, regions in _members_named(text, known).items() if len(regions) > 1}
    institutions, named, patterned = _scan(text)
    found = _cut_by_bracket(text, main, known_in) if BRACKETED_ACRONYM.search(text) else []
    found += [m for m in _over_known(patterned, known) if not _overlaps(m.start, m.end, found)]
    for span in known:
        if span.label_ == "ORG" and not _overlaps(span.start_char, span.end_char, found) \
                and not is_budget_act(text, span):
            found.append(_known_body(text, span, None if span.kb_id_ in networks else main))
    found += [m for m in (_institution(m, main) for m in institutions)
              if m is not None and not _overlaps(m.start, m.end, found)]
    found += [_named(m) for m in named if not _overlaps(m.start(), m.end(), found)]
    return sorted(found, key=lambda mention: mention.start)


@lru_cache(maxsize=2)
def _scan(text: str) -> tuple[list[re.Match], list[re.Match], list[Mention]]:
    """The matches of the institution and name patterns and the bodies named by a pattern, kept for the second look
    at the same text (with its main region)."""
    folded = text.casefold()
    return list(_region_institution().finditer(text, folded)), _named_matches(text, folded), _patterned(text, folded)


# The article before a place named bare as an actor ("la Bretagne", "les Pays de la Loire", "l'Occitanie"), not as
# a complement ("la Caisse d'allocations familiales de la Gironde verse").
PLACE_ARTICLE = re.compile(r"(?:^|(?<!\bde)(?<!\bà)(?<!\bpour)(?<!\ben)\s)(?:la|le|les|l')\s?$", re.I)
# How a département's council is named after "Département", by the first letters of the place.
DEPARTEMENT_LINKS = ("de la ", "de l'", "du ", "des ", "de ")
# What may separate the amount of an enumeration's next member from its place: "…, les Pays de la Loire 350 000 euros".
ENUMERATED = re.compile(r"\s+(?:pour |avec )?[+-]?\d")


def _council(place: str) -> str | None:
    """The council of a region or département named bare: "Bretagne" → Région Bretagne, "Gironde" → Département de la
    Gironde; None for a town or any other place."""
    if region_of(place) == place:
        return canonical(f"Région {place}")
    return next((name for link in DEPARTEMENT_LINKS if (name := canonical(f"Département {link}{place}"))), None)


def acting_places(text: str, places: list[Mention]) -> list[Mention]:
    """The regions and départements named bare, with an article, as the subject of a verb of money ("la Bretagne verse
    500 000 euros, les Pays de la Loire 350 000 euros"): their councils, as bodies. A place that only follows one in an
    enumeration, before its own amount, is one too."""
    found: list[Mention] = []
    for place in places:
        if not PLACE_ARTICLE.search(text, max(0, place.start - 5), place.start):
            continue
        council = _council(place.text)
        if council is None:
            continue
        acting = PLACE_ACTING.match(text, place.end)
        enumerated = found and ENUMERATED.match(text, place.end) and "\n" not in text[found[-1].end:place.start] \
            and ". " not in text[found[-1].end:place.start]
        if acting or enumerated:
            found.append(Mention("ORG", place.text, council, place.start, place.end, place.region))
    return found
