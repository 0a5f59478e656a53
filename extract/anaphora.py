"""Generic nouns standing for a body the dispatch names: "l'établissement", "le département", "l'opérateur"…

Each generic noun may stand for bodies of some kinds (`data/entities.json`); it is resolved to the body of one of those
kinds named just before it, else to the one named most often before it, else to the one named most often in the
dispatch, else left alone.
"""

import re
from collections import Counter
from functools import lru_cache
from typing import Callable

from extract.data import load_json
from extract.knowledge import entry
from extract.types import Mention

__all__ = ["resolve_generics"]

# A body's name taken up by its first word alone, capitalised: "la Caisse des dépôts … la Caisse évalue", "l'Agence".
HEAD_NOUN = re.compile(r"(?<![\w-])(?:[Ll]a |[Ll]e |[Ll]')(?P<head>[A-ZÉÈ][a-zàâçéèêëîïôûù]{3,})(?![\w-])"
                       r"(?! (?:de |d'|du |des )?[A-ZÉ])")


@lru_cache(maxsize=1)
def _generics() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    kinds = {noun.casefold(): tuple(k) for noun, k in load_json("entities.json")["generic_bodies"].items()}
    names = "|".join(re.escape(n) for n in sorted(kinds, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.I), kinds


# A body of a fitting kind named this close before a generic noun (characters: about a sentence) is the one it takes
# up; farther back, the one named most often before it ("l'établissement" two paragraphs after the university the
# dispatch is about and a research body named once in between is the university).
RECENT = 150

# A generic noun with a complement naming a body is that body's own organ ("le conseil d'administration de France
# compétences"), named in full: no body named before stands for it.
OWNER_AFTER = re.compile(r"\s+(?:de la |de l'|des |du |de |d')")


def _kind(mention: Mention) -> str | None:
    known = entry(mention.norm)
    return known.kind if known else None


def _referent(kinds: tuple[str, ...], position: int, bodies: list[Mention]) -> Mention | None:
    fitting = [m for m in bodies if _kind(m) in kinds]
    before = [m for m in fitting if m.end <= position]
    if before:
        if position - before[-1].end <= RECENT:
            return before[-1]
        counts = Counter(m.norm for m in before)
        return max(reversed(before), key=lambda m: counts[m.norm])
    counts = Counter(m.norm for m in fitting).most_common(1)
    return next(m for m in fitting if m.norm == counts[0][0]) if counts else None


def _owned(text: str, end: int, bodies: list[Mention]) -> bool:
    """A body's name follows the generic noun ending at `end`, through "de", "du", "des"…"""
    link = OWNER_AFTER.match(text, end)
    return link is not None and any(b.start == link.end() for b in bodies)


def resolve_generics(text: str, bodies: list[Mention], is_word: Callable[[str], bool] = lambda word: True
                     ) -> list[Mention]:
    """ORG mentions for the generic nouns of `text` that stand for one of `bodies` (ORG mentions), in order, and for
    a body's first word taken up alone when `is_word` says it is a word of the language ("la Caisse", not "l'Opco",
    which names a kind of body).

    >>> bodies = [Mention("ORG", "Département du Cantal", "Département du Cantal", 0, 21, "Auvergne-Rhône-Alpes")]
    >>> [(m.text, m.norm) for m in resolve_generics("Département du Cantal. Le 3 mai, le département vote.", bodies)]
    [('le département', 'Département du Cantal')]
    """
    pattern, kinds = _generics()
    found = []
    for match in pattern.finditer(text):
        if any(b.start < match.end() and match.start() < b.end for b in bodies) or _owned(text, match.end(), bodies):
            continue
        referent = _referent(kinds[match.group(0).casefold()], match.start(), bodies)
        if referent is not None:
            found.append(Mention("ORG", match.group(0), referent.norm, match.start(), match.end(), referent.region))
    return sorted(found + _heads(text, bodies, found, is_word), key=lambda m: m.start)


def _heads(text: str, bodies: list[Mention], taken: list[Mention], is_word: Callable[[str], bool]) -> list[Mention]:
    """ORG mentions for a body's first word taken up alone after it was named whole ("la Caisse" after "la Caisse des
    dépôts"): the last body named before whose name starts with that word and says more."""
    found, named = [], bodies + taken
    for match in HEAD_NOUN.finditer(text):
        head = match.group("head")
        if not is_word(head.lower()) or any(b.start < match.end() and match.start() < b.end for b in named):
            continue
        before = [b for b in bodies if b.end <= match.start() and b.text.startswith(head + " ")]
        if before:
            referent = before[-1]
            found.append(Mention("ORG", head, referent.norm, match.start("head"), match.end("head"), referent.region))
    return found
