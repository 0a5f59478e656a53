"""Regions: places (regions, variants, former regions, départements, prefectures, cities) resolved to official regions."""

import re
from collections import Counter
from functools import lru_cache

from extract.data import load_csv, load_json
from extract.patterns import literal_alternation
from extract.types import Mention

__all__ = ["OFFICIAL_REGIONS", "place_table", "region_of", "names_region", "find_places", "main_region", "place_alternation"]

OFFICIAL_REGIONS = tuple(load_json("regions.json")["regions"])
# A département number in context: "dans le 93", "en Gironde (33)" is already resolved by the name.
DEPARTEMENT_NUMBER = re.compile(r"\b(?:dans|du|de|pour) l[ea] (?P<code>\d{2}|2[AB]|97[1-6])\b(?![,.]?\d|\s?%)")
# The main region of a dispatch must be named at least this many times, and more than any other.
MAIN_REGION_MIN_MENTIONS = 2


@lru_cache(maxsize=1)
def place_table() -> dict[str, str]:
    """Every written form of a place mapped to its official region; forms naming two regions are left out."""
    forms: dict[str, set[str]] = {}

    def add(form: str, region: str) -> None:
        forms.setdefault(form, set()).add(region)

    for region, entry in load_json("regions.json")["regions"].items():
        for form in [region, *entry["variants"], *entry["former"], *entry["cities"]]:
            add(form, region)
    for row in load_csv("departements.csv"):
        add(row["name"], row["region"])
        add(row["prefecture"], row["region"])
    return {form: regions.pop() for form, regions in forms.items() if len(regions) == 1}


@lru_cache(maxsize=1)
def _departement_codes() -> dict[str, str]:
    return {row["code"]: row["region"] for row in load_csv("departements.csv")}


@lru_cache(maxsize=1)
def _region_names() -> frozenset:
    names = set()
    for region, entry in load_json("regions.json")["regions"].items():
        names.update([region, *entry["variants"], *entry["former"]])
    return frozenset(names)


def names_region(name: str) -> bool:
    """True when a place name is a region's own name or variant, not a département or a city."""
    return name in _region_names()


def region_of(name: str | None) -> str | None:
    """The official region a place name resolves to, or None."""
    return place_table().get(name) if name else None


@lru_cache(maxsize=2)
def place_alternation(after_first: str = "") -> str:
    """A regular-expression alternation of every place form, longest first (see literal_alternation)."""
    return literal_alternation(place_table(), after_first)


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    """A place name standing alone: no letter or hyphen before it (checked after its first letter) or after it."""
    return re.compile(place_alternation(r"(?<![\w-].)") + r"(?![\w-])")


@lru_cache(maxsize=1)
def _context() -> tuple[frozenset, re.Pattern]:
    data = load_json("regions.json")["needs_context"]
    before = "|".join(re.escape(w) for w in data["before"])
    return frozenset(data["words"]), re.compile(rf"(?:^|[\s(])(?:{before})\s?$", re.I)


def _in_context(text: str, start: int, end: int) -> bool:
    words, before = _context()
    if text[start:end] not in words:
        return True
    if re.match(r"\s?\((?:\d{2}|2[AB]|97\d)\)", text[end:end + 6]):
        return True
    return bool(before.search(text[max(0, start - 16):start]))


def find_places(text: str) -> list[Mention]:
    """Place mentions resolving to a region (LOC, norm = official region), in order."""
    table = place_table()
    found = [Mention("LOC", m.group(0), table[m.group(0)], m.start(), m.end(), table[m.group(0)])
             for m in _place_pattern().finditer(text) if _in_context(text, m.start(), m.end())]
    codes = _departement_codes()
    for m in DEPARTEMENT_NUMBER.finditer(text):
        region = codes.get(m.group("code"))
        if region:
            found.append(Mention("LOC", m.group("code"), region, m.start("code"), m.end("code"), region))
    return sorted(found, key=lambda mention: mention.start)


def main_region(mentions: list[Mention], lead_end: int | None = None) -> str | None:
    """The region a dispatch is about: named in its lead (before lead_end), most often, at least twice, more than any other."""
    in_lead = {m.region for m in mentions if m.region and (lead_end is None or m.start < lead_end)}
    counts = Counter(m.region for m in mentions if m.region in in_lead).most_common(2)
    if not counts or counts[0][1] < MAIN_REGION_MIN_MENTIONS:
        return None
    if len(counts) == 2 and counts[1][1] == counts[0][1]:
        return None
    return counts[0][0]
