"""Generic nouns standing for a body the dispatch names: "l'établissement", "le département", "l'opérateur"…

Each generic noun may stand for bodies of some kinds (`data/entities.json`); it is resolved to the last body of one of
those kinds named before it, else to the one named most often in the dispatch, else left alone.
"""

import re
from collections import Counter
from functools import lru_cache

from extract.data import load_json
from extract.knowledge import entry
from extract.types import Mention

__all__ = ["resolve_generics"]


@lru_cache(maxsize=1)
def _generics() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    kinds = {noun.casefold(): tuple(k) for noun, k in load_json("entities.json")["generic_bodies"].items()}
    names = "|".join(re.escape(n) for n in sorted(kinds, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.I), kinds


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
        return before[-1]
    counts = Counter(m.norm for m in fitting).most_common(1)
    return next(m for m in fitting if m.norm == counts[0][0]) if counts else None


def _owned(text: str, end: int, bodies: list[Mention]) -> bool:
    """A body's name follows the generic noun ending at `end`, through "de", "du", "des"…"""
    link = OWNER_AFTER.match(text, end)
    return link is not None and any(b.start == link.end() for b in bodies)


def resolve_generics(text: str, bodies: list[Mention]) -> list[Mention]:
    """ORG mentions for the generic nouns of `text` that stand for one of `bodies` (ORG mentions), in order.

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
    return found
